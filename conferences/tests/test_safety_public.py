"""Issue 17, the public side: a registration that cannot be abused (the hijack, double
opt-in, rate limits, not while planned, what the owner sees)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements.models import Party
from conferences import selectors, services
from conferences.models import Conference, Registration
from conferences.tests.factories import ConferenceFactory
from conferences.tests.public_form import _form, _link_in, _mails_to, _register_and_confirm


# --- 5. the public link stays the owner's -------------------------------------------------
def test_the_page_after_the_form_only_says_check_your_email(client, conference):
    url = reverse("conferences:register", args=[conference.slug])
    response = client.post(url, _form())
    assert response["Location"] == reverse("conferences:check_email", args=[conference.slug])
    page = client.get(response["Location"]).content.decode()
    assert "Titta i din e-post" in page
    assert "/avanmalan/" not in page and "anna@ale.se" not in page
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.OBEKRAFTAD
    # The link goes by e-mail only, and the unconfirmed mail echoes nothing the sender typed.
    (mail,) = _mails_to("anna@ale.se")
    assert "Bekräfta din anmälan" in mail.subject
    for typed in ("Anna Andersson", "Enhetschef", "Nötter", "Hörslinga"):
        assert typed not in mail.text and typed not in mail.html


def test_the_hijack_register_cancel_register_again_leaves_the_old_link_dead(client, conference):
    """An attacker registers the victim's address, gets (in the old code) the link, cancels;
    the victim registers for real. The attacker's old link must open nothing."""
    attacker_token = _register_and_confirm(client, conference, email="offer@ale.se")
    assert Registration.objects.get().status == Registration.Status.BEKRAFTAD
    # Cancel through the link (confirmation page first, then POST).
    cancel = reverse("conferences:cancel", args=[attacker_token])
    assert "Ja, avboka min anmälan" in client.get(cancel).content.decode()
    client.post(cancel)
    assert Registration.objects.get().status == Registration.Status.AVBOKAD
    # The real person registers again with health answers.
    _register_and_confirm(
        client, conference, email="offer@ale.se", accessibility="Rullstol", allergies="Gluten"
    )
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.BEKRAFTAD
    assert registration.accessibility == "Rullstol"
    # The old link: a Swedish "no longer works", none of the answers, no change possible.
    page = client.get(reverse("conferences:manage", args=[attacker_token]))
    text = page.content.decode()
    assert page.status_code == 400
    assert "fungerar inte längre" in text
    assert "Rullstol" not in text and "Gluten" not in text
    client.post(reverse("conferences:cancel", args=[attacker_token]))
    client.post(reverse("conferences:manage", args=[attacker_token]), {"name": "Ändrat"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.BEKRAFTAD
    assert registration.name == "Anna Andersson"


def test_a_new_token_for_every_new_reopened_and_cancelled_registration(conference):
    party = Party.objects.get(slug="ale")
    fields = {"name": "A", "email": "a@ale.se", "role": "tjansteperson", "consent": True}
    first = services.registration_create(conference=conference, party=party, **fields)
    tokens = {first.token}
    services.registration_cancel(registration=first)
    first.refresh_from_db()
    tokens.add(first.token)
    again = services.registration_create(conference=conference, party=party, **fields)
    tokens.add(again.token)
    assert again.pk == first.pk and len(tokens) == 3


def test_double_opt_in_a_fake_signup_holds_no_seat_and_no_quota_place(conference):
    """The rule (README): nothing is held until the address is confirmed from the e-mail."""
    conference.capacity = 1
    conference.quota_per_organisation = 1
    conference.save()
    ale = Party.objects.get(slug="ale")
    person = {"role": "tjansteperson", "consent": True, "party": ale}
    for n in range(3):  # three fake sign-ups for Ale, never confirmed
        services.registration_create(
            conference=conference,
            name=f"Falsk {n}",
            email=f"falsk{n}@ale.se",
            confirmed=False,
            **person,
        )
    assert selectors.participants(conference).count() == 0
    real = services.registration_create(
        conference=conference, name="Kollega", email="kollega@ale.se", confirmed=False, **person
    )
    real = services.registration_confirm(registration=real)
    assert real.status == Registration.Status.BEKRAFTAD  # the seat and Ale's place are hers
    fake = Registration.objects.get(email="falsk0@ale.se")
    with pytest.raises(ValidationError, match="högsta antalet per organisation"):
        services.registration_confirm(registration=fake)


def test_unconfirmed_registrations_expire_and_are_deleted(conference):
    ale = Party.objects.get(slug="ale")
    old = services.registration_create(
        conference=conference,
        name="X",
        email="x@ale.se",
        role="tjansteperson",
        consent=True,
        party=ale,
        confirmed=False,
    )
    later = timezone.now() + dt.timedelta(hours=49)
    with pytest.raises(ValidationError, match="gått ut"):
        services.registration_confirm(registration=old, now=later)
    assert services.unconfirmed_expire(now=later) == 1
    assert not Registration.objects.filter(pk=old.pk).exists()
    assert services.unconfirmed_expire(now=later) == 0


def test_a_new_signup_replaces_an_unconfirmed_one_with_a_new_token(client, conference):
    url = reverse("conferences:register", args=[conference.slug])
    client.post(url, _form(name="Angripare"))
    first_token = _link_in(_mails_to("anna@ale.se")[-1])
    client.post(url, _form())
    second_token = _link_in(_mails_to("anna@ale.se")[-1])
    assert first_token != second_token
    assert client.get(reverse("conferences:manage", args=[first_token])).status_code == 400
    assert Registration.objects.get().name == "Anna Andersson"


# --- 6. rate limits -----------------------------------------------------------------------
def test_forty_registrations_from_one_address_hit_the_limit(client, conference):
    url = reverse("conferences:register", args=[conference.slug])
    codes = [client.post(url, _form(email=f"p{n}@ale.se")).status_code for n in range(40)]
    assert codes[:10] == [302] * 10
    assert 429 in codes and codes.count(302) <= 10
    refused = client.post(url, _form(email="sista@ale.se"))
    assert refused.status_code == 429
    assert "För många försök" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert Registration.objects.count() == codes.count(302)


def test_one_target_address_is_limited_whatever_the_client(client, conference):
    url = reverse("conferences:register", args=[conference.slug])
    codes = []
    for n in range(7):
        codes.append(client.post(url, _form(), REMOTE_ADDR=f"10.0.0.{n + 1}").status_code)
    assert codes[:5] == [302] * 5 and codes[5:] == [429, 429]
    assert len(_mails_to("anna@ale.se")) == 5


# --- 7. not while planned -----------------------------------------------------------------
def test_registration_is_closed_while_the_conference_is_only_planned(client, reference_data):
    conference = ConferenceFactory(status=Conference.Status.PLANERAD)
    url = reverse("conferences:register", args=[conference.slug])
    assert "Anmälan har inte öppnat" in client.get(url).content.decode()
    assert client.post(url, _form()).status_code == 400
    assert not Registration.objects.exists()


def test_registration_form_diet_other_needs_text(client, conference):
    url = reverse("conferences:register", args=[conference.slug])
    response = client.post(url, _form(diet_choices=["annat"], diet=""))
    assert response.status_code == 400
    assert "Beskriv vilken annan specialkost" in response.content.decode()
    client.post(url, _form(diet_choices=["glutenfritt"], diet="Kosher"))
    assert Registration.objects.get().diet_choices == "glutenfritt,annat"


@time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC), tick=False)
def test_deadline_filter_format():
    from core.templatetags.portal import datumtid

    assert datumtid(dt.datetime(2026, 10, 15, 10, tzinfo=dt.UTC)) == "15 oktober 2026 kl. 12.00"


def test_the_unit_list_follows_the_chosen_party(client, conference):
    from implementation.models import Level, Unit

    ale = Party.objects.get(slug="ale")
    boras = Party.objects.get(slug="boras")
    Unit.objects.create(party=ale, level=Level.FORVALTNING, name="Ales förvaltning", slug="a-f")
    Unit.objects.create(party=boras, level=Level.FORVALTNING, name="Borås förv", slug="b-f")
    page = client.get(reverse("conferences:register", args=[conference.slug])).content.decode()
    assert "Ales förvaltning" in page and "Borås förv" in page  # without JS: all, grouped
    assert 'hx-get="/konferenser/anmalan/' in page
    units = reverse("conferences:units", args=[conference.slug])
    fragment = client.get(units, {"party": ale.pk}).content.decode()
    assert 'id="div_id_unit"' in fragment
    assert "Ales förvaltning" in fragment and "Borås förv" not in fragment
    # The form that comes back with errors keeps the narrowed list.
    again = client.post(
        reverse("conferences:register", args=[conference.slug]), _form(name="")
    ).content.decode()
    assert "Ales förvaltning" in again and "Borås förv" not in again


def test_the_confirm_page_shows_the_owner_what_was_typed(client, conference):
    client.post(reverse("conferences:register", args=[conference.slug]), _form())
    page = client.get(
        reverse("conferences:manage", args=[_link_in(_mails_to("anna@ale.se")[-1])])
    ).content.decode()
    assert "Bekräfta min anmälan" in page
    assert "Hörslinga" in page and "Vegetariskt" in page and "Nötter" in page
