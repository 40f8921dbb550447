"""The documents pages as their users meet them: the registrar's whole flow, the recipients'
signed links without an account, refusals, the XLSX compilation, the checklist line, the
dashboard figures and bounded query counts at 50 and 5 000 recipients."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Party
from core.models import AuditEvent, OutboxMessage
from documents import emails, figures, services
from documents.audiences import Candidate, Resolved
from documents.evidence import backing_evidence
from documents.models import (
    Backing,
    Dispatch,
    DispatchRecipient,
    Document,
    DocumentVersion,
    RemissRecipient,
)
from escalation.tests.files import pdf_bytes

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _link(text: str, path: str) -> str:
    return re.search(rf"https?://[^/\s]+({path}[^\s\"<]+)", text).group(1)


def test_the_registrar_enters_a_guideline_sends_a_remiss_and_compiles_the_answers(
    registrator, addresses, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    c = _client(registrator)
    response = c.post(
        reverse("documents:create"),
        {"title": "Riktlinje för patientsäkerhet", "kind": "riktlinje", "backing_required": "on"},
    )
    document = Document.objects.get()
    assert response.status_code == 302 and document.backing_required
    upload = SimpleUploadedFile("remissversion.pdf", pdf_bytes("Remissversion"))
    c.post(
        reverse("documents:version_create", args=[document.pk]),
        {"stage": "remissversion", "files": [upload]},
    )
    version = document.versions.get()
    assert version.files.count() == 1
    response = c.post(
        reverse("documents:round_create", args=[version.pk]),
        {
            "title": "Remiss: riktlinje",
            "opens_on": "2025-12-01",
            "deadline": "2026-02-28",
            "all_parties": "on",
        },
    )
    remiss = version.remiss_rounds.get()
    assert remiss.recipients.count() == 50 and remiss.sent_at is None
    page = c.get(reverse("documents:round_send", args=[remiss.pk]))
    assert "Versionen låses" in page.content.decode()  # the confirmation step
    c.post(reverse("documents:round_send", args=[remiss.pk]))
    c.post(reverse("documents:round_send", args=[remiss.pk]))  # a double click
    assert OutboxMessage.objects.filter(kind=emails.KIND_REMISS).count() == 50
    # The locked version refuses a change through the view as well.
    c.post(
        reverse("documents:version_update", args=[version.pk]),
        {"stage": "slutlig", "note": "ändrad"},
    )
    version.refresh_from_db()
    assert version.stage == "remissversion" and version.note == ""

    # A municipality answers from the mail, without an account, with a file.
    recipient = remiss.recipients.get(party__slug="alingsas")
    mail = OutboxMessage.objects.get(kind=emails.KIND_REMISS, related_id=recipient.pk)
    url = _link(mail.text, "/dokument/svara/")
    anonymous = Client()
    page = anonymous.get(url)
    assert page.status_code == 200 and "remissversion.pdf" in page.content.decode()
    file_url = url + "?fil=" + str(version.files.get().pk)
    assert anonymous.get(file_url).status_code == 200
    anonymous.post(
        url,
        {
            "answer": "yttrande",
            "text": '=HYPERLINK("http://angripare.example")',
            "file": SimpleUploadedFile("svar.pdf", pdf_bytes("Svar")),
        },
    )
    recipient.refresh_from_db()
    assert recipient.answered and recipient.answered_by_link
    assert [f.name for f in recipient.files.all()] == ["svar.pdf"]
    # A tampered link opens nothing.
    assert anonymous.get(url[:-3] + "xx/").status_code == 404
    # The registrar records an answer received by letter.
    other = remiss.recipients.get(party__slug="boras")
    c.post(
        reverse("documents:answer_record", args=[other.pk]),
        {"answer": "inget_att_invanda", "received_on": "2026-02-20"},
    )
    other.refresh_from_db()
    assert other.answer == "inget_att_invanda" and other.recorded_by == registrator

    response = c.get(reverse("documents:round_export", args=[remiss.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 50  # one row per recipient
    alingsas = next(row for row in rows if row[0] == "Alingsås")
    assert alingsas[3] == "Yttrande" and alingsas[8].startswith("=HYPERLINK")
    cell = next(c for c in sheet[rows.index(alingsas) + 1] if str(c.value).startswith("=HY"))
    assert cell.data_type == "s"  # text, never a formula


def test_a_lead_reads_documents_but_not_remiss_answers_or_dispatches(lead, final_version):
    c = _client(lead)
    assert c.get(reverse("documents:index")).status_code == 200
    assert c.get(reverse("documents:backing", args=[final_version.pk])).status_code == 200
    assert c.get(reverse("documents:dispatches")).status_code == 403
    response = c.post(
        reverse("documents:backing", args=[final_version.pk]),
        {
            "party": Party.objects.get(slug="goteborg").pk,
            "body": "KS",
            "decided_on": "2026-10-01",
            "outcome": "bakom",
        },
    )
    assert response.status_code == 403 and Backing.objects.count() == 0


def test_backing_through_the_page_shows_galler_only_with_all_50(final_version, registrator):
    c = _client(registrator)
    parties = list(Party.objects.agreement_parties())
    for party in parties[:49]:
        Backing.objects.create(
            version=final_version,
            party=party,
            body="KS",
            decided_on=dt.date(2026, 10, 1),
            outcome=Backing.Outcome.BACKED,
        )
    page = c.get(reverse("documents:backing", args=[final_version.pk])).content.decode()
    assert "Gäller inte" in page and "49 av 50 parter" in page
    assert parties[49].name in page.split("Saknas")[1].split("</section>")[0]
    response = c.post(
        reverse("documents:backing", args=[final_version.pk]),
        {
            "party": parties[49].pk,
            "body": "Kommunfullmäktige",
            "decided_on": "2026-11-20",
            "outcome": "bakom",
            "reference": "KF 2026/12",
        },
    )
    assert response.status_code == 302
    page = c.get(reverse("documents:backing", args=[final_version.pk])).content.decode()
    assert "Alla 50 parter har ställt sig bakom versionen" in page


def test_the_checklist_item_shows_the_backing_state(final_version, registrator):
    from implementation.models import Responsibility

    item = Responsibility.objects.filter(is_active=True).first()
    final_version.document.responsibilities.set([item])
    lines = backing_evidence([1, 2], [item.pk])
    assert [line.done for line in lines[(1, item.pk)]] == [False]
    assert "0 av 50" in lines[(2, item.pk)][0].text
    Backing.objects.bulk_create(
        Backing(
            version=final_version,
            party=p,
            body="KS",
            decided_on=dt.date(2026, 10, 1),
            outcome=Backing.Outcome.BACKED,
        )
        for p in Party.objects.agreement_parties()
    )
    line = backing_evidence([1], [item.pk])[(1, item.pk)][0]
    assert line.done and "gäller" in line.text
    assert backing_evidence([1], [item.pk + 10_000]) == {}


def test_a_dispatch_is_confirmed_forwarded_and_registered_through_the_links(registrator, addresses):
    c = _client(registrator)
    response = c.post(
        reverse("documents:dispatch_create"),
        {
            "subject": "Information om riktlinjen",
            "text": "Riktlinjen är beslutad.",
            "audiences": ["forbund", "registratorer"],
            "forward_note": "Sänd vidare till era medlemskommuner.",
        },
    )
    dispatch = Dispatch.objects.get()
    assert response["Location"] == reverse("documents:dispatch_send", args=[dispatch.pk])
    page = c.get(response["Location"]).content.decode()
    assert "53 mottagare" in page
    c.post(reverse("documents:dispatch_send", args=[dispatch.pk]))
    c.post(reverse("documents:dispatch_send", args=[dispatch.pk]))
    assert OutboxMessage.objects.filter(kind=emails.KIND_DISPATCH).count() == 53
    gr = dispatch.recipients.get(federation__slug="gr")
    mail = OutboxMessage.objects.get(kind=emails.KIND_DISPATCH, related_id=gr.pk)
    assert "Sänd vidare till era medlemskommuner." in mail.text
    anonymous = Client()
    url = _link(mail.text, "/dokument/kvittens/")
    anonymous.post(url, {"received": "on", "forwarded_to": "Alingsås, Lerum och Vårgårda"})
    alingsas = dispatch.recipients.get(party__slug="alingsas")
    mail = OutboxMessage.objects.get(kind=emails.KIND_DISPATCH, related_id=alingsas.pk)
    anonymous.post(_link(mail.text, "/dokument/kvittens/"), {"received": "on", "dnr": "KS 2026/1"})
    assert anonymous.get(_link(mail.text, "/dokument/kvittens/") + "?pdf=1")[
        "Content-Type"
    ].startswith("application/pdf")
    page = c.get(reverse("documents:dispatch", args=[dispatch.pk])).content.decode()
    assert "2 av 53 har bekräftat mottagandet, 1 har sänt det vidare och 1 har diariefört det" in (
        page
    )
    assert "Alingsås, Lerum och Vårgårda" in page and "KS 2026/1" in page
    c.post(reverse("documents:dispatch_remind", args=[dispatch.pk]))
    assert OutboxMessage.objects.filter(kind=emails.KIND_DISPATCH_REMINDER).count() == 3


def test_the_dashboard_figures(final_version, guideline, registrator, addresses):
    _document, remiss_version = guideline
    remiss = services.round_create(
        actor=registrator,
        version=remiss_version,
        title="Remiss",
        opens_on=dt.date(2026, 11, 1),
        deadline=dt.date(2026, 12, 31),
        parties=list(Party.objects.agreement_parties()[:4]),
    )
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False):
        services.round_send(actor=registrator, remiss=remiss)
        services.answer_record(
            actor=registrator, recipient=remiss.recipients.first(), answer="inget_att_invanda"
        )
    parties = list(Party.objects.agreement_parties())
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        for party in parties[:49]:
            services.backing_record(
                actor=registrator,
                version=final_version,
                party=party,
                body="KS",
                decided_on=dt.date(2026, 11, 1),
                outcome=Backing.Outcome.BACKED,
            )
        dispatch = services.dispatch_create(
            actor=registrator, subject="Info", text="Text", audiences=["forbund"]
        )
        services.dispatch_send(actor=registrator, dispatch=dispatch)
    result = figures.document_figures(today=dt.date(2026, 11, 25), since_day=dt.date(2026, 11, 15))
    assert [(r.answers, r.recipients) for r in result.rounds] == [(1, 4)]
    assert [(b.backed, b.total, b.applies) for b in result.backing] == [(49, 50, False)]
    assert [(d.confirmed, d.recipients) for d in result.unconfirmed] == [(0, 4)]
    assert (result.since.answers, result.since.backings, result.since.dispatches) == (0, 49, 1)
    assert result.since.came_to_apply == []
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        services.backing_record(
            actor=registrator,
            version=final_version,
            party=parties[49],
            body="KF",
            decided_on=dt.date(2026, 11, 30),
            outcome=Backing.Outcome.BACKED,
        )
    after = figures.document_figures(today=dt.date(2026, 12, 2), since_day=dt.date(2026, 11, 28))
    assert [(b.backed, b.applies) for b in after.backing] == [(50, True)]
    assert after.since.came_to_apply == [final_version.document.title]
    assert after.since.backings == 1


def _many(n: int) -> Resolved:
    return Resolved(
        [
            Candidate("registratorer", f"Mottagare {i}", "Org", f"m{i}@kommun.test")
            for i in range(n)
        ],
        [],
    )


@pytest.mark.parametrize("n", [50, 5000])
def test_sending_and_listing_a_dispatch_is_bounded(n, registrator, count_queries, monkeypatch):
    monkeypatch.setattr(services, "resolve", lambda dispatch: _many(n))
    dispatch = services.dispatch_create(
        actor=registrator, subject="Info", text="Text", audiences=["registratorer"]
    )
    queries = count_queries(services.dispatch_send, actor=registrator, dispatch=dispatch)
    assert DispatchRecipient.objects.count() == n
    assert OutboxMessage.objects.filter(kind=emails.KIND_DISPATCH).count() == n

    # Inserts go in batches (SQLite takes 999 parameters a statement, so about a hundred rows;
    # PostgreSQL thousands): the count grows with n / batch, never with n.
    def batches(fields: int) -> int:
        return -(-n // connection.ops.bulk_batch_size(["x"] * fields, [None] * n))

    bound = (
        16
        + batches(len(DispatchRecipient._meta.concrete_fields))
        + batches(len(OutboxMessage._meta.concrete_fields))
        + 4 * -(-n // 500)  # the outbox writes in chunks of 500: a few queries each
        # core.audit: one event per recipient (record_many, batched like the rows) and the
        # dispatch's own event (savepoints, content types, the data-version bump).
        + batches(len(AuditEvent._meta.concrete_fields))
        + 8
    )
    assert queries <= bound, (queries, bound)
    c = _client(registrator)
    url = reverse("documents:dispatch", args=[dispatch.pk])
    assert count_queries(c.get, url) <= 14
    assert count_queries(services.dispatch_remind, actor=registrator, dispatch=dispatch) <= 8


@pytest.mark.parametrize("n", [50, 5000])
def test_the_remiss_page_and_backing_register_are_bounded(
    n, final_version, registrator, count_queries
):
    from documents.models import RemissRound

    remiss = RemissRound.objects.create(
        version=final_version,
        title="R",
        opens_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 2, 1),
    )
    RemissRecipient.objects.bulk_create(
        RemissRecipient(round=remiss, name=f"Instans {i}", email=f"r{i}@x.test") for i in range(n)
    )
    c = _client(registrator)
    assert count_queries(c.get, reverse("documents:round", args=[remiss.pk])) <= 14
    Backing.objects.bulk_create(
        Backing(
            version=final_version,
            party=p,
            body="KS",
            decided_on=dt.date(2026, 10, 1) + dt.timedelta(days=i % 3),
            outcome=Backing.Outcome.BACKED,
        )
        for i, p in enumerate(list(Party.objects.agreement_parties()) * 3)
    )
    assert count_queries(c.get, reverse("documents:backing", args=[final_version.pk])) <= 16


def test_the_document_list_and_detail_are_bounded(registrator, count_queries):
    for i in range(30):
        document = Document.objects.create(title=f"Dokument {i}", kind="material")
        DocumentVersion.objects.create(document=document, number=1, stage="slutlig")
    c = _client(registrator)
    assert count_queries(c.get, reverse("documents:index")) <= 10
    assert count_queries(c.get, reverse("documents:detail", args=[document.pk])) <= 16


def test_the_dashboard_partial_renders_the_figures(final_version, registrator, addresses):
    from django.template.loader import render_to_string

    Backing.objects.create(
        version=final_version,
        party=Party.objects.get(slug="vgr"),
        body="Regionstyrelsen",
        decided_on=dt.date(2026, 9, 1),
        outcome=Backing.Outcome.BACKED,
    )
    dispatch = services.dispatch_create(
        actor=registrator, subject="Info <b>", text="Text", audiences=["forbund"]
    )
    services.dispatch_send(actor=registrator, dispatch=dispatch)
    data = figures.document_figures(since_day=dt.date(2026, 1, 1))
    html = render_to_string("documents/_dashboard.html", {"documents_figures": data})
    assert "1 av 50 parter" in html and "Gäller inte" in html
    assert "0 av 4 har kvitterat" in html and "Info &lt;b&gt;" in html
    assert reverse("documents:backing", args=[final_version.pk]) in html


def test_a_line_break_in_a_title_or_subject_is_refused_and_nothing_is_saved(registrator, addresses):
    c = _client(registrator)
    response = c.post(
        reverse("documents:create"), {"title": "Riktlinje\r\nBcc: x@y.se", "kind": "riktlinje"}
    )
    assert response.status_code == 200 and "utan radbrytningar" in response.content.decode()
    response = c.post(
        reverse("documents:dispatch_create"),
        {"subject": "Ämne\nBcc: x@y.se", "text": "Text", "audiences": ["forbund"]},
    )
    assert response.status_code == 200 and "utan radbrytningar" in response.content.decode()
    assert not Document.objects.exists() and not Dispatch.objects.exists()


def test_the_receipt_link_is_signed_and_its_public_post_is_rate_limited(
    registrator, addresses, settings
):
    dispatch = services.dispatch_create(
        actor=registrator, subject="Info", text="Text", audiences=["forbund"]
    )
    services.dispatch_send(actor=registrator, dispatch=dispatch)
    recipient = dispatch.recipients.order_by("pk").first()
    token = emails.receipt_token(recipient)
    anonymous = Client(REMOTE_ADDR="198.51.100.22")
    forged = [str(recipient.pk), token[:-2] + ("AA" if not token.endswith("AA") else "BB")]
    forged.append(emails.answer_token(recipient))  # another link's signature (other salt)
    for bad in forged:
        url = reverse("documents:receipt", args=[bad])
        assert anonymous.get(url).status_code == 404
        assert anonymous.post(url, {"received": "on", "dnr": "X"}).status_code == 404
    recipient.refresh_from_db()
    assert recipient.confirmed_at is None and recipient.registered_dnr == ""
    settings.PUBLIC_POST_RATE = "2/10m"
    url = reverse("documents:receipt", args=[token])
    codes = [
        anonymous.post(url, {"received": "on", "dnr": f"KS {n}"}).status_code for n in range(3)
    ]
    assert codes == [302, 302, 429]
    recipient.refresh_from_db()
    assert recipient.registered_dnr == "KS 1"
