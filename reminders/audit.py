"""The audit vocabulary of the reminders app (``core.audit``): what a Förvaltare reads in the
history of a message and of the reminder settings. The sweep's events have no actor (the
system)."""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class ReminderAction(AuditAction):
    RECORDED = "reminders.reminder.recorded", _("Påminnelsen registrerades")
    SKIPPED = "reminders.reminder.skipped", _("Påminnelsen valdes bort")


class MessageAction(AuditAction):
    QUEUED = "reminders.message.queued", _("Utskicket lades i utkorgen")
    DROPPED = "reminders.message.dropped", _("Utskicket hade inget att säga och togs bort")
    RETRIED = "reminders.message.retried", _("Utskicket skickades igen")


class SettingsAction(AuditAction):
    UPDATED = "reminders.settings.updated", _("Inställningarna för påminnelser ändrades")


class PreferenceAction(AuditAction):
    UPDATED = "reminders.preference.updated", _("Valen för påminnelser ändrades")
