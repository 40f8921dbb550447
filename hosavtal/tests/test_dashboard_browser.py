"""The steering group's dashboard in Chromium: open it, drill into a heatmap cell, pick a
"since" date, print to PDF; an implementation lead gets 403; axe-core on every page."""

import datetime as dt
import re

from django.utils import timezone

from agreements.models import Party
from bodies.tests.factories import SteeringMeeting
from implementation import services as implementation_services
from implementation.models import Level, Responsibility, Status, Unit


def _pdf_title(pdf: bytes) -> str:
    """The document title Chromium writes into the PDF's info dictionary (UTF-16 hex)."""
    match = re.search(rb"/Title <FEFF([0-9A-F]+)>", pdf)
    return bytes.fromhex(match.group(1).decode()).decode("utf-16-be") if match else ""


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def _goteborg_progress(actor):
    party = Party.objects.get(slug="goteborg")
    unit = Unit.objects.create(
        party=party, level=Level.FORVALTNING, name="Äldreförvaltningen", slug="aldre"
    )
    item = Responsibility.objects.filter(level=Level.FORVALTNING, phase__code="p1").first()
    implementation_services.progress_update(
        unit=unit, responsibility=item, actor=actor, status=Status.KLAR
    )
    return unit


def test_styrgrupp_drills_down_picks_a_date_and_prints(
    browser_page, axe_check, login_as, styrgrupp_user
):
    page = browser_page
    today = timezone.localdate()
    SteeringMeeting.objects.create(date=today - dt.timedelta(days=14), title="Möte 4")
    SteeringMeeting.objects.create(date=today - dt.timedelta(days=60), title="Möte 3")
    _goteborg_progress(styrgrupp_user)
    login_as(page, styrgrupp_user)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Styrgrupp").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Styrgruppens översikt"
    since_heading = page.locator("#sedan")
    assert (today - dt.timedelta(days=14)).strftime("%Y") in since_heading.inner_text()
    axe_check(page, context="styrgruppens översikt")

    # Sort the heatmap by Fas 1 (server side), then drill into Göteborg's Fas 1 cell.
    heatmap = page.locator("table.db-heat").first
    heatmap.get_by_role("link", name="Fas 1", exact=True).click()
    page.wait_for_load_state()
    assert "sortera=p1" in page.url
    page.locator("a[href*='omrade=part-goteborg'][href*='fas=p1']").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Göteborg: ")
    assert page.get_by_role("link", name="Äldreförvaltningen").is_visible()
    assert "1 av 5 klara, 20\xa0%" in page.locator(".lead").inner_text()
    axe_check(page, context="cellens lista")

    # Back to the dashboard: pick an earlier meeting, then a typed date.
    page.get_by_role("link", name="Styrgruppens översikt").first.click()
    page.wait_for_load_state()
    earlier = (today - dt.timedelta(days=60)).isoformat()
    page.get_by_label("Sedan styrgruppsmötet").select_option(value=earlier)
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_load_state()
    assert f"mote={earlier}" in page.url
    assert page.get_by_label("Sedan styrgruppsmötet").input_value() == earlier
    typed = (today - dt.timedelta(days=30)).isoformat()
    page.get_by_label("Eller sedan datumet").fill(typed)
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_load_state()
    assert f"sedan={typed}" in page.url
    assert "Ändrat sedan" in page.locator("#sedan").inner_text()
    axe_check(page, context="översikten med valt datum")

    # Print: the navigation and the choices disappear, and Chromium makes an A4 PDF.
    page.emulate_media(media="print")
    assert not page.locator(".portal-nav").is_visible()
    assert not page.locator("form.db-choices").is_visible()
    assert page.locator("h1").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 20_000
    assert _pdf_title(pdf).startswith("Styrgruppens översikt")
    assert _page_count(pdf) >= 2


def test_implementation_lead_gets_403(browser_page, login_as, lead):
    page = browser_page
    login_as(page, lead)
    response = page.goto(page.base_url + "/styrgrupp/")
    assert response.status == 403
    assert (
        page.get_by_role("navigation", name="Huvudmeny")
        .get_by_role("link", name="Styrgrupp")
        .count()
        == 0
    )


def test_forvaltare_keeps_the_meeting_dates(browser_page, axe_check, login_as, forvaltare):
    page = browser_page
    login_as(page, forvaltare)
    page.goto(page.base_url + "/styrgrupp/")
    page.get_by_role("link", name="Styrgruppens möten").click()
    page.wait_for_load_state()
    axe_check(page, context="mötena")
    page.get_by_role("link", name="Lägg till möte").click()
    page.wait_for_load_state()
    axe_check(page, context="nytt möte")
    page.get_by_label("Datum").fill("2026-12-03")
    page.get_by_label("Rubrik").fill("Styrgruppsmöte 5")
    page.get_by_role("button", name="Spara mötet").click()
    page.wait_for_load_state()
    assert "Mötet är sparat." in page.get_by_role("status").inner_text()
    assert SteeringMeeting.objects.get().title == "Styrgruppsmöte 5"
    page.get_by_role("link", name=re.compile("^Ändra")).click()
    page.wait_for_load_state()
    axe_check(page, context="ändra möte")
