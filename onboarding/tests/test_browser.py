"""The issue's browser flow: Borås' samordnare imports 40 units and 60 leads from one file
(dry run with errors, fix, confirm), 60 invitations are queued once (a second import of the
same file changes nothing), one invited person accepts and signs in. axe-core on the way."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from agreements.models import Party
from core.exports import Sheet, xlsx_bytes
from core.models import OutboxMessage
from implementation.models import Unit, UnitMembership
from onboarding.models import Invitation
from onboarding.services import COLUMNS

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(broken: bool) -> list[tuple]:
    rows = []
    for f in range(1, 5):  # 4 förvaltningar × (1 + 9 verksamheter) = 40 units
        fname = f"Förvaltning {f}"
        rows.append(("Förvaltning", fname, "", f"Fia{f}", "Ek", f"fia{f}@boras.test", "Ansvarig"))
        rows.append(("Förvaltning", fname, "", f"Mats{f}", "Al", f"mats{f}@boras.test", "Medlem"))
        for v in range(1, 10):
            rows.append(
                (
                    "Verksamhet",
                    f"Verksamhet {f}.{v}",
                    fname,
                    f"Vera{f}{v}",
                    "Ask",
                    f"vera{f}-{v}@boras.test",
                    "Ansvarig",
                )
            )
    for n in range(1, 17):  # 16 more members: 60 people in all
        f, v = 1 + n % 4, 1 + n % 9
        rows.append(
            (
                "Verksamhet",
                f"Verksamhet {f}.{v}",
                f"Förvaltning {f}",
                f"Extra{n}",
                "Berg",
                f"extra{n}@boras.test",
                "Medlem",
            )
        )
    if broken:
        rows[5] = ("Verksamhet", "Verksamhet 1.4", "Förvaltning 9", *rows[5][3:])
        rows[7] = (*rows[7][:5], "vera1-6(at)boras.test", "Ansvarig")
    return rows


def test_coordinator_imports_and_an_invited_person_signs_in(
    browser_page, axe_check, login_as, make_user, reference_data, tmp_path
):
    boras = Party.objects.get(slug="boras")
    coordinator = make_user(username="t-sam-boras", role="samordnare", party=boras)
    page = browser_page
    broken, fixed = tmp_path / "borås-fel.xlsx", tmp_path / "borås.xlsx"
    broken.write_bytes(xlsx_bytes([Sheet("Organisation", list(COLUMNS), _rows(True))]))
    fixed.write_bytes(xlsx_bytes([Sheet("Organisation", list(COLUMNS), _rows(False))]))

    login_as(page, coordinator)
    page.goto(page.base_url + "/organisation/")
    axe_check(page, context="organisation")
    page.get_by_role("link", name="Borås", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation: Borås")
    page.get_by_role("link", name="Importera från fil").click()
    axe_check(page, context="importsidan")

    # Dry run with errors: every error with its row, nothing written.
    page.get_by_label("Fil (Excel .xlsx eller CSV)").set_input_files(str(broken))
    page.get_by_role("button", name="Kontrollera filen").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Rad 7: Förvaltningen ”Förvaltning 9” finns varken i filen")
    expect(errors).to_contain_text("Rad 9: E-postadressen ”vera1-6(at)boras.test” är inte giltig")
    axe_check(page, context="importen med fel")
    assert not Unit.objects.filter(party=boras).exists() and not Invitation.objects.exists()

    # Fixed: confirm.
    page.get_by_label("Fil (Excel .xlsx eller CSV)").set_input_files(str(fixed))
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekräfta importen")
    expect(page.get_by_text("Nya enheter: 40")).to_be_visible()
    expect(page.get_by_text("Nya personer som får en inbjudan: 60")).to_be_visible()
    axe_check(page, context="bekräfta importen")
    page.get_by_role("button", name="Bekräfta importen").click()
    expect(page.get_by_text("Importen är klar: 40 nya enheter, 60 inbjudningar")).to_be_visible()
    axe_check(page, context="organisationen efter importen")
    assert Unit.objects.filter(party=boras).count() == 40
    assert OutboxMessage.objects.filter(kind="onboarding_invitation").count() == 60

    # The same file again changes nothing and sends nothing.
    page.get_by_role("link", name="Importera från fil").click()
    page.get_by_label("Fil (Excel .xlsx eller CSV)").set_input_files(str(fixed))
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.get_by_text("Nya enheter: 0")).to_be_visible()
    page.get_by_role("button", name="Bekräfta importen").click()
    expect(page.get_by_text("Importen är klar: 0 nya enheter, 0 inbjudningar")).to_be_visible()
    assert OutboxMessage.objects.filter(kind="onboarding_invitation").count() == 60
    page.get_by_role("link", name=re.compile("har inte loggat in ännu")).click()
    axe_check(page, context="personer")
    page.goto(page.base_url + "/genomforande/utan-ansvarig/?part=boras")
    expect(page.get_by_role("button", name="Skicka inbjudan igen till Fia1 Ek")).to_be_visible()
    axe_check(page, context="enheter utan ansvarig")

    # An invited person opens the link from the e-mail, chooses a password and signs in.
    message = OutboxMessage.objects.get(to=["vera1-1@boras.test"])
    link = re.search(r"https?://\S+/organisation/valkommen/\S+/", message.text).group(0)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Skapa ditt konto")
    axe_check(page, context="inbjudan")
    page.get_by_label("Välj lösenord").fill("Hemtjanst-Boras-2026")
    page.get_by_label("Samma lösenord igen").fill("Hemtjanst-Boras-2026")
    page.get_by_role("button", name="Skapa kontot").click()
    expect(page.get_by_text("Välkommen! Ditt konto är skapat.")).to_be_visible()
    user = User.objects.get(email="vera1-1@boras.test")
    assert UnitMembership.objects.get(user=user).unit.name == "Verksamhet 1.1"
    # The link is used up; signing in again works with the chosen password.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text("Länken har redan använts")).to_be_visible()
    login_as(page, user, "Hemtjanst-Boras-2026")
