"""Writes of remiss rounds (``ROUND_FLOW``): create with its recipients, send (once), remind
the non-answerers, and record an answer. Mail only through the outbox, in the transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_actor, record, record_many
from core.outbox import outbox_enqueue_many
from documents import emails
from documents.audit import RecipientAction, RoundAction
from documents.models import (
    DocumentVersion,
    RemissAnswerFile,
    RemissRecipient,
    RemissRound,
    validate_file,
)
from documents.services._common import lock, one_line
from documents.workflow import ROUND_FLOW, round_state


def round_create(
    *,
    actor,
    version: DocumentVersion,
    title: str,
    opens_on: dt.date,
    deadline: dt.date,
    message: str = "",
    reference: str = "",
    parties=(),
    federations=(),
    bodies=(),
) -> RemissRound:
    one_line(title, "title")
    one_line(reference, "reference")
    if not (list(parties) or list(federations) or list(bodies)):
        raise ValidationError(_("Välj minst en remissinstans."))
    if deadline and opens_on and deadline < opens_on:
        raise ValidationError({"deadline": _("Sista svarsdag kan inte vara före starten.")})
    with transaction.atomic(), audit_actor(actor):
        remiss = RemissRound(
            version=version,
            title=title,
            opens_on=opens_on,
            deadline=deadline,
            message=message,
            reference=reference,
            created_by=actor,
        )
        remiss.full_clean()
        remiss.save()
        rows = [
            RemissRecipient(round=remiss, party=p, name=p.name, email=p.registry_email)
            for p in parties
        ]
        rows += [
            RemissRecipient(round=remiss, federation=f, name=f.name, email=f.email)
            for f in federations
        ]
        rows += [RemissRecipient(round=remiss, body=b, name=b.name, email=b.email) for b in bodies]
        rows = RemissRecipient.objects.bulk_create(rows)
        if not all(r.pk for r in rows):  # backends without RETURNING
            rows = list(remiss.recipients.all())
        record(
            actor=actor,
            action=RoundAction.CREATED,
            obj=remiss,
            data={
                "title": title,
                "deadline": deadline.isoformat() if deadline else None,
                "recipients": len(rows),
            },
        )
        record_many(actor=actor, action=RecipientAction.ADDED, objs=rows, data={"round": remiss.pk})
    return remiss


def round_send(*, actor, remiss: RemissRound) -> int:
    """Send the round (once): locks the version, one mail per recipient with an address."""
    with transaction.atomic(), audit_actor(actor):
        remiss = (
            RemissRound.objects.select_for_update()
            .select_related("version__document")
            .get(pk=remiss.pk)
        )
        if not ROUND_FLOW.allows("send", round_state(remiss)):
            return 0  # already sent: a double click sends nothing
        now = timezone.now()
        remiss.sent_at = now
        remiss.save(update_fields=["sent_at"])
        lock(remiss.version, now, actor=actor, by=remiss)
        recipients = list(remiss.recipients.exclude(email=""))
        drafts = [emails.remiss_draft(remiss, r) for r in recipients]
        sent = len(outbox_enqueue_many(drafts))
        record(actor=actor, action=RoundAction.SENT, obj=remiss, data={"mailed": sent})
        record_many(
            actor=actor, action=RecipientAction.MAILED, objs=recipients, data={"round": remiss.pk}
        )
        return sent


def round_remind(*, actor, remiss: RemissRound, today: dt.date | None = None) -> int:
    """One reminder per non-answerer per day (a second click the same day sends nothing)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit_actor(actor):
        remiss = (
            RemissRound.objects.select_for_update()
            .select_related("version__document")
            .get(pk=remiss.pk)
        )
        if not ROUND_FLOW.allows("remind", round_state(remiss)):
            raise ValidationError(_("Remissen är inte skickad ännu."))
        waiting = list(remiss.recipients.filter(answered_at__isnull=True).exclude(email=""))
        drafts = [emails.remiss_reminder_draft(remiss, r, today) for r in waiting]
        created = outbox_enqueue_many(drafts)
        reminded = {row.related_id for row in created}
        rows = [r for r in waiting if r.pk in reminded]
        RemissRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(
            reminders=F("reminders") + 1
        )
        if rows:
            record(
                actor=actor,
                action=RoundAction.REMINDED,
                obj=remiss,
                data={"reminded": len(rows), "day": today.isoformat()},
            )
            record_many(
                actor=actor,
                action=RecipientAction.REMINDED,
                objs=rows,
                data=lambda r: {"reminders": [r.reminders, r.reminders + 1]},
            )
        return len(created)


def answer_record(
    *,
    actor,
    recipient: RemissRecipient,
    answer: str,
    text: str = "",
    upload=None,
    by_link: bool = False,
    received_at: dt.datetime | None = None,
) -> RemissRecipient:
    """An answer: through the personal link (``actor`` None, ``by_link``) or recorded by the
    registrar (received by other means). A later answer replaces the earlier one; the audit
    trail keeps both."""
    if answer not in RemissRecipient.Answer.values:
        raise ValidationError({"answer": _("Välj vad svaret gäller.")})
    if answer == RemissRecipient.Answer.STATEMENT and not (text.strip() or upload):
        raise ValidationError(_("Skriv ert yttrande eller bifoga en fil."))
    if upload is not None:
        validate_file(upload)
    with transaction.atomic(), audit_actor(actor):
        recipient = (
            RemissRecipient.objects.select_for_update().select_related("round").get(pk=recipient.pk)
        )
        if not ROUND_FLOW.allows("answer", round_state(recipient.round)):
            raise ValidationError(_("Remissen är inte skickad ännu."))
        before = recipient.answer
        recipient.answer, recipient.text = answer, text.strip()
        recipient.answered_at = received_at or timezone.now()
        recipient.answered_by_link = by_link
        recipient.recorded_by = actor
        recipient.full_clean()
        recipient.save()
        name = None
        if upload is not None:
            item = RemissAnswerFile(recipient=recipient, file=upload, name=upload.name[:200])
            item.full_clean()
            item.save()
            name = item.name
        data = {"answer": [before or None, answer], "by_link": by_link, "file": name}
        record(actor=actor, action=RecipientAction.ANSWERED, obj=recipient, data=data)
        record(
            actor=actor,
            action=RoundAction.ANSWERED,
            obj=recipient.round,
            data={"recipient": recipient.name, **data},
        )
    return recipient
