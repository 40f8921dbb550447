"""Sending: claim in one UPDATE, one SMTP connection per batch, each message recorded at once."""

import base64
import datetime as dt
import hashlib
import logging
import smtplib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox.listeners import _listeners, _notify
from core.outbox.writing import _send_after_commit, _setting, stale_after

logger = logging.getLogger("core.outbox")

S = OutboxMessage.State


# --- Sending --------------------------------------------------------------------------------


@dataclass
class SendResult:
    claimed: int = 0
    sent: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    next_retry_in: float | None = None  # seconds until the earliest retry, if any


def _claimable(now: dt.datetime) -> Q:
    """Due and pending, or held by a sender that has shown no sign of life for too long (its
    worker died: a live sender renews its claim, so it never looks stale)."""
    return Q(state=S.PENDING, next_attempt_at__lte=now) | Q(
        state=S.SENDING, claimed_at__lt=now - stale_after()
    )


def _claim(ids: list[int] | None, token: uuid.UUID, now: dt.datetime, limit: int) -> int:
    """ONE UPDATE: the rows nobody else holds become ours."""
    rows = OutboxMessage.objects.filter(_claimable(now))
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    else:
        due = OutboxMessage.objects.filter(_claimable(now)).order_by("next_attempt_at", "pk")
        rows = rows.filter(pk__in=list(due.values_list("pk", flat=True)[:limit]))
    return rows.update(state=S.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)


_senders: dict[str, object] = {}


def register_sender(kind: str, sender) -> None:
    """Messages of ``kind`` come from ``sender()`` (a callable returning an address, read at
    send time so a setting can change it); other kinds from DEFAULT_FROM_EMAIL."""
    _senders[kind] = sender


def sender_for(kind: str) -> str:
    sender = _senders.get(kind)
    return (sender() if sender else "") or settings.DEFAULT_FROM_EMAIL


def email_for(row: OutboxMessage, connection_=None) -> EmailMultiAlternatives:
    """The e-mail of a stored row. Its Message-ID comes from the key, so a receiving system
    can tell a repeat (the one window above) from a new message."""
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "hosportalen"
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=sender_for(row.kind),
        to=row.to,
        reply_to=row.reply_to or None,
        connection=connection_,
        headers={"Message-ID": f"<{digest}.{row.pk}@{domain}>"},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for item in row.attachments:
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return message


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def describe_error(error: BaseException) -> tuple[str, bool]:
    """The server's answer for the log, and whether trying again later may help (4xx, a
    broken connection, a timeout) rather than not (5xx, a bad address, a bug)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        text = "; ".join(f"{code} {_text(reply)}" for code, reply in answers)
        transient = bool(answers) and all(400 <= code < 500 for code, _reply in answers)
        return f"{type(error).__name__}: {text}", transient
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
        return text, 400 <= error.smtp_code < 500
    transient = isinstance(error, (OSError, smtplib.SMTPServerDisconnected, TimeoutError))
    return f"{type(error).__name__}: {error}", transient


def _keeps_connection(error: BaseException) -> bool:
    """After a refusal the SMTP session is reset and usable; after anything else it may not
    be, so the next message gets a fresh connection."""
    return isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException))


def _close_quietly(conn) -> None:
    try:
        conn.close()
    except Exception:  # closing a broken connection may fail; nothing to save
        logger.debug("SMTP-anslutningen kunde inte stängas snyggt", exc_info=True)


def _write(update) -> int:
    """Run one recording UPDATE, reconnecting if the database connection was dropped: the
    server has accepted the message, so giving up here would send it again later."""
    tries = _setting("OUTBOX_RECORD_TRIES", 20)
    for attempt in range(tries):
        try:
            return update()
        except DatabaseError:
            if attempt == tries - 1 or connection.in_atomic_block:
                raise
            logger.warning("Databasen svarade inte när ett skickat e-brev skulle noteras; igen.")
            connection.close()
            time.sleep(min(0.1 * 2**attempt, 2.0))
    return 0


class _Claim:
    """The rows one sender holds, and the statements that record what happened to them."""

    def __init__(self, token: uuid.UUID, now: dt.datetime):
        self.token, self.renewed_at, self.lost = token, now, False

    def ours(self):
        return OutboxMessage.objects.filter(claim=self.token, state=S.SENDING)

    def sent(self, row: OutboxMessage, answer: str) -> None:
        """ONE UPDATE for one message, right after the server accepted it."""
        now = timezone.now()
        done = _write(lambda: self._record(row, now, state=S.SENT, sent_at=now, last_answer=answer))
        if not done:
            self._lose(row.pk)
        elif now - self.renewed_at > stale_after() / 5:
            _write(lambda: self.ours().update(claimed_at=now))
            self.renewed_at = now

    def refused(self, row: OutboxMessage, text: str, transient: bool, result: SendResult) -> None:
        limit = _setting("OUTBOX_MAX_ATTEMPTS", 5)
        now = timezone.now()
        if transient and row.attempts < limit:
            delay = _setting("OUTBOX_RETRY_BASE_SECONDS", 60) * 2 ** (row.attempts - 1)
            fields = {"state": S.PENDING, "next_attempt_at": now + dt.timedelta(seconds=delay)}
            result.retry.append(row.pk)
            result.next_retry_in = min(result.next_retry_in or delay, delay)
            logger.warning("E-brev %s skickas igen om %s s: %s", row.pk, delay, text)
        else:
            fields = {"state": S.FAILED}
            result.failed.append(row.pk)
            logger.error("E-brev %s (%s) kunde inte skickas: %s", row.pk, row.kind, text)
        fields.update(claim=None, claimed_at=None, last_answer=text)
        _write(lambda: self._record(row, now, **fields))

    def _record(self, row: OutboxMessage, now: dt.datetime, **fields) -> int:
        """ONE UPDATE of the row (plus the feature's own log in the same transaction)."""
        fields["last_answer"] = fields["last_answer"][:1000]
        if row.kind not in _listeners:
            return self.ours().filter(pk=row.pk).update(**fields)
        # No savepoint inside an outer transaction: these statements are the receipt.
        with transaction.atomic(savepoint=False):
            done = self.ours().filter(pk=row.pk).update(**fields)
            if done:
                _notify(row, fields["state"], fields["last_answer"], now)
            return done

    def _lose(self, pk: int) -> None:
        # Our claim went stale and another sender took the rows over: stop, never race it.
        logger.error("Utskicksomgång %s har tappat e-brev %s; avbryter.", self.token, pk)
        self.lost = True


def outbox_send(ids: list[int] | None = None, *, limit: int | None = None) -> SendResult:
    """Send the given rows (or, without ids, up to ``limit`` due rows) that this call can
    claim. Safe to run twice, at once on two workers, or after a worker died."""
    limit = limit or _setting("OUTBOX_BATCH_SIZE", 200)
    now, token, result = timezone.now(), uuid.uuid4(), SendResult()
    result.claimed = _claim(ids, token, now, limit)
    if not result.claimed:
        return result
    claim = _Claim(token, now)
    rows = list(claim.ours().order_by("pk"))
    _send_over_one_connection(rows, claim, result)
    _after_batch(rows)
    return result


def _after_batch(rows: list[OutboxMessage]) -> None:
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        if row.related_id is not None:
            by_kind.setdefault(row.kind, []).append(row.related_id)
    for kind, related_ids in by_kind.items():
        listener = _listeners.get(kind)
        if listener is not None and listener.after_batch is not None:
            listener.after_batch(related_ids)


def _send_over_one_connection(rows: list[OutboxMessage], claim: _Claim, result) -> None:
    conn = get_connection(fail_silently=False)
    is_open = False
    for index, row in enumerate(rows):
        if claim.lost:
            break
        try:
            if not is_open:
                conn.open()
                is_open = True
        except Exception as error:  # noqa: BLE001 - no server: every row left gets the reason
            text, transient = describe_error(error)
            for left in rows[index:]:
                claim.refused(left, text, transient, result)
            break
        try:
            answer = _send_one(conn, row)
        except Exception as error:  # noqa: BLE001 - logged on the row; retried or shown
            text, transient = describe_error(error)
            claim.refused(row, text, transient, result)
            if not _keeps_connection(error):
                _close_quietly(conn)
                is_open = False
            continue
        claim.sent(row, answer)
        result.sent.append(row.pk)
    if is_open:
        _close_quietly(conn)


def _send_one(conn, row: OutboxMessage) -> str:
    if not row.to:
        raise smtplib.SMTPRecipientsRefused({"": (550, b"ingen mottagaradress")})
    replies = _listen_for_data_reply(conn)
    conn.send_messages([email_for(row, conn)])
    if replies:
        code, text = replies[-1]
        return f"{code} {_text(text)}"
    return "250 OK"


def _listen_for_data_reply(conn) -> list:
    """The server's answer to DATA for each message (smtplib does not keep it)."""
    smtp = getattr(conn, "connection", None)
    if smtp is None or not hasattr(smtp, "data"):
        return []
    replies = getattr(smtp, "_outbox_replies", None)
    if replies is None:
        replies = smtp._outbox_replies = []
        original = smtp.data

        def data(msg):
            reply = original(msg)
            replies.append(reply)
            return reply

        smtp.data = data
    return replies


def outbox_recover(*, now: dt.datetime | None = None) -> list[list[int]]:
    """The ids a beat tick should send: pending rows that are due (their trigger was lost,
    or a retry is due) and rows held by a sender whose claim went stale. In batches."""
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(_claimable(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:10000]
    )
    size = _setting("OUTBOX_BATCH_SIZE", 200)
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def outbox_retry(*, message: OutboxMessage) -> OutboxMessage:
    """Send a failed message again (from a dispatch log)."""
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, state=S.FAILED).update(
            state=S.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        if updated:
            _send_after_commit([message.pk])
    message.refresh_from_db()
    return message


def outbox_retry_for(model, ids: Iterable[int]) -> int:
    """Send again the failed messages of these objects of ``model`` (one UPDATE, then one
    trigger after commit). Runs inside the caller's transaction."""
    rows = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(model),
        related_id__in=list(ids),
        state=S.FAILED,
    )
    pks = list(rows.values_list("pk", flat=True))
    if pks:
        OutboxMessage.objects.filter(pk__in=pks, state=S.FAILED).update(
            state=S.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        _send_after_commit(pks)
    return len(pks)


def outbox_without(model, queryset):
    """``queryset`` (of ``model``) narrowed to the objects that have no outbox row yet."""
    from django.db.models import Exists, OuterRef

    return queryset.exclude(
        Exists(
            OutboxMessage.objects.filter(
                related_type=ContentType.objects.get_for_model(model), related_id=OuterRef("pk")
            )
        )
    )
