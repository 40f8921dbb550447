"""Every write of the reminder machinery: the sweep, sending, retry, settings and preferences.

The sweep, run by Celery beat every hour or by ``manage.py send_reminders``:

1. **collect** – every rule yields candidates for today (and the catch-up window);
2. **record** – one Reminder row each, ``bulk_create(ignore_conflicts=True)`` against the
   unique constraint, so a second tick, a second worker or a retried task adds nothing;
3. **dispatch** – opted-out kinds are marked skipped; escalation deadlines of people who asked
   for them immediately get their own message; everything else joins the person's one daily
   digest (unique per person and day) once the day's send hour has come;
4. **outbox** – in the same transaction each open message is rendered (each item once, by
   urgency, with its status now) and written to the outbox (core.outbox), which sends it
   exactly once; the message's status follows its outbox row (``_outbox_result``).
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Prefetch, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_actor
from core.models import OutboxMessage
from core.outbox import outbox_enqueue_many, outbox_listen, outbox_retry_for, outbox_send
from reminders.emails import DIGEST_KIND, current_statuses, item_key, message_draft
from reminders.models import (
    ESCALATION_KINDS,
    OPTIONAL_KINDS,
    Message,
    MessageKind,
    MessageStatus,
    Preference,
    Reminder,
    ReminderSettings,
    ReminderStatus,
    email_key,
    user_key,
)
from reminders.rules import Candidate, Window, all_rules

logger = logging.getLogger(__name__)

ATTACH_BATCH = 300


# --- collect ---------------------------------------------------------------------------------
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


def _key(candidate: Candidate) -> str:
    if candidate.recipient is not None:
        return user_key(candidate.recipient.pk)
    return email_key(candidate.email)


def _identity(key: str, ct_id: int, c: Candidate) -> tuple:
    return (key, ct_id, c.object_id, c.scope_id, c.kind, c.due_date, c.occurrence)


def _existing(candidates: list[Candidate], types: dict) -> set[tuple]:
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


def _content_types(candidates: Iterable[Candidate]) -> dict[type, int]:
    models = {c.model for c in candidates}
    return {m: ct.pk for m, ct in ContentType.objects.get_for_models(*models).items()}


@dataclass
class SweepResult:
    today: dt.date
    candidates: int = 0
    new: int = 0
    skipped: int = 0
    messages: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    would_send: list[Candidate] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "candidates": self.candidates,
            "new": self.new,
            "skipped": self.skipped,
            "messages": self.messages,
            "sent": self.sent,
            "failed": self.failed,
            "retrying": self.retrying,
        }


def reminders_record(*, candidates: list[Candidate], now: dt.datetime) -> list[Candidate]:
    """Insert a Reminder per new candidate; return the ones that were new."""
    types = _content_types(candidates) if candidates else {}
    existing = _existing(candidates, types)
    new, seen = [], set()
    for c in candidates:
        ident = _identity(_key(c), types[c.model], c)
        if ident in existing or ident in seen:
            continue
        seen.add(ident)
        new.append(c)
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient=c.recipient,
                recipient_key=_key(c),
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
    return new


# --- dispatch --------------------------------------------------------------------------------
def _daily_open(*, today: dt.date, now: dt.datetime, config: ReminderSettings) -> bool:
    local = timezone.localtime(now)
    return today < local.date() or local.hour >= config.send_hour


def _skip_opted_out(rows: list[dict]) -> tuple[list[dict], int, dict]:
    """Mark reminders of kinds their recipient opted out of as skipped. Two queries."""
    user_ids = {r["recipient_id"] for r in rows if r["recipient_id"]}
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}
    skip = [
        r["pk"]
        for r in rows
        if r["recipient_id"] in prefs and not prefs[r["recipient_id"]].wants(r["kind"])
    ]
    if skip:
        Reminder.objects.filter(pk__in=skip, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SKIPPED
        )
    skipped = set(skip)
    immediate_users = {uid for uid, p in prefs.items() if p.escalation_immediately}
    kept = [
        dict(r, immediate=r["recipient_id"] in immediate_users)
        for r in rows
        if r["pk"] not in skipped
    ]
    return kept, len(skip), prefs


def _attach(mapping: dict[int, list[int]]) -> None:
    """Give unattached reminders their message: message id -> reminder ids, batched."""
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
    transaction. Returns how many reminders were skipped (opted out)."""
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
        Message.objects.filter(status=MessageStatus.PENDING)
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
    drafts, hidden, empty = [], [], []
    for message in messages:
        left_out = _hidden(message, blocked)
        hidden.extend(r.pk for r in left_out)
        kept = [r for r in message.to_send if r not in left_out]
        draft = message_draft(message, kept, today=today, statuses=statuses) if kept else None
        if draft is None or not message.email:
            empty.append(message.pk)
        else:
            drafts.append(draft)
    if hidden:
        Reminder.objects.filter(pk__in=hidden).update(status=ReminderStatus.SKIPPED)
    if empty:
        # Nothing left to say: give the reminders back and drop the empty shell.
        Reminder.objects.filter(message_id__in=empty, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SKIPPED
        )
        Message.objects.filter(pk__in=empty).delete()
    outbox_enqueue_many(drafts)
    Message.objects.filter(pk__in=[d.related.pk for d in drafts]).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now()
    )
    return len(hidden)


# --- the outbox's results ----------------------------------------------------------------------
def _outbox_result(ids: list[int], state: str, answer: str, at: dt.datetime) -> None:
    """The send log follows the outbox row (same transaction as the row's own UPDATE)."""
    if state == OutboxMessage.State.SENT:
        Message.objects.filter(pk__in=ids).update(
            status=MessageStatus.SENT, sent_at=at, last_error="", attempts=F("attempts") + 1
        )
        Reminder.objects.filter(message_id__in=ids, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SENT
        )
        return
    status = MessageStatus.FAILED if state == OutboxMessage.State.FAILED else MessageStatus.SENDING
    Message.objects.filter(pk__in=ids).update(
        status=status, last_error=answer[:2000], attempts=F("attempts") + 1
    )


outbox_listen(
    DIGEST_KIND,
    _outbox_result,
    tables={Message._meta.db_table: '"attempts"', Reminder._meta.db_table: "'sent'"},
)


@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)


def messages_send(*, message_ids: list[int]) -> SendResult:
    """Send the outbox rows of these messages now, in this process (the sweep command);
    a worker that has them already is not raced: the outbox claims each row once."""
    rows = list(
        OutboxMessage.objects.filter(
            kind=DIGEST_KIND,
            related_id__in=message_ids,
            state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.SENDING),
        ).values_list("pk", "related_id")
    )
    to_message = dict(rows)
    result = SendResult()
    batch = settings.OUTBOX_BATCH_SIZE
    ids = [pk for pk, _mid in rows]
    for start in range(0, len(ids), batch):
        sent = outbox_send(ids[start : start + batch])
        result.sent += [to_message[pk] for pk in sent.sent]
        result.failed += [to_message[pk] for pk in sent.failed]
        result.retry += [to_message[pk] for pk in sent.retry]
    return result


# --- the sweep -------------------------------------------------------------------------------
def reminder_sweep(
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    send: bool = True,
    now: dt.datetime | None = None,
) -> SweepResult:
    """Collect, record, dispatch (into the outbox) and, unless ``send`` is False, send now.

    ``dry_run`` writes nothing and lists in ``would_send`` the reminders that are new.
    Safe to run any number of times, concurrently too: each reminder is sent once. Without
    ``send`` a worker sends the outbox rows after commit (or the outbox's beat job).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    config = ReminderSettings.load() if not dry_run else _config_readonly()
    candidates = reminder_candidates(today=today, config=config)
    result = SweepResult(today=today, candidates=len(candidates))
    if dry_run:
        types = _content_types(candidates) if candidates else {}
        existing = _existing(candidates, types)
        result.would_send = [
            c for c in candidates if _identity(_key(c), types[c.model], c) not in existing
        ]
        result.new = len(result.would_send)
        return result
    result.new = len(reminders_record(candidates=candidates, now=now))
    result.skipped = messages_dispatch(today=today, now=now, config=config)
    ready = list(
        Message.objects.filter(status=MessageStatus.SENDING, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    result.messages = len(ready)
    if send:
        sent = messages_send(message_ids=ready)
        result.sent, result.failed, result.retrying = (
            len(sent.sent),
            len(sent.failed),
            len(sent.retry),
        )
    return result


def _config_readonly() -> ReminderSettings:
    return ReminderSettings.objects.filter(pk=1).first() or ReminderSettings(pk=1)


# --- Förvaltare and users --------------------------------------------------------------------
def message_retry(*, message: Message, actor) -> Message:
    """Send a failed message again (from the send log): the same outbox row, so nobody gets
    it twice."""
    if message.status != MessageStatus.FAILED:
        raise ValidationError(_("Bara misslyckade utskick kan skickas igen."))
    with transaction.atomic(), audit_actor(actor):
        message.attempts = 0
        if outbox_retry_for(Message, [message.pk]):
            message.status = MessageStatus.SENDING
            message.save(update_fields=["status", "attempts"])
        else:
            # Failed before the outbox existed: written to it now, like any open message.
            message.status = MessageStatus.PENDING
            message.save(update_fields=["status", "attempts"])
            messages_enqueue(today=timezone.localdate())
            message.refresh_from_db()
    return message


def settings_update(*, config: ReminderSettings, actor, data: dict) -> ReminderSettings:
    """Change lead times and sending rules (Förvaltare)."""
    for name, value in data.items():
        setattr(config, name, value)
    config.full_clean()
    if config.checklist_second_days >= config.checklist_first_days:
        raise ValidationError(
            {
                "checklist_second_days": _(
                    "Den sista påminnelsen måste komma närmare tidsgränsen än den första."
                )
            }
        )
    with transaction.atomic(), audit_actor(actor):
        config.save()
    return config


def preference_update(
    *,
    user,
    actor,
    escalation_immediately: bool,
    opted_out: Iterable[str],
    hide_blocked: bool = False,
) -> Preference:
    """A user's own choices. Escalation deadlines cannot be opted out of."""
    opted = sorted(set(opted_out))
    unknown = [k for k in opted if k not in OPTIONAL_KINDS]
    if unknown:
        raise ValidationError(_("Påminnelser om tidsgränser i eskaleringen kan inte väljas bort."))
    with transaction.atomic(), audit_actor(actor):
        pref = Preference.objects.select_for_update().filter(user=user).first()
        pref = pref or Preference(user=user)
        pref.escalation_immediately = escalation_immediately
        pref.opted_out = opted
        pref.hide_blocked = hide_blocked
        pref.full_clean()
        pref.save()
    return pref
