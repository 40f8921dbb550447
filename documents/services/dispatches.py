"""Writes of dispatches (utskick, ``DISPATCH_FLOW``): create, send exactly once to the
resolved audiences, remind the kommunalförbund that have not confirmed, and the recipient's
own receipt."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import JointBody
from core.audit import audit_actor, record, record_many
from core.outbox import outbox_enqueue_many
from documents import emails
from documents.audit import DispatchAction, DispatchRecipientAction
from documents.models import (
    Dispatch,
    DispatchAttachment,
    DispatchRecipient,
    DocumentVersion,
    validate_file,
)
from documents.services._common import lock, one_line
from documents.workflow import DISPATCH_FLOW, dispatch_state


def dispatch_create(
    *,
    actor,
    subject: str,
    text: str,
    audiences: list[str],
    reference: str = "",
    forward_note: str = "",
    levels=(),
    body: JointBody | None = None,
    conference_id: int | None = None,
    version: DocumentVersion | None = None,
    attachments=(),
) -> Dispatch:
    one_line(subject, "subject")
    one_line(reference, "reference")
    if not audiences:
        raise ValidationError({"audiences": _("Välj minst en mottagargrupp.")})
    if Dispatch.Audience.LEADS in audiences and not levels:
        raise ValidationError({"levels": _("Välj vilka nivåers ansvariga som ska få utskicket.")})
    if Dispatch.Audience.BODY in audiences and body is None:
        raise ValidationError({"body": _("Välj organet.")})
    if set(audiences) & {Dispatch.Audience.ATTENDEES, Dispatch.Audience.NO_SHOWS} and not (
        conference_id
    ):
        raise ValidationError({"conference": _("Välj konferensen.")})
    for upload in attachments:
        validate_file(upload)
    if Dispatch.Audience.FEDERATIONS in audiences and not forward_note.strip():
        forward_note = str(Dispatch._meta.get_field("forward_note").default)
    with transaction.atomic(), audit_actor(actor):
        dispatch = Dispatch(
            subject=subject,
            text=text,
            reference=reference,
            forward_note=forward_note,
            audiences=list(audiences),
            levels=list(levels),
            body=body,
            conference_id=conference_id,
            version=version,
            created_by=actor,
        )
        dispatch.full_clean()
        dispatch.save()
        names = []
        for upload in attachments:
            item = DispatchAttachment(dispatch=dispatch, file=upload, name=upload.name[:200])
            item.full_clean()
            item.save()
            names.append(item.name)
        record(
            actor=actor,
            action=DispatchAction.CREATED,
            obj=dispatch,
            data={
                "subject": subject,
                "audiences": list(audiences),
                "version": version.pk if version else None,
                "attachments": names,
            },
        )
    return dispatch


def dispatch_send(*, actor, dispatch: Dispatch) -> int:
    """Send the dispatch exactly once: the recipient rows and their outbox rows are written
    in one transaction under a row lock; a second call (a double click, a retried request)
    finds ``sent_at`` and writes nothing. Each outbox key names the dispatch and the address,
    so even a repeated call could not mail anyone twice."""
    with transaction.atomic(), audit_actor(actor):
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if not DISPATCH_FLOW.allows("send", dispatch_state(dispatch)):
            return 0
        # Looked up on the package: tests (here and in faults/) replace ``services.resolve``.
        from documents import services

        resolved = services.resolve(dispatch)
        if not resolved.recipients:
            raise ValidationError(_("Utskicket har inga mottagare med e-postadress."))
        now = timezone.now()
        dispatch.sent_at = now
        dispatch.save(update_fields=["sent_at"])
        if dispatch.version_id:
            lock(dispatch.version, now, actor=actor, by=dispatch)
        rows = DispatchRecipient.objects.bulk_create(
            [
                DispatchRecipient(
                    dispatch=dispatch,
                    audience=c.audience,
                    name=c.name[:200],
                    organisation=c.organisation[:200],
                    email=c.email,
                    federation_id=c.federation_id,
                    party_id=c.party_id,
                )
                for c in resolved.recipients
            ]
        )
        if not all(r.pk for r in rows):  # backends without RETURNING
            rows = list(dispatch.recipients.all())
        pdf = emails.dispatch_pdf(dispatch)
        names = list(dispatch.attachments.values_list("name", flat=True))
        drafts = [emails.dispatch_draft(dispatch, r, pdf, names) for r in rows]
        sent = len(outbox_enqueue_many(drafts))
        record(
            actor=actor,
            action=DispatchAction.SENT,
            obj=dispatch,
            data={"recipients": len(rows), "mailed": sent},
        )
        record_many(
            actor=actor,
            action=DispatchRecipientAction.ADDED,
            objs=rows,
            data=lambda r: {"dispatch": dispatch.pk, "audience": r.audience},
        )
        return sent


def dispatch_remind(*, actor, dispatch: Dispatch, today: dt.date | None = None) -> int:
    """Remind the kommunalförbund that have not confirmed receipt; once per förbund a day."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit_actor(actor):
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if not DISPATCH_FLOW.allows("remind", dispatch_state(dispatch)):
            raise ValidationError(_("Utskicket är inte skickat ännu."))
        waiting = list(
            dispatch.recipients.filter(
                audience=Dispatch.Audience.FEDERATIONS, confirmed_at__isnull=True
            )
        )
        drafts = [emails.dispatch_reminder_draft(dispatch, r, today) for r in waiting]
        created = outbox_enqueue_many(drafts)
        reminded = {row.related_id for row in created}
        rows = [r for r in waiting if r.pk in reminded]
        DispatchRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(
            reminders=F("reminders") + 1
        )
        if rows:
            record(
                actor=actor,
                action=DispatchAction.REMINDED,
                obj=dispatch,
                data={"reminded": len(rows), "day": today.isoformat()},
            )
            record_many(
                actor=actor,
                action=DispatchRecipientAction.REMINDED,
                objs=rows,
                data=lambda r: {"reminders": [r.reminders, r.reminders + 1]},
            )
        return len(created)


def receipt_confirm(
    *,
    recipient: DispatchRecipient,
    received: bool = True,
    forwarded_to: str = "",
    dnr: str = "",
    actor=None,
) -> DispatchRecipient:
    """The recipient's own receipt, from the signed link: received, forwarded to whom,
    registered under which number. Each part is kept once given; a later answer may add."""
    forwarded_to = forwarded_to.strip()
    dnr = dnr.strip()
    one_line(dnr, "dnr")
    if not (received or forwarded_to or dnr):
        raise ValidationError(_("Markera att ni har tagit emot utskicket."))
    with transaction.atomic(), audit_actor(actor):
        recipient = (
            DispatchRecipient.objects.select_for_update()
            .select_related("dispatch")
            .get(pk=recipient.pk)
        )
        DISPATCH_FLOW.target("confirm", dispatch_state(recipient.dispatch))
        now = timezone.now()
        if recipient.confirmed_at is None:
            recipient.confirmed_at = now
        if forwarded_to:
            recipient.forwarded_to = forwarded_to
            recipient.forwarded_at = now
        if dnr:
            recipient.registered_dnr = dnr
            recipient.registered_at = now
        recipient.full_clean()
        recipient.save()
        data = {"forwarded_to": forwarded_to or None, "dnr": dnr or None}
        record(actor=actor, action=DispatchRecipientAction.CONFIRMED, obj=recipient, data=data)
        record(
            actor=actor,
            action=DispatchAction.CONFIRMED,
            obj=recipient.dispatch,
            data={"recipient": recipient.name, **data},
        )
    return recipient


def dispatch_from_email() -> str:
    return getattr(settings, "DISPATCH_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
