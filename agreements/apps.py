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
            # Own columns only: reverse relations (other apps' foreign keys) are not changes
            # of this row and would only clutter the trail.
            auditlog.register(model, include_fields=_own_fields(model))


def _own_fields(model) -> list[str]:
    skip = {"id", "updated_at"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]
