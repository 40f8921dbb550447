from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Eskalering")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from escalation import models

        auditlog.register(models.LadderStep, exclude_fields=["rules", "cases", "periods"])
        auditlog.register(models.HandlerRule)
        auditlog.register(
            models.Case,
            exclude_fields=[
                "events",
                "handler_links",
                "periods",
                "proposals",
                "pauses",
                "attachments",
            ],
        )
        auditlog.register(models.CaseStepPeriod, exclude_fields=["handlers"])
        auditlog.register(models.CaseEvent)
        auditlog.register(models.Category, exclude_fields=["cases"])
        auditlog.register(models.CaseContact)
        auditlog.register(models.CaseMailbox)
        auditlog.register(models.ResolutionProposal)
        auditlog.register(models.CasePause)
        auditlog.register(models.Attachment)
