"""Seats: who holds one, offering a freed seat to the next in line (for a limited time), and
keeping the conference "fullbokad" in step with the seats. Every decision about a seat is taken
while the conference row is locked (``select_for_update``)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from conferences.audit import ConferenceAction, RegistrationAction
from conferences.emails import capacity_enqueue, registration_enqueue
from conferences.models import Conference, Registration
from conferences.workflow import CONFERENCE_FLOW, REGISTRATION_FLOW
from core.audit import audit_actor, record, record_many

S = Registration.Status
SEAT_HOLDING = (S.BEKRAFTAD, S.ERBJUDEN)


def _mail(registration: Registration, kind: str, at: dt.datetime) -> None:
    """The e-mail of this state change, as an outbox row in the same transaction."""
    registration_enqueue(registration, kind, at=at)


def _locked_conference(conference_id: int) -> Conference:
    return Conference.objects.select_for_update().get(pk=conference_id)


def seats_taken(conference: Conference) -> int:
    return conference.registrations.filter(status__in=SEAT_HOLDING).count()


def _has_free_seat(conference: Conference) -> bool:
    if conference.capacity is None:
        return True
    if conference.registrations.filter(status=S.VANTELISTA).exists():
        return False  # nobody jumps the queue
    return seats_taken(conference) < conference.capacity


def _offer_free_seats(conference: Conference, now: dt.datetime) -> list[int]:
    """Offer every free seat to the next people in line, each for a limited time."""
    if conference.capacity is None:
        return []
    free = conference.capacity - seats_taken(conference)
    if free <= 0:
        return []
    expires = now + dt.timedelta(hours=conference.offer_hours)
    if conference.starts_at:
        expires = min(expires, conference.starts_at)
    if expires <= now:
        return []
    offer = REGISTRATION_FLOW["erbjud"]
    waiting = conference.registrations.filter(status__in=offer.sources).order_by("joined_at", "id")
    offered = []
    for registration in waiting[:free]:
        registration.status = offer.target
        registration.offer_expires_at = expires
        registration.save()
        offered.append(registration)
        _mail(registration, "erbjuden", now)
    # The system offers the seats (whoever's action freed them).
    record_many(
        actor=None,
        action=RegistrationAction.OFFERED,
        objs=offered,
        data={"status": [S.VANTELISTA, S.ERBJUDEN], "expires": expires.isoformat()},
    )
    return [r.pk for r in offered]


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Lapse the offers whose time ran out and offer the seats to the next in line.

    Idempotent: only offers still open and past their time are touched.
    """
    now = now or timezone.now()
    expired_ids = Registration.objects.filter(
        status=S.ERBJUDEN, offer_expires_at__lte=now
    ).values_list("conference_id", flat=True)
    count = 0
    for conference_id in sorted(set(expired_ids)):
        with transaction.atomic(), audit_actor(None):
            locked = _locked_conference(conference_id)
            lapse = REGISTRATION_FLOW["ga_ut"]
            lapsed = list(
                locked.registrations.select_for_update().filter(
                    status__in=lapse.sources, offer_expires_at__lte=now
                )
            )
            for registration in lapsed:
                registration.status = lapse.target
                registration.save()
                _mail(registration, "utgatt", now)
            record_many(
                actor=None,
                action=RegistrationAction.OFFER_LAPSED,
                objs=lapsed,
                data={"status": [S.ERBJUDEN, S.UTGATT]},
            )
            count += len(lapsed)
            _offer_free_seats(locked, now)
            _after_seat_change(locked, now)
    return count


def _after_seat_change(conference: Conference, now: dt.datetime) -> None:
    """Keep the status fullbokad in step with the seats, and tell the registrar once."""
    if conference.capacity is None:
        return
    full = seats_taken(conference) >= conference.capacity
    before = conference.status
    move = Conference.Status.FULLBOKAD if full else Conference.Status.INBJUDAN_SKICKAD
    # Only the seat-driven moves: FULLBOKAD <-> INBJUDAN_SKICKAD (never from planerad).
    if before in (Conference.Status.INBJUDAN_SKICKAD, Conference.Status.FULLBOKAD) and (
        CONFERENCE_FLOW.allows(move, before)
    ):
        conference.status = CONFERENCE_FLOW.target(move, before)
        conference.save(update_fields=["status"])
        record(
            actor=None,
            action=ConferenceAction.STATUS_CHANGED,
            obj=conference,
            data={"status": [before, conference.status], "seats": True},
        )
    if full:
        _notify_capacity_once(conference, now)


def _notify_capacity_once(conference: Conference, now: dt.datetime) -> None:
    claimed = Conference.objects.filter(pk=conference.pk, capacity_notified_at__isnull=True).update(
        capacity_notified_at=now
    )
    if claimed:
        capacity_enqueue(conference, at=now)
        record(actor=None, action=ConferenceAction.FULL_NOTIFIED, obj=conference)
