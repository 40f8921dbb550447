"""The escalation app's audit vocabulary: what users read in a case's (or a step's, or a
party's) history. Values are ``escalation.<object>.<verb>``; labels Swedish, past tense."""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class CaseAction(AuditAction):
    OPENED = "escalation.case.opened", _("Ärendet öppnades")
    COMMENTED = "escalation.case.commented", _("En kommentar lades till")
    ATTACHED = "escalation.case.attached", _("En bilaga lades till")
    DETAILS_UPDATED = "escalation.case.details_updated", _("Ärendets uppgifter ändrades")
    ESCALATED = "escalation.case.escalated", _("Ärendet eskalerades")
    PAUSED = "escalation.case.paused", _("Ärendet sattes som vilande")
    RESUMED = "escalation.case.resumed", _("Klockan startades igen")
    RESOLVED = "escalation.case.resolved", _("Ärendet löstes: parterna är överens")
    DECIDED = "escalation.case.decided", _("Organets beslut registrerades")
    REOPENED = "escalation.case.reopened", _("Ärendet återupptogs")
    CLOSED = "escalation.case.closed", _("Ärendet avslutades")
    CANCELLED = "escalation.case.cancelled", _("Ärendet avslutades utan att ha lösts")
    HANDLERS_ADDED = "escalation.case.handlers_added", _("Handläggare lades till på steget")


class ProposalAction(AuditAction):
    PROPOSED = "escalation.proposal.proposed", _("En lösning föreslogs")
    CONFIRMED = "escalation.proposal.confirmed", _("Lösningsförslaget bekräftades")
    REJECTED = "escalation.proposal.rejected", _("Lösningsförslaget avvisades")
    WITHDRAWN = "escalation.proposal.withdrawn", _("Lösningsförslaget drogs tillbaka")


class PeriodAction(AuditAction):
    NOTIFIED = "escalation.period.notified", _("Stegets handläggare fick besked")


class LadderAction(AuditAction):
    STEP_CREATED = "escalation.step.created", _("Steget skapades")
    STEP_UPDATED = "escalation.step.updated", _("Steget ändrades")
    RULE_ADDED = "escalation.rule.added", _("En hanterarregel lades till")
    RULE_REMOVED = "escalation.rule.removed", _("En hanterarregel togs bort")


class ContactAction(AuditAction):
    APPOINTED = "escalation.contact.appointed", _("En ärendeansvarig utsågs")
    REMOVED = "escalation.contact.removed", _("En ärendeansvarig togs bort")
    MAILBOX_SET = "escalation.mailbox.set", _("Funktionsadressen för ärenden sparades")
    MAILBOX_REMOVED = "escalation.mailbox.removed", _("Funktionsadressen för ärenden togs bort")


class CalendarAction(AuditAction):
    TOKEN = "escalation.calendar.token", _("Kalenderadressen skapades eller förnyades")
