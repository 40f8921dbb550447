from django.contrib import admin

from implementation.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "party", "level", "parent")
    list_filter = ("level", "party__kind")
    list_select_related = ("party", "parent")
    search_fields = ("name", "party__name")
    prepopulated_fields = {"slug": ("name",)}
