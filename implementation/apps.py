from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "implementation"
    verbose_name = _("Genomförande")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from implementation.models import (
            DevelopmentNeed,
            Phase,
            Progress,
            Responsibility,
            Unit,
            UnitMembership,
        )

        auditlog.register(Unit)
        auditlog.register(Phase)
        auditlog.register(Responsibility)
        auditlog.register(UnitMembership)
        auditlog.register(Progress, exclude_fields=["updated_at", "status_changed_at"])
        auditlog.register(DevelopmentNeed)
