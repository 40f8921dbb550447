from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Gemensamt")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core import checks  # noqa: F401  (registers the portal's system checks)
        from core.models import AccessibilityReport

        auditlog.register(AccessibilityReport)

        from auditlog.models import LogEntry
        from django.db.models.signals import post_save

        from core.audit import bump_on_log_entry

        post_save.connect(bump_on_log_entry, sender=LogEntry, dispatch_uid="core-data-version")
