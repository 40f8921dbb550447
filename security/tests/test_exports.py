"""No export turns user text into a formula.

Formula payloads are written through the real forms (an anonymous registrant's name, a
lead's next step, an escalation case's title, a decision's note and reference, a conference
title that the steering group's export shows); then every download in the URL table is
fetched and opened: no XLSX cell is a formula (nor an error value), no CSV cell begins with a
character a spreadsheet would run, and the payloads are there, as text.
"""

import csv
import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import CSV_DANGEROUS_PREFIXES, XLSX_MIME
from core.testing.hostile_files import FORMULA_PAYLOADS
from load.html_forms import form_with
from security.tests.test_url_sweep import ACCESS, GROUP_B
from security.tests.urls_for import url_for

pytestmark = GROUP_B

FORMULAS = FORMULA_PAYLOADS


def payload(index: int, source: str) -> str:
    """A formula payload with a marker that says where it was written."""
    return f"{FORMULAS[index % len(FORMULAS)]} {source}{index}"


def submit(client, url: str, overrides: dict, *, containing: str = ""):
    """The page's form as a browser would send it, with the test's values: the test keeps
    working when a form gains an optional field."""
    form = form_with(client.get(url).content.decode(), containing or next(iter(overrides)))
    assert form is not None, f"inget formulär på {url}"
    data = {**form.fields, **overrides}
    data.pop("csrfmiddlewaretoken", None)
    return client.post(url, data)


def _ok(response, what):
    """The form was accepted (a redirect); else the page's error messages."""
    errors = re.findall(r"<strong>([^<]*)</strong>", response.content.decode())
    assert response.status_code == 302, (what, response.status_code, errors)


def write_payloads(world, clients):
    from agreements.models import Party
    from core.models import OutboxMessage
    from escalation.models import Category
    from implementation.models import Level, Responsibility

    o = world.obj
    for i in range(len(FORMULAS)):  # the public registration form, anonymous
        url = url_for("conferences:register", o)
        overrides = {
            "name": payload(i, "Anmald"),
            "email": f"formel{i}@kommun.test",
            "role": "tjansteperson",
            "consent": "on",
            "party": str(o.party.pk),
            "title": payload(i, "Titel"),
        }
        _ok(submit(clients["anon"], url, overrides), "anmälan")
        # Double opt-in (#17): the registration counts once the address is confirmed from
        # the link in the mail.
        mail = next(
            m for m in OutboxMessage.objects.order_by("-pk") if f"formel{i}@kommun.test" in m.to
        )
        link = re.search(r"https?://[^/\s]+(/konferenser/avanmalan/[^/\s]+/)", mail.text)
        assert link, mail.text
        assert clients["anon"].post(link.group(1) + "bekrafta/").status_code == 302
    items = Responsibility.objects.filter(level=Level.VERKSAMHET, is_active=True)
    for i, item in enumerate(items.order_by("code")[: len(FORMULAS)]):  # a lead's next step
        url = reverse(
            "implementation:progress",
            kwargs={"party": o.party.slug, "unit": o.verksamhet.slug, "code": item.code},
        )
        overrides = {"status": "pagar", "comment": "", "next_step": payload(i, "Steg")}
        _ok(submit(clients["own"], url, overrides), "nästa steg")
    vgr = Party.objects.get(slug="vgr")
    for i in range(len(FORMULAS)):  # an escalation case's title
        url = reverse("escalation:create")
        overrides = {
            "kind": "avvikelse",
            "title": payload(i, "Arende"),
            "description": "Beskrivning",
            "agreement": str(o.case.agreement_id),
            "receiving_party": str(vgr.pk),
            "category": str(Category.objects.filter(is_active=True).first().pk),
        }
        _ok(submit(clients["own"], url, overrides), "ärende")
    parties = Party.objects.municipalities().exclude(pk=o.party.pk).order_by("name")
    for i, party in enumerate(parties[: len(FORMULAS)]):  # a decision's note and reference
        url = reverse("agreements:decision_create")
        overrides = {
            **ACCESS["agreements:decision_create"].payload,
            "party": str(party.pk),
            "agreements": [str(o.agreement.pk)],
            "reference": payload(i, "Paragraf"),
            "note": payload(i, "Notering"),
        }
        _ok(submit(clients["registrator"], url, overrides, containing="note"), "beslut")
    # The steering group's export names the next conference.
    url = url_for("conferences:update", o)
    _ok(
        submit(clients["registrator"], url, {"title": payload(0, "Konferens")}),
        "konferensens titel",
    )


def downloads(world, clients):
    """(name, url, response) of every spreadsheet download in the URL table, fetched by an
    actor who may, in every format it comes in."""
    for name in ACCESS:
        url = url_for(name, world.obj)
        variants = [url]
        if url.endswith(".csv"):
            variants.append(url[: -len(".csv")] + ".xlsx")
        for variant in variants:
            for actor in ("forvaltare", "registrator", "styrgrupp", "own"):
                response = clients[actor].get(variant)
                if response.status_code != 200:
                    continue
                kind = response.get("Content-Type", "")
                if kind.startswith("text/csv") or kind == XLSX_MIME:
                    yield name, variant, response
                break


def xlsx_texts(name: str, data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/"):
                xml = archive.read(part)
                assert b"<f>" not in xml and b"<f " not in xml, f"{name}: formel i {part}"
    texts = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in {"f", "e"}, f"{name}: {cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def csv_texts(name: str, data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    texts = [v for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for v in row]
    for value in texts:
        assert not value.startswith(CSV_DANGEROUS_PREFIXES), f"{name}: {value!r}"
    return texts


# Where each written payload must show up (so that the test cannot pass by finding nothing).
EXPECTED = {
    "Anmald": {"conferences:participants_export"},
    "Titel": {"conferences:participants_export"},
    "Steg": {"implementation:unit_export", "implementation:party_export"},
    "Arende": {"escalation:export"},
    "Paragraf": {"agreements:register_xlsx", "agreements:register_csv"},
    "Notering": {"agreements:register_xlsx", "agreements:register_csv"},
    "Konferens": {"dashboard:export"},
}


def test_exports_never_hold_a_formula(world, clients, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        write_payloads(world, clients)
    found: dict[str, set[str]] = {}
    formats = set()
    for name, url, response in downloads(world, clients):
        data = b"".join(response.streaming_content) if response.streaming else response.content
        if response["Content-Type"].startswith("text/csv"):
            texts, kind = csv_texts(url, data), "csv"
        else:
            texts, kind = xlsx_texts(url, data), "xlsx"
        formats.add((name, kind))
        for text in texts:
            for source in EXPECTED:
                if source in text:
                    found.setdefault(source, set()).add(name)
    assert {"csv", "xlsx"} <= {kind for _name, kind in formats}
    for source, names in EXPECTED.items():
        missing = names - found.get(source, set())
        assert not missing, f"{source} syns inte i {missing} – testet prövar inget där"


@pytest.mark.parametrize("text", FORMULAS)
def test_the_payloads_are_what_the_forms_keep(text):
    """The forms strip surrounding white space: "\\t=1" arrives as "=1", still a formula."""
    assert text.strip().startswith(CSV_DANGEROUS_PREFIXES)


def prefix_every_text_field(payload: str, short: str) -> None:
    """The XSS sweep's fields, with a formula in front of every value (a formula only runs
    from the cell's start); a field too short for ``payload`` gets ``short``."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Substr

    from security.tests.test_xss import text_fields

    for model, field in text_fields():
        limit = field.max_length or 10_000
        text = payload if limit >= len(payload) + 1 else short
        if limit < len(text) + 1:
            continue
        model._default_manager.update(
            **{field.name: Concat(Value(text), Substr(F(field.name), 1, limit - len(text)))}
        )


def test_every_text_field_with_a_formula_stays_text_in_every_export(world, clients):
    """The XSS sweep's reach for formulas: every free-text field of every model starts with
    a formula; every spreadsheet download is opened and holds none, and the text is there."""
    prefix_every_text_field(FORMULAS[0], "=1+1")
    shown = set()
    for name, url, response in downloads(world, clients):
        data = b"".join(response.streaming_content) if response.streaming else response.content
        if response["Content-Type"].startswith("text/csv"):
            texts = csv_texts(url, data)
            shown |= {name for t in texts if t.startswith("'" + FORMULAS[0])}
        else:
            texts = xlsx_texts(url, data)
            shown |= {name for t in texts if t.startswith(FORMULAS[0])}
    assert {
        "conferences:participants_export",
        "implementation:unit_export",
        "implementation:party_export",
        "implementation:bulk_template",
        "escalation:export",
        "agreements:register_xlsx",
        "agreements:register_csv",
        "dashboard:export",
    } <= shown, shown
