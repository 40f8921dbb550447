"""The conferences app's audit vocabulary: what the history tables say happened.

Values are ``conferences.<object>.<verb>``; labels are Swedish, past tense. Every service in
``conferences.services`` (and ``conferences.evidence_link``) records one of these inside its
transaction (``core.audit.record`` / ``record_many`` on the bulk paths).
"""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class ConferenceAction(AuditAction):
    CREATED = "conferences.conference.created", _("Konferensen skapades")
    UPDATED = "conferences.conference.updated", _("Konferensen ändrades")
    STATUS_CHANGED = "conferences.conference.status_changed", _("Konferensens status ändrades")
    MARKED_HELD = "conferences.conference.marked_held", _("Konferensen markerades som genomförd")
    CANCELLED = "conferences.conference.cancelled", _("Konferensen ställdes in")
    CANCEL_UNDONE = "conferences.conference.cancel_undone", _("Inställningen ångrades")
    CANCEL_NOTIFIED = (
        "conferences.conference.cancel_notified",
        _("Besked om den inställda konferensen skickades"),
    )
    DELETED = "conferences.conference.deleted", _("Konferensen togs bort")
    FULL_NOTIFIED = (
        "conferences.conference.full_notified",
        _("Arrangören fick besked om att konferensen är fullbokad"),
    )
    CHECKIN_OPENED = (
        "conferences.conference.checkin_opened",
        _("Incheckningen öppnades i förväg"),
    )
    SENSITIVE_PURGED = (
        "conferences.conference.sensitive_purged",
        _("Känsliga uppgifter raderades"),
    )
    PROGRAMME_ADDED = "conferences.conference.programme_added", _("En programpunkt lades till")
    PROGRAMME_REMOVED = "conferences.conference.programme_removed", _("En programpunkt togs bort")
    PRE_MEETING_ADDED = "conferences.conference.pre_meeting_added", _("Ett förmöte lades till")
    PRE_MEETING_REMOVED = "conferences.conference.pre_meeting_removed", _("Ett förmöte togs bort")
    DOCUMENT_ADDED = "conferences.conference.document_added", _("Ett dokument laddades upp")
    DOCUMENT_REMOVED = "conferences.conference.document_removed", _("Ett dokument togs bort")
    EVIDENCE_LINKED = (
        "conferences.conference.evidence_linked",
        _("Konferensen kopplades till checklistan"),
    )
    EVIDENCE_UNLINKED = (
        "conferences.conference.evidence_unlinked",
        _("Kopplingen till checklistan togs bort"),
    )


class InvitationAction(AuditAction):
    CREATED = "conferences.invitation.created", _("Inbjudan skapades")
    UPDATED = "conferences.invitation.updated", _("Inbjudans text ändrades")
    RECIPIENTS_ADDED = "conferences.invitation.recipients_added", _("Mottagare lades till")
    SENT = "conferences.invitation.sent", _("Inbjudan skickades")
    RETRIED = "conferences.invitation.retried", _("Misslyckade utskick försöktes igen")
    REMINDED = "conferences.invitation.reminded", _("Påminnelse skickades")
    FINISHED = "conferences.invitation.finished", _("Utskicket blev klart")


class RecipientAction(AuditAction):
    ADDED = "conferences.recipient.added", _("Mottagaren lades till")
    QUEUED = "conferences.recipient.queued", _("Inbjudan köades till mottagaren")
    REQUEUED = "conferences.recipient.requeued", _("Utskicket till mottagaren försöktes igen")
    REMINDED = "conferences.recipient.reminded", _("Mottagaren påmindes")
    DECLINED = "conferences.recipient.declined", _("Mottagaren tackade nej")
    REMOVED = "conferences.recipient.removed", _("Mottagaren togs bort")


class RegistrationAction(AuditAction):
    CREATED = "conferences.registration.created", _("Anmälan gjordes")
    CONFIRMED = "conferences.registration.confirmed", _("Anmälan bekräftades")
    UPDATED = "conferences.registration.updated", _("Anmälan ändrades")
    CANCELLED = "conferences.registration.cancelled", _("Anmälan avbokades")
    OFFERED = "conferences.registration.offered", _("En ledig plats erbjöds")
    OFFER_ACCEPTED = "conferences.registration.offer_accepted", _("Erbjuden plats accepterades")
    OFFER_LAPSED = "conferences.registration.offer_lapsed", _("Erbjudandet gick ut")
    EXPIRED = "conferences.registration.expired", _("Obekräftad anmälan togs bort")
    CHECKED_IN = "conferences.registration.checked_in", _("Deltagaren checkades in")
    CHECKED_OUT = "conferences.registration.checked_out", _("Närvaron togs bort")
    SENSITIVE_PURGED = (
        "conferences.registration.sensitive_purged",
        _("Känsliga uppgifter raderades"),
    )
