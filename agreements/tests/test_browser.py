"""A registrar records a joint decision and the board follows (Playwright + axe-core)."""

import datetime as dt

from openpyxl import load_workbook
from playwright.sync_api import expect

from agreements.models import Decision, Party


def _everyone_adopts_but(record, *slugs):
    for party in Party.objects.agreement_parties().exclude(slug__in=slugs):
        record(party, day=dt.date(2025, 11, 4) if party.is_region else dt.date(2026, 4, 20))


def test_registrar_records_a_joint_decision_sees_the_board_update_and_exports(
    transactional_db, registrator, record, browser_page, login_as, axe_check, tmp_path
):
    _everyone_adopts_but(record, "lerum", "gullspang", "munkedal")
    page = browser_page
    login_as(page, registrator)

    page.goto(page.base_url + "/avtal/")
    assert page.locator("h1").inner_text() == "Avtal"
    assert page.get_by_text(
        "Träder i kraft 1 januari 2027 om samtliga kommuner antar avtalet."
    ).count()
    axe_check(page, context="avtalssidan")

    page.get_by_role(
        "link", name="Hälso- och sjukvårdsavtal – avtal som reglerar", exact=False
    ).first.click()
    assert "Syfte och nyheter" in page.content()
    axe_check(page, context="avtalet")

    page.goto(page.base_url + "/avtal/beslut/")
    assert page.get_by_text("46 av 49 kommuner har antagit avtalet.").count() == 1
    axe_check(page, context="beslutstavlan")

    page.get_by_role("link", name="Registrera beslut", exact=True).click()
    assert page.locator("h1").inner_text() == "Registrera beslut"
    axe_check(page, context="beslutsformuläret")
    page.locator("#id_party").select_option(label="Lerum")
    page.locator("#id_decided_on").fill("2026-05-20")
    page.locator("#id_body").select_option(label="Kommunfullmäktige")
    page.get_by_label("Antaget", exact=True).check()
    page.get_by_label("Protokoll eller diarienummer").fill("KF 2026-05-20 § 61")
    page.get_by_role("button", name="Registrera beslutet").click()
    page.wait_for_url("**/avtal/parter/lerum/")
    assert "Beslutet för Lerum är registrerat för 5 avtal." in page.content()
    axe_check(page, context="partssidan")
    assert Decision.objects.filter(party__slug="lerum", outcome="antaget").count() == 5

    page.goto(page.base_url + "/avtal/beslut/")
    assert page.get_by_text("47 av 49 kommuner har antagit avtalet.").count() == 1
    page.get_by_label("Kommunalförbund", exact=True).select_option(label="Göteborgsregionen")
    page.get_by_role("button", name="Visa", exact=True).click()
    # Wait for the filtered page (the URL changes before its content has arrived).
    expect(page.get_by_text("12 parter visas.")).to_have_count(1)
    assert "forbund=gr" in page.url
    lerum = page.locator("tr", has=page.get_by_role("link", name="Lerum", exact=True))
    assert lerum.get_by_text("Antaget").count() == 5
    axe_check(page, context="den filtrerade beslutstavlan")

    page.get_by_role("link", name="Hela beslutsregistret").click()
    assert page.locator("h1").inner_text() == "Beslutsregistret"
    assert page.get_by_role("link", name="Lerum").count() == 5
    axe_check(page, context="beslutsregistret")
    page.go_back()

    with page.expect_download() as info:
        page.get_by_role("link", name="Exportera registret (Excel)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    workbook = load_workbook(path)
    rows = {row[0]: row for row in workbook["Aktuell status"].iter_rows(values_only=True)}
    assert rows["Lerum"][2:7] == ("Antaget",) * 5
    assert rows["Gullspång"][2] == "Inget beslut registrerat"
    register = list(workbook["Alla beslut"].iter_rows(values_only=True))
    assert any(r[0] == "Lerum" and r[8] == "KF 2026-05-20 § 61" for r in register)


def test_bad_input_in_the_browser_keeps_what_was_typed(
    transactional_db, registrator, browser_page, login_as, axe_check
):
    page = browser_page
    login_as(page, registrator)
    page.goto(page.base_url + "/avtal/beslut/nytt/?part=dals-ed")
    page.locator("#id_decided_on").fill("2026-05-25")
    page.locator("#id_body").select_option(label="Kommunfullmäktige")
    page.get_by_label("Bordlagt/uppskjutet").check()
    page.get_by_label("Protokoll eller diarienummer").fill("KF 2026-05-25 § 80")
    page.get_by_role("button", name="Registrera beslutet").click()
    assert page.get_by_text("Ange ett planerat beslutsdatum när beslutet skjuts upp.").count()
    assert page.get_by_label("Protokoll eller diarienummer").input_value() == "KF 2026-05-25 § 80"
    axe_check(page, context="formuläret med fel")
    assert not Decision.objects.exists()
