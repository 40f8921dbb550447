"""Conferences (conferences): registration closing in N days → invitees who have not
registered; M days before the conference → registrants; capacity reached → registrars.

Uses the selectors the conferences app provides for this. Invitees and registrants are
matched to portal accounts by e-mail (one query), so a person with an account gets all their
reminders in one digest; others are reminded at their address.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conferences.models import Conference
from conferences.selectors import (
    conferences_at_capacity,
    invitees_without_registration,
    registrants_of_conferences_in,
)
from core.roles import Role
from reminders.models import Kind
from reminders.rules import Candidate, Window, register


def _label(conference: Conference) -> str:
    if conference.date:
        return f"{conference.title}, {date_format(conference.date, 'j F Y')}"
    return conference.title


def _accounts(emails: set[str]) -> dict[str, object]:
    """Active users by lower-cased e-mail address. One query."""
    if not emails:
        return {}
    users = (
        get_user_model()
        .objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails, is_active=True)
        .order_by("pk")
    )
    found: dict[str, object] = {}
    for user in users:
        found.setdefault(user.lower_email, user)
    return found


def _to(address: str, accounts: dict) -> dict:
    user = accounts.get(address.lower())
    return {"recipient": user, "email": user.email if user else address.lower()}


def _not_registered(window: Window) -> list[tuple]:
    days = window.config.conference_not_registered_days
    # A day more than the lead time: the selector counts hours, we count calendar days.
    now = timezone.make_aware(dt.datetime.combine(window.today, dt.time(0)))
    found = []
    for recipient in invitees_without_registration(days + 1, now=now):
        conference = recipient.invitation.conference
        closes = conference.closes_at
        if not closes or not recipient.email:
            continue
        send_on = timezone.localdate(closes) - dt.timedelta(days=days)
        if window.contains(send_on):
            found.append(
                (
                    recipient.email,
                    conference,
                    timezone.localdate(closes),
                    send_on,
                    recipient.sent_at,
                )
            )
    return found


def _registrants(window: Window) -> list[tuple]:
    days = window.config.conference_registrant_days
    found = []
    day = window.start
    while day <= window.today:
        for registration in registrants_of_conferences_in(days, today=day):
            conference = registration.conference
            if conference.date >= window.today:
                found.append(
                    (
                        registration.email,
                        conference,
                        conference.date,
                        day,
                        registration.joined_at,
                        registration.token,
                    )
                )
        day += dt.timedelta(days=1)
    return found


@register("conferences")
def collect(window: Window) -> list[Candidate]:
    invitees = _not_registered(window)
    registrants = _registrants(window)
    accounts = _accounts({row[0].lower() for row in invitees + registrants})
    source = _("Konferenser")
    result = [
        Candidate(
            kind=Kind.CONFERENCE_NOT_REGISTERED,
            model=Conference,
            object_id=conference.pk,
            due_date=closes,
            send_on=send_on,
            source=source,
            title=_("Anmäl dig senast %(date)s: %(conference)s")
            % {"date": date_format(closes, "j F Y"), "conference": _label(conference)},
            url=reverse("conferences:register", kwargs={"slug": conference.slug}),
            created_at=sent_at,
            **_to(email, accounts),
        )
        for email, conference, closes, send_on, sent_at in invitees
    ]
    result += [
        Candidate(
            kind=Kind.CONFERENCE_UPCOMING,
            model=Conference,
            object_id=conference.pk,
            due_date=date,
            send_on=send_on,
            source=source,
            title=_("Du är anmäld: %(conference)s") % {"conference": _label(conference)},
            url=reverse("conferences:manage", kwargs={"token": token}),
            created_at=joined_at,
            **_to(email, accounts),
        )
        for email, conference, date, send_on, joined_at, token in registrants
    ]
    return result + _capacity(window, source)


def _capacity(window: Window, source: str) -> list[Candidate]:
    full = [c for c in conferences_at_capacity() if c.date and c.date >= window.today]
    if not full:
        return []
    registrars = list(
        get_user_model()
        .objects.filter(role=Role.REGISTRATOR, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    result = []
    for conference in full:
        reached = (
            timezone.localdate(conference.capacity_notified_at)
            if conference.capacity_notified_at
            else window.today
        )
        result += [
            Candidate(
                kind=Kind.CONFERENCE_FULL,
                model=Conference,
                object_id=conference.pk,
                due_date=conference.date,
                send_on=min(reached, window.today),
                source=source,
                title=_("Alla %(capacity)s platser är tagna: %(conference)s")
                % {"capacity": conference.capacity, "conference": _label(conference)},
                url=reverse("conferences:participants", kwargs={"slug": conference.slug}),
                recipient=user,
                email=user.email,
            )
            for user in registrars
        ]
    return result
