"""Every write of the documents app: keyword-only, with ``actor``, atomic, validated, audited;
mail only through the outbox inside the transaction, with a key naming the fact.

Locking: a version that has been sent (on remiss or in a dispatch) has ``sent_at`` and every
service that would change it or its files refuses with a Swedish message. A new version is a
new row (:func:`version_create`).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import JointBody, Party
from core.audit import audit_actor
from core.outbox import outbox_enqueue_many
from documents import emails
from documents.audiences import resolve
from documents.models import (
    Backing,
    Dispatch,
    DispatchAttachment,
    DispatchRecipient,
    Document,
    DocumentVersion,
    RemissAnswerFile,
    RemissRecipient,
    RemissRound,
    VersionFile,
    validate_file,
)

LOCKED = _("Versionen är skickad och kan inte ändras. Skapa en ny version i stället.")


def _one_line(value: str, field: str) -> None:
    if any(c in value for c in "\r\n\u2028\u2029"):
        raise ValidationError({field: _("Skriv på en rad, utan radbrytningar.")})


# --- documents and versions ---------------------------------------------------------------
def document_create(
    *,
    actor,
    title: str,
    kind: str,
    description: str = "",
    backing_required: bool = False,
    agreements=(),
    responsibilities=(),
) -> Document:
    _one_line(title, "title")
    with transaction.atomic(), audit_actor(actor):
        document = Document(
            title=title,
            kind=kind,
            description=description,
            backing_required=backing_required,
            created_by=actor,
        )
        document.full_clean()
        document.save()
        document.agreements.set(agreements)
        document.responsibilities.set(responsibilities)
    return document


def document_update(
    *,
    actor,
    document: Document,
    title: str,
    kind: str,
    description: str = "",
    backing_required: bool = False,
    agreements=(),
    responsibilities=(),
) -> Document:
    _one_line(title, "title")
    with transaction.atomic(), audit_actor(actor):
        document = Document.objects.select_for_update().get(pk=document.pk)
        document.title, document.kind, document.description = title, kind, description
        document.backing_required = backing_required
        document.full_clean()
        document.save()
        document.agreements.set(agreements)
        document.responsibilities.set(responsibilities)
    return document


def version_create(
    *,
    actor,
    document: Document,
    stage: str,
    note: str = "",
    checked_on: dt.date | None = None,
    backing_deadline: dt.date | None = None,
    files=(),
) -> DocumentVersion:
    """A new version (the next number) with its files; a bad file leaves nothing behind."""
    for upload in files:
        validate_file(upload)
    with transaction.atomic(), audit_actor(actor):
        Document.objects.select_for_update().get(pk=document.pk)
        number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = DocumentVersion(
            document=document,
            number=number,
            stage=stage,
            note=note,
            checked_on=checked_on,
            backing_deadline=backing_deadline,
            created_by=actor,
        )
        version.full_clean()
        version.save()
        for upload in files:
            _add_file(version, upload, actor)
    return version


def _locked_version(version: DocumentVersion) -> DocumentVersion:
    version = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.locked:
        raise ValidationError(LOCKED)
    return version


def version_update(
    *,
    actor,
    version: DocumentVersion,
    stage: str,
    note: str = "",
    checked_on: dt.date | None = None,
    backing_deadline: dt.date | None = None,
) -> DocumentVersion:
    """Refused once the version is sent."""
    with transaction.atomic(), audit_actor(actor):
        version = _locked_version(version)
        version.stage, version.note, version.checked_on = stage, note, checked_on
        version.backing_deadline = backing_deadline
        version.full_clean()
        version.save()
    return version


def _add_file(version, upload, actor) -> VersionFile:
    item = VersionFile(version=version, file=upload, name=upload.name[:200], uploaded_by=actor)
    item.full_clean()
    item.save()
    return item


def version_file_add(*, actor, version: DocumentVersion, upload) -> VersionFile:
    validate_file(upload)
    with transaction.atomic(), audit_actor(actor):
        version = _locked_version(version)
        return _add_file(version, upload, actor)


def _lock(version: DocumentVersion, now) -> None:
    if version.sent_at is None:
        version.sent_at = now
        version.save(update_fields=["sent_at"])


# --- remiss rounds -------------------------------------------------------------------------
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
    _one_line(title, "title")
    _one_line(reference, "reference")
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
        RemissRecipient.objects.bulk_create(rows)
    return remiss


def round_send(*, actor, remiss: RemissRound) -> int:
    """Send the round (once): locks the version, one mail per recipient with an address."""
    with transaction.atomic(), audit_actor(actor):
        remiss = (
            RemissRound.objects.select_for_update()
            .select_related("version__document")
            .get(pk=remiss.pk)
        )
        if remiss.sent_at is not None:
            return 0
        now = timezone.now()
        remiss.sent_at = now
        remiss.save(update_fields=["sent_at"])
        _lock(remiss.version, now)
        recipients = list(remiss.recipients.exclude(email=""))
        drafts = [emails.remiss_draft(remiss, r) for r in recipients]
        return len(outbox_enqueue_many(drafts))


def round_remind(*, actor, remiss: RemissRound, today: dt.date | None = None) -> int:
    """One reminder per non-answerer per day (a second click the same day sends nothing)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit_actor(actor):
        remiss = (
            RemissRound.objects.select_for_update()
            .select_related("version__document")
            .get(pk=remiss.pk)
        )
        if remiss.sent_at is None:
            raise ValidationError(_("Remissen är inte skickad ännu."))
        waiting = list(remiss.recipients.filter(answered_at__isnull=True).exclude(email=""))
        drafts = [emails.remiss_reminder_draft(remiss, r, today) for r in waiting]
        created = outbox_enqueue_many(drafts)
        reminded = {row.related_id for row in created}
        for recipient in waiting:
            if recipient.pk in reminded:
                recipient.reminders += 1
                recipient.save(update_fields=["reminders"])
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
        if recipient.round.sent_at is None:
            raise ValidationError(_("Remissen är inte skickad ännu."))
        recipient.answer, recipient.text = answer, text.strip()
        recipient.answered_at = received_at or timezone.now()
        recipient.answered_by_link = by_link
        recipient.recorded_by = actor
        recipient.full_clean()
        recipient.save()
        if upload is not None:
            item = RemissAnswerFile(recipient=recipient, file=upload, name=upload.name[:200])
            item.full_clean()
            item.save()
    return recipient


# --- backing --------------------------------------------------------------------------------
def backing_record(
    *,
    actor,
    version: DocumentVersion,
    party: Party,
    body: str,
    decided_on: dt.date,
    outcome: str,
    reference: str = "",
) -> Backing:
    _one_line(body, "body")
    _one_line(reference, "reference")
    if version.stage != DocumentVersion.Stage.FINAL:
        raise ValidationError(_("Parterna ställer sig bakom den slutliga versionen."))
    if not party.is_agreement_party:
        raise ValidationError({"party": _("Välj en av avtalets parter.")})
    if decided_on and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("Beslutsdatumet kan inte ligga i framtiden.")})
    with transaction.atomic(), audit_actor(actor):
        backing = Backing(
            version=version,
            party=party,
            body=body,
            decided_on=decided_on,
            outcome=outcome,
            reference=reference,
            recorded_by=actor,
        )
        backing.full_clean()
        backing.save()
    return backing


# --- dispatches -----------------------------------------------------------------------------
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
    _one_line(subject, "subject")
    _one_line(reference, "reference")
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
        for upload in attachments:
            item = DispatchAttachment(dispatch=dispatch, file=upload, name=upload.name[:200])
            item.full_clean()
            item.save()
    return dispatch


def dispatch_send(*, actor, dispatch: Dispatch) -> int:
    """Send the dispatch exactly once: the recipient rows and their outbox rows are written
    in one transaction under a row lock; a second call (a double click, a retried request)
    finds ``sent_at`` and writes nothing. Each outbox key names the dispatch and the address,
    so even a repeated call could not mail anyone twice."""
    with transaction.atomic(), audit_actor(actor):
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.sent_at is not None:
            return 0
        resolved = resolve(dispatch)
        if not resolved.recipients:
            raise ValidationError(_("Utskicket har inga mottagare med e-postadress."))
        now = timezone.now()
        dispatch.sent_at = now
        dispatch.save(update_fields=["sent_at"])
        if dispatch.version_id:
            _lock(dispatch.version, now)
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
        return len(outbox_enqueue_many(drafts))


def dispatch_remind(*, actor, dispatch: Dispatch, today: dt.date | None = None) -> int:
    """Remind the kommunalförbund that have not confirmed receipt; once per förbund a day."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit_actor(actor):
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.sent_at is None:
            raise ValidationError(_("Utskicket är inte skickat ännu."))
        waiting = list(
            dispatch.recipients.filter(
                audience=Dispatch.Audience.FEDERATIONS, confirmed_at__isnull=True
            )
        )
        drafts = [emails.dispatch_reminder_draft(dispatch, r, today) for r in waiting]
        created = outbox_enqueue_many(drafts)
        reminded = {row.related_id for row in created}
        for recipient in waiting:
            if recipient.pk in reminded:
                recipient.reminders += 1
                recipient.save(update_fields=["reminders"])
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
    _one_line(dnr, "dnr")
    if not (received or forwarded_to or dnr):
        raise ValidationError(_("Markera att ni har tagit emot utskicket."))
    with transaction.atomic(), audit_actor(actor):
        recipient = DispatchRecipient.objects.select_for_update().get(pk=recipient.pk)
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
    return recipient


def dispatch_from_email() -> str:
    return getattr(settings, "DISPATCH_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
