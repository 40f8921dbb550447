"""The onboarding app's audit vocabulary (``core.audit.record``/``record_many``): what the
history tables of invitations, import files and units say, in the past tense."""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class InvitationAction(AuditAction):
    SENT = "onboarding.invitation.sent", _("Inbjudan skickades")
    RESENT = "onboarding.invitation.resent", _("Inbjudan skickades igen")
    REVOKED = "onboarding.invitation.revoked", _("Inbjudan återkallades")
    ACCEPTED = "onboarding.invitation.accepted", _("Inbjudan accepterades och kontot skapades")
    ROLE_ADDED = "onboarding.invitation.role_added", _("Ett uppdrag lades till i inbjudan")
    ROLE_DROPPED = (
        "onboarding.invitation.role_dropped",
        _("Uppdraget togs bort ur inbjudan när enheten avvecklades"),
    )
    APPOINTED = "onboarding.invitation.appointed", _("En befintlig person utsågs via inbjudan")


class ImportAction(AuditAction):
    CHECKED = "onboarding.import.checked", _("Importfilen kontrollerades")
    APPLIED = "onboarding.import.applied", _("Importen genomfördes")
    PRUNED = "onboarding.import.pruned", _("Importfilens rader rensades efter en vecka")


class UnitAction(AuditAction):
    RETIRED = "onboarding.unit.retired", _("Enheten avvecklades")
    RESTORED = "onboarding.unit.restored", _("Enheten återställdes")
    MEMBERSHIP_ENDED = (
        "onboarding.membership.ended_by_retirement",
        _("Uppdraget avslutades när enheten avvecklades"),
    )


class UserAction(AuditAction):
    UPDATED = "onboarding.user.updated", _("Kontot ändrades av förvaltaren")
