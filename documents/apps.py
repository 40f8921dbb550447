from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Gemensamma dokument och utskick")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from documents import models

        auditlog.register(models.Document, m2m_fields={"agreements", "responsibilities"})
        auditlog.register(models.DocumentVersion)
        auditlog.register(models.VersionFile)
        auditlog.register(models.RemissRound)
        auditlog.register(models.RemissRecipient)
        auditlog.register(models.RemissAnswerFile)
        auditlog.register(models.Backing)
        auditlog.register(models.Dispatch)
        auditlog.register(models.DispatchAttachment)
        auditlog.register(models.DispatchRecipient)

        # Remiss and dispatch mail comes from the configurable sender (DISPATCH_FROM_EMAIL).
        from core.outbox import register_sender
        from documents.emails import SENDER_KINDS, dispatch_sender

        for kind in SENDER_KINDS:
            register_sender(kind, dispatch_sender)

        # The backing state shows on the checklist items a document relates to.
        from documents.evidence import backing_evidence
        from implementation import evidence

        evidence.register(backing_evidence)
