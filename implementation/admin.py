from django.contrib import admin

from core.admin import HTTPS_URL_FIELDS
from implementation.models import (
    DevelopmentNeed,
    Phase,
    Progress,
    ProgressLog,
    Responsibility,
    Unit,
    UnitMembership,
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "party", "level", "parent")
    list_filter = ("level", "party__kind")
    list_select_related = ("party", "parent")
    search_fields = ("name", "party__name")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("parent",)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "starts_on", "ends_on", "order")


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "phase", "level", "due_date", "is_active")
    list_filter = ("phase", "level", "is_active")
    list_select_related = ("phase",)
    search_fields = ("code", "title")


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("user", "unit")
    raw_id_fields = ("unit", "user")


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("unit", "responsibility", "status", "updated_at")
    list_filter = ("status",)
    list_select_related = ("unit", "responsibility")
    raw_id_fields = ("unit", "responsibility", "updated_by")


@admin.register(ProgressLog)
class ProgressLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "unit", "responsibility_title", "status_after", "author")
    list_select_related = ("unit", "author")
    raw_id_fields = ("progress", "unit", "responsibility", "author")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log is a record: never rewritten


@admin.register(DevelopmentNeed)
class DevelopmentNeedAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "status", "owner")
    list_filter = ("status",)
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "responsibility", "created_by")
