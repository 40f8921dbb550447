from django.contrib import admin

from reminders.models import Message, Preference, Reminder, ReminderSettings


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not ReminderSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "escalation_immediately", "updated_at")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("day", "email", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "day")
    search_fields = ("email",)
    raw_id_fields = ("recipient",)
    readonly_fields = ("claim_token", "claimed_at", "sent_at", "attempts", "last_error")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("send_on", "email", "kind", "title", "due_date", "status")
    list_filter = ("status", "kind", "send_on")
    search_fields = ("email", "title")
    raw_id_fields = ("recipient", "message")
    list_select_related = ("message",)
