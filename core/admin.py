from django.contrib import admin
from django.db import models

from core.models import AccessibilityReport, Heartbeat, OutboxMessage

# Links typed without a scheme are taken as https (the portal's own forms do the same); also
# what Django 6 will assume, so the admin's URL fields raise no deprecation warning.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "page_url", "status")
    list_filter = ("status",)


admin.site.register(Heartbeat)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "subject", "state", "attempts", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("key", "subject")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
