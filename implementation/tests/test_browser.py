"""The implementation lead's whole flow in Chromium, with axe-core on every page."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from implementation.models import Progress, ProgressLog, Responsibility, Status


def test_lead_marks_an_item_done_from_min_sida_and_sees_the_rollup(
    browser_page, axe_check, login_as, gbg_lead, gbg_forvaltning, gbg_verksamhet, boras_verksamhet
):
    page = browser_page
    item = Responsibility.objects.get(code="p1-verksamhet-eskaleringstrappan")
    login_as(page, gbg_lead)
    page.goto(page.base_url + reverse("implementation:my_page"))
    assert page.locator("h1").inner_text() == "Min sida"
    axe_check(page, context="Min sida")
    rollup = page.locator(f"#framsteg-{gbg_verksamhet.pk}")
    assert "0 av 19 klara" in rollup.inner_text()

    row = page.locator(f"#forsenade-{gbg_verksamhet.pk}-{item.pk}")
    row.locator("summary").click()  # the editor opens on demand
    row.get_by_label("Ny status").select_option(label="Klar")
    row.get_by_label(re.compile("Kommentar")).fill("Rutinen är genomgången på APT.")
    row.get_by_role("button", name=re.compile("Spara")).click()
    confirmation = page.get_by_role("status").filter(has_text="har nu status Klar")
    confirmation.wait_for()
    assert page.url.endswith(reverse("implementation:my_page"))  # no page change
    assert "1 av 19 klara" in page.locator(f"#framsteg-{gbg_verksamhet.pk}").inner_text()
    assert "1 av 38 klara" in page.locator(f"#framsteg-{gbg_forvaltning.pk}").inner_text()
    assert Progress.objects.get(unit=gbg_verksamhet, responsibility=item).status == Status.KLAR
    assert ProgressLog.objects.get().comment == "Rutinen är genomgången på APT."
    axe_check(page, context="Min sida efter ändring")

    page.goto(
        page.base_url + reverse("implementation:unit", args=["goteborg", gbg_verksamhet.slug])
    )
    assert "Klar" in page.locator(f"#ansvar-{item.code}").inner_text()
    axe_check(page, context="verksamhetens sida")
    page.goto(
        page.base_url + reverse("implementation:unit", args=["goteborg", gbg_forvaltning.slug])
    )
    axe_check(page, context="förvaltningens sida")
    page.goto(
        page.base_url + reverse("implementation:matrix", args=["goteborg", gbg_forvaltning.slug])
    )
    axe_check(page, context="förvaltningens matris")
    page.goto(page.base_url + reverse("implementation:party", args=["goteborg"]))
    axe_check(page, context="partens sida")
    page.goto(page.base_url + reverse("implementation:index"))
    axe_check(page, context="översikten")

    # A Borås unit: readable, but its edit forms are out of reach.
    page.goto(
        page.base_url
        + reverse("implementation:progress", args=["boras", boras_verksamhet.slug, item.code])
    )
    assert page.get_by_role("heading", name="Rapportera").count() == 0
    response = page.goto(
        page.base_url + reverse("implementation:unit_edit", args=["boras", boras_verksamhet.slug])
    )
    assert response.status == 403
    assert not Progress.objects.filter(unit=boras_verksamhet).exists()


def test_progress_form_and_bulk_pages_are_accessible(
    browser_page, axe_check, login_as, gbg_lead, gbg_forvaltning, gbg_verksamhet
):
    page = browser_page
    login_as(page, gbg_lead)
    item = Responsibility.objects.get(code="p2-verksamhet-rutiner-eskaleringstrappan")
    page.goto(
        page.base_url
        + reverse("implementation:progress", args=["goteborg", gbg_verksamhet.slug, item.code])
    )
    page.locator("#id_status").select_option(label="Hinder")
    page.get_by_role("button", name="Spara").click()
    # Wait for the answer to the POST (reading the page at once may catch it half-loaded).
    expect(page.get_by_text("Skriv en kommentar").first).to_be_visible()
    axe_check(page, context="rapportformulär med fel")
    page.get_by_label("Kommentar till loggen").fill("Väntar på nämndbeslut.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(re.compile(gbg_verksamhet.slug + "/$|#ansvar-"))
    assert Progress.objects.get().status == Status.HINDER
    for name, args in (
        ("bulk_upload", ["goteborg", gbg_forvaltning.slug]),
        ("members", ["goteborg", gbg_forvaltning.slug]),
        ("phases", []),
        ("without_lead", []),
    ):
        page.goto(page.base_url + reverse(f"implementation:{name}", args=args))
        axe_check(page, context=name)


PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/h5-shots"


def _inside_viewport(page, locator) -> dict:
    """The element's bounding box; it must lie inside the 390 × 844 viewport as loaded."""
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    return box


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_phone_min_sida_and_unit_checklist_show_the_status_control_without_scrolling(
    browser_page, axe_check, login_as, gbg_lead, gbg_forvaltning, gbg_verksamhet, tmp_path
):
    import pathlib

    pathlib.Path(SHOTS).mkdir(exist_ok=True)
    page = browser_page
    page.set_viewport_size(PHONE)
    item = Responsibility.objects.get(code="p1-verksamhet-eskaleringstrappan")
    login_as(page, gbg_lead)
    page.goto(page.base_url + reverse("implementation:my_page"))
    page.screenshot(path=f"{SHOTS}/min-sida-390.png", caret="initial")
    first = page.locator(".ia-item").first
    status_box = _inside_viewport(page, first.locator(".ia-item-status .status"))
    control_box = _inside_viewport(page, first.locator("summary"))
    print("Min sida 390 px: status", status_box, "ändra status", control_box)
    _no_sideways_scroll(page)
    # The menu is collapsed behind a button and opens.
    menu = page.locator(".portal-menu ul")
    assert not menu.is_visible()
    page.locator(".portal-menu summary").click()
    menu.wait_for(state="visible")
    axe_check(page, context="Min sida, 390 px, meny öppen")
    page.locator(".portal-menu summary").click()

    # Quick status keeps the input: Hinder without a comment fails at the row.
    row = page.locator(f"#forsenade-{gbg_verksamhet.pk}-{item.pk}")
    row.locator("summary").click()
    row.get_by_label("Ny status").select_option(label="Hinder")
    row.get_by_role("button", name=re.compile("Spara")).click()
    comment = page.locator(f"#kommentar-forsenade-{gbg_verksamhet.pk}-{item.pk}")
    comment.wait_for()
    expect(comment).to_be_focused()
    page.wait_for_timeout(400)  # let the swap settle before measuring
    row = page.locator(f"#forsenade-{gbg_verksamhet.pk}-{item.pk}")
    assert row.get_by_label("Ny status").input_value() == Status.HINDER
    assert comment.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{comment.get_attribute('aria-describedby')}")
    assert "Skriv en kommentar" in error.inner_text()
    assert comment.evaluate("el => el === document.activeElement")
    page.screenshot(path=f"{SHOTS}/min-sida-fel-390.png", caret="initial")
    print("Fel på raden, 390 px: kommentarfältet", _inside_viewport(page, comment))
    axe_check(page, context="Min sida med fel, 390 px")
    assert not Progress.objects.exists()

    page.goto(
        page.base_url + reverse("implementation:unit", args=["goteborg", gbg_verksamhet.slug])
    )
    page.screenshot(path=f"{SHOTS}/checklista-390.png", caret="initial")
    first = page.locator("tr.ia-card").first
    status_box = _inside_viewport(page, first.locator(".ia-card-status .status"))
    control_box = _inside_viewport(page, first.locator(".ia-change"))
    print("Checklista 390 px: status", status_box, "ändra status", control_box)
    _no_sideways_scroll(page)
    axe_check(page, context="checklista, 390 px")
    page.goto(
        page.base_url
        + reverse("implementation:progress", args=["goteborg", gbg_verksamhet.slug, item.code])
    )
    page.screenshot(path=f"{SHOTS}/ansvar-390.png", caret="initial")
    _inside_viewport(page, page.locator("#id_status"))
    _no_sideways_scroll(page)
    axe_check(page, context="ansvarets sida, 390 px")
    page.goto(
        page.base_url + reverse("implementation:matrix", args=["goteborg", gbg_forvaltning.slug])
    )
    axe_check(page, context="matrisen, 390 px")
