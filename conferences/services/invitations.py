"""Invitations: the text, sending, reminding and retrying; an invitee's decline.

Each recipient row is the dispatch log of one e-mail. ``invitation_send`` queues the recipients
("Köad") in the registrar's request and starts the background dispatch
(``conferences.services.dispatch``), which writes the e-mails to the outbox and follows their
delivery. Adding recipients: ``conferences.services.recipients``.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences import selectors
from conferences.audit import ConferenceAction, InvitationAction, RecipientAction
from conferences.models import Conference, Invitation, Recipient
from conferences.services.recipients import _check_draftable, _check_open_for_recipients
from conferences.workflow import CONFERENCE_FLOW, INVITATION_FLOW, RECIPIENT_FLOW
from core.audit import audit_actor, record, record_many
from core.outbox import outbox_retry_for

logger = logging.getLogger(__name__)

R = Recipient.Status


def invitation_default_text(conference: Conference) -> tuple[str, str]:
    """Subject and body prefilled from the conference, like the source invitation."""
    subject = _("Inbjudan: %(title)s") % {"title": conference.title}
    body = render_to_string(
        "conferences/email/invitation_default_body.txt", {"conference": conference}
    ).strip()
    return subject, body


def _check_subject(subject: str) -> None:
    if any(c in subject for c in "\r\n\u2028\u2029"):
        raise ValidationError({"subject": _("Skriv ämnesraden på en rad, utan radbrytningar.")})


def invitation_create(*, conference: Conference, subject: str, body: str, actor) -> Invitation:
    _check_subject(subject)
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation(conference=conference, subject=subject, body=body, created_by=actor)
        _check_draftable(invitation)
        invitation.full_clean()
        invitation.save()
        record(actor=actor, action=InvitationAction.CREATED, obj=invitation)
    return invitation


def invitation_update(*, invitation: Invitation, subject: str, body: str, actor) -> Invitation:
    _check_subject(subject)
    editable = RECIPIENT_FLOW["andra_text"].sources
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.recipients.exclude(status__in=editable).exists():
            raise ValidationError(
                _("Inbjudan har redan börjat skickas och texten kan inte ändras längre.")
            )
        changes = {}
        if invitation.subject != subject:
            changes["subject"] = [invitation.subject, subject]
        if invitation.body != body:
            changes["body"] = _("ändrad")
        invitation.subject, invitation.body = subject, body
        invitation.full_clean()
        invitation.save()
        record(actor=actor, action=InvitationAction.UPDATED, obj=invitation, data=changes)
    return invitation


def recipient_decline(*, recipient: Recipient, actor=None) -> Recipient:
    """The invitee declines through the link in the invitation (idempotent)."""
    from conferences.models import Registration
    from conferences.workflow import ACTIVE

    with transaction.atomic(), audit_actor(actor):
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        conference = recipient.invitation.conference
        if Registration.objects.filter(
            conference=conference, email__iexact=recipient.email, status__in=ACTIVE
        ).exists():
            raise ValidationError(
                _("Du är redan anmäld. Vill du inte komma, avboka med länken i bekräftelsemejlet.")
            )
        if recipient.declined_at is None:
            recipient.declined_at = timezone.now()
            recipient.save(update_fields=["declined_at"])
            record(actor=actor, action=RecipientAction.DECLINED, obj=recipient)
    return recipient


REMIND_AGAIN_AFTER = dt.timedelta(hours=1)


def invitation_remind(*, invitation: Invitation, actor) -> int:
    """ "Påminn dem som inte svarat": one reminder round. Each recipient who was sent the
    invitation and has not answered (registered, declined) gets one e-mail, keyed by the round
    (exactly once). A second click within an hour starts no new round. Returns how many."""
    from conferences.emails import reminders_enqueue

    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        if invitation.reminded_at and now - invitation.reminded_at < REMIND_AGAIN_AFTER:
            raise ValidationError(
                _("En påminnelse skickades nyss. Vänta minst en timme innan nästa.")
            )
        targets = list(selectors.not_answered(invitation))
        if not targets:
            raise ValidationError(_("Alla som fått inbjudan har svarat."))
        invitation.reminder_round += 1
        invitation.reminded_at = now
        invitation.save(update_fields=["reminder_round", "reminded_at"])
        Recipient.objects.filter(pk__in=[r.pk for r in targets]).update(
            reminded_round=invitation.reminder_round
        )
        reminders_enqueue(targets, round_number=invitation.reminder_round)
        record_many(
            actor=actor,
            action=RecipientAction.REMINDED,
            objs=targets,
            data={"round": invitation.reminder_round},
        )
        record(
            actor=actor,
            action=InvitationAction.REMINDED,
            obj=invitation,
            data={"round": invitation.reminder_round, "recipients": len(targets)},
        )
        logger.info(
            "Påminnelse %s för inbjudan %s: %s mottagare.",
            invitation.reminder_round,
            invitation.pk,
            len(targets),
        )
    return len(targets)


def recipient_remove(*, recipient: Recipient, actor) -> None:
    with transaction.atomic(), audit_actor(actor):
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        if not RECIPIENT_FLOW.allows("ta_bort", recipient.status):
            raise ValidationError(_("En mottagare som redan fått inbjudan kan inte tas bort."))
        record(
            actor=actor,
            action=RecipientAction.REMOVED,
            obj=recipient,
            data={"invitation_id": recipient.invitation_id},
        )
        recipient.delete()


def _enqueue_dispatch(invitation_id: int) -> None:
    """Start writing the e-mails; if the broker cannot take it, log and leave the rows queued.

    The recipients are already "Köad" in the database, which is the real queue: the recovery
    job (``conferences.tasks.invitations_recover``, every few minutes) dispatches whatever is
    still queued, so a broker outage delays the e-mails but never loses them, and never breaks
    the user's request.
    """
    from conferences.tasks import invitation_dispatch

    try:
        invitation_dispatch.apply_async((invitation_id,), retry=False)
    except Exception:  # any broker failure: the recovery job picks it up
        logger.warning(
            "Utskicket av inbjudan %s kunde inte köas (meddelandekön svarar inte); "
            "återhämtningsjobbet skickar det senare.",
            invitation_id,
            exc_info=True,
        )


def _dispatch_after_commit(invitation_id: int) -> None:
    transaction.on_commit(lambda: _enqueue_dispatch(invitation_id), robust=True)


def _start_sending(invitation: Invitation) -> str:
    before = invitation.status
    invitation.status = INVITATION_FLOW.target("skicka", before)
    invitation.save(update_fields=["status"])
    return before


def invitation_send(*, invitation: Invitation, actor) -> int:
    """Queue every recipient not yet sent to and start sending in the background.

    A re-send therefore reaches only those who have not been sent the invitation.
    """
    now = timezone.now()
    queue = RECIPIENT_FLOW["koa"]
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        waiting = list(invitation.recipients.filter(status__in=queue.sources))
        queued = Recipient.objects.filter(pk__in=[r.pk for r in waiting]).update(
            status=queue.target, queued_at=now
        )
        pending = invitation.recipients.filter(status=R.KOAD).count()
        if not pending:
            raise ValidationError(_("Det finns ingen mottagare som inte redan har fått inbjudan."))
        before = _start_sending(invitation)
        record_many(actor=actor, action=RecipientAction.QUEUED, objs=waiting)
        record(
            actor=actor,
            action=InvitationAction.SENT,
            obj=invitation,
            data={"status": [before, invitation.status], "queued": queued},
        )
        _conference_invited(invitation.conference, actor)
        _dispatch_after_commit(invitation.pk)
    return queued


def _conference_invited(conference: Conference, actor) -> None:
    """Sending the first invitation opens registration."""
    opened = Conference.Status.INBJUDAN_SKICKAD
    if conference.status == Conference.Status.PLANERAD and CONFERENCE_FLOW.allows(
        opened, conference.status
    ):
        before = conference.status
        conference.status = CONFERENCE_FLOW.target(opened, before)
        conference.save(update_fields=["status"])
        record(
            actor=actor,
            action=ConferenceAction.STATUS_CHANGED,
            obj=conference,
            data={"status": [before, conference.status]},
        )


def invitation_retry_failed(*, invitation: Invitation, actor) -> int:
    """Send the failed e-mails again (the same outbox rows: nobody gets a second copy)."""
    retry = RECIPIENT_FLOW["forsok_igen"]
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        failed = list(invitation.recipients.filter(status__in=retry.sources))
        if not failed:
            raise ValidationError(_("Det finns inga misslyckade utskick att försöka igen."))
        ids = [r.pk for r in failed]
        Recipient.objects.filter(pk__in=ids).update(
            status=retry.target, queued_at=timezone.now(), error=""
        )
        outbox_retry_for(Recipient, ids)
        before = _start_sending(invitation)
        record_many(actor=actor, action=RecipientAction.REQUEUED, objs=failed)
        record(
            actor=actor,
            action=InvitationAction.RETRIED,
            obj=invitation,
            data={"status": [before, invitation.status], "recipients": len(failed)},
        )
        _dispatch_after_commit(invitation.pk)  # any without an outbox row yet
    return len(failed)
