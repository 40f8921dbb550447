from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ExternalIdentity, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "party", "is_active")
    list_filter = ("role", "party__kind", "is_active", "is_demo")
    list_select_related = ("party",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Roll i portalen"), {"fields": ("role", "party", "title", "hsa_id")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Roll i portalen"), {"fields": ("email", "role", "party", "title")}),
    )


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "provider", "subject", "created_at", "last_used_at")
    list_select_related = ("user", "provider")
    search_fields = ("subject", "user__username", "user__email")
