"""In Chromium: the reference group's meeting of 4 June 2026 (seed 004) is entered by its
secretary — called, attended, items, decisions and next steps — approved and printed to PDF;
edits after approval are gone; the action's owner sees it on Min sida; a per-capsulam
decision is recorded in SRO. axe-core at 1366 and 390 px."""

import datetime as dt
import re

from bodies.models import Meeting, Membership, Outcome

VIEWPORTS = ((1366, 768), (390, 844))


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def _axe_both(page, axe_check, what):
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page, context=f"{what} {width}px")
    page.set_viewport_size({"width": 1366, "height": 768})


def _outcome(page, item_title, kind, text, owner="", due=""):
    card = page.locator(
        "article", has=page.get_by_role("heading", name=re.compile(re.escape(item_title)))
    )
    card.locator("summary", has_text="Lägg till information").click()
    card.locator("select[name=kind]").select_option(kind)
    card.locator("textarea[name=text]").fill(text)
    if owner:
        card.locator("select[name=owner]").select_option(label=owner)
        card.locator("input[name=due_date]").fill(due)
    card.get_by_role("button", name="Spara utfallet").click()
    page.wait_for_load_state()


def test_the_secretary_enters_approves_and_prints_the_4_june_meeting(
    browser_page, axe_check, login_as, make_user, body, sro, styrgrupp_user, forvaltare
):
    secretary = make_user(username="sekr", first_name="Sofia", last_name="Sekreterare")
    Membership.objects.create(
        body=body, user=secretary, name="Sofia Sekreterare", mandate="sekreterare"
    )
    Membership.objects.create(
        body=sro, user=secretary, name="Sofia Sekreterare", mandate="sekreterare"
    )
    styrgrupp_user.first_name, styrgrupp_user.last_name = "Sten", "Styrgrupp"
    styrgrupp_user.save()
    page = browser_page
    login_as(page, secretary)
    page.goto(page.base_url + "/organ/politisk-referensgrupp/")
    _axe_both(page, axe_check, "organets sida")
    page.get_by_role("link", name="Nytt möte").click()
    page.get_by_label("Datum").fill("2026-06-04")
    page.get_by_label("Starttid").fill("15:30")
    page.get_by_label("Sluttid").fill("16:30")
    page.get_by_label("Rubrik").fill("Politisk referensgrupp – nytt hälso- och sjukvårdsavtal")
    page.get_by_label("Plats").fill("Centralhuset Konferens, Göteborg")
    page.locator("#knapp-mote").click()
    page.wait_for_load_state()
    assert "Janette Olsson" in page.content()  # the members are called

    page.locator("summary", has_text="Lägg till en kallad").click()
    page.get_by_label("Namn").fill("Kristina Lännergren")
    page.get_by_label("Roll eller organisation").fill("direktör VästKom")
    page.locator("#knapp-kallad").click()
    page.wait_for_load_state()
    for title in ("Aktuellt", "Länsgemensam riktlinje Patientsäkerhet", "Extramöte i augusti"):
        summary = page.locator("summary", has_text="Lägg till en punkt")
        if summary.count() and not page.get_by_label("Punkt").is_visible():
            summary.click()
        page.get_by_label("Punkt").fill(title)
        page.locator("#knapp-punkt").click()
        page.wait_for_load_state()
    page.get_by_role("link", name="Markera som kallat").click()
    page.locator("#bekrafta").click()
    page.wait_for_load_state()
    _outcome(page, "Aktuellt", "information", "Arbetet med det nya avtalet följer plan.")
    _outcome(
        page,
        "Länsgemensam riktlinje",
        "beslut",
        "Referensgruppen ställer sig positiv till ett gemensamt möte med styrgruppen den 24 augusti.",
    )
    _outcome(
        page,
        "Extramöte i augusti",
        "atgard",
        "Kalla till extramötet den 24 augusti.",
        owner="Sten Styrgrupp",
        due="2026-06-30",
    )
    page.get_by_role("link", name="Markera som genomfört").click()
    page.locator("#bekrafta").click()
    page.wait_for_load_state()
    page.get_by_label("Närvaro för Adam Johansson").select_option("forhinder")
    page.locator("#spara-narvaro").click()
    page.wait_for_load_state()
    _axe_both(page, axe_check, "mötet")

    page.get_by_role("link", name="Justera protokollet").click()
    _axe_both(page, axe_check, "justera")
    page.locator("#bekrafta").click()
    page.wait_for_load_state()
    meeting = Meeting.objects.get(body=body, date=dt.date(2026, 6, 4))
    assert meeting.state == Meeting.State.APPROVED
    assert page.get_by_role("button", name="Spara närvaron").count() == 0  # read-only now
    assert page.get_by_text("Protokollet kan inte längre ändras").count() == 1

    page.get_by_role("link", name="Protokoll (utskrift och PDF)").click()
    _axe_both(page, axe_check, "protokollet")
    page.emulate_media(media="print")
    text = page.locator("main").inner_text()
    for expected in (
        "Politisk referensgrupp",
        "4 juni 2026",
        "kl. 15.30–16.30",
        "Kristina Lännergren",
        "Förhinder",
        "Extramöte i augusti",
        "Kalla till extramötet",
        "Sten Styrgrupp",
    ):
        assert expected in text, expected
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF") and 1 <= _page_count(pdf) <= 3
    page.emulate_media(media="screen")

    # The action's owner: on Min sida (and in their own list).
    page.context.clear_cookies()
    login_as(page, styrgrupp_user)
    page.goto(page.base_url + "/genomforande/min-sida/")
    assert page.get_by_text("Kalla till extramötet den 24 augusti.").count() == 1
    _axe_both(page, axe_check, "Min sida")

    # A per-capsulam decision in SRO (1 September 2026).
    chair = Membership.objects.create(body=sro, name="Ordförande SRO")
    page.context.clear_cookies()
    login_as(page, secretary)
    page.goto(page.base_url + "/organ/sro/per-capsulam/")
    _axe_both(page, axe_check, "per capsulam")
    page.locator("textarea[name=text]").fill("SRO rekommenderar parterna att anta riktlinjen.")
    page.get_by_label("Beslutsdatum").fill("2026-09-01")
    page.get_by_label("Ordförande SRO (Ledamot)").check()
    page.locator("#knapp-per-capsulam").click()
    page.wait_for_load_state()
    assert "beslut per capsulam" in page.content()
    decision = Outcome.objects.get(per_capsulam=True)
    assert decision.decided_on == dt.date(2026, 9, 1) and list(decision.agreed.all()) == [chair]
