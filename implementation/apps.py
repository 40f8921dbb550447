from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "implementation"
    verbose_name = _("Genomförande")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from implementation.models import Unit

        auditlog.register(Unit)
