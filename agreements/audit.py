"""The agreements app's audit vocabulary: what the history tables say happened.

Every event of a decision carries ``party_id`` (and ``agreement_id``) in its data: a party's
page reads its decisions' history by it (``agreements.selectors.board.party_overview``),
including decisions that were later removed.
"""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class DecisionAction(AuditAction):
    RECORDED = "agreements.decision.recorded", _("Beslutet registrerades")
    CORRECTED = "agreements.decision.corrected", _("Beslutet rättades")
    REMOVED = "agreements.decision.removed", _("Beslutet togs bort")


class AgreementAction(AuditAction):
    DOCUMENT_ADDED = "agreements.agreement.document_added", _("Ett dokument lades till")
    DOCUMENT_REMOVED = "agreements.agreement.document_removed", _("Ett dokument togs bort")


class AddressAction(AuditAction):
    SET = "agreements.address.set", _("Funktionsadressen ändrades")
