"""Sending an invitation's e-mails exactly once, through the outbox (core.outbox).

``invitation_send`` queues the recipients ("Köad") in the registrar's request; the task then
writes their e-mails to the outbox in batches here (one render per recipient would stall the
request) and the outbox sends them, exactly once each: the outbox key is the recipient, and the
outbox claims, sends and records every message. The recipient's status follows its outbox row
in the same transaction (``_outbox_result``). A lost task (broker down) delays e-mails but
never loses them: ``invitations_to_recover`` (a beat job) finds queued recipients with no
outbox row.

Audit: the delivery receipts (``_outbox_result``, one short transaction per message by design)
record no event of their own — the outbox row is the log of each delivery, shown on the
invitation's progress page. The invitation's move to "skickad" is recorded (actor: the system).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from conferences.audit import InvitationAction
from conferences.emails import INVITATION_KIND, invitations_enqueue
from conferences.models import Invitation, Recipient
from conferences.workflow import INVITATION_FLOW, RECIPIENT_FLOW
from core.audit import record, record_many
from core.models import OutboxMessage
from core.outbox import outbox_listen, outbox_without

R = Recipient.Status
Inv = Invitation.Status

ENQUEUE_CHUNK = 500


def _unwritten(invitation_id: int):
    """Queued recipients whose e-mail is not in the outbox yet."""
    queued = Recipient.objects.filter(invitation_id=invitation_id, status=R.KOAD)
    return outbox_without(Recipient, queued)


def invitation_dispatch(invitation_id: int) -> int:
    """Write the e-mails of the queued recipients to the outbox, ``ENQUEUE_CHUNK`` per
    transaction; the outbox sends each chunk after its commit. Safe to run twice: the outbox
    key is the recipient. Returns how many rows were written."""
    written = 0
    while True:
        with transaction.atomic():
            chunk = list(
                _unwritten(invitation_id)
                .select_related("invitation__conference")
                .order_by("pk")[:ENQUEUE_CHUNK]
            )
            if not chunk:
                break
            written += len(invitations_enqueue(chunk))
    invitation_refresh_status(invitation_id)
    return written


# What is still queued or being sent (the invitation is not done while any is).
BUSY = tuple(RECIPIENT_FLOW["skickad"].sources)

_OUTBOX_TO_RECIPIENT = {
    OutboxMessage.State.SENT: R.SKICKAD,
    OutboxMessage.State.FAILED: R.MISSLYCKAD,
    OutboxMessage.State.PENDING: R.KOAD,  # a transient refusal: tried again later
}


def _outbox_result(ids: list[int], state: str, answer: str, at: dt.datetime) -> None:
    """The recipient's log follows its outbox row (same transaction as the row's UPDATE)."""
    fields = {"status": _OUTBOX_TO_RECIPIENT[state]}
    if state == OutboxMessage.State.SENT:
        fields.update(sent_at=at, error="")
    else:
        fields.update(sent_at=None, error=answer[:500])
    Recipient.objects.filter(pk__in=ids).update(**fields)


def _outbox_batch_done(ids: list[int]) -> None:
    invitation_ids = set(
        Recipient.objects.filter(pk__in=ids).values_list("invitation_id", flat=True).distinct()
    )
    for invitation_id in sorted(invitation_ids):
        invitation_refresh_status(invitation_id)


outbox_listen(
    INVITATION_KIND,
    _outbox_result,
    _outbox_batch_done,
    tables={Recipient._meta.db_table: '"sent_at"'},
)


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.INVITATION_CLAIM_STALE_SECONDS)


def invitations_to_recover(*, now: dt.datetime | None = None) -> list[int]:
    """Invitations with queued recipients whose e-mail is still not in the outbox after the
    stale time (the dispatch task was lost: the broker was down or restarted empty, or the
    worker died). Also closes invitations that are done."""
    now = now or timezone.now()
    limit = now - _stale_after()
    waiting = outbox_without(
        Recipient,
        Recipient.objects.filter(
            Q(status=R.KOAD, queued_at__lt=limit) | Q(status=R.KOAD, queued_at__isnull=True)
        ),
    )
    ids = list(waiting.order_by("invitation_id").values_list("invitation_id", flat=True).distinct())
    with transaction.atomic():
        finished = list(
            Invitation.objects.select_for_update()
            .filter(status__in=INVITATION_FLOW["avsluta"].sources)
            .exclude(Exists(Recipient.objects.filter(invitation=OuterRef("pk"), status__in=BUSY)))
        )
        if finished:
            Invitation.objects.filter(pk__in=[i.pk for i in finished]).update(
                status=INVITATION_FLOW["avsluta"].target, sent_at=now
            )
            record_many(
                actor=None,
                action=InvitationAction.FINISHED,
                objs=finished,
                data={"status": [Inv.SKICKAS, Inv.SKICKAD]},
            )
    return ids


def invitation_refresh_status(invitation_id: int) -> None:
    """Mark the invitation sent when nothing is queued or being sent any more."""
    busy = Recipient.objects.filter(invitation_id=invitation_id, status__in=BUSY).exists()
    if busy:
        return
    finished = Invitation.objects.filter(
        pk=invitation_id, status__in=INVITATION_FLOW["avsluta"].sources
    ).update(status=INVITATION_FLOW["avsluta"].target, sent_at=timezone.now())
    if finished:  # once per invitation (a few queries), never per message
        record(
            actor=None,
            action=InvitationAction.FINISHED,
            obj=Invitation.objects.only("pk", "subject").get(pk=invitation_id),
            data={"status": [Inv.SKICKAS, Inv.SKICKAD]},
        )
