"""Read-mostly admin views of onboarding's rows (the daily work is on /organisation/)."""

from django.contrib import admin

from onboarding.models import ImportBatch, Invitation, InvitedRole


class InvitedRoleInline(admin.TabularInline):
    model = InvitedRole
    extra = 0
    raw_id_fields = ("unit",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "first_name",
        "last_name",
        "party",
        "created_at",
        "used_at",
        "revoked_at",
    )
    list_filter = ("party",)
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("token_hash", "created_at", "last_sent_at", "sent_count", "used_at", "user")
    inlines = [InvitedRoleInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "party", "uploaded_by", "created_at", "applied_at")
    readonly_fields = (
        "party",
        "uploaded_by",
        "filename",
        "sha256",
        "rows",
        "summary",
        "applied_at",
    )
