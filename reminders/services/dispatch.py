"""Steps 3 and 4 of the sweep: **dispatch** pending reminders into messages (opted-out kinds
skipped; escalation deadlines of people who asked for them immediately in their own message;
everything else in the person's one daily digest, unique per person and day, once the day's
send hour has come) and **enqueue** each open message in the outbox, in the same transaction
(each item once, by urgency, with its status now). ``MESSAGE_FLOW``/``REMINDER_FLOW`` say
which moves these are; every one is recorded (``reminders.audit``, the system's)."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Prefetch, Value, When
from django.utils import timezone

from core.audit import record_many
from core.outbox import outbox_enqueue_many
from reminders.audit import MessageAction, ReminderAction
from reminders.emails import current_statuses, item_key, message_draft
from reminders.models import (
    ESCALATION_KINDS,
    Message,
    MessageKind,
    MessageStatus,
    Preference,
    Reminder,
    ReminderSettings,
    ReminderStatus,
)
from reminders.workflow import MESSAGE_FLOW, REMINDER_FLOW, sources

ATTACH_BATCH = 300
SKIP = REMINDER_FLOW["skip"]
ENQUEUE = MESSAGE_FLOW["enqueue"]


def _skip(reminders, reason: str) -> None:
    """Mark pending reminders skipped (one UPDATE) and record why (one INSERT)."""
    reminders = list(reminders)
    if not reminders:
        return
    Reminder.objects.filter(
        pk__in=[r.pk for r in reminders], status__in=sources(REMINDER_FLOW, "skip")
    ).update(status=SKIP.target)
    record_many(
        actor=None,
        action=ReminderAction.SKIPPED,
        objs=reminders,
        data={"status": [ReminderStatus.PENDING, SKIP.target], "reason": reason},
    )


def _daily_open(*, today: dt.date, now: dt.datetime, config: ReminderSettings) -> bool:
    local = timezone.localtime(now)
    return today < local.date() or local.hour >= config.send_hour


def _skip_opted_out(rows: list[dict]) -> tuple[list[dict], int, dict]:
    """Mark reminders of kinds their recipient opted out of as skipped."""
    user_ids = {r["recipient_id"] for r in rows if r["recipient_id"]}
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}
    skip = [
        r["pk"]
        for r in rows
        if r["recipient_id"] in prefs and not prefs[r["recipient_id"]].wants(r["kind"])
    ]
    if skip:
        _skip(Reminder.objects.filter(pk__in=skip), "opted_out")
    skipped = set(skip)
    immediate_users = {uid for uid, p in prefs.items() if p.escalation_immediately}
    kept = [
        dict(r, immediate=r["recipient_id"] in immediate_users)
        for r in rows
        if r["pk"] not in skipped
    ]
    return kept, len(skip), prefs


def _attach(mapping: dict[int, list[int]]) -> None:
    """Give unattached reminders their message: message id -> reminder ids, batched (the
    message's ``queued`` event names them)."""
    items = list(mapping.items())
    for start in range(0, len(items), ATTACH_BATCH):
        chunk = items[start : start + ATTACH_BATCH]
        pks = [pk for _mid, ids in chunk for pk in ids]
        Reminder.objects.filter(
            pk__in=pks, message__isnull=True, status=ReminderStatus.PENDING
        ).update(message_id=Case(*[When(pk__in=ids, then=Value(mid)) for mid, ids in chunk]))


def _group(rows: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["recipient_key"]].append(r)
    return groups


def _new_message(rows: list[dict], *, day: dt.date, kind: str) -> Message:
    first = rows[0]
    return Message(
        recipient_id=first["recipient_id"],
        recipient_key=first["recipient_key"],
        email=first["email"],
        day=day,
        kind=kind,
    )


def _dispatch_immediate(rows: list[dict], *, today: dt.date) -> None:
    groups = _group(rows)
    if not groups:
        return
    created = Message.objects.bulk_create(
        [_new_message(g, day=today, kind=MessageKind.IMMEDIATE) for g in groups.values()]
    )
    _attach({m.pk: [r["pk"] for r in groups[m.recipient_key]] for m in created})


def _dispatch_daily(rows: list[dict], *, today: dt.date) -> None:
    groups = _group(rows)
    if not groups:
        return
    Message.objects.bulk_create(
        [_new_message(g, day=today, kind=MessageKind.DAILY) for g in groups.values()],
        ignore_conflicts=True,
        batch_size=1000,
    )
    open_messages = dict(
        Message.objects.filter(
            kind=MessageKind.DAILY,
            day=today,
            status=MessageStatus.PENDING,
            recipient_key__in=list(groups),
        ).values_list("recipient_key", "pk")
    )
    _attach({mid: [r["pk"] for r in groups[key]] for key, mid in open_messages.items()})


def messages_dispatch(*, today: dt.date, now: dt.datetime, config: ReminderSettings) -> int:
    """Put pending reminders into messages and write each message to the outbox, in one
    transaction. Returns how many reminders were skipped (opted out). A message created here
    is enqueued (or dropped) in the same transaction, and that is its recorded event."""
    with transaction.atomic():
        # One dispatch at a time: a message is written to the outbox with exactly the
        # reminders attached to it, which a second sweep must not change meanwhile.
        ReminderSettings.objects.select_for_update().filter(pk=config.pk).first()
        rows = list(
            Reminder.objects.filter(
                status=ReminderStatus.PENDING, message__isnull=True, send_on__lte=today
            ).values("pk", "recipient_id", "recipient_key", "email", "kind")
        )
        rows, skipped, _prefs = _skip_opted_out(rows)
        immediate = [r for r in rows if r["immediate"] and r["kind"] in ESCALATION_KINDS]
        _dispatch_immediate(immediate, today=today)
        if _daily_open(today=today, now=now, config=config):
            daily = [r for r in rows if not (r["immediate"] and r["kind"] in ESCALATION_KINDS)]
            _dispatch_daily(daily, today=today)
        skipped += messages_enqueue(today=today)
    return skipped


def _open_messages() -> list[Message]:
    pending = Reminder.objects.filter(status=ReminderStatus.PENDING).order_by(
        "source", "due_date", "pk"
    )
    return list(
        Message.objects.filter(status__in=sources(MESSAGE_FLOW, "enqueue"))
        .select_related("recipient", "recipient__reminder_preference")
        .prefetch_related(Prefetch("reminders", queryset=pending, to_attr="to_send"))
        .order_by("pk")
    )


def _hidden(message: Message, blocked: set[tuple]) -> list[Reminder]:
    """The reminders about reported blockers that the person chose to leave out."""
    pref = getattr(message.recipient, "reminder_preference", None) if message.recipient else None
    if pref is None or not pref.hide_blocked:
        return []
    return [r for r in message.to_send if item_key(r) in blocked]


def messages_enqueue(*, today: dt.date) -> int:
    """Write every open message to the outbox (the caller's transaction) and close it; a
    message left with nothing to say is removed. Returns how many reminders were left out."""
    messages = _open_messages()
    every = [r for m in messages for r in m.to_send]
    statuses = current_statuses(every) if every else {}
    blocked = {key for key, status in statuses.items() if status.blocked}
    drafts, hidden, empty, sent_with = [], [], [], {}
    for message in messages:
        left_out = _hidden(message, blocked)
        hidden.extend(left_out)
        kept = [r for r in message.to_send if r not in left_out]
        draft = message_draft(message, kept, today=today, statuses=statuses) if kept else None
        if draft is None or not message.email:
            empty.append(message)
        else:
            drafts.append(draft)
            sent_with[message.pk] = [r.pk for r in kept]
    _skip(hidden, "hidden_blocked")
    if empty:
        # Nothing left to say: give the reminders back and drop the empty shell.
        left = [r for m in empty for r in m.to_send if r not in hidden]
        _skip(left, "empty_message")
        record_many(
            actor=None,
            action=MessageAction.DROPPED,
            objs=empty,
            data=lambda m: {"day": m.day.isoformat(), "kind": m.kind},
        )
        Message.objects.filter(pk__in=[m.pk for m in empty]).delete()
    outbox_enqueue_many(drafts)
    queued = [d.related for d in drafts]
    Message.objects.filter(pk__in=[m.pk for m in queued]).update(
        status=ENQUEUE.target, claimed_at=timezone.now()
    )
    record_many(
        actor=None,
        action=MessageAction.QUEUED,
        objs=queued,
        data=lambda m: {
            "status": [MessageStatus.PENDING, ENQUEUE.target],
            "reminders": sent_with[m.pk],
        },
    )
    return len(hidden)
