from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Konferenser")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from conferences import models

        # Reverse relations are left out: they only add noise to the trail.
        auditlog.register(
            models.Conference,
            exclude_fields=[
                "programme",
                "pre_meetings",
                "documents",
                "invitations",
                "registrations",
                "capacity_notified_at",
                "cancel_previous_status",
                "cancel_notified_at",
            ],
        )
        auditlog.register(models.ProgrammeItem)
        auditlog.register(models.PreMeeting)
        auditlog.register(models.ConferenceDocument)
        auditlog.register(models.Invitation, exclude_fields=["recipients"])
        auditlog.register(
            models.Recipient, include_fields=["declined_at", "reminded_round", "email", "name"]
        )
        # Health-related answers never enter the audit trail: they must be deletable.
        auditlog.register(
            models.Registration,
            exclude_fields=[
                "diet",
                "diet_choices",
                "allergies",
                "accessibility",
                "token",
                "recipient",
            ],
        )
        auditlog.register(models.ChecklistLink)

        # Attendance is evidence on the implementation checklist (the lower app's registry).
        from conferences.evidence_link import conference_evidence
        from implementation import evidence

        evidence.register(conference_evidence)

        # The recipients' dispatch log follows their outbox rows (core.outbox listeners).
        import conferences.services.dispatch  # noqa: F401
