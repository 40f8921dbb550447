"""Conferences and their programme, pre-meetings and documents; the status workflow."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conferences.audit import ConferenceAction
from conferences.models import Conference, ConferenceDocument, PreMeeting, ProgrammeItem
from conferences.workflow import CONFERENCE_FLOW, LIVE
from core.audit import audit_actor, record, record_many

St = Conference.Status

EDITABLE_FIELDS = (
    "title",
    "kind",
    "date",
    "date_note",
    "start_time",
    "end_time",
    "duration_note",
    "venue",
    "address",
    "online_url",
    "target_group",
    "capacity",
    "quota_per_organisation",
    "registration_opens",
    "registration_closes",
    "senders",
    "fika",
    "lunch",
    "description",
    "organiser_email",
    "retention_days",
    "offer_hours",
)


def _unique_slug(title: str, date) -> str:
    base = slugify(f"{title} {date:%Y-%m-%d}" if date else title)[:70] or "konferens"
    slug, n = base, 2
    while Conference.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def conference_create(*, actor, **fields) -> Conference:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic(), audit_actor(actor):
        conference = Conference(**fields)
        conference.slug = _unique_slug(conference.title, conference.date)
        conference.full_clean()
        conference.save()
        record(actor=actor, action=ConferenceAction.CREATED, obj=conference)
    return conference


def _json(value):
    """A field's value as the event's JSON: dates and times as ISO strings."""
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    return str(value)


def conference_update(*, conference: Conference, actor, **fields) -> Conference:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        _check_editable(conference)
        changes = {}
        for name, value in fields.items():
            before = getattr(conference, name)
            if before != value:
                changes[name] = [_json(before), _json(value)]
            setattr(conference, name, value)
        conference.full_clean()
        conference.save()
        record(actor=actor, action=ConferenceAction.UPDATED, obj=conference, data=changes)
        if "capacity" in fields:
            from conferences.services.seats import _after_seat_change, _offer_free_seats

            _offer_free_seats(conference, timezone.now())
            _after_seat_change(conference, timezone.now())
    return conference


def conference_set_status(*, conference: Conference, status: str, actor) -> Conference:
    """One transition of the workflow; an illegal one raises ValidationError."""
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        before = _move(conference, status)
        record(
            actor=actor,
            action=ConferenceAction.STATUS_CHANGED,
            obj=conference,
            data={"status": [before, conference.status]},
        )
    return conference


def _move(conference: Conference, status: str) -> str:
    """Move the (locked) conference to ``status`` if the table allows it; the status before."""
    if not CONFERENCE_FLOW.allows(status, conference.status):
        raise ValidationError(
            _("Konferensen kan inte gå från ”%(old)s” till ”%(new)s”.")
            % {"old": conference.get_status_display(), "new": St(status).label}
        )
    if status == St.GENOMFORD and (not conference.date or conference.date > timezone.localdate()):
        raise ValidationError(_("En konferens kan markeras som genomförd först på dagen."))
    before = conference.status
    conference.status = CONFERENCE_FLOW.target(status, before)
    conference.save(update_fields=["status"])
    return before


def conferences_mark_held(*, today: dt.date | None = None) -> list[int]:
    """Mark every conference whose day has passed as held (genomförd), as the system.

    Cancelled and already held conferences are left alone; a second run changes nothing.
    Returns the ids it marked. Each change is saved on its own, so the audit trail shows it."""
    today = today or timezone.localdate()
    marked = []
    with transaction.atomic(), audit_actor(None):
        due = Conference.objects.select_for_update().filter(
            date__lt=today, status__in=CONFERENCE_FLOW[St.GENOMFORD].sources
        )
        changed = []
        for conference in due.order_by("date", "pk"):
            before = conference.status
            conference.status = CONFERENCE_FLOW.target(St.GENOMFORD, before)
            conference.save(update_fields=["status"])
            marked.append(conference.pk)
            changed.append((conference, before))
        befores = {c.pk: before for c, before in changed}
        record_many(
            actor=None,
            action=ConferenceAction.MARKED_HELD,
            objs=[c for c, _before in changed],
            data=lambda c: {"status": [befores[c.pk], c.status]},
        )
    return marked


# Cancelling a conference takes effect at once (registration closes), but the e-mails to
# those registered go only after this grace period, in which the registrar may undo it.
CANCEL_GRACE = dt.timedelta(minutes=10)


def conference_cancel(*, conference: Conference, actor, message: str = "") -> Conference:
    """Cancel the conference. Everyone registered or waiting is told (with ``message`` and a
    cancelled .ics) by ``conference_cancellations_notify`` once ``CANCEL_GRACE`` has passed,
    unless ``conference_cancel_undo`` came first."""
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        previous = _move(conference, St.INSTALLD)
        conference.cancelled_at = timezone.now()
        conference.cancel_message = message.strip()
        conference.cancel_previous_status = previous
        conference.cancel_notified_at = None
        conference.save(
            update_fields=[
                "cancelled_at",
                "cancel_message",
                "cancel_previous_status",
                "cancel_notified_at",
            ]
        )
        record(
            actor=actor,
            action=ConferenceAction.CANCELLED,
            obj=conference,
            data={"status": [previous, conference.status], "message": conference.cancel_message},
        )
    return conference


def cancel_undoable(conference: Conference, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        conference.status == St.INSTALLD
        and conference.cancelled_at
        and not conference.cancel_notified_at
        and now < conference.cancelled_at + CANCEL_GRACE
    )


def conference_cancel_undo(*, conference: Conference, actor) -> Conference:
    """Take the cancellation back while no e-mail has gone: the conference is as before."""
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        if not cancel_undoable(conference):
            raise ValidationError(
                _("Det går inte längre att ångra: beskeden om den inställda konferensen har gått.")
            )
        CONFERENCE_FLOW.target("angra_installning", conference.status)
        previous = conference.cancel_previous_status
        conference.status = previous if previous in LIVE else St.PLANERAD
        conference.cancelled_at = None
        conference.cancel_message = ""
        conference.cancel_previous_status = ""
        conference.save()
        record(
            actor=actor,
            action=ConferenceAction.CANCEL_UNDONE,
            obj=conference,
            data={"status": [St.INSTALLD, conference.status]},
        )
    return conference


def conference_cancellations_notify(*, now: dt.datetime | None = None) -> int:
    """Beat job: for each cancellation past its grace period, e-mail everyone registered or
    waiting, once (the stamp and the outbox key). Returns how many e-mails were written."""
    from conferences.emails import registrations_enqueue
    from conferences.services.registrations import ACTIVE

    now = now or timezone.now()
    due = Conference.objects.filter(
        status=St.INSTALLD,
        cancelled_at__isnull=False,
        cancelled_at__lte=now - CANCEL_GRACE,
        cancel_notified_at__isnull=True,
    ).values_list("pk", flat=True)
    written = 0
    for pk in list(due):
        with transaction.atomic(), audit_actor(None):
            conference = Conference.objects.select_for_update().get(pk=pk)
            if conference.cancel_notified_at or conference.status != St.INSTALLD:
                continue
            registrations = conference.registrations.filter(status__in=ACTIVE).select_related(
                "conference"
            )
            told = len(registrations_enqueue(registrations, "installd", at=conference.cancelled_at))
            written += told
            conference.cancel_notified_at = now
            conference.save(update_fields=["cancel_notified_at"])
            record(
                actor=None,
                action=ConferenceAction.CANCEL_NOTIFIED,
                obj=conference,
                data={"emails": told},
            )
    return written


def conference_delete_blockers(conference: Conference) -> list[str]:
    """Why the conference may not be deleted (empty: it may)."""
    from conferences.models import Invitation, Recipient

    reasons = []
    if conference.registrations.exists():
        reasons.append(_("Det finns anmälningar till konferensen."))
    sent = Recipient.objects.filter(invitation__conference=conference).exclude(
        status__in=(Recipient.Status.VANTAR, Recipient.Status.SAKNAR_ADRESS)
    )
    if sent.exists() or conference.invitations.exclude(status=Invitation.Status.UTKAST).exists():
        reasons.append(_("En inbjudan har redan skickats."))
    return reasons


def conference_delete(*, conference: Conference, actor) -> None:
    """Delete a conference created by mistake: only while nobody is registered and no
    invitation has gone out. Its drafts, programme and documents go with it."""
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        reasons = conference_delete_blockers(conference)
        if reasons:
            raise ValidationError(reasons)
        files = [(d.file.storage, d.file.name) for d in conference.documents.all()]
        record(actor=actor, action=ConferenceAction.DELETED, obj=conference)
        for invitation in conference.invitations.all():
            invitation.recipients.all().delete()
            invitation.delete()
        conference.delete()
        for storage, name in files:
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))


def checkin_open_early(*, conference: Conference, actor) -> Conference:
    """A förvaltare opens check-in before the conference day (the audit trail logs who)."""
    from conferences.permissions import can_open_checkin_early

    if not can_open_checkin_early(actor):
        raise ValidationError(_("Bara en förvaltare kan öppna incheckningen i förväg."))
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        _check_editable(conference)
        if not conference.checkin_opened_at:
            conference.checkin_opened_at = timezone.now()
            conference.save(update_fields=["checkin_opened_at"])
            record(actor=actor, action=ConferenceAction.CHECKIN_OPENED, obj=conference)
    return conference


def _check_editable(conference: Conference) -> None:
    if not CONFERENCE_FLOW.allows("andra", conference.status):
        raise ValidationError(_("En genomförd eller inställd konferens kan inte ändras."))


def programme_item_add(*, conference: Conference, actor, **fields) -> ProgrammeItem:
    with transaction.atomic(), audit_actor(actor):
        _check_editable(conference)
        item = ProgrammeItem(conference=conference, **fields)
        item.full_clean()
        item.save()
        record(
            actor=actor,
            action=ConferenceAction.PROGRAMME_ADDED,
            obj=conference,
            data={"item": item.title},
        )
    return item


def programme_item_delete(*, item: ProgrammeItem, actor) -> None:
    with transaction.atomic(), audit_actor(actor):
        _check_editable(item.conference)
        record(
            actor=actor,
            action=ConferenceAction.PROGRAMME_REMOVED,
            obj=item.conference,
            data={"item": item.title},
        )
        item.delete()


def pre_meeting_add(*, conference: Conference, actor, **fields) -> PreMeeting:
    with transaction.atomic(), audit_actor(actor):
        _check_editable(conference)
        meeting = PreMeeting(conference=conference, **fields)
        meeting.full_clean()
        meeting.save()
        record(
            actor=actor,
            action=ConferenceAction.PRE_MEETING_ADDED,
            obj=conference,
            data={"date": meeting.date.isoformat()},
        )
    return meeting


def pre_meeting_delete(*, meeting: PreMeeting, actor) -> None:
    with transaction.atomic(), audit_actor(actor):
        record(
            actor=actor,
            action=ConferenceAction.PRE_MEETING_REMOVED,
            obj=meeting.conference,
            data={"date": meeting.date.isoformat()},
        )
        meeting.delete()


def document_add(*, conference: Conference, title: str, file, actor) -> ConferenceDocument:
    with transaction.atomic(), audit_actor(actor):
        document = ConferenceDocument(
            conference=conference, title=title.strip(), file=file, uploaded_by=actor
        )
        document.full_clean()
        document.save()
        record(
            actor=actor,
            action=ConferenceAction.DOCUMENT_ADDED,
            obj=conference,
            data={"document": document.title},
        )
    return document


def document_delete(*, document: ConferenceDocument, actor) -> None:
    storage, name = document.file.storage, document.file.name
    with transaction.atomic(), audit_actor(actor):
        record(
            actor=actor,
            action=ConferenceAction.DOCUMENT_REMOVED,
            obj=document.conference,
            data={"document": document.title},
        )
        document.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name))
