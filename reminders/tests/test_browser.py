"""Whole flows in Chromium, with axe-core on every reminder page."""

import os

import pytest

from reminders.models import Message, MessageStatus, Preference

SHOTS = os.environ.get("REMINDERS_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reminders-{name}.png", full_page=True)


@pytest.fixture
def data(transactional_db, reference_data, lead, forvaltare, make_reminder):
    make_reminder(lead, status="sent", message_status="sent")
    make_reminder(lead, kind="escalation_overdue")
    failed = make_reminder(lead, message_status="failed")
    return failed.message


def test_a_lead_reads_reminders_and_changes_preferences(
    data, browser_page, axe_check, login_as, lead
):
    page = browser_page
    login_as(page, lead)
    page.goto(page.base_url + "/paminnelser/")
    assert page.locator("h1").inner_text() == "Mina påminnelser"
    assert page.get_by_role("link", name="Ansvar nummer 1").is_visible()
    axe_check(page, context="Mina påminnelser")
    _shot(page, "index")
    page.get_by_role("link", name="Ändra vilka påminnelser du får").click()
    axe_check(page, context="Mina val")
    page.get_by_label("Direkt när de upptäcks, i ett eget e-postmeddelande").check()
    page.get_by_label("Konferens: snart dags").uncheck()
    _shot(page, "preferences")
    page.get_by_role("button", name="Spara mina val").click()
    assert "Dina val för påminnelser är sparade." in page.content()
    pref = Preference.objects.get(user=lead)
    assert pref.escalation_immediately and pref.opted_out == ["conference_upcoming"]
    page.get_by_role("link", name="2026-10-01").first.click()
    assert "Utskick 1 oktober 2026" in page.locator("h1").inner_text()
    axe_check(page, context="ett utskick")


def test_forvaltare_retries_a_failed_message_and_edits_lead_times(
    data, browser_page, axe_check, login_as, forvaltare, mailbox
):
    page = browser_page
    login_as(page, forvaltare)
    page.goto(page.base_url + "/paminnelser/utskick/?status=failed")
    assert page.locator("h1").inner_text() == "Utskickslogg för påminnelser"
    axe_check(page, context="utskicksloggen")
    _shot(page, "log")
    page.get_by_role("button", name="Skicka igen").click()
    assert "skickas igen" in page.content()
    assert Message.objects.get(pk=data.pk).status == MessageStatus.SENT
    page.goto(page.base_url + "/paminnelser/installningar/")
    axe_check(page, context="inställningarna")
    page.get_by_label("checklista: första påminnelsen, dagar före").fill("2")
    page.get_by_role("button", name="Spara inställningarna").click()
    assert "Den sista påminnelsen måste komma närmare tidsgränsen än den första." in page.content()
    axe_check(page, context="inställningarna med fel")
    _shot(page, "settings-error")
