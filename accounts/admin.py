from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "party", "is_active")
    list_filter = ("role", "party__kind", "is_active", "is_demo")
    list_select_related = ("party",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Roll i portalen"), {"fields": ("role", "party", "title")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Roll i portalen"), {"fields": ("email", "role", "party", "title")}),
    )
