"""Steps 1 and 2 of the sweep: **collect** what every rule says is due and **record** one
Reminder row per new candidate (``bulk_create(ignore_conflicts=True)`` against the unique
constraint, so a second tick, a second worker or a retried task adds nothing)."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from core.audit import record_many
from reminders.audit import ReminderAction
from reminders.models import Reminder, ReminderSettings, email_key, user_key
from reminders.rules import Candidate, Window, all_rules


def send_time(day: dt.date, config: ReminderSettings) -> dt.datetime:
    """The nominal moment a reminder of ``day`` is sent (the digest hour, local time)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(config.send_hour)))


def reminder_candidates(*, today: dt.date, config: ReminderSettings) -> list[Candidate]:
    """What every rule says is due, without objects created after their send time passed."""
    window = Window(today=today, config=config)
    found = []
    with translation.override("sv"):
        for rule in all_rules():
            found.extend(rule.collect(window))
    return [
        c for c in found if c.created_at is None or c.created_at <= send_time(c.send_on, config)
    ]


def candidate_key(candidate: Candidate) -> str:
    if candidate.recipient is not None:
        return user_key(candidate.recipient.pk)
    return email_key(candidate.email)


def identity(key: str, ct_id: int, c: Candidate) -> tuple:
    return (key, ct_id, c.object_id, c.scope_id, c.kind, c.due_date, c.occurrence)


def existing(candidates: list[Candidate], types: dict) -> set[tuple]:
    """Identities of the candidates that already have a Reminder row. One query."""
    if not candidates:
        return set()
    rows = Reminder.objects.filter(
        kind__in={c.kind for c in candidates},
        due_date__in={c.due_date for c in candidates},
        content_type_id__in=set(types.values()),
    ).values_list(
        "recipient_key",
        "content_type_id",
        "object_id",
        "scope_id",
        "kind",
        "due_date",
        "occurrence",
    )
    return set(rows)


def content_types(candidates: Iterable[Candidate]) -> dict[type, int]:
    models = {c.model for c in candidates}
    return {m: ct.pk for m, ct in ContentType.objects.get_for_models(*models).items()}


def reminders_record(*, candidates: list[Candidate], now: dt.datetime) -> list[Candidate]:
    """Insert a Reminder per new candidate; return the ones that were new. Each inserted row
    gets a ``recorded`` event (the system's; one INSERT for all)."""
    types = content_types(candidates) if candidates else {}
    known = existing(candidates, types)
    new, seen = [], set()
    for c in candidates:
        ident = identity(candidate_key(c), types[c.model], c)
        if ident in known or ident in seen:
            continue
        seen.add(ident)
        new.append(c)
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient=c.recipient,
                recipient_key=candidate_key(c),
                email=(c.recipient.email if c.recipient is not None else c.email) or "",
                content_type_id=types[c.model],
                object_id=c.object_id,
                scope_id=c.scope_id,
                kind=c.kind,
                due_date=c.due_date,
                occurrence=c.occurrence,
                send_on=c.send_on,
                source=str(c.source)[:60],
                title=str(c.title)[:500],
                url=c.url,
                created_at=now,
            )
            for c in new
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    if new:
        # ignore_conflicts returns no keys: the rows this sweep inserted carry its ``now``.
        inserted = Reminder.objects.filter(created_at=now, content_type_id__in=set(types.values()))
        record_many(
            actor=None,
            action=ReminderAction.RECORDED,
            objs=inserted,
            data=lambda r: {
                "kind": r.kind,
                "due_date": r.due_date.isoformat(),
                "send_on": r.send_on.isoformat(),
            },
        )
    return new
