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
