"""The whole chain in a real browser: invite a list, register from the e-mail, cancel, and the
waiting-list person is offered the seat. axe-core checks every page on the way."""

import re

from django.utils import timezone

from conferences.models import Conference, Registration
from conferences.tests.factories import ConferenceFactory

SHOTS = "/tmp/conferences-{}.png"


def _link(message, path):
    return re.search(rf"(https?://\S+{path}\S*)", message.body).group(1)


def _mail_to(mailbox, email, subject_part):
    return [m for m in mailbox if m.to == [email] and subject_part in m.subject][-1]


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
    anna.get_by_label("Vegetariskt").check()
    anna.get_by_label("Jag har läst hur mina uppgifter hanteras och godkänner det.").check()
    anna.get_by_role("button", name="Skicka anmälan").click()
    # Double opt-in: the page only says "check your e-mail"; the link is in the e-mail.
    assert "Titta i din e-post" in anna.locator("h1").inner_text()
    axe_check(anna, context="titta i din e-post")
    anna.goto(_link(_mail_to(mailbox, "anna@ale.se", "Bekräfta"), "/konferenser/avanmalan/"))
    axe_check(anna, context="bekräfta anmälan")
    anna.get_by_role("button", name="Bekräfta min anmälan").click()
    assert "Tack! Din anmälan är bekräftad." in anna.locator(".portal-messages").inner_text()
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
    bo.goto(_link(_mail_to(mailbox, "bo@boras.se", "Bekräfta"), "/konferenser/avanmalan/"))
    bo.get_by_role("button", name="Bekräfta min anmälan").click()
    assert "Du är nummer 1 på väntelistan." in bo.locator("main").inner_text()
    axe_check(bo, context="väntelistan")
    bo.screenshot(path=SHOTS.format("vantelista"), full_page=True)

    # 5. Anna cancels from the link in her confirmation e-mail.
    confirmation = next(
        m for m in mailbox if m.to == ["anna@ale.se"] and "Bekräftelse" in m.subject
    )
    anna.goto(_link(confirmation, "/konferenser/avanmalan/"))
    assert anna.url == anna_manage or "/konferenser/avanmalan/" in anna.url
    anna.get_by_role("link", name="Avboka min anmälan").click()
    axe_check(anna, context="avboka, bekräfta")
    anna.get_by_role("button", name="Ja, avboka min anmälan").click()
    assert "Din anmälan är avbokad" in anna.locator("h1").inner_text()

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

    # Check-in on a phone-sized screen, with htmx, on the conference day.
    Conference.objects.filter(pk=conference.pk).update(date=timezone.localdate())
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

    # Check-in before the day: closed, but the förvaltare may open it (logged).
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/incheckning/")
    assert "Incheckningen är öppen på konferensdagen" in page.locator("main").inner_text()
    axe_check(page, context="incheckning stängd")
    page.get_by_role("button", name="Öppna incheckningen i förväg (förvaltare)").click()
    assert "Incheckningen är öppnad i förväg." in page.locator(".portal-messages").inner_text()
    conference.refresh_from_db()
    assert conference.checkin_opened_at is not None


SAFE_SHOTS = "/tmp/shots-conferences/{}-{}.png"
SIZES = {"dator": (1366, 768), "mobil": (390, 844)}


def _both_sizes(page, axe_check, name):
    """axe at 1366×768 and 390×844, with a screenshot of each."""
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page, context=f"{name} ({label})")
        page.screenshot(path=SAFE_SHOTS.format(name, label), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


def test_registrar_runs_a_conference_safely_and_an_invitee_declines(
    browser_page, axe_check, login_as, registrator, mailbox
):
    """Issue 17, the "done when": paste 20 addresses, send, see the answers, remind once,
    catering and needs, cancel a person (confirm), cancel the conference (message, undo);
    an invitee declines from the e-mail."""
    from conferences.tests.factories import RegistrationFactory

    conference = ConferenceFactory(title="Dialogkonferens säkerhet")
    bo = RegistrationFactory(
        conference=conference, name="Bo Berg", accessibility="Hörslinga", diet_choices="veganskt"
    )
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    login_as(page, registrator)
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/")

    # Invitation: paste 20 addresses, send.
    page.get_by_role("link", name="Skriv inbjudan").click()
    page.get_by_role("button", name="Spara och välj mottagare").click()
    lines = [f"Person {n} <p{n}@ale.se>" for n in range(10)] + [f"q{n}@ale.se" for n in range(10)]
    page.get_by_label("Klistra in adresser").fill("\n".join(lines))
    page.get_by_role("button", name="Lägg till adresserna").click()
    assert "20 mottagare har lagts till." in page.locator(".portal-messages").inner_text()
    page.get_by_role("button", name="Skicka inbjudan till 20 mottagare").click()
    page.get_by_text("Utskicket är klart.").wait_for()
    invitation_url = page.url.split("#")[0]

    # The invitee declines from the e-mail (a page that asks, then a POST).
    invitation = next(m for m in mailbox if m.to == ["p0@ale.se"])
    invitee = page.context.browser.new_context(locale="sv-SE").new_page()
    invitee.goto(_link(invitation, "/konferenser/svar/"))
    _both_sizes(invitee, axe_check, "tacka-nej")
    invitee.get_by_role("button", name="Ja, jag tackar nej").click()
    assert "Tack för ditt svar" in invitee.locator("h1").inner_text()
    invitee.context.close()

    # Per-recipient answers; remind those who have not answered, once.
    page.goto(invitation_url)
    row = page.get_by_role("row", name=re.compile("p0@ale.se"))
    assert "Avböjt" in row.inner_text()
    _both_sizes(page, axe_check, "inbjudan-svar")
    page.get_by_role("link", name="Påminn dem som inte svarat").click()
    assert "19 mottagare" in page.locator("main").inner_text()
    _both_sizes(page, axe_check, "paminn-bekrafta")
    page.get_by_role("button", name="Skicka påminnelsen").click()
    assert (
        "En påminnelse skickas till 19 mottagare." in page.locator(".portal-messages").inner_text()
    )
    page.get_by_role("link", name="Påminn dem som inte svarat").click()
    page.get_by_role("button", name="Skicka påminnelsen").click()  # a second click: refused
    assert "skickades nyss" in page.locator(".portal-messages").inner_text()
    reminders = [m for m in mailbox if m.subject.startswith("Påminnelse")]
    assert len(reminders) == 19 and not any(m.to == ["p0@ale.se"] for m in reminders)

    # Catering (print) and the organiser's needs list.
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/fortaring/")
    assert "Veganskt" in page.locator("main").inner_text()
    page.emulate_media(media="print")
    page.screenshot(path=SAFE_SHOTS.format("fortaring", "utskrift"), full_page=True)
    page.emulate_media(media="screen")
    _both_sizes(page, axe_check, "fortaring")
    page.get_by_role("link", name="Se vem som behöver vad").click()
    assert "Hörslinga" in page.locator("main").inner_text()
    _both_sizes(page, axe_check, "anpassning")

    # Cancel a person: the confirmation page first.
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/deltagare/")
    page.get_by_role("link", name="Avboka Bo Berg").click()
    _both_sizes(page, axe_check, "avboka-deltagare")
    bo.refresh_from_db()
    assert bo.status == "bekraftad"
    page.get_by_role("button", name="Avboka", exact=True).click()
    assert "Anmälan för Bo Berg är avbokad." in page.locator(".portal-messages").inner_text()

    # Cancel the conference: how many are told, a message, and undo.
    page.goto(f"{page.base_url}/konferenser/{conference.slug}/")
    page.get_by_role("link", name="Ställ in konferensen").click()
    page.get_by_label("Meddelande till de anmälda (frivilligt)").fill("Nytt datum kommer.")
    _both_sizes(page, axe_check, "installa")
    page.get_by_role("button", name="Ställ in konferensen").click()
    assert "Inställd" in page.locator("main").inner_text()
    _both_sizes(page, axe_check, "installd-angra")
    page.get_by_role("button", name="Ångra inställningen").click()
    assert "Inställningen är ångrad." in page.locator(".portal-messages").inner_text()
    conference.refresh_from_db()
    assert conference.status == "inbjudan_skickad"
    assert not [m for m in mailbox if m.subject.startswith("Inställd")]
