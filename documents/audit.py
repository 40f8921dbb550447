"""The audit vocabulary of the documents app (``core.audit``): what a user reads in the
history of a document, a version, a remiss round or a dispatch."""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class DocumentAction(AuditAction):
    CREATED = "documents.document.created", _("Dokumentet skapades")
    UPDATED = "documents.document.updated", _("Dokumentet ändrades")


class VersionAction(AuditAction):
    CREATED = "documents.version.created", _("Versionen skapades")
    UPDATED = "documents.version.updated", _("Versionen ändrades")
    FILE_ADDED = "documents.version.file_added", _("En fil lades till")
    LOCKED = "documents.version.locked", _("Versionen skickades och låstes")
    BACKING = "documents.version.backing", _("En parts beslut registrerades")


class RoundAction(AuditAction):
    CREATED = "documents.round.created", _("Remissen skapades")
    SENT = "documents.round.sent", _("Remissen skickades")
    REMINDED = "documents.round.reminded", _("Påminnelser om remissen skickades")
    ANSWERED = "documents.round.answered", _("Ett remissvar registrerades")


class RecipientAction(AuditAction):
    ADDED = "documents.recipient.added", _("Lades till som remissinstans")
    MAILED = "documents.recipient.mailed", _("Remissen skickades till instansen")
    REMINDED = "documents.recipient.reminded", _("Instansen påmindes")
    ANSWERED = "documents.recipient.answered", _("Instansen svarade")


class DispatchAction(AuditAction):
    CREATED = "documents.dispatch.created", _("Utskicket skapades")
    SENT = "documents.dispatch.sent", _("Utskicket skickades")
    REMINDED = "documents.dispatch.reminded", _("Påminnelser om kvittens skickades")
    CONFIRMED = "documents.dispatch.confirmed", _("En mottagare kvitterade")


class DispatchRecipientAction(AuditAction):
    ADDED = "documents.dispatch_recipient.added", _("Fick utskicket")
    REMINDED = "documents.dispatch_recipient.reminded", _("Påmindes om kvittens")
    CONFIRMED = "documents.dispatch_recipient.confirmed", _("Kvitterade utskicket")
