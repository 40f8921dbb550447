"""The audit vocabulary of the bodies app (``core.audit``): what a user reads in the history
of a body, a member, a meeting or an issue."""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class BodyAction(AuditAction):
    PER_CAPSULAM = "bodies.body.per_capsulam", _("Beslut per capsulam registrerades")


class MemberAction(AuditAction):
    SAVED = "bodies.member.saved", _("Ledamoten sparades")
    ENDED = "bodies.member.ended", _("Ledamotens mandat avslutades")


class MeetingAction(AuditAction):
    CREATED = "bodies.meeting.created", _("Mötet skapades")
    UPDATED = "bodies.meeting.updated", _("Mötet ändrades")
    DELETED = "bodies.meeting.deleted", _("Mötet togs bort")
    CALLED = "bodies.meeting.call", _("Mötet markerades som kallat")
    HELD = "bodies.meeting.hold", _("Mötet markerades som genomfört")
    APPROVED = "bodies.meeting.approve", _("Protokollet justerades")
    BACK_TO_DRAFT = "bodies.meeting.back_to_draft", _("Mötet gick tillbaka till utkast")
    PARTICIPANT_ADDED = "bodies.meeting.participant_added", _("En kallad lades till")
    PARTICIPANT_REMOVED = "bodies.meeting.participant_removed", _("En kallad togs bort")
    ATTENDANCE_SET = "bodies.meeting.attendance_set", _("Närvaron registrerades")
    ITEM_ADDED = "bodies.meeting.item_added", _("En punkt lades till på dagordningen")
    ITEM_UPDATED = "bodies.meeting.item_updated", _("En punkt på dagordningen ändrades")
    ITEM_MOVED = "bodies.meeting.item_moved", _("Dagordningen ordnades om")
    ITEM_DELETED = "bodies.meeting.item_deleted", _("En punkt togs bort från dagordningen")
    OUTCOME_ADDED = "bodies.meeting.outcome_added", _("Ett utfall registrerades")
    OUTCOME_DELETED = "bodies.meeting.outcome_deleted", _("Ett utfall togs bort")


# The event of each meeting transition (MEETING_FLOW's action names).
TRANSITION_EVENTS = {
    "call": MeetingAction.CALLED,
    "hold": MeetingAction.HELD,
    "approve": MeetingAction.APPROVED,
    "back_to_draft": MeetingAction.BACK_TO_DRAFT,
}


class ParticipantAction(AuditAction):
    CALLED = "bodies.participant.called", _("Kallades till mötet")


class OutcomeAction(AuditAction):
    DONE = "bodies.outcome.done", _("Åtgärden markerades som klar")
    REOPENED = "bodies.outcome.reopened", _("Åtgärden markerades som inte klar")


class IssueAction(AuditAction):
    RAISED = "bodies.issue.raised", _("Frågan väcktes")
    UPDATED = "bodies.issue.updated", _("Frågan ändrades")
    ON_AGENDA = "bodies.issue.on_agenda", _("Frågan sattes på dagordningen")
    MOVED = "bodies.issue.moved", _("Frågan flyttades till ett annat organ")
    ANSWERED = "bodies.issue.answered", _("Frågan besvarades")


class CalendarAction(AuditAction):
    TOKEN = "bodies.calendar.token", _("Kalenderadressen skapades eller förnyades")
