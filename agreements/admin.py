from django.contrib import admin

from agreements.models import (
    Agreement,
    AgreementDocument,
    Decision,
    Delregion,
    Federation,
    JointBody,
    Milestone,
    Party,
)
from core.admin import HTTPS_URL_FIELDS


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "federation", "delregion", "is_agreement_party")
    list_filter = ("kind", "federation", "delregion", "is_agreement_party")
    list_select_related = ("federation", "delregion")
    search_fields = ("name",)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = (
        "short_title",
        "kind",
        "generation",
        "valid_from",
        "valid_to",
        "decision_deadline",
    )
    list_filter = ("generation", "kind")


admin.site.register(Federation)
admin.site.register(JointBody)
admin.site.register(Delregion)
admin.site.register(Milestone)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Read-only here: decisions are recorded and corrected through the register's forms,
    whose service checks the domain rules and keeps the audit trail."""

    list_display = ("party", "agreement", "decided_on", "body", "outcome", "planned_date")
    list_filter = ("outcome", "body", "agreement", "is_demo")
    list_select_related = ("party", "agreement")
    search_fields = ("party__name", "reference")
    date_hierarchy = "decided_on"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("title", "agreement", "added_at", "added_by")
    list_select_related = ("agreement", "added_by")

    def has_add_permission(self, request) -> bool:
        return False  # uploads go through the agreement page, which checks the file
