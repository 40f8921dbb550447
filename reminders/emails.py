"""The reminder e-mail: one person's items, each once, grouped by urgency, with their status.

A digest may carry several reminders about one object (the first and the last reminder and an
overdue one, caught up after a pause); people read items, not reminders, so they collapse to
the latest. Items are grouped Försenat → I dag → Hinder rapporterat → Kommande and show the
object's status now (read when the digest is written, in a fixed number of queries).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.outbox import Draft
from reminders.models import Kind, Message, MessageKind, Reminder

DIGEST_KIND = "paminnelse"

OVERDUE, TODAY, BLOCKED, UPCOMING = "overdue", "today", "blocked", "upcoming"
HEADINGS = {
    OVERDUE: gettext_lazy("Försenat"),
    TODAY: gettext_lazy("Tidsgräns i dag"),
    BLOCKED: gettext_lazy("Hinder rapporterat"),
    UPCOMING: gettext_lazy("Kommande"),
}
ORDER = (OVERDUE, TODAY, BLOCKED, UPCOMING)


@dataclass(frozen=True)
class Status:
    """An object's status now: its label, and the reason when it is a reported blocker."""

    label: str
    blocked: bool = False
    reason: str = ""


@dataclass
class Line:
    reminder: Reminder
    kind_label: str
    link: str
    urgency: str
    due_text: str
    status_text: str

    @property
    def overdue(self) -> bool:
        return self.urgency == OVERDUE


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def item_key(reminder: Reminder) -> tuple:
    """What a person sees as one item: one object (and, for checklist items, one unit)."""
    return (reminder.content_type_id, reminder.object_id, reminder.scope_id)


def collapse(reminders: list[Reminder]) -> list[Reminder]:
    """Each item once: the latest reminder about it (latest send day, then occurrence)."""
    latest: dict[tuple, Reminder] = {}
    for r in reminders:
        kept = latest.get(item_key(r))
        if kept is None or (r.send_on, r.occurrence, r.pk) > (
            kept.send_on,
            kept.occurrence,
            kept.pk,
        ):
            latest[item_key(r)] = r
    return list(latest.values())


def current_statuses(reminders: list[Reminder]) -> dict[tuple, Status]:
    """The status now of each item that has one (checklist items, escalation steps). One query
    per kind of object, whatever the number of items."""
    found: dict[tuple, Status] = {}
    checklist = [r for r in reminders if r.kind.startswith("checklist")]
    if checklist:
        found.update(_checklist_statuses(checklist))
    escalation = [r for r in reminders if r.kind.startswith("escalation")]
    if escalation:
        found.update(_escalation_statuses(escalation))
    return found


def _checklist_statuses(reminders: list[Reminder]) -> dict[tuple, Status]:
    from implementation.models import Progress
    from implementation.models import Status as ProgressStatus

    # Narrowed by both ids and matched in Python: an OR of thousands of pairs would break
    # SQLite's expression depth limit.
    rows = Progress.objects.filter(
        responsibility_id__in={r.object_id for r in reminders},
        unit_id__in={r.scope_id for r in reminders},
    ).only("responsibility_id", "unit_id", "status", "blocker_reason")
    by_pair = {(p.responsibility_id, p.unit_id): p for p in rows}
    result = {}
    for r in reminders:
        progress = by_pair.get((r.object_id, r.scope_id))
        if progress is None:
            result[item_key(r)] = Status(str(ProgressStatus.EJ_PABORJAD.label))
        else:
            blocked = progress.status == ProgressStatus.HINDER
            result[item_key(r)] = Status(
                progress.get_status_display(), blocked, progress.blocker_reason.strip()
            )
    return result


def _escalation_statuses(reminders: list[Reminder]) -> dict[tuple, Status]:
    from escalation.models import CaseStepPeriod

    periods = CaseStepPeriod.objects.filter(pk__in={r.object_id for r in reminders}).select_related(
        "case"
    )
    by_pk = {p.pk: p for p in periods}
    return {
        item_key(r): Status(by_pk[r.object_id].case.get_status_display())
        for r in reminders
        if r.object_id in by_pk
    }


def blocked_items(reminders: list[Reminder]) -> set[tuple]:
    """The items whose blocker has already been reported (Hinder)."""
    return {key for key, status in current_statuses(reminders).items() if status.blocked}


def _urgency(due: dt.date, today: dt.date, status: Status | None) -> str:
    if due < today:
        return BLOCKED if status is not None and status.blocked else OVERDUE
    if due == today:
        return TODAY
    return UPCOMING


def due_text(due: dt.date, urgency: str, status: Status | None = None) -> str:
    """One wording for every line (the issue found "Tidsgräns" and "Tidsgränsen var" mixed)."""
    date = date_format(due, "j F Y")
    if urgency == TODAY:
        return _("Tidsgränsen är i dag, %(date)s.") % {"date": date}
    if urgency == UPCOMING:
        return _("Tidsgränsen är %(date)s.") % {"date": date}
    if urgency == BLOCKED:
        if status is not None and status.reason:
            reason = status.reason.rstrip(". ")
            text = _("Hinder rapporterat (orsak: %(reason)s).") % {"reason": reason}
        else:
            text = _("Hinder rapporterat.")
        return f"{text} " + _("Tidsgränsen var %(date)s.") % {"date": date}
    return _("Försenat: tidsgränsen var %(date)s.") % {"date": date}


def grouped(
    reminders: list[Reminder], *, today: dt.date, statuses: dict | None = None
) -> list[tuple[str, list[Line]]]:
    """(heading, lines) by urgency; each item once; within a group by due date, then area."""
    statuses = current_statuses(reminders) if statuses is None else statuses
    labels = {k.value: str(k.label) for k in Kind}
    groups: dict[str, list[Line]] = {key: [] for key in ORDER}
    for r in collapse(reminders):
        status = statuses.get(item_key(r))
        urgency = _urgency(r.due_date, today, status)
        groups[urgency].append(
            Line(
                reminder=r,
                kind_label=labels.get(r.kind, r.kind),
                link=absolute(r.url),
                urgency=urgency,
                due_text=due_text(r.due_date, urgency, status),
                status_text=status.label if status is not None else "",
            )
        )
    return [
        (
            str(HEADINGS[key]),
            sorted(
                groups[key],
                key=lambda x: (x.reminder.due_date, x.reminder.source, x.reminder.title),
            ),
        )
        for key in ORDER
        if groups[key]
    ]


def subject_for(message: Message, count: int) -> str:
    day = date_format(message.day, "j F Y")
    if message.kind == MessageKind.IMMEDIATE:
        return _("Tidsgräns i eskaleringen – %(day)s") % {"day": day}
    return ngettext(
        "Din påminnelse %(day)s (%(count)s sak)",
        "Dina påminnelser %(day)s (%(count)s saker)",
        count,
    ) % {"day": day, "count": count}


def message_draft(message: Message, reminders: list[Reminder], *, today: dt.date, statuses):
    """The outbox draft of a message (always in Swedish); None when nothing is left to say."""
    with translation.override("sv"):
        groups = grouped(reminders, today=today, statuses=statuses)
        count = sum(len(lines) for _heading, lines in groups)
        if not count:
            return None
        return Draft(
            key=f"reminders:message:{message.pk}",
            kind=DIGEST_KIND,
            to=[message.email],
            subject=subject_for(message, count),
            template="reminders/emails/digest",
            context={
                "message": message,
                "recipient": message.recipient,
                "groups": groups,
                "count": count,
                "today": today,
                "preferences_url": absolute("/paminnelser/val/"),
                "index_url": absolute("/paminnelser/"),
            },
            related=message,
        )
