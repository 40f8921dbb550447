"""The board pack: the dashboard printed on the demo data is 2–4 A4 pages with its title, the
date and page numbers, without screen instructions; the trend chart has three lines and the
table keeps every series."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from hosavtal.tests.test_dashboard_browser import _page_count


def test_dashboard_prints_as_a_two_to_four_page_board_pack(
    browser_page, login_as, styrgrupp_user, reference_data
):
    call_command("seed_demo", stdout=io.StringIO())
    page = browser_page
    login_as(page, styrgrupp_user)
    page.goto(page.base_url + "/styrgrupp/")
    assert (
        page.locator("section[aria-labelledby=trend] .db-svg polyline.db-line").count() == 3
    )  # county, region, municipalities
    series = page.locator(".db-trend-table thead th").count() - 1
    assert series >= 6  # the table keeps the county, VGR and every kommunalförbund
    page.emulate_media(media="print")
    assert page.locator("h1").inner_text() == "Styrgruppens översikt"
    assert "Läget den" in page.locator("main").inner_text()
    for instruction in ("Välj en cell", "Välj ett annat möte", "Skriv ut"):
        assert page.get_by_text(instruction).filter(visible=True).count() == 0, instruction
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = _page_count(pdf)
    print("Styrgruppens översikt, utskrift:", pages, "A4-sidor")
    assert 2 <= pages <= 4, pages
    css = Path(finders.find("dashboard/dashboard.css")).read_text(encoding="utf-8")
    page_rule = re.search(r"@page\s*{[^}]*size: A4[^@]*@bottom-right\s*{[^}]*counter\(page\)", css)
    assert page_rule, "sidnummer saknas i @page-regeln"
    assert settings.LANGUAGE_CODE.startswith("sv")
