"""The issue's whole flow in Chromium, axe-core on every page at 1366 and 390 px: the guideline
with a remiss version, a round to the 50 parties (49 answer, the 50th is reminded once and
listed late), the final version backed by 49 ("gäller inte") and then the 50th ("gäller"), a
dispatch to the 4 förbund and 49 registrars, one förbund confirms forwarding to three
municipalities and one municipality records its dnr."""

import datetime as dt
import re

import pytest

from agreements.models import Party
from core.models import OutboxMessage
from documents import emails, services
from documents.models import Backing, Document, RemissRecipient

SHOTS = "/tmp/documents-{}.png"
pytestmark = pytest.mark.browser


def _link(text: str, path: str) -> str:
    return re.search(rf"(https?://\S+{path}\S*)", text).group(1)


def _check(page, axe_check, context: str) -> None:
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page, context=f"{context} ({width} px)")
    page.set_viewport_size({"width": 1366, "height": 768})


def test_guideline_remiss_backing_and_dispatch(
    browser_page, axe_check, login_as, registrator, addresses, tmp_path
):
    page = browser_page
    login_as(page, registrator)

    # 1. The guideline with a remiss version.
    page.goto(f"{page.base_url}/dokument/")
    _check(page, axe_check, "dokumentlistan")
    page.get_by_role("link", name="Nytt dokument").click()
    page.get_by_label("Titel").fill("Riktlinje för patientsäkerhet")
    page.get_by_label("Slag").select_option("riktlinje")
    page.get_by_label("Gäller först när alla 50 parter har ställt sig bakom den").check()
    _check(page, axe_check, "nytt dokument")
    page.get_by_role("button", name="Spara").click()
    page.get_by_label("Skede").select_option("remissversion")
    pdf = tmp_path / "remissversion.pdf"
    from escalation.tests.files import pdf_bytes

    pdf.write_bytes(pdf_bytes("Remissversion"))
    page.get_by_label("Filer").set_input_files(str(pdf))
    _check(page, axe_check, "ny version")
    page.get_by_role("button", name="Spara versionen").click()
    document = Document.objects.get()
    assert page.locator("h1").inner_text() == document.title
    _check(page, axe_check, "dokumentet")

    # 2. A remiss round to the 50 parties.
    page.get_by_role("link", name="Skicka på remiss").click()
    page.get_by_label("Remisstiden börjar").fill("2025-12-01")
    page.get_by_label("Sista svarsdag").fill("2026-02-28")
    page.get_by_label("Alla 50 parter (VGR och de 49 kommunerna, till registratorn)").check()
    _check(page, axe_check, "ny remiss")
    page.get_by_role("button", name="Spara och granska").click()
    page.get_by_role("link", name="Granska och skicka").click()
    _check(page, axe_check, "skicka remissen")
    page.get_by_role("button", name="Skicka remissen").click()
    assert OutboxMessage.objects.filter(kind=emails.KIND_REMISS).count() == 50
    remiss = document.versions.get().remiss_rounds.get()
    recipients = list(remiss.recipients.order_by("name"))
    # 48 answer (service), one answers in the browser from its mail, the 50th does not.
    for recipient in recipients[:48]:
        services.answer_record(
            actor=None, recipient=recipient, answer="inget_att_invanda", by_link=True
        )
    mail = OutboxMessage.objects.get(kind=emails.KIND_REMISS, related_id=recipients[48].pk)
    public = page.context.browser.new_context(locale="sv-SE")
    other = public.new_page()
    other.goto(_link(mail.text, "/dokument/svara/"))
    _check(other, axe_check, "remissvar via länken")
    other.get_by_role("radio", name="Yttrande").check()
    other.get_by_label("Yttrande i text").fill("Vi tillstyrker med synpunkter på avsnitt 3.")
    other.get_by_role("button", name="Skicka svaret").click()
    assert "Tack! Ert svar är mottaget." in other.content()
    recipients[48].refresh_from_db()
    assert recipients[48].answer == RemissRecipient.Answer.STATEMENT
    # After the deadline: the 50th is reminded once and listed late.
    page.goto(f"{page.base_url}/dokument/remiss/{remiss.pk}/")
    assert "49 av 50 remissinstanser har svarat." in page.content()
    page.get_by_role("button", name="Påminn dem som inte svarat").click()
    page.get_by_role("button", name="Påminn dem som inte svarat").click()  # a second click
    reminders = OutboxMessage.objects.filter(kind=emails.KIND_REMISS_REMINDER)
    assert [m.to for m in reminders] == [[recipients[49].email]]
    late = page.locator("section[aria-labelledby=sena]").inner_text()
    assert recipients[49].name in late and "påmind 1 gång" in late
    _check(page, axe_check, "remissen")
    page.screenshot(path=SHOTS.format("remiss"), full_page=True)

    # 3. The final version collects backing: 49, then the 50th through the form.
    final = services.version_create(actor=registrator, document=document, stage="slutlig")
    parties = list(Party.objects.agreement_parties().order_by("kind", "name"))
    for party in parties[:49]:
        Backing.objects.create(
            version=final,
            party=party,
            body="Kommunstyrelsen",
            decided_on=dt.date(2026, 9, 15),
            outcome=Backing.Outcome.BACKED,
        )
    page.goto(f"{page.base_url}/dokument/{document.pk}/")
    page.get_by_role("link", name="Vilka parter står bakom versionen").click()
    assert "Gäller inte" in page.locator("main").inner_text()
    _check(page, axe_check, "ställer sig bakom (49)")
    page.locator("#id_party").select_option(str(parties[49].pk))
    page.get_by_label("Beslutande organ").fill("Kommunfullmäktige")
    page.get_by_label("Beslutsdatum").fill("2026-10-01")
    page.get_by_label("Utfall").select_option("bakom")
    page.get_by_label("Diarienummer").fill("KF 2026/45")
    page.get_by_role("button", name="Registrera beslutet").click()
    assert "Alla 50 parter har ställt sig bakom versionen." in page.locator("main").inner_text()
    _check(page, axe_check, "ställer sig bakom (50)")
    page.screenshot(path=SHOTS.format("bakom"), full_page=True)

    # 4. A dispatch to the 4 förbund and the 49 municipal registrars.
    page.goto(f"{page.base_url}/dokument/utskick/")
    page.get_by_role("link", name="Nytt utskick").click()
    page.get_by_label("Ämne").fill("Riktlinjen för patientsäkerhet gäller")
    page.locator("#id_text").fill("Alla parter har ställt sig bakom riktlinjen.")
    page.get_by_label("Kommunalförbunden (med uppmaning att sända vidare)").check()
    page.get_by_label("Kommunernas registratorer").check()
    _check(page, axe_check, "nytt utskick")
    page.get_by_role("button", name="Spara och granska").click()
    _check(page, axe_check, "skicka utskicket")
    page.get_by_role("button", name="Skicka till 53 mottagare").click()
    mails = OutboxMessage.objects.filter(kind=emails.KIND_DISPATCH)
    assert mails.count() == 53 and len({m.to[0] for m in mails}) == 53
    gr = next(m for m in mails if "rekommenderar" in m.text)
    other.goto(_link(gr.text, "/dokument/kvittens/"))
    _check(other, axe_check, "kvittens")
    other.get_by_label("Vidarebefordrat till").fill("Alingsås, Lerum och Vårgårda kommun")
    other.get_by_role("button", name="Spara kvittensen").click()
    assert "Tack! Er kvittens är sparad." in other.content()
    alingsas = next(m for m in mails if m.to == [Party.objects.get(slug="alingsas").registry_email])
    other.goto(_link(alingsas.text, "/dokument/kvittens/"))
    other.get_by_label("Diariefört som dnr").fill("KS 2026/0456")
    other.get_by_role("button", name="Spara kvittensen").click()
    page.reload()
    text = page.locator("main").inner_text()
    assert "2 av 53 har bekräftat mottagandet, 1 har sänt det vidare och 1 har diariefört det" in (
        text
    )
    _check(page, axe_check, "utskicket med kvittenser")
    page.goto(f"{page.base_url}/dokument/utskick/")
    _check(page, axe_check, "utskickslistan")
    page.screenshot(path=SHOTS.format("utskick"), full_page=True)
    public.close()
