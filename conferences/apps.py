from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Konferenser")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from conferences import models

        auditlog.register(models.Conference)
        auditlog.register(models.ProgrammeItem)
        auditlog.register(models.PreMeeting)
        auditlog.register(models.ConferenceDocument)
        auditlog.register(models.Invitation)
        # Health-related answers never enter the audit trail: they must be deletable.
        auditlog.register(
            models.Registration, exclude_fields=["diet", "allergies", "accessibility", "token"]
        )
