"""The issue's browser flow: Borås opens a case against VGR, VGR's handler escalates it, Borås
sees the new step and deadline, Göteborg cannot find it. axe-core on every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from escalation.models import Case
from implementation.models import UnitMembership

pytestmark = pytest.mark.django_db(transaction=True)


def test_boras_opens_vgr_escalates_goteborg_cannot_find_it(
    browser_page, axe_check, login_as, make_user, parties, units, agreement
):
    boras = make_user(username="t-b-boras", role="implementeringsansvarig", party=parties["boras"])
    sara = make_user(
        username="t-b-sahlgrenska",
        role="implementeringsansvarig",
        party=parties["vgr"],
        email="sara@test.hosportalen.se",
    )
    UnitMembership.objects.create(unit=units["sahlgrenska"], user=sara, role="lead")
    gbg = make_user(username="t-b-gbg", role="implementeringsansvarig", party=parties["goteborg"])
    page = browser_page

    # Borås's lead opens a case against VGR.
    login_as(page, boras)
    page.goto(page.base_url + "/eskalering/")
    axe_check(page, context="eskaleringstrappan")
    page.get_by_role("link", name="Öppna ett nytt ärende").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Öppna ett ärende i eskaleringstrappan"
    )
    axe_check(page, context="formuläret för nytt ärende")
    page.get_by_label("Typ").select_option(label="Avvikelse i samverkan")
    page.get_by_label("Rubrik").fill("Återkoppling om hemgång dröjer")
    page.get_by_label("Beskrivning (avidentifierad)").fill("Gäller 19121212-1212.")
    page.get_by_label("Överenskommelse").select_option(index=2)
    page.get_by_label("Ansvarsområde").select_option(label="Betalningsansvar vid utskrivning")
    page.get_by_label("Mottagande part").select_option(label="Västra Götalandsregionen")
    page.get_by_label("Mottagande enhet").select_option(
        label="Sahlgrenska Universitetssjukhuset (Västra Götalandsregionen)"
    )
    page.get_by_role("button", name="Öppna ärendet").click()
    expect(page.get_by_text("ser ut som ett personnummer")).to_be_visible()
    assert Case.objects.count() == 0
    axe_check(page, context="formuläret med fel")
    page.get_by_label("Beskrivning (avidentifierad)").fill(
        "Hemsjukvården får besked om hemgång samma dag som utskrivningen."
    )
    page.get_by_role("button", name="Öppna ärendet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Återkoppling om hemgång dröjer")
    case = Case.objects.get()
    assert case.receiving_unit == units["sahlgrenska"]
    axe_check(page, context="ärendesidan")

    # VGR's handler (lead of Sahlgrenska) escalates it.
    page.context.clear_cookies()
    login_as(page, sara)
    page.goto(page.base_url + f"/eskalering/arenden/{case.pk}/")
    expect(page.get_by_text("Du hanterar ärendet på det här steget")).to_be_visible()
    page.locator("summary", has_text="Eskalera till nästa steg").click()
    page.get_by_label("Skäl till eskaleringen").fill("Vi är inte överens om ansvaret.")
    page.get_by_role("button", name="Eskalera till nästa steg").click()
    expect(page.get_by_role("status")).to_contain_text("eskalerat till nästa steg")
    case.refresh_from_db()
    assert case.step_order == 2

    # Borås's lead sees the new step and its deadline.
    page.context.clear_cookies()
    login_as(page, boras)
    page.goto(page.base_url + f"/eskalering/arenden/{case.pk}/")
    now = page.locator(".esk-now")
    expect(now).to_contain_text("Steg 2: Förvaltnings- / lokal ledningsnivå")
    from core.templatetags.portal import datum

    expect(now).to_contain_text(f"Stegets tidsgräns: {datum(case.step_deadline)}")
    page.goto(page.base_url + "/eskalering/arenden/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    axe_check(page, context="ärendelistan")

    # Göteborg's lead cannot find it.
    page.context.clear_cookies()
    login_as(page, gbg)
    response = page.goto(page.base_url + f"/eskalering/arenden/{case.pk}/")
    assert response.status == 404
    page.goto(page.base_url + "/eskalering/arenden/")
    expect(page.get_by_text(re.compile("Återkoppling om hemgång"))).to_have_count(0)
    page.goto(page.base_url + "/eskalering/")
    expect(page.get_by_text(re.compile("Återkoppling om hemgång"))).to_have_count(0)
    page.goto(page.base_url + "/eskalering/trappan/")
    axe_check(page, context="stegen")
    page.goto(page.base_url + "/eskalering/kalender/")
    axe_check(page, context="kalendern")


def test_forvaltare_ladder_pages_are_accessible(
    browser_page, axe_check, login_as, forvaltare, open_case
):
    case = open_case()
    page = browser_page
    login_as(page, forvaltare)
    page.goto(page.base_url + "/eskalering/trappan/")
    axe_check(page, context="stegen för förvaltaren")
    page.get_by_role("link", name="Lägg till handläggarregel på steg 1").click()
    page.get_by_label("Vem hanterar").select_option(label="Roll i hela länet")
    page.get_by_role("button", name="Lägg till regeln").click()
    expect(page.get_by_text("Välj en roll.")).to_be_visible()
    axe_check(page, context="regelformuläret med fel")
    page.get_by_label("Roll", exact=True).select_option(label="Styrgrupp")
    page.get_by_role("button", name="Lägg till regeln").click()
    expect(page.get_by_role("status")).to_contain_text("Regeln är tillagd")
    assert page.locator("#steg-1").get_by_text("Styrgrupp – roll i hela länet").count() == 1
    page.get_by_role("link", name="Ändra steg 2").click()
    page.get_by_label("Tidsgräns", exact=False).first.fill("0")
    page.get_by_role("button", name="Spara steget").click()
    expect(page.get_by_text("Tidsgränsen måste vara minst 1.")).to_be_visible()
    axe_check(page, context="steget med fel")
    page.goto(page.base_url + f"/eskalering/arenden/{case.pk}/")
    for summary in page.locator(".esk-actions summary").all():
        summary.click()
    axe_check(page, context="ärendesidan med alla åtgärder öppna")


def test_goteborg_against_vgr_without_a_unit_two_sided_resolution(
    browser_page, axe_check, login_as, gbg_lead, vgr_lead, parties, agreement, mailbox
):
    """The issue's done-when: Göteborg opens a case against VGR without a receiving unit →
    VGR's ärendeansvarig gets the e-mail, opens its link and acts at step 1; Göteborg
    proposes a resolution, VGR confirms, the case is resolved and then closed."""
    page = browser_page
    login_as(page, gbg_lead)
    page.goto(page.base_url + "/eskalering/arenden/nytt/")
    page.get_by_label("Typ").select_option(label="Avvikelse i samverkan")
    page.get_by_label("Rubrik").fill("Läkarbesök i korttidsboende ställs in")
    page.get_by_label("Beskrivning (avidentifierad)").fill(
        "Planerade läkarbesök ställs in utan ersättare."
    )
    page.get_by_label("Överenskommelse").select_option(index=2)
    page.get_by_label("Ansvarsområde").select_option(label="Läkaransvar")
    page.get_by_label("Mottagande part").select_option(label="Västra Götalandsregionen")
    page.get_by_role("button", name="Öppna ärendet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Läkarbesök i korttidsboende")
    case = Case.objects.get()
    assert case.receiving_unit is None

    # VGR's ärendeansvarig's e-mail, and its link.
    (message,) = [m for m in mailbox if m.to == [vgr_lead.email]]
    link = re.search(r"https?://\S+/eskalering/arenden/\d+/", message.body).group(0)
    page.context.clear_cookies()
    login_as(page, vgr_lead)
    from urllib.parse import urlsplit

    assert urlsplit(link).path == f"/eskalering/arenden/{case.pk}/"
    page.goto(page.base_url + urlsplit(link).path)
    expect(page.get_by_text("Du hanterar ärendet på det här steget")).to_be_visible()
    page.locator("summary", has_text="Kommentera").click()
    page.locator("#kommentar-text").fill("Vi ser över bemanningen.")
    page.get_by_role("button", name="Lägg till kommentaren").click()
    expect(page.get_by_role("status")).to_contain_text("Kommentaren är sparad")

    # Göteborg proposes; VGR confirms.
    page.context.clear_cookies()
    login_as(page, gbg_lead)
    page.goto(page.base_url + f"/eskalering/arenden/{case.pk}/")
    page.locator("summary", has_text="Föreslå en lösning").click()
    page.get_by_label("Föreslagen lösning").fill("VGR ordnar ersättare vid inställda besök.")
    page.get_by_role("button", name="Skicka förslaget till den andra parten").click()
    expect(page.get_by_role("status")).to_contain_text("Förslaget är skickat")
    axe_check(page, context="ärendet med förslag")
    page.context.clear_cookies()
    login_as(page, vgr_lead)
    page.goto(page.base_url + f"/eskalering/arenden/{case.pk}/")
    page.get_by_label("Vi bekräftar lösningen – ärendet blir löst").check()
    page.get_by_role("button", name="Skicka svaret").click()
    expect(page.get_by_role("status")).to_contain_text("Ärendet är löst")
    expect(page.get_by_text("Bekräftat av")).to_be_visible()
    axe_check(page, context="det lösta ärendet")
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    page.locator("summary", has_text="Avsluta ärendet").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Avsluta ärendet").click()
    expect(page.get_by_role("status")).to_contain_text("Ärendet är avslutat")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
