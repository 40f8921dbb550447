"""The documents app's services: locked versions, remiss rounds with answers, reminders and
late answers, the backing register ("gäller" only with all 50), dispatches exactly once with
receipts, and the configurable sender."""

import datetime as dt
import io
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from agreements.models import Federation, Party
from core.models import OutboxMessage
from core.outbox import email_for
from documents import emails, services
from documents.models import (
    Backing,
    Dispatch,
    DispatchRecipient,
    DocumentVersion,
    RemissRecipient,
)
from documents.selectors import backing_register
from escalation.tests.files import pdf_bytes

pytestmark = pytest.mark.django_db


def _pdf(name="remiss.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("Remissversion"))


def _round_to_all(registrator, version, deadline=dt.date(2026, 2, 28)):
    return services.round_create(
        actor=registrator,
        version=version,
        title="Remiss: riktlinje för patientsäkerhet",
        opens_on=dt.date(2025, 12, 1),
        deadline=deadline,
        parties=list(Party.objects.agreement_parties()),
    )


def test_a_sent_version_cannot_be_edited_and_a_new_version_is_a_new_row(
    guideline, registrator, addresses, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document, version = guideline
    services.version_file_add(actor=registrator, version=version, upload=_pdf())
    remiss = _round_to_all(registrator, version)
    services.round_send(actor=registrator, remiss=remiss)
    version.refresh_from_db()
    assert version.locked
    with pytest.raises(ValidationError, match="skickad"):
        services.version_update(
            actor=registrator, version=version, stage=DocumentVersion.Stage.FINAL, note="ändrad"
        )
    with pytest.raises(ValidationError, match="skickad"):
        services.version_file_add(actor=registrator, version=version, upload=_pdf("ny.pdf"))
    version.refresh_from_db()
    assert version.stage == DocumentVersion.Stage.REMISS and version.note == ""
    assert version.files.count() == 1
    final = services.version_create(
        actor=registrator, document=document, stage=DocumentVersion.Stage.FINAL
    )
    assert final.number == 2 and final.pk != version.pk and not final.locked


def test_a_hostile_file_is_refused_and_leaves_no_version(guideline, registrator):
    document, _version = guideline
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(ValidationError):
        services.version_create(
            actor=registrator, document=document, stage=DocumentVersion.Stage.FINAL, files=[fake]
        )
    assert document.versions.count() == 1


def test_a_round_to_the_50_parties_mails_each_once_and_records_answers(
    guideline, registrator, addresses, settings
):
    _document, version = guideline
    remiss = _round_to_all(registrator, version)
    with time_machine.travel(dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        assert services.round_send(actor=registrator, remiss=remiss) == 50
        assert services.round_send(actor=registrator, remiss=remiss) == 0  # a double click
    mails = OutboxMessage.objects.filter(kind=emails.KIND_REMISS)
    assert mails.count() == 50
    assert len({tuple(m.to) for m in mails}) == 50
    recipients = list(remiss.recipients.order_by("name"))
    mail = mails.get(related_id=recipients[0].pk)
    token = re.search(r"/dokument/svara/([^/\s]+)/", mail.text).group(1)
    assert mail.text.count(settings.SITE_URL + "/dokument/svara/") == 1
    assert emails.answer_id(token) == recipients[0].pk
    # 49 answer on time through the link, the 50th does not.
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC), tick=False):
        for recipient in recipients[:49]:
            services.answer_record(
                actor=None,
                recipient=recipient,
                answer=RemissRecipient.Answer.NO_OBJECTION,
                by_link=True,
            )
    last = recipients[49]
    # After the deadline the 50th is reminded once (a second click that day sends nothing).
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        assert services.round_remind(actor=registrator, remiss=remiss) == 1
        assert services.round_remind(actor=registrator, remiss=remiss) == 0
        last.refresh_from_db()
        assert last.reminders == 1 and last.late
        reminder = OutboxMessage.objects.get(kind=emails.KIND_REMISS_REMINDER)
        assert reminder.to == [last.email] and reminder.subject.startswith("Påminnelse")
        services.answer_record(
            actor=registrator,
            recipient=last,
            answer=RemissRecipient.Answer.STATEMENT,
            text="Vi har synpunkter på avsnitt 3.",
        )
    last.refresh_from_db()
    assert last.answered and last.late and not last.answered_by_link
    assert remiss.recipients.filter(answered_at__isnull=False).count() == 50
    entries = LogEntry.objects.get_for_object(last).filter(actor=registrator)
    assert any(
        e.changes_dict.get("text") == ["", "Vi har synpunkter på avsnitt 3."] for e in entries
    )


def test_a_statement_needs_text_or_a_file(guideline, registrator, addresses):
    _document, version = guideline
    remiss = _round_to_all(registrator, version)
    services.round_send(actor=registrator, remiss=remiss)
    recipient = remiss.recipients.first()
    with pytest.raises(ValidationError):
        services.answer_record(
            actor=None, recipient=recipient, answer=RemissRecipient.Answer.STATEMENT, text="  "
        )
    recipient.refresh_from_db()
    assert not recipient.answered


def test_the_backing_applies_only_when_all_50_parties_back_it(final_version, registrator):
    parties = list(Party.objects.agreement_parties().order_by("kind", "name"))
    assert len(parties) == 50
    today = dt.date(2026, 12, 3)
    with time_machine.travel(dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC), tick=False):
        for party in parties[:49]:
            services.backing_record(
                actor=registrator,
                version=final_version,
                party=party,
                body="Kommunstyrelsen",
                decided_on=dt.date(2026, 10, 1),
                outcome=Backing.Outcome.BACKED,
                reference="KS 2026/123",
            )
        register = backing_register(final_version, today=today)
        assert not register.applies
        assert register.tally.done_count == 49
        assert [row.party for row in register.tally.missing] == [parties[49]]
        assert [row.party for row in register.tally.late] == [parties[49]]  # deadline 30 Nov
        # A postponed decision does not count; the latest decision per party does.
        services.backing_record(
            actor=registrator,
            version=final_version,
            party=parties[49],
            body="Kommunfullmäktige",
            decided_on=dt.date(2026, 11, 1),
            outcome=Backing.Outcome.POSTPONED,
        )
        assert not backing_register(final_version, today=today).applies
        services.backing_record(
            actor=registrator,
            version=final_version,
            party=parties[49],
            body="Kommunfullmäktige",
            decided_on=dt.date(2026, 12, 1),
            outcome=Backing.Outcome.BACKED,
            reference="KF 2026/77",
        )
        register = backing_register(final_version, today=today)
    assert register.applies and register.tally.done_count == 50 and not register.tally.late


def test_backing_is_refused_for_a_remiss_version_and_a_non_party(guideline, registrator):
    _document, remiss_version = guideline
    vgr = Party.objects.get(slug="vgr")
    with pytest.raises(ValidationError, match="slutliga"):
        services.backing_record(
            actor=registrator,
            version=remiss_version,
            party=vgr,
            body="Regionstyrelsen",
            decided_on=dt.date(2026, 9, 1),
            outcome=Backing.Outcome.BACKED,
        )
    assert Backing.objects.count() == 0


def _dispatch(registrator, **kwargs):
    values = {
        "subject": "Information om riktlinjen",
        "text": "Riktlinjen för patientsäkerhet är beslutad.\nSe bilagan.",
        "audiences": [Dispatch.Audience.FEDERATIONS, Dispatch.Audience.REGISTRARS],
    }
    values.update(kwargs)
    return services.dispatch_create(actor=registrator, **values)


def test_a_dispatch_to_the_4_forbund_and_49_registrars_reaches_each_once(
    registrator, addresses, settings
):
    settings.DISPATCH_FROM_EMAIL = "VästKom <utskick@vastkom.se>"
    dispatch = _dispatch(registrator)
    assert services.dispatch_send(actor=registrator, dispatch=dispatch) == 53
    assert services.dispatch_send(actor=registrator, dispatch=dispatch) == 0
    mails = list(OutboxMessage.objects.filter(kind=emails.KIND_DISPATCH))
    assert len(mails) == 53 and len({m.to[0] for m in mails}) == 53
    assert DispatchRecipient.objects.filter(dispatch=dispatch).count() == 53
    dispatch.refresh_from_db()
    forbund = [m for m in mails if "rekommenderar" in m.text]
    assert len(forbund) == 4  # only the förbund carry the forwarding note
    mail = mails[0]
    assert f"Vår referens: HoS-U-{dispatch.pk}" in mail.text
    assert mail.attachments[0]["mimetype"] == "application/pdf"
    message = email_for(OutboxMessage.objects.get(pk=mail.pk))
    assert message.from_email == "VästKom <utskick@vastkom.se>"
    pdf = PdfReader(io.BytesIO(message.attachments[0][1]))
    text = pdf.pages[0].extract_text()
    assert "Vår referens: HoS-U-" in text and "Information om riktlinjen" in text
    # Other mail still comes from the default sender.
    assert email_for(OutboxMessage(key="x", kind="annat", to=["a@b.se"], subject="s", text="t"))
    other = email_for(OutboxMessage(key="x", kind="annat", to=["a@b.se"], subject="s", text="t"))
    assert other.from_email == settings.DEFAULT_FROM_EMAIL


def test_receipts_forwarding_registration_and_reminders_to_unconfirmed_forbund(
    registrator, addresses
):
    dispatch = _dispatch(registrator)
    services.dispatch_send(actor=registrator, dispatch=dispatch)
    gr = dispatch.recipients.get(federation__slug="gr")
    services.receipt_confirm(recipient=gr, forwarded_to="Alingsås, Lerum och Vårgårda kommun")
    alingsas = dispatch.recipients.get(party__slug="alingsas")
    services.receipt_confirm(recipient=alingsas, dnr="KS 2026/0456")
    gr.refresh_from_db()
    alingsas.refresh_from_db()
    assert gr.confirmed_at and gr.forwarded_to.startswith("Alingsås") and not gr.registered_dnr
    assert alingsas.confirmed_at and alingsas.registered_dnr == "KS 2026/0456"
    with pytest.raises(ValidationError):
        services.receipt_confirm(recipient=alingsas, dnr="KS\r\nBcc: x@y")
    assert services.dispatch_remind(actor=registrator, dispatch=dispatch) == 3
    assert services.dispatch_remind(actor=registrator, dispatch=dispatch) == 0
    reminded = OutboxMessage.objects.filter(kind=emails.KIND_DISPATCH_REMINDER)
    assert sorted(m.to[0] for m in reminded) == sorted(
        Federation.objects.exclude(slug="gr").values_list("email", flat=True)
    )


def test_a_dispatch_without_an_audience_or_with_a_broken_subject_is_refused(registrator):
    with pytest.raises(ValidationError):
        _dispatch(registrator, audiences=[])
    with pytest.raises(ValidationError):
        _dispatch(registrator, subject="Ämne\nBcc: someone@example.com")
    with pytest.raises(ValidationError):
        _dispatch(registrator, audiences=[Dispatch.Audience.LEADS])
    assert Dispatch.objects.count() == 0


def test_leads_by_level_and_vgr_forvaltningar_are_resolved(registrator, lead, make_user):
    from documents.audiences import resolve
    from implementation.models import Level, MembershipRole, Unit, UnitMembership

    goteborg = Unit.objects.create(
        party=Party.objects.get(slug="goteborg"), level=Level.FORVALTNING, name="SDF", slug="sdf"
    )
    vgr = Unit.objects.create(
        party=Party.objects.get(slug="vgr"), level=Level.FORVALTNING, name="SU", slug="su"
    )
    vgr_lead = make_user(username="t-su", email="lead@su.se")
    UnitMembership.objects.create(unit=goteborg, user=lead, role=MembershipRole.LEAD)
    UnitMembership.objects.create(unit=vgr, user=vgr_lead, role=MembershipRole.LEAD)
    by_level = _dispatch(
        registrator, audiences=[Dispatch.Audience.LEADS], levels=[Level.FORVALTNING]
    )
    assert {c.email for c in resolve(by_level).recipients} == {lead.email.lower(), "lead@su.se"}
    vgr_only = _dispatch(registrator, audiences=[Dispatch.Audience.FORVALTNINGAR])
    found = resolve(vgr_only)
    assert [c.email for c in found.recipients] == ["lead@su.se"]
    assert found.recipients[0].organisation == "SU, Västra Götalandsregionen"


def test_a_bodys_members_audience(registrator, addresses):
    pytest.importorskip("bodies.selectors")
    from agreements.models import JointBody
    from bodies.models import Membership
    from documents.audiences import resolve

    body = JointBody.objects.order_by("pk").first()
    Membership.objects.create(body=body, name="Eva Ek", email="Eva.Ek@ale.se")
    Membership.objects.create(body=body, name="Utan adress")
    dispatch = _dispatch(registrator, audiences=[Dispatch.Audience.BODY], body=body)
    found = resolve(dispatch).recipients
    assert [(c.name, c.email, c.organisation) for c in found] == [
        ("Eva Ek", "eva.ek@ale.se", body.name)
    ]


def test_a_conferences_attendees_and_no_shows(registrator):
    from conferences.tests.factories import ConferenceFactory, RegistrationFactory
    from documents.audiences import resolve

    conference = ConferenceFactory()
    RegistrationFactory(conference=conference, email="var@ale.se", attended=True)
    RegistrationFactory(conference=conference, email="borta@ale.se", attended=False)
    RegistrationFactory(conference=conference, email="avbokad@ale.se", status="avbokad")
    for audience, expected in (
        (Dispatch.Audience.ATTENDEES, ["var@ale.se"]),
        (Dispatch.Audience.NO_SHOWS, ["borta@ale.se"]),
    ):
        dispatch = _dispatch(registrator, audiences=[audience], conference_id=conference.pk)
        assert [c.email for c in resolve(dispatch).recipients] == expected
