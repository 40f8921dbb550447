"""Conferences and their programme, pre-meetings and documents; the status workflow."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conferences.models import Conference, ConferenceDocument, PreMeeting, ProgrammeItem
from core.audit import audit_actor

St = Conference.Status
# The status workflow. FULLBOKAD <-> INBJUDAN_SKICKAD also follows the seats automatically.
TRANSITIONS: dict[str, set[str]] = {
    St.PLANERAD: {St.INBJUDAN_SKICKAD, St.GENOMFORD, St.INSTALLD},
    St.INBJUDAN_SKICKAD: {St.FULLBOKAD, St.GENOMFORD, St.INSTALLD},
    St.FULLBOKAD: {St.INBJUDAN_SKICKAD, St.GENOMFORD, St.INSTALLD},
    St.GENOMFORD: set(),
    St.INSTALLD: set(),
}

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
    return conference


def conference_update(*, conference: Conference, actor, **fields) -> Conference:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        if conference.status in (St.GENOMFORD, St.INSTALLD):
            raise ValidationError(_("En genomförd eller inställd konferens kan inte ändras."))
        for name, value in fields.items():
            setattr(conference, name, value)
        conference.full_clean()
        conference.save()
        if "capacity" in fields:
            from conferences.services.registrations import _after_seat_change, _offer_free_seats

            _offer_free_seats(conference, timezone.now())
            _after_seat_change(conference, timezone.now())
    return conference


def conference_set_status(*, conference: Conference, status: str, actor) -> Conference:
    """One transition of the workflow; an illegal one raises ValidationError."""
    with transaction.atomic(), audit_actor(actor):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        if status not in TRANSITIONS[conference.status]:
            raise ValidationError(
                _("Konferensen kan inte gå från ”%(old)s” till ”%(new)s”.")
                % {"old": conference.get_status_display(), "new": St(status).label}
            )
        if status == St.GENOMFORD and (
            not conference.date or conference.date > timezone.localdate()
        ):
            raise ValidationError(_("En konferens kan markeras som genomförd först på dagen."))
        conference.status = status
        conference.save(update_fields=["status"])
    return conference


def conferences_mark_held(*, today: dt.date | None = None) -> list[int]:
    """Mark every conference whose day has passed as held (genomförd), as the system.

    Cancelled and already held conferences are left alone; a second run changes nothing.
    Returns the ids it marked. Each change is saved on its own, so the audit trail shows it."""
    today = today or timezone.localdate()
    marked = []
    with transaction.atomic(), audit_actor(None):
        due = Conference.objects.select_for_update().filter(
            date__lt=today, status__in=[St.PLANERAD, St.INBJUDAN_SKICKAD, St.FULLBOKAD]
        )
        for conference in due.order_by("date", "pk"):
            conference.status = St.GENOMFORD
            conference.save(update_fields=["status"])
            marked.append(conference.pk)
    return marked


def conference_cancel(*, conference: Conference, actor) -> Conference:
    """Cancel the conference and tell everyone registered or waiting (with a cancelled .ics)."""
    from conferences.emails import registrations_enqueue
    from conferences.services.registrations import ACTIVE

    with transaction.atomic():
        conference = conference_set_status(conference=conference, status=St.INSTALLD, actor=actor)
        registrations = conference.registrations.filter(status__in=ACTIVE).select_related(
            "conference"
        )
        registrations_enqueue(registrations, "installd", at=timezone.now())
    return conference


def _check_editable(conference: Conference) -> None:
    if conference.status in (St.GENOMFORD, St.INSTALLD):
        raise ValidationError(_("En genomförd eller inställd konferens kan inte ändras."))


def programme_item_add(*, conference: Conference, actor, **fields) -> ProgrammeItem:
    with transaction.atomic(), audit_actor(actor):
        _check_editable(conference)
        item = ProgrammeItem(conference=conference, **fields)
        item.full_clean()
        item.save()
    return item


def programme_item_delete(*, item: ProgrammeItem, actor) -> None:
    with transaction.atomic(), audit_actor(actor):
        _check_editable(item.conference)
        item.delete()


def pre_meeting_add(*, conference: Conference, actor, **fields) -> PreMeeting:
    with transaction.atomic(), audit_actor(actor):
        _check_editable(conference)
        meeting = PreMeeting(conference=conference, **fields)
        meeting.full_clean()
        meeting.save()
    return meeting


def pre_meeting_delete(*, meeting: PreMeeting, actor) -> None:
    with transaction.atomic(), audit_actor(actor):
        meeting.delete()


def document_add(*, conference: Conference, title: str, file, actor) -> ConferenceDocument:
    with transaction.atomic(), audit_actor(actor):
        document = ConferenceDocument(
            conference=conference, title=title.strip(), file=file, uploaded_by=actor
        )
        document.full_clean()
        document.save()
    return document


def document_delete(*, document: ConferenceDocument, actor) -> None:
    storage, name = document.file.storage, document.file.name
    with transaction.atomic(), audit_actor(actor):
        document.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name))
