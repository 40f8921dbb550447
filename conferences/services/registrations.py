"""Registrations: capacity, waiting list, offers of freed seats, changes and attendance.

Every decision about a seat is taken while the conference row is locked
(``select_for_update``), so simultaneous registrations are serialised on PostgreSQL and seats
are handed out exactly, in arrival order.

Double opt-in (the public form, as pretix's e-mail confirmation): a registration made on the
public page is "obekräftad" and holds NOTHING — no seat, no place in the waiting list, no
place in the organisation's quota — until its owner confirms it from the e-mail sent to the
address (``registration_confirm``). So a fake sign-up with someone else's address, or three
fake sign-ups for one organisation, can lock nobody out. Unconfirmed registrations expire after
``UNCONFIRMED_HOURS`` (``unconfirmed_expire``, a beat job, deletes them) and a new sign-up with
the same address replaces an unconfirmed one. Every new, replaced or reopened registration and
every cancellation gets a new random token, so a personal link sent earlier never opens a later
registration of the same address.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.audit import RegistrationAction
from conferences.emails import UNCONFIRMED_HOURS
from conferences.models import Conference, Registration, new_token
from conferences.services.checkin import (  # noqa: F401 - re-exported
    checkin_closed_reason,
    registration_set_attended,
)
from conferences.services.seats import (  # noqa: F401 - re-exported
    SEAT_HOLDING,
    _after_seat_change,
    _has_free_seat,
    _locked_conference,
    _mail,
    _offer_free_seats,
    offers_expire,
    seats_taken,
)
from conferences.workflow import ACTIVE, REGISTRATION_FLOW
from core.audit import audit_actor, record, record_many

logger = logging.getLogger(__name__)

S = Registration.Status
ACTIVE = tuple(sorted(ACTIVE))  # re-exported: views and selectors read it from here
SENSITIVE_FIELDS = ("diet", "diet_choices", "allergies", "accessibility")
# Statuses in which the conference accepts registrations (never while only planned).
OPEN_STATUSES = (Conference.Status.INBJUDAN_SKICKAD, Conference.Status.FULLBOKAD)


def registration_closed_reason(conference: Conference, now: dt.datetime | None = None) -> str:
    """Why nobody can register now, in Swedish; empty when registration is open."""
    now = now or timezone.now()
    if conference.status == Conference.Status.INSTALLD:
        return _("Konferensen är inställd. Det går inte att anmäla sig.")
    if conference.status == Conference.Status.GENOMFORD or (
        conference.date and conference.date < timezone.localdate(now)
    ):
        return _("Konferensen har redan ägt rum.")
    if not conference.date:
        return _("Datumet för konferensen är inte bestämt ännu. Anmälan öppnar senare.")
    if conference.status not in OPEN_STATUSES:
        return _("Anmälan har inte öppnat ännu. Du får veta när den öppnar.")
    if conference.registration_opens and now < conference.registration_opens:
        return _("Anmälan öppnar %(when)s.") % {"when": _format_when(conference.registration_opens)}
    if conference.closes_at and now >= conference.closes_at:
        return _("Anmälan stängde %(when)s.") % {"when": _format_when(conference.closes_at)}
    return ""


def _format_when(value: dt.datetime) -> str:
    from core.templatetags.portal import datumtid

    return datumtid(value)


def _check_quota(conference: Conference, party, exclude_pk=None) -> None:
    if not conference.quota_per_organisation or party is None:
        return
    taken = conference.registrations.filter(party=party, status__in=ACTIVE)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.count() >= conference.quota_per_organisation:
        raise ValidationError(
            _(
                "%(party)s har redan %(count)s anmälda, vilket är det högsta antalet per "
                "organisation för den här konferensen. Kontakta arrangören om ni behöver fler "
                "platser."
            )
            % {"party": party.name, "count": conference.quota_per_organisation}
        )


def _validate_person(*, name: str, email: str, consent: bool, party, organisation_other: str):
    errors = {}
    if not name.strip():
        errors["name"] = _("Skriv ditt namn.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Skriv en giltig e-postadress, till exempel namn@kommun.se.")
    if not consent:
        errors["consent"] = _(
            "Du behöver godkänna hur vi hanterar dina uppgifter för att anmäla dig."
        )
    if party is None and not organisation_other.strip():
        errors["party"] = _("Välj din organisation eller skriv namnet på en annan organisation.")
    if errors:
        raise ValidationError(errors)


def registration_create(
    *,
    conference: Conference,
    name: str,
    email: str,
    role: str,
    consent: bool,
    party=None,
    organisation_other: str = "",
    title: str = "",
    diet: str = "",
    diet_choices=(),
    allergies: str = "",
    accessibility: str = "",
    unit=None,
    recipient=None,
    actor=None,
    now: dt.datetime | None = None,
    confirmed: bool = True,
) -> Registration:
    """Register one person: confirmed while seats are free, otherwise on the waiting list.

    ``confirmed=False`` (the public form): the registration waits, holding nothing, until the
    address is confirmed from the e-mail (``registration_confirm``)."""
    email = email.strip().lower()
    _validate_person(
        name=name, email=email, consent=consent, party=party, organisation_other=organisation_other
    )
    try:
        with transaction.atomic(), audit_actor(actor):
            locked = _locked_conference(conference.pk)
            # Taken after the lock: the order of joined_at is the order seats were decided in.
            now = now or timezone.now()
            reason = registration_closed_reason(locked, now)
            if reason:
                raise ValidationError(reason)
            registration = _new_or_reopened(locked, email)
            before = registration.status or ""
            _check_quota(locked, party, exclude_pk=registration.pk)
            if confirmed:
                action = "anmal_bekraftad" if _has_free_seat(locked) else "anmal_vantelista"
            else:
                action = "anmal"
            status = REGISTRATION_FLOW.target(action, before)
            _fill(
                registration,
                name=name.strip(),
                role=role,
                party=party,
                organisation_other="" if party else organisation_other.strip(),
                title=title.strip(),
                diet=diet.strip(),
                diet_choices=_diet_codes(diet_choices),
                allergies=allergies.strip(),
                accessibility=accessibility.strip(),
                unit=unit,
            )
            registration.token = new_token()  # a link sent earlier never opens this one
            registration.recipient = recipient or registration.recipient
            registration.status = status
            registration.consent_at = now
            registration.joined_at = now
            registration.cancelled_at = None
            registration.offer_expires_at = None
            registration.attended, registration.attended_at = False, None
            registration.full_clean(exclude=["token"])
            registration.save()
            record(
                actor=actor,
                action=RegistrationAction.CREATED,
                obj=registration,
                data={"status": [before or None, status]},
            )
            if confirmed:
                _after_seat_change(locked, now)
            _mail(registration, status, now)
    except IntegrityError as error:
        # Only a simultaneous second registration with the same address gets here.
        raise ValidationError(_already_registered()) from error
    return registration


def _already_registered() -> str:
    return _(
        "Det finns redan en anmälan med den här e-postadressen. Använd länken i "
        "bekräftelsemejlet för att ändra eller avboka den."
    )


def _new_or_reopened(conference: Conference, email: str) -> Registration:
    existing = conference.registrations.select_for_update().filter(email__iexact=email).first()
    if existing is None:
        return Registration(conference=conference, email=email)
    if existing.status in ACTIVE:
        raise ValidationError(_already_registered())
    # Cancelled earlier: registering again puts them last in line. Unconfirmed: replaced
    # (whoever made it never saw its link; the new e-mail carries a new one).
    return existing


def _diet_codes(values) -> str:
    if isinstance(values, str):
        values = values.split(",")
    known = set(Registration.Diet.values)
    return ",".join(v for v in Registration.Diet.values if v in {x.strip() for x in values} & known)


def registration_confirm(
    *, registration: Registration, actor=None, now: dt.datetime | None = None
) -> Registration:
    """The owner of the address confirms from the e-mail: only now is a seat (or a place in
    the waiting list, and in the organisation's quota) decided, in the order of confirmation."""
    try:
        with transaction.atomic(), audit_actor(actor):
            locked = _locked_conference(registration.conference_id)
            registration = Registration.objects.select_for_update().get(pk=registration.pk)
            now = now or timezone.now()
            if not REGISTRATION_FLOW.allows("bekrafta", registration.status):
                raise ValidationError(_("Anmälan är redan bekräftad."))
            if registration.joined_at + dt.timedelta(hours=UNCONFIRMED_HOURS) <= now:
                raise ValidationError(
                    _("Tiden för att bekräfta har gått ut. Anmäl dig igen på konferensens sida.")
                )
            reason = registration_closed_reason(locked, now)
            if reason:
                raise ValidationError(reason)
            _check_quota(locked, registration.party, exclude_pk=registration.pk)
            action = "bekrafta" if _has_free_seat(locked) else "bekrafta_vantelista"
            registration.status = REGISTRATION_FLOW.target(action, registration.status)
            registration.joined_at = now
            registration.save()
            record(
                actor=actor,
                action=RegistrationAction.CONFIRMED,
                obj=registration,
                data={"status": [S.OBEKRAFTAD, registration.status]},
            )
            _after_seat_change(locked, now)
            _mail(registration, registration.status, now)
    except IntegrityError as error:  # pragma: no cover - the row is locked
        raise ValidationError(_already_registered()) from error
    return registration


def unconfirmed_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the registrations nobody confirmed in time: they held nothing, and their data
    (typed by whoever used the address) is not kept. Idempotent."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=UNCONFIRMED_HOURS)
    with transaction.atomic(), audit_actor(None):
        stale = list(
            Registration.objects.select_for_update().filter(
                status=S.OBEKRAFTAD, joined_at__lte=limit
            )
        )
        record_many(actor=None, action=RegistrationAction.EXPIRED, objs=stale)
        for registration in stale:
            registration.delete()
    return len(stale)


def _fill(registration: Registration, **fields) -> None:
    for name, value in fields.items():
        setattr(registration, name, value)


def registration_update(
    *,
    registration: Registration,
    name: str,
    role: str,
    party=None,
    organisation_other: str = "",
    title: str = "",
    diet: str = "",
    diet_choices=(),
    allergies: str = "",
    accessibility: str = "",
    unit=None,
    actor=None,
) -> Registration:
    """The registrant changes their details (not the e-mail address, which identifies them)."""
    _validate_person(
        name=name,
        email=registration.email,
        consent=True,
        party=party,
        organisation_other=organisation_other,
    )
    with transaction.atomic(), audit_actor(actor):
        locked = _locked_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_changeable(locked, registration)
        if party != registration.party:
            _check_quota(locked, party, exclude_pk=registration.pk)
        values = {
            "name": name.strip(),
            "role": role,
            "party": party,
            "organisation_other": "" if party else organisation_other.strip(),
            "title": title.strip(),
            "diet": diet.strip(),
            "diet_choices": _diet_codes(diet_choices),
            "allergies": allergies.strip(),
            "accessibility": accessibility.strip(),
            "unit": unit,
        }
        # Which fields changed, never their values: the answers about diet, allergies and
        # accessibility are health data and stay out of the audit trail.
        changed = sorted(k for k, v in values.items() if getattr(registration, k) != v)
        _fill(registration, **values)
        registration.full_clean(exclude=["token"])
        registration.save()
        record(
            actor=actor,
            action=RegistrationAction.UPDATED,
            obj=registration,
            data={"fields": changed},
        )
        _mail(registration, "andrad", timezone.now())
    return registration


def _check_changeable(conference: Conference, registration: Registration) -> None:
    if registration.status == S.OBEKRAFTAD:
        raise ValidationError(_("Bekräfta anmälan först."))
    if not REGISTRATION_FLOW.allows("andra", registration.status):
        raise ValidationError(_("Anmälan är redan avbokad."))
    if conference.status == Conference.Status.INSTALLD:
        raise ValidationError(_("Konferensen är inställd."))
    if conference.date and conference.date < timezone.localdate():
        raise ValidationError(_("Konferensen har redan ägt rum."))


def registration_cancel(*, registration: Registration, actor=None) -> Registration:
    """Cancel a registration; a freed seat is offered to the next person on the waiting list.

    The cancelled person's diet, allergy and accessibility answers are deleted at once: they
    are no longer needed.
    """
    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        locked = _locked_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_changeable(locked, registration)
        freed = registration.holds_seat
        had_attended = registration.attended
        before = registration.status
        registration.status = REGISTRATION_FLOW.target("avboka", before)
        registration.cancelled_at = now
        registration.offer_expires_at = None
        # Nobody who cancelled counts as present, nor as evidence on the checklist.
        registration.attended, registration.attended_at = False, None
        # The link that cancelled opens nothing any more (and never a later registration).
        registration.token = new_token()
        _fill(registration, **dict.fromkeys(SENSITIVE_FIELDS, ""))
        registration.save()
        record(
            actor=actor,
            action=RegistrationAction.CANCELLED,
            obj=registration,
            data={"status": [before, registration.status]},
        )
        if had_attended:
            logger.info("Närvaro borttagen för avbokad anmälan %s.", registration.pk)
        if freed:
            _offer_free_seats(locked, now)
        _after_seat_change(locked, now)
        _mail(registration, "avbokad", now)
    return registration


def registration_accept_offer(*, registration: Registration, actor=None) -> Registration:
    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        locked = _locked_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_changeable(locked, registration)
        if not REGISTRATION_FLOW.allows("tacka_ja", registration.status):
            raise ValidationError(_("Det finns inget erbjudande om plats att tacka ja till."))
        if registration.offer_expires_at <= now:
            raise ValidationError(_("Tiden för att tacka ja till platsen har gått ut."))
        registration.status = REGISTRATION_FLOW.target("tacka_ja", registration.status)
        registration.offer_expires_at = None
        registration.save()
        record(
            actor=actor,
            action=RegistrationAction.OFFER_ACCEPTED,
            obj=registration,
            data={"status": [S.ERBJUDEN, registration.status]},
        )
        _after_seat_change(locked, now)
        _mail(registration, "bekraftad", now)
    return registration
