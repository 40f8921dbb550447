"""In a real browser: pages full of script payloads run none of them."""

from django.urls import reverse

from security.tests import world as world_module
from security.tests.test_xss import PAYLOAD


def test_no_payload_runs_in_the_browser(browser_page, login_as, transactional_db):
    built = world_module.build(text=PAYLOAD)
    o = built.obj
    dialogs: list[str] = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login_as(browser_page, built.users["forvaltare"])
    pages = [
        reverse("escalation:detail", args=[o.case.pk]),
        reverse("implementation:unit", args=[o.party.slug, o.verksamhet.slug]),
        reverse("conferences:invitation_preview", args=[o.invitation.pk]),
        reverse("dashboard:meetings"),
    ]
    for path in pages:
        browser_page.goto(browser_page.base_url + path)
        browser_page.wait_for_load_state("networkidle")
        # The payload is on the page as text, so the check above is not vacuous.
        assert browser_page.get_by_text("<script>alert(1)</script>").first.is_visible(), path
    assert dialogs == []
