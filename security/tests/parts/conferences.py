"""The conferences app's new URL patterns of issue 17 (the older ones stay in the main table):
the public confirm / decline / "check your e-mail" pages, the registrar's confirmation pages
(cancel and undo, delete, remind), the paste box, the caterer's export, the organiser-only
needs list and the förvaltare's early check-in."""

from django.urls import reverse

from security.tests.rules import (
    CONF_ACTION_GET,
    FORVALTARE_ONLY_POST,
    PUBLIC,
    RECORDERS_GET,
    RECORDERS_POST,
    TEXT,
    Rule,
)

READ_ONLY = "L 403 403 405 403 405"
NO_POST = "405 405 405 405 405 405"
ANYONE = "ok ok ok ok ok ok"

ACCESS = {
    "conferences:check_email": Rule(PUBLIC, NO_POST),
    "conferences:units": Rule(PUBLIC, NO_POST),
    # Public, through the signed personal link (the address is the secret).
    "conferences:confirm": Rule(NO_POST, ANYONE),
    "conferences:decline": Rule(PUBLIC, ANYONE),
    "conferences:invitation_paste": Rule(
        CONF_ACTION_GET, RECORDERS_POST, {"klistra-text": "Ny Person <ny@kommun.test>"}
    ),
    "conferences:invitation_remind": Rule(RECORDERS_GET, RECORDERS_POST),
    "conferences:cancel_conference": Rule(RECORDERS_GET, RECORDERS_POST, {"message": TEXT}),
    "conferences:cancel_conference_undo": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "conferences:delete": Rule(RECORDERS_GET, RECORDERS_POST),
    "conferences:catering_export": Rule(RECORDERS_GET, READ_ONLY),
    "conferences:needs": Rule(RECORDERS_GET, READ_ONLY),
    "conferences:checkin_open": Rule(CONF_ACTION_GET, FORVALTARE_ONLY_POST),
}

# Who needs what (health data): the organisers only.
SECRETS = {"Hörslinga": {"registrator", "forvaltare"}}


def url_for(name: str, o) -> str | None:
    if name == "conferences:confirm":
        from conferences.emails import manage_token

        return reverse(name, kwargs={"token": manage_token(o.registration)})
    if name == "conferences:decline":
        from conferences.emails import invitation_token

        return reverse(name, kwargs={"token": invitation_token(o.recipient.pk)})
    return None
