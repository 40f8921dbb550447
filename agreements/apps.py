from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Avtal och parter")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from agreements import models

        for model in (
            models.Federation,
            models.JointBody,
            models.Delregion,
            models.Party,
            models.Agreement,
            models.Milestone,
            models.Decision,
            models.AgreementDocument,
        ):
            auditlog.register(model)
