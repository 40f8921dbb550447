from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Påminnelser")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from reminders.models import Message, Preference, ReminderSettings

        auditlog.register(ReminderSettings)
        auditlog.register(Preference, exclude_fields=["updated_at"])
        # Only the manual retry saves a Message through the ORM; sends are bulk updates.
        auditlog.register(Message, include_fields=["status", "attempts"])

        # The send log follows the digests' outbox rows (core.outbox listeners).
        import reminders.services  # noqa: F401
