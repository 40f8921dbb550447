"""Read-mostly admin views. Cases and the ladder are changed through the portal's pages, whose
services keep the timeline and the audit trail; the admin is for looking things up."""

from django.contrib import admin

from escalation.models import Case, CaseEvent, CaseStepPeriod, HandlerRule, LadderStep


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HandlerRuleInline(admin.TabularInline):
    model = HandlerRule
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LadderStep)
class LadderStepAdmin(ReadOnlyAdmin):
    list_display = ("order", "name", "time_limit", "time_unit", "warning_percent", "is_provisional")
    inlines = [HandlerRuleInline]


class PeriodInline(admin.TabularInline):
    model = CaseStepPeriod
    extra = 0
    fields = ("step_order", "step_name", "started_at", "deadline", "ended_at")
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "text")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "title",
        "kind",
        "status",
        "step_order",
        "step_deadline",
        "reporting_party",
        "receiving_party",
    )
    list_filter = ("status", "kind", "step_order", "is_systemic")
    search_fields = ("title", "diarienummer")
    list_select_related = ("reporting_party", "receiving_party")
    inlines = [PeriodInline, EventInline]
