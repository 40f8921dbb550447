import pytest
from django.core.management import call_command

from accounts.models import User

DEMO_PASSWORD = "hos-demo-2026"


@pytest.fixture
def demo(transactional_db):
    import io

    call_command("seed_demo", stdout=io.StringIO())


def test_public_pages_are_accessible(browser_page, axe_check):
    page = browser_page
    page.goto(page.base_url + "/")
    assert "/konto/logga-in/" in page.url
    assert page.locator("h1").inner_text() == "Logga in"
    axe_check(page, context="inloggningssidan")
    page.goto(page.base_url + "/tillganglighet/")
    assert "Tillgänglighetsredogörelse" in page.locator("h1").inner_text()
    axe_check(page, context="tillgänglighetsredogörelsen")


def test_demo_accounts_log_in_and_see_the_navigation_of_their_role(
    demo, browser_page, axe_check, login_as
):
    page = browser_page
    expected_restricted = {
        "admin": {"Styrgrupp": True, "Konferenser": True},
        "registrator": {"Styrgrupp": False, "Konferenser": True},
        "styrgrupp": {"Styrgrupp": True, "Konferenser": True},
        "ia-goteborg": {"Styrgrupp": False, "Konferenser": False},
    }
    for username in (
        "admin",
        "registrator",
        "styrgrupp",
        "ia-goteborg",
        "ia-boras",
        "ia-sahlgrenska",
    ):
        page.context.clear_cookies()
        login_as(page, User.objects.get(username=username), DEMO_PASSWORD)
        nav = page.get_by_role("navigation", name="Huvudmeny")
        assert nav.get_by_role("link", name="Start").is_visible()
        for label, visible in expected_restricted.get(username, {}).items():
            # A link shows only when the role may use it and the page exists.
            if not visible:
                assert nav.get_by_role("link", name=label).count() == 0, (username, label)
        if username == "admin":
            axe_check(page, context="startsidan")


def test_keyboard_user_can_skip_to_content(browser_page):
    page = browser_page
    page.goto(page.base_url + "/tillganglighet/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Hoppa till innehållet"
