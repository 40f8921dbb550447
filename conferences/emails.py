"""The e-mails of the conferences app, their calendar files and their signed links.

Every e-mail is an outbox row (core.outbox) written in the transaction of the change that
causes it; its key names that change, so one change mails once.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.ics import IcsEvent, ics_bytes, ics_uid
from core.outbox import Draft, outbox_enqueue, outbox_enqueue_many

UNCONFIRMED_HOURS = 48  # how long a registration waits for its address to be confirmed
INVITE_SALT = "conferences.invitation"
MANAGE_SALT = "conferences.registration"
# A personal link stays valid for a year: long enough for any invitation cycle, short enough
# that an old e-mail found later does not open someone's registration forever.
LINK_MAX_AGE = dt.timedelta(days=365)


def invitation_token(recipient_id: int) -> str:
    return signing.dumps(recipient_id, salt=INVITE_SALT)


def recipient_id_from_token(token: str) -> int:
    """The recipient id of a personal invitation link; raises signing.BadSignature."""
    return int(signing.loads(token, salt=INVITE_SALT, max_age=LINK_MAX_AGE))


def manage_token(registration) -> str:
    return signing.dumps(registration.token, salt=MANAGE_SALT)


def registration_token_from_link(value: str) -> str:
    """The registration's random token; raises signing.SignatureExpired / BadSignature."""
    return signing.loads(value, salt=MANAGE_SALT, max_age=LINK_MAX_AGE)


def registration_url(conference, recipient=None) -> str:
    url = settings.SITE_URL + reverse("conferences:register", args=[conference.slug])
    if recipient is not None:
        url += "?inbjudan=" + invitation_token(recipient.pk)
    return url


def decline_url(recipient) -> str:
    return settings.SITE_URL + reverse("conferences:decline", args=[invitation_token(recipient.pk)])


def manage_url(registration) -> str:
    return settings.SITE_URL + reverse("conferences:manage", args=[manage_token(registration)])


def conference_ics(conference, *, cancelled: bool = False, url: str = "") -> bytes:
    start = conference.starts_at if conference.start_time else conference.date
    end = conference.ends_at
    if end is None and not conference.start_time and conference.date:
        end = conference.date + dt.timedelta(days=1)
    event = IcsEvent(
        uid=ics_uid(f"konferens-{conference.pk}"),
        summary=conference.title,
        start=start,
        end=end,
        description=conference.description,
        location=conference.place,
        url=url or registration_url(conference),
        alarm_before=dt.timedelta(days=1),
        cancelled=cancelled,
        sequence=1 if cancelled else 0,
    )
    return ics_bytes([event], name=conference.title)


def _ics_attachment(conference, *, cancelled: bool = False, url: str = ""):
    if not conference.date:
        return []
    content = conference_ics(conference, cancelled=cancelled, url=url)
    return [("konferens.ics", content, "text/calendar")]


INVITATION_KIND = "konferensinbjudan"


def invitation_key(recipient) -> str:
    return f"conferences:invitation:{recipient.invitation_id}:recipient:{recipient.pk}"


def invitation_draft(recipient) -> Draft:
    invitation = recipient.invitation
    conference = invitation.conference
    link = registration_url(conference, recipient)
    return Draft(
        key=invitation_key(recipient),
        kind=INVITATION_KIND,
        to=[recipient.email],
        subject=invitation.subject,
        template="conferences/email/invitation",
        context={
            "invitation": invitation,
            "conference": conference,
            "recipient": recipient,
            "link": link,
            "decline_link": decline_url(recipient),
        },
        attachments=_ics_attachment(conference, url=link),
        related=recipient,
    )


REMINDER_KIND = "konferensinbjudan-paminnelse"


def reminder_draft(recipient, *, round_number: int) -> Draft:
    """ "Påminn dem som inte svarat": keyed by recipient and round, so once per round."""
    invitation = recipient.invitation
    conference = invitation.conference
    link = registration_url(conference, recipient)
    return Draft(
        key=f"{invitation_key(recipient)}:paminnelse:{round_number}",
        kind=REMINDER_KIND,
        to=[recipient.email],
        subject=_("Påminnelse: %(subject)s") % {"subject": invitation.subject},
        template="conferences/email/invitation_reminder",
        context={
            "invitation": invitation,
            "conference": conference,
            "recipient": recipient,
            "link": link,
            "decline_link": decline_url(recipient),
        },
        related=recipient,
    )


def reminders_enqueue(recipients, *, round_number: int) -> list:
    return outbox_enqueue_many(reminder_draft(r, round_number=round_number) for r in recipients)


def invitations_enqueue(recipients) -> list:
    """Outbox rows for these recipients (those that have none yet)."""
    return outbox_enqueue_many(invitation_draft(r) for r in recipients)


SUBJECTS = {
    "obekraftad": gettext_lazy("Bekräfta din anmälan till %(title)s"),
    "bekraftad": gettext_lazy("Bekräftelse: du är anmäld till %(title)s"),
    "vantelista": gettext_lazy("Du står på väntelistan till %(title)s"),
    "erbjuden": gettext_lazy("En plats har blivit ledig på %(title)s"),
    "avbokad": gettext_lazy("Din anmälan till %(title)s är avbokad"),
    "utgatt": gettext_lazy("Erbjudandet om plats på %(title)s har gått ut"),
    "andrad": gettext_lazy("Din anmälan till %(title)s är ändrad"),
    "installd": gettext_lazy("Inställd: %(title)s"),
}


def registration_draft(registration, kind: str, *, at: dt.datetime) -> Draft:
    """One template per state change: confirmed, waiting list, offer, cancelled, …

    ``at`` is the moment of the change: with the registration and the kind it is the key."""
    conference = registration.conference
    link = manage_url(registration)
    cancelled = kind in ("avbokad", "installd", "utgatt")
    attachments = []
    if kind in ("bekraftad", "andrad", "installd", "avbokad"):
        attachments = _ics_attachment(conference, cancelled=cancelled, url=link)
    return Draft(
        key=f"conferences:registration:{registration.pk}:{kind}:{at.isoformat()}",
        kind=f"konferensanmalan-{kind}",
        to=[registration.email],
        subject=str(SUBJECTS[kind]) % {"title": conference.title},
        template=f"conferences/email/registration_{kind}",
        context={
            "registration": registration,
            "conference": conference,
            "link": link,
            "hours": UNCONFIRMED_HOURS,
        },
        attachments=attachments,
        related=registration,
    )


def registration_enqueue(registration, kind: str, *, at: dt.datetime):
    return outbox_enqueue_many([registration_draft(registration, kind, at=at)])


def registrations_enqueue(registrations, kind: str, *, at: dt.datetime):
    return outbox_enqueue_many(registration_draft(r, kind, at=at) for r in registrations)


def capacity_enqueue(conference, *, at: dt.datetime):
    """Tell the organiser's mailbox at once that every seat is taken. The registrars hear it
    from the reminders (their digest, by their own preferences), so no one is told twice."""
    if not conference.organiser_email:
        return None
    return outbox_enqueue(
        key=f"conferences:conference:{conference.pk}:fullbokad:{at.isoformat()}",
        kind="konferens-fullbokad",
        to=[conference.organiser_email],
        subject=_("Fullbokat: %(title)s") % {"title": conference.title},
        template="conferences/email/capacity_reached",
        context={
            "conference": conference,
            "link": settings.SITE_URL + reverse("conferences:detail", args=[conference.slug]),
        },
        related=conference,
    )
