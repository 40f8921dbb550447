"""The public pages of a conference: registering without an account, the personal links,
the calendar file, the unit list and the page in English."""

import datetime as dt

import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from agreements.models import Party
from conferences import services
from conferences.emails import (
    MANAGE_SALT,
    invitation_token,
    manage_token,
    registration_token_from_link,
)
from conferences.models import Conference, Recipient, Registration
from conferences.tests.factories import RegistrationFactory


# --- public pages ----------------------------------------------------------------------------
def _form(**overrides):
    return {
        "name": "Anna Andersson",
        "email": "anna@ale.se",
        "party": str(Party.objects.get(slug="ale").pk),
        "role": "tjansteperson",
        "title": "Enhetschef",
        "diet": "Vegetarisk",
        "consent": "on",
        **overrides,
    }


def test_public_registration_without_account(client, conference, mailbox, settings):
    url = reverse("conferences:register", args=[conference.slug])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "raderas automatiskt 30 dagar efter konferensen" in text
    assert "sammanräknade antal" in text
    response = client.post(url, _form())
    registration = Registration.objects.get(email="anna@ale.se")
    # Double opt-in (issue 17): nothing held, and the link goes by e-mail only.
    assert registration.status == "obekraftad" and registration.party.slug == "ale"
    assert response["Location"] == reverse("conferences:check_email", args=[conference.slug])
    link = manage_token(registration)
    client.post(reverse("conferences:confirm", args=[link]))
    registration.refresh_from_db()
    assert registration.status == "bekraftad"
    assert registration_token_from_link(link) == registration.token
    manage = client.get(reverse("conferences:manage", args=[link]))
    assert "Tack! Din anmälan är bekräftad" in manage.content.decode()


def test_public_page_exposes_nothing_else(client, conference):
    RegistrationFactory(conference=conference, name="Annan Deltagare", email="annan@ale.se")
    page = client.get(reverse("conferences:register", args=[conference.slug]))
    text = page.content.decode()
    assert "Annan Deltagare" not in text and "annan@ale.se" not in text
    assert "Huvudmeny" not in text


def test_public_registration_bad_input_keeps_values(client, conference):
    url = reverse("conferences:register", args=[conference.slug])
    response = client.post(url, _form(email="inte-en-adress", consent="", name="<b>Fet</b> Namn"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "giltig e-postadress" in text
    assert "godkänna" in text
    assert "&lt;b&gt;Fet&lt;/b&gt; Namn" in text
    assert not Registration.objects.exists()


def test_public_registration_closed_and_cancelled(client, conference):
    conference.registration_closes = timezone.now() - dt.timedelta(hours=1)
    conference.save()
    url = reverse("conferences:register", args=[conference.slug])
    assert "Anmälan stängde" in client.get(url).content.decode()
    assert client.post(url, _form()).status_code == 400
    Conference.objects.filter(pk=conference.pk).update(status="installd", registration_closes=None)
    assert "inställd" in client.get(url).content.decode()
    assert not Registration.objects.exists()


def test_personal_link_prefills_and_links_the_recipient(client, invitation):
    recipient = Recipient.objects.create(
        invitation=invitation, email="lea@ale.se", name="Lea Lind", source="import"
    )
    url = reverse("conferences:register", args=[invitation.conference.slug])
    token = invitation_token(recipient.pk)
    page = client.get(f"{url}?inbjudan={token}").content.decode()
    assert 'value="lea@ale.se"' in page and 'value="Lea Lind"' in page
    client.post(url, _form(email="lea@ale.se", inbjudan=token))
    assert Registration.objects.get().recipient == recipient


def test_manage_link_change_cancel_and_tampering(client, conference, register):
    (person,) = register(conference, 1)
    token = manage_token(person)
    url = reverse("conferences:manage", args=[token])
    response = client.post(
        url, {"name": "Ändrat Namn", "party": "", "organisation_other": "SKR", "role": "politiker"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Ändrat Namn" and person.organisation == "SKR"
    client.post(reverse("conferences:cancel", args=[token]))
    person.refresh_from_db()
    assert person.status == "avbokad"
    tampered = client.get(reverse("conferences:manage", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 400
    assert "Länken är ogiltig" in tampered.content.decode()
    forged = signing.dumps("inte-en-token", salt=MANAGE_SALT)
    assert client.get(reverse("conferences:manage", args=[forged])).status_code == 400
    with time_machine.travel(timezone.now() + dt.timedelta(days=400)):
        expired = client.get(url)
    assert expired.status_code == 400
    assert "slutat gälla" in expired.content.decode()


def test_accept_offer_through_the_link(client, conference, register, committed):
    conference.capacity = 1
    conference.save()
    first, second = register(conference, 2)
    committed(services.registration_cancel, registration=first)
    url = reverse("conferences:manage", args=[manage_token(second)])
    assert "Tacka ja till platsen" in client.get(url).content.decode()
    client.post(reverse("conferences:accept", args=[manage_token(second)]))
    second.refresh_from_db()
    assert second.status == "bekraftad"


def test_public_ics(client, conference):
    response = client.get(reverse("conferences:ics", args=[conference.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VALARM" in response.content


def test_public_page_in_english(client, conference):
    client.cookies["hos_language"] = "en"
    text = client.get(reverse("conferences:register", args=[conference.slug])).content.decode()
    assert f"Registration for {conference.title}" in text
    assert "How we handle your data" in text
    assert "Send registration" in text


def test_registration_unit_must_belong_to_the_chosen_party(client, conference):
    from implementation.models import Unit

    unit = Unit.objects.filter(party__slug="vgr").first()
    url = reverse("conferences:register", args=[conference.slug])
    response = client.post(url, _form(unit=str(unit.pk)))  # party is Ale
    assert response.status_code == 400
    assert "Enheten hör inte till" in response.content.decode()
    client.post(url, _form(unit=str(unit.pk), party=str(unit.party_id)))
    assert Registration.objects.get().unit == unit


def test_registration_unit_that_is_no_unit_is_refused_and_a_chosen_one_kept(client, conference):
    from implementation.models import Unit

    url = reverse("conferences:register", args=[conference.slug])
    for bad in ("999999999", "abc"):
        response = client.post(url, _form(unit=bad))
        assert response.status_code == 400
        assert 'id="id_unit"' in response.content.decode()
    assert "Enheten hör inte till" in client.post(url, _form(unit="999999999")).content.decode()
    unit = Unit.objects.filter(party__slug="vgr").first()
    chosen = _form(unit=str(unit.pk), party=str(unit.party_id), name="")
    page = client.post(url, chosen).content.decode()
    assert f'<option value="{unit.pk}" selected>' in page  # kept while another field is fixed
    assert not Registration.objects.exists()


def test_registration_unit_list_is_kept_until_a_unit_changes(client, conference, count_queries):
    from implementation.models import Level, Unit

    url = reverse("conferences:register", args=[conference.slug])
    client.get(url)
    warm = count_queries(lambda: client.get(url))
    ale = Party.objects.get(slug="ale")
    unit = Unit.objects.create(party=ale, level=Level.FORVALTNING, name="Vård och omsorg Ale")
    cold = count_queries(lambda: client.get(url))
    assert cold == warm + 1  # the unit list is read again: the new unit is an audited change
    assert "Vård och omsorg Ale" in client.get(url).content.decode()
    unit.name = "Omsorgsförvaltningen Ale"
    unit.save()
    page = client.get(url).content.decode()
    assert "Omsorgsförvaltningen Ale" in page and "Vård och omsorg Ale" not in page
