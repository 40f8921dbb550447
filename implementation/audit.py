"""What implementation tracking records in the audit trail (``core.audit.record``), in the words
a user reads in an object's history.

Events are recorded on the object whose page shows them: progress and its evidence on the
item's progress row (the item's page in a unit), appointments on the unit (the unit and its
members page), catalogue changes on the phase or item, needs on the need.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


def stored(label) -> str:
    """A choice's label as an event's data keeps it: in the portal's language (Swedish),
    whatever the language of the request that wrote it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


class ProgressAction(AuditAction):
    UPDATED = "implementation.progress.updated", _("Framsteget rapporterades")
    BULK_UPDATED = "implementation.progress.bulk_updated", _("Framsteget rapporterades via mall")
    MARKED_DONE = "implementation.progress.marked_done", _("Markerades klar utifrån underlag")
    EVIDENCE_ADDED = "implementation.progress.evidence_added", _("Underlag lades till")
    EVIDENCE_REMOVED = "implementation.progress.evidence_removed", _("Underlag togs bort")


class UnitAction(AuditAction):
    CREATED = "implementation.unit.created", _("Enheten skapades")
    IMPORTED = "implementation.unit.imported", _("Enheten skapades vid import")
    UPDATED = "implementation.unit.updated", _("Enheten ändrades")
    MEMBER_APPOINTED = "implementation.unit.member_appointed", _("En person utsågs")
    MEMBER_ENDED = "implementation.unit.member_ended", _("Ett uppdrag avslutades")


class PhaseAction(AuditAction):
    UPDATED = "implementation.phase.updated", _("Fasen ändrades")


class ItemAction(AuditAction):
    CREATED = "implementation.item.created", _("Ansvaret skapades")
    UPDATED = "implementation.item.updated", _("Ansvaret ändrades")
    DUE_MOVED = "implementation.item.due_moved", _("Datumet flyttades med fasen")
    RETIRED = "implementation.item.retired", _("Ansvaret avvecklades")
    RESTORED = "implementation.item.restored", _("Ansvaret blev aktivt igen")


class NeedAction(AuditAction):
    CREATED = "implementation.need.created", _("Utvecklingsbehovet skapades")
    UPDATED = "implementation.need.updated", _("Utvecklingsbehovet ändrades")
