"""The onboarding app's share of the sweep (issue #19): coordinators, invitations, imports,
the Förvaltare's user pages and the function addresses.

Extra actor ``samordnare_boras``: the samordnare of Borås. On every row it is answered like
the Borås lead ("other"): it may change nothing of Göteborg's.
"""

from django.urls import reverse

from security.tests.rules import (
    FORVALTARE_ONLY_GET,
    FORVALTARE_ONLY_POST,
    READ,
    READ_POST,
    RECORDERS_GET,
    RECORDERS_POST,
    TEXT,
    UNIT_WRITERS_GET,
    UNIT_WRITERS_POST,
    ExtraActor,
    Rule,
)

EXTRA_ACTORS = (ExtraActor("samordnare_boras", like="other"),)

ACCEPT_TOKEN = "svep-inbjudan-token-0123456789"
SECRET_EMAIL = "svep-inbjuden@goteborg.test"

POST_ONLY = "L 405 405 405 405 405"


def build(o, users, t: str) -> None:
    import datetime as dt

    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from agreements.models import Federation
    from onboarding.models import ImportBatch, Invitation, InvitedRole, token_hash

    users["samordnare_boras"] = UserFactory(
        username="svep-samordnare-boras", role="samordnare", party=o.other_party
    )
    expires = timezone.now() + dt.timedelta(days=30)
    o.ob_invitation = Invitation.objects.create(
        email=SECRET_EMAIL,
        first_name="Svep",
        last_name="Inbjuden" + t,
        party=o.party,
        token_hash=token_hash("svep-hemlig"),
        expires_at=expires,
    )
    InvitedRole.objects.create(invitation=o.ob_invitation, unit=o.verksamhet, role="lead")
    o.ob_accept = Invitation.objects.create(
        email="svep-accept@goteborg.test",
        first_name="Svea",
        last_name="Accept" + t,
        party=o.party,
        token_hash=token_hash(ACCEPT_TOKEN),
        expires_at=expires,
    )
    o.ob_batch = ImportBatch.objects.create(
        party=o.party,
        uploaded_by=users["forvaltare"],
        filename="svep.xlsx",
        sha256="0" * 64,
        rows=[
            {
                "row": 2,
                "level": "forvaltning",
                "unit": "Svepförvaltning" + t,
                "parent": "",
                "first": "",
                "last": "",
                "email": "",
                "role": "lead",
            }
        ],
    )
    # Retiring (issue #19): a verksamhet of the own förvaltning, and one retired already.
    from implementation.models import Level, Unit

    o.ob_retire_unit = Unit.objects.create(
        party=o.party,
        level=Level.VERKSAMHET,
        parent=o.forvaltning,
        name="Svep-avvecklas" + t,
        slug="s-avvecklas",
    )
    o.ob_retired_unit = Unit.objects.create(
        party=o.party,
        level=Level.VERKSAMHET,
        parent=o.forvaltning,
        name="Svep-avvecklad" + t,
        slug="s-avvecklad",
        retired_at=timezone.now(),
        retired_reason="Nedlagd" + t,
    )
    o.ob_federation = Federation.objects.order_by("slug").first()
    o.ob_user = users["other"]


def url_for(name: str, o):
    party = {"slug": o.party.slug}
    table = {
        "onboarding:party": party,
        "onboarding:people": party,
        "onboarding:unit_create": party,
        "onboarding:unit_edit": {**party, "unit": o.verksamhet.slug},
        "onboarding:unit_retire": {**party, "unit": o.ob_retire_unit.slug},
        "onboarding:unit_restore": {**party, "unit": o.ob_retired_unit.slug},
        "onboarding:retired": party,
        "onboarding:invite": party,
        "onboarding:import": party,
        "onboarding:import_template": party,
        "onboarding:import_confirm": {"pk": o.ob_batch.pk},
        "onboarding:membership_end": {"pk": o.membership.pk},
        "onboarding:invitation_resend": {"pk": o.ob_invitation.pk},
        "onboarding:invitation_revoke": {"pk": o.ob_invitation.pk},
        "onboarding:accept": {"token": ACCEPT_TOKEN},
        "onboarding:user_edit": {"pk": o.ob_user.pk},
        "onboarding:address_edit": {"kind": "forbund", "slug": o.ob_federation.slug},
    }
    if name == "onboarding:index" or name == "onboarding:users" or name == "onboarding:addresses":
        return reverse(name)
    if name in table:
        return reverse(name, kwargs=table[name])
    return None


ACCESS = {
    "onboarding:index": Rule(READ, READ_POST),
    # A party's organisation: the Förvaltare and the party's own samordnare (not an actor here).
    "onboarding:party": Rule(FORVALTARE_ONLY_GET, READ_POST),
    "onboarding:people": Rule(FORVALTARE_ONLY_GET, READ_POST),
    "onboarding:unit_create": Rule(
        FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST, {"name": TEXT, "level": "forvaltning"}
    ),
    "onboarding:unit_edit": Rule(
        FORVALTARE_ONLY_GET,
        FORVALTARE_ONLY_POST,
        lambda o: {"name": TEXT, "parent": str(o.forvaltning.pk)},
    ),
    # Retiring a verksamhet: the Förvaltare, the party's samordnare (not an actor here) and the
    # lead of its förvaltning (own); Borås's samordnare is refused like Borås's lead. Restoring:
    # the Förvaltare only. The retired units' list: who sees the party's organisation.
    "onboarding:unit_retire": Rule(UNIT_WRITERS_GET, UNIT_WRITERS_POST, {"reason": TEXT}),
    "onboarding:unit_restore": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    "onboarding:retired": Rule(FORVALTARE_ONLY_GET, READ_POST),
    # The förvaltning's lead (own) may invite to the förvaltning and its verksamheter.
    "onboarding:invite": Rule(
        UNIT_WRITERS_GET,
        UNIT_WRITERS_POST,
        lambda o: {
            "first_name": "Ny",
            "last_name": TEXT,
            "email": "ny-person@goteborg.test",
            "unit": str(o.verksamhet.pk),
            "unit_role": "lead",
        },
    ),
    "onboarding:import": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    "onboarding:import_template": Rule(FORVALTARE_ONLY_GET, READ_POST),
    # The batch was uploaded by the förvaltare: nobody else confirms it.
    "onboarding:import_confirm": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    "onboarding:membership_end": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    "onboarding:invitation_resend": Rule(POST_ONLY, FORVALTARE_ONLY_POST),
    "onboarding:invitation_revoke": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    # Public: the link is the secret. Signed-in people are told to sign out first.
    "onboarding:accept": Rule(
        "200 200 200 200 200 200",
        "ok 403 403 403 403 403",
        {"password1": "Svep-Losen-2026-lang", "password2": "Svep-Losen-2026-lang"},
    ),
    "onboarding:users": Rule(FORVALTARE_ONLY_GET, READ_POST),
    "onboarding:user_edit": Rule(
        FORVALTARE_ONLY_GET,
        FORVALTARE_ONLY_POST,
        lambda o: {
            "role": "implementeringsansvarig",
            "party": str(o.other_party.pk),
            "title": TEXT,
            "is_active": "on",
        },
    ),
    "onboarding:addresses": Rule(RECORDERS_GET, READ_POST),
    "onboarding:address_edit": Rule(RECORDERS_GET, RECORDERS_POST, {"email": "forbund@example.se"}),
}

# The invited person's address: the Förvaltare (and Göteborg's samordnare) only.
SECRETS = {SECRET_EMAIL: {"forvaltare"}}
