from django.contrib import admin

from core.models import AccessibilityReport, Heartbeat


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "page_url", "status")
    list_filter = ("status",)


admin.site.register(Heartbeat)
