"""The whole chain in a real browser: invite a list, register from the e-mail, cancel, and the
waiting-list person is offered the seat. axe-core checks every page on the way."""

import re

from conferences.models import Registration
from conferences.tests.factories import ConferenceFactory

SHOTS = "/tmp/conferences-{}.png"


def _link(message, path):
    return re.search(rf"(https?://\S+{path}\S*)", message.body).group(1)


def test_invite_register_cancel_and_promote(
    browser_page, axe_check, login_as, registrator, mailbox, tmp_path
):
    conference = ConferenceFactory(capacity=1, status="planerad", quota_per_organisation=None)
    page = browser_page
    login_as(page, registrator)

    page.goto(f"{page.base_url}/konferenser/")
    axe_check(page, context="konferenslistan")
    page.get_by_role("link", name=conference.title).click()
    assert page.locator("h1").inner_text().startswith(conference.title)
    axe_check(page, context="konferenssidan")

    # 1. Write the invitation (prefilled) and import a list of recipients.
    page.get_by_role("link", name="Skriv inbjudan").click()
    assert conference.title in page.get_by_label("Ämnesrad").input_value()
    axe_check(page, context="skriv inbjudan")
    page.get_by_role("button", name="Spara och välj mottagare").click()
    csv = tmp_path / "mottagare.csv"
    csv.write_text(
        "e-post;namn;organisation\nanna@ale.se;Anna Andersson;Ale\nbo@boras.se;Bo Berg;Borås\n"
    )
    page.get_by_label("Lista med mottagare").set_input_files(str(csv))
    page.get_by_role("button", name="Importera lista").click()
    assert "2 mottagare har lagts till." in page.locator(".portal-messages").inner_text()
    axe_check(page, context="inbjudan med mottagare")
    page.screenshot(path=SHOTS.format("inbjudan"), full_page=True)

    # 2. Preview and send.
    page.get_by_role("link", name="Förhandsgranska").first.click()
    assert "Anmäl dig till" in page.locator(".email-preview").first.inner_text()
    axe_check(page, context="förhandsgranskning")
    page.get_by_role("button", name="Skicka inbjudan till 2 mottagare").click()
    page.get_by_text("Utskicket är klart.").wait_for()
    assert "Skickade: 2." in page.locator("#utskick-status").inner_text()
    axe_check(page, context="utskickslogg")
    page.screenshot(path=SHOTS.format("utskick"), full_page=True)
    invitations = {m.to[0]: m for m in mailbox if m.subject.startswith("Inbjudan")}
    assert set(invitations) == {"anna@ale.se", "bo@boras.se"}

    # 3. Anna opens her personal link from the e-mail and registers (no account).
    public = page.context.browser.new_context(locale="sv-SE")
    anna = public.new_page()
    anna.goto(_link(invitations["anna@ale.se"], "/konferenser/anmalan/"))
    assert anna.get_by_label("E-postadress").input_value() == "anna@ale.se"
    axe_check(anna, context="anmälningssidan")
    anna.screenshot(path=SHOTS.format("anmalan"), full_page=True)
    anna.get_by_label("Organisation", exact=True).select_option(label="Ale")
    anna.get_by_label("Tjänsteperson").check()
    anna.get_by_label("Specialkost").fill("Vegetarisk")
    anna.get_by_label("Jag har läst hur mina uppgifter hanteras och godkänner det.").check()
    anna.get_by_role("button", name="Skicka anmälan").click()
    assert "Tack! Du är anmäld." in anna.locator(".portal-messages").inner_text()
    axe_check(anna, context="min anmälan")
    anna_manage = anna.url

    # 4. Bo registers too and lands on the waiting list.
    bo = public.new_page()
    bo.goto(_link(invitations["bo@boras.se"], "/konferenser/anmalan/"))
    assert "fullbokad" in bo.locator("main").inner_text()
    bo.get_by_label("Organisation", exact=True).select_option(label="Borås")
    bo.get_by_label("Politiker").check()
    bo.get_by_label("Jag har läst hur mina uppgifter hanteras och godkänner det.").check()
    bo.get_by_role("button", name="Skicka anmälan").click()
    assert "Du är nummer 1 på väntelistan." in bo.locator("main").inner_text()
    axe_check(bo, context="väntelistan")
    bo.screenshot(path=SHOTS.format("vantelista"), full_page=True)

    # 5. Anna cancels from the link in her confirmation e-mail.
    confirmation = next(
        m for m in mailbox if m.to == ["anna@ale.se"] and "Bekräftelse" in m.subject
    )
    anna.goto(_link(confirmation, "/konferenser/avanmalan/"))
    assert anna.url == anna_manage or "/konferenser/avanmalan/" in anna.url
    anna.get_by_role("button", name="Avboka min anmälan").click()
    assert "Din anmälan är avbokad." in anna.locator(".portal-messages").inner_text()

    # 6. The registrar sees Bo offered the seat.
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/deltagare/")
    row = page.get_by_role("row", name=re.compile("Bo Berg"))
    assert "Erbjuden plats" in row.inner_text()
    axe_check(page, context="deltagarlistan")
    page.screenshot(path=SHOTS.format("deltagare"), full_page=True)
    assert Registration.objects.get(email="bo@boras.se").status == "erbjuden"

    # Bo takes the seat from the offer e-mail.
    offer = next(m for m in mailbox if m.to == ["bo@boras.se"] and "ledig" in m.subject)
    bo.goto(_link(offer, "/konferenser/avanmalan/"))
    bo.get_by_role("button", name="Tacka ja till platsen").click()
    assert "Platsen är din." in bo.locator(".portal-messages").inner_text()
    public.close()

    # Check-in on a phone-sized screen, with htmx.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/incheckning/")
    axe_check(page, context="incheckning")
    page.get_by_role("button", name="Checka in Bo Berg").click()
    page.get_by_role("button", name="Ångra Bo Berg").wait_for()
    page.get_by_text("1 av 1 bekräftade deltagare är incheckade.").wait_for()
    assert Registration.objects.get(email="bo@boras.se").attended
    page.screenshot(path=SHOTS.format("incheckning"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    for path, name in (("fortaring", "förtäring"), ("narvarolista", "närvarolista")):
        page.goto(f"{page.base_url}/konferenser/{conference.slug}/{path}/")
        axe_check(page, context=name)
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/")
    axe_check(page, context="konferenssidan med anmälda")
    page.screenshot(path=SHOTS.format("konferens"), full_page=True)
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/andra/")
    axe_check(page, context="ändra konferens")


def test_forvaltare_links_a_conference_to_the_checklist(
    browser_page, axe_check, login_as, forvaltare
):
    conference = ConferenceFactory()
    page = browser_page
    login_as(page, forvaltare)
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/")
    page.get_by_role("link", name="Koppla till checklistan").click()
    axe_check(page, context="koppla till checklistan")
    page.get_by_role("button", name="Koppla Verksamhet: Delta på dialogkonferenser").click()
    assert "Konferensen är kopplad." in page.locator(".portal-messages").inner_text()
    assert conference.checklist_links.get().responsibility.code == "p2-verksamhet-dialogkonferenser"
    axe_check(page, context="kopplade ansvar")
    page.screenshot(path=SHOTS.format("checklista"), full_page=True)
