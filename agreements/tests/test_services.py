import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import AgreementDocument, Decision
from agreements.tests.conftest import TODAY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _record(actor, party, agreements, **overrides):
    values = {
        "decided_on": dt.date(2026, 4, 20),
        "body": Decision.Body.KOMMUNFULLMAKTIGE,
        "outcome": Decision.Outcome.ADOPTED,
        "reference": "KF 2026-04-20 § 45",
        "today": TODAY,
    }
    values.update(overrides)
    return services.decision_record(actor=actor, party=party, agreements=agreements, **values)


def _messages(error: ValidationError) -> str:
    return " ".join(m for messages in error.message_dict.values() for m in messages)


# --- recording ------------------------------------------------------------------------------
def test_one_meeting_records_the_decision_for_every_chosen_agreement_and_audits_it(
    registrator, party, new_agreements
):
    goteborg = party("goteborg")
    decisions = _record(registrator, goteborg, new_agreements, note="  Enhälligt.  ")

    assert len(decisions) == 5
    stored = Decision.objects.filter(party=goteborg)
    assert {d.agreement_id for d in stored} == {a.pk for a in new_agreements}
    assert all(d.recorded_by == registrator and d.note == "Enhälligt." for d in stored)
    entries = LogEntry.objects.get_for_model(Decision)
    assert entries.count() == 5
    entry = entries.first()
    assert entry.actor == registrator
    assert entry.action == LogEntry.Action.CREATE
    assert entry.additional_data["party_id"] == goteborg.pk
    assert entry.additional_data["agreement_id"] in {a.pk for a in new_agreements}


def test_a_future_decision_that_adopts_is_refused_and_nothing_is_saved(
    registrator, party, new_agreements
):
    with pytest.raises(ValidationError) as error:
        _record(registrator, party("ale"), new_agreements, decided_on=TODAY + dt.timedelta(days=1))
    assert "kan inte ha ett datum i framtiden" in _messages(error.value)
    assert "decided_on" in error.value.message_dict
    assert not Decision.objects.exists()


def test_a_future_date_is_refused_for_other_outcomes_too(registrator, party, new_agreements):
    with pytest.raises(ValidationError) as error:
        _record(
            registrator,
            party("ale"),
            new_agreements,
            outcome=Decision.Outcome.PENDING,
            decided_on=TODAY + dt.timedelta(days=3),
        )
    assert "Ange ett planerat datum i stället" in _messages(error.value)


def test_postponed_requires_a_planned_date(registrator, party, new_agreements):
    with pytest.raises(ValidationError) as error:
        _record(registrator, party("ale"), new_agreements, outcome=Decision.Outcome.POSTPONED)
    assert error.value.message_dict["planned_date"] == [
        "Ange ett planerat beslutsdatum när beslutet skjuts upp."
    ]
    assert not Decision.objects.exists()


def test_postponed_with_a_planned_date_is_recorded(registrator, party, new_agreements):
    decisions = _record(
        registrator,
        party("dals-ed"),
        new_agreements[:1],
        decided_on=dt.date(2026, 5, 25),
        outcome=Decision.Outcome.POSTPONED,
        planned_date=dt.date(2026, 6, 17),
    )
    assert decisions[0].planned_date == dt.date(2026, 6, 17)


@pytest.mark.parametrize(
    ("outcome", "planned", "message"),
    [
        (Decision.Outcome.POSTPONED, dt.date(2026, 4, 20), "måste vara senare"),
        (Decision.Outcome.ADOPTED, dt.date(2026, 6, 1), "anges bara när beslutet är uppskjutet"),
    ],
)
def test_planned_dates_must_make_sense(
    registrator, party, new_agreements, outcome, planned, message
):
    with pytest.raises(ValidationError) as error:
        _record(registrator, party("ale"), new_agreements, outcome=outcome, planned_date=planned)
    assert message in _messages(error.value)


def test_a_second_decision_for_the_same_party_agreement_and_date_is_refused_all_or_nothing(
    registrator, party, new_agreements
):
    ale = party("ale")
    _record(registrator, ale, new_agreements[1:2])
    with pytest.raises(ValidationError) as error:
        _record(registrator, ale, new_agreements)
    text = _messages(error.value)
    assert "Ale har redan ett beslut 20 april 2026 om" in text
    assert str(new_agreements[1]) in text
    assert Decision.objects.filter(party=ale).count() == 1


def test_the_same_agreement_on_another_date_is_a_new_decision(registrator, party, new_agreements):
    ale = party("ale")
    _record(
        registrator,
        ale,
        new_agreements,
        decided_on=dt.date(2026, 3, 1),
        outcome=Decision.Outcome.POSTPONED,
        planned_date=dt.date(2026, 4, 20),
    )
    _record(registrator, ale, new_agreements)
    assert Decision.objects.filter(party=ale).count() == 10


def test_kungsbacka_is_not_a_party_and_cannot_be_given_a_decision(
    registrator, party, new_agreements
):
    with pytest.raises(ValidationError) as error:
        _record(registrator, party("kungsbacka"), new_agreements)
    assert error.value.message_dict["party"] == [
        "Kungsbacka är inte part i avtalet och kan inte få ett beslut registrerat."
    ]
    assert not Decision.objects.exists()


def test_decisions_are_only_recorded_for_the_new_agreements(registrator, party, reference_data):
    from agreements.models import Agreement

    old = Agreement.objects.get(slug="hos-avtal-2017")
    with pytest.raises(ValidationError) as error:
        _record(registrator, party("ale"), [old])
    assert "bara för det nya avtalet" in _messages(error.value)


def test_at_least_one_agreement_is_required(registrator, party, reference_data):
    with pytest.raises(ValidationError) as error:
        _record(registrator, party("ale"), [])
    assert "Välj minst ett avtal" in _messages(error.value)


@pytest.mark.parametrize(
    ("slug", "body", "field"),
    [
        ("ale", Decision.Body.REGIONFULLMAKTIGE, "body"),
        ("vgr", Decision.Body.KOMMUNFULLMAKTIGE, "body"),
        ("ale", Decision.Body.OTHER, "body_other"),
    ],
)
def test_the_deciding_body_must_fit_the_party(
    registrator, party, new_agreements, slug, body, field
):
    with pytest.raises(ValidationError) as error:
        _record(registrator, party(slug), new_agreements, body=body)
    assert field in error.value.message_dict


def test_another_body_is_named_in_free_text(registrator, party, new_agreements):
    decision = _record(
        registrator,
        party("ale"),
        new_agreements[:1],
        body=Decision.Body.OTHER,
        body_other="Gemensam nämnd",
    )[0]
    assert decision.body_label == "Gemensam nämnd"


# --- permissions in services -----------------------------------------------------------------
def test_an_implementation_lead_may_not_record(lead, party, new_agreements):
    with pytest.raises(PermissionDenied):
        _record(lead, party("goteborg"), new_agreements)
    assert not Decision.objects.exists()


def test_a_municipal_registrator_records_only_for_the_own_municipality(
    municipal_registrator, party, new_agreements
):
    _record(municipal_registrator, party("ale"), new_agreements)
    with pytest.raises(PermissionDenied):
        _record(municipal_registrator, party("lerum"), new_agreements)
    assert set(Decision.objects.values_list("party__slug", flat=True)) == {"ale"}


def test_forvaltare_records_for_any_party(forvaltare, party, new_agreements):
    assert len(_record(forvaltare, party("lerum"), new_agreements)) == 5


# --- corrections and removal -------------------------------------------------------------------
def test_a_correction_is_saved_and_kept_in_the_audit_trail(
    registrator, forvaltare, party, new_agreements
):
    decision = _record(registrator, party("ale"), new_agreements[:1])[0]
    services.decision_correct(
        actor=forvaltare,
        decision=decision,
        decided_on=dt.date(2026, 4, 21),
        body=Decision.Body.KOMMUNFULLMAKTIGE,
        outcome=Decision.Outcome.ADOPTED,
        reference="KF 2026-04-21 § 46",
        today=TODAY,
    )
    decision.refresh_from_db()
    assert decision.decided_on == dt.date(2026, 4, 21)
    entry = LogEntry.objects.get_for_object(decision).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == forvaltare
    assert entry.changes_dict["decided_on"] == ["2026-04-20", "2026-04-21"]
    assert entry.changes_dict["reference"] == ["KF 2026-04-20 § 45", "KF 2026-04-21 § 46"]


def test_a_correction_is_validated_like_a_new_decision(registrator, party, new_agreements):
    ale = party("ale")
    first = _record(
        registrator,
        ale,
        new_agreements[:1],
        decided_on=dt.date(2026, 3, 2),
        outcome=Decision.Outcome.POSTPONED,
        planned_date=dt.date(2026, 4, 20),
    )[0]
    _record(registrator, ale, new_agreements[:1])
    with pytest.raises(ValidationError) as error:
        services.decision_correct(
            actor=registrator,
            decision=first,
            decided_on=dt.date(2026, 4, 20),
            body=Decision.Body.KOMMUNFULLMAKTIGE,
            outcome=Decision.Outcome.ADOPTED,
            today=TODAY,
        )
    assert "har redan ett beslut" in _messages(error.value)
    with pytest.raises(ValidationError):
        services.decision_correct(
            actor=registrator,
            decision=first,
            decided_on=dt.date(2026, 3, 2),
            body=Decision.Body.KOMMUNFULLMAKTIGE,
            outcome=Decision.Outcome.POSTPONED,
            today=TODAY,
        )
    first.refresh_from_db()
    assert first.planned_date == dt.date(2026, 4, 20)


def test_correcting_keeps_its_own_date(registrator, party, new_agreements):
    decision = _record(registrator, party("ale"), new_agreements[:1])[0]
    services.decision_correct(
        actor=registrator,
        decision=decision,
        decided_on=decision.decided_on,
        body=decision.body,
        outcome=decision.outcome,
        note="Protokollet justerat.",
        today=TODAY,
    )
    decision.refresh_from_db()
    assert decision.note == "Protokollet justerat."


def test_a_lead_may_not_correct_or_delete(registrator, lead, party, new_agreements):
    decision = _record(registrator, party("goteborg"), new_agreements[:1])[0]
    with pytest.raises(PermissionDenied):
        services.decision_correct(
            actor=lead,
            decision=decision,
            decided_on=decision.decided_on,
            body=decision.body,
            outcome=Decision.Outcome.REJECTED,
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.decision_delete(actor=lead, decision=decision)
    decision.refresh_from_db()
    assert decision.outcome == Decision.Outcome.ADOPTED


def test_removing_a_wrong_decision_is_audited_with_its_party(registrator, party, new_agreements):
    ale = party("ale")
    decision = _record(registrator, ale, new_agreements[:1])[0]
    services.decision_delete(actor=registrator, decision=decision)
    assert not Decision.objects.exists()
    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE)
    assert entry.actor == registrator
    assert entry.additional_data["party_id"] == ale.pk


# --- documents ------------------------------------------------------------------------------
def test_a_pdf_is_attached_and_audited(registrator, main_agreement, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("avtal.pdf", PDF, content_type="application/pdf")
    document = services.document_add(
        actor=registrator, agreement=main_agreement, title="Avtalstext", file=upload
    )
    assert document.file_size == len(PDF)
    assert document.file.name.startswith("avtal/hos-avtal-2027/")
    assert LogEntry.objects.get_for_object(document).get().actor == registrator


def test_a_link_is_attached(registrator, main_agreement):
    document = services.document_add(
        actor=registrator, agreement=main_agreement, title="Avtalet", url="https://www.vgregion.se/"
    )
    assert document.is_link


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("avtal.pdf", b"not a pdf at all", "Filtypen stöds inte"),
        ("avtal.docx", PDF, "Filtypen stöds inte"),
        ("stor.pdf", PDF + b"0" * (10 * 1024 * 1024), "Filen är för stor"),
    ],
)
def test_wrong_files_are_refused(registrator, main_agreement, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        services.document_add(actor=registrator, agreement=main_agreement, title="X", file=upload)
    assert message in " ".join(error.value.messages)
    assert not AgreementDocument.objects.exists()


def test_a_document_needs_a_file_or_a_link_not_both(registrator, main_agreement):
    upload = SimpleUploadedFile("avtal.pdf", PDF)
    for kwargs in ({}, {"file": upload, "url": "https://example.org/a.pdf"}):
        with pytest.raises(ValidationError):
            services.document_add(actor=registrator, agreement=main_agreement, title="X", **kwargs)


def test_a_lead_may_not_manage_documents(lead, main_agreement):
    with pytest.raises(PermissionDenied):
        services.document_add(
            actor=lead, agreement=main_agreement, title="X", url="https://example.org/"
        )


def test_removing_a_document_deletes_its_file_after_commit(
    registrator, main_agreement, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    document = services.document_add(
        actor=registrator,
        agreement=main_agreement,
        title="Avtalstext",
        file=SimpleUploadedFile("avtal.pdf", PDF),
    )
    path = tmp_path / document.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(actor=registrator, document=document)
    assert not path.exists()
    assert not AgreementDocument.objects.exists()


def test_a_race_for_the_same_decision_gives_a_clear_message(
    registrator, party, new_agreements, monkeypatch
):
    ale = party("ale")
    _record(registrator, ale, new_agreements[:1])
    # Both registrars passed the checks before either saved.
    monkeypatch.setattr(services, "_validate_unique", lambda *args: None)
    monkeypatch.setattr(Decision, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        _record(registrator, ale, new_agreements[:1])
    assert "registrerades nyss av någon annan" in _messages(error.value)
    assert Decision.objects.filter(party=ale).count() == 1


def test_audit_entries_hold_a_rows_own_columns_only(main_agreement):
    entry = LogEntry.objects.get_for_object(main_agreement).get()
    assert "decision_deadline" in entry.changes_dict
    assert not {"decisions", "documents", "sub_agreements", "id"} & set(entry.changes_dict)


def test_correcting_a_decision_deleted_meanwhile_raises_and_recreates_nothing(
    registrator, party, new_agreements
):
    """A plain save() of the stale object would insert the deleted decision again."""
    decision = _record(registrator, party("ale"), new_agreements[:1])[0]
    Decision.objects.filter(pk=decision.pk).delete()
    with pytest.raises(Decision.DoesNotExist):
        services.decision_correct(
            actor=registrator,
            decision=decision,
            decided_on=decision.decided_on,
            body=decision.body,
            outcome=decision.outcome,
            reference="ny",
            today=TODAY,
        )
    assert not Decision.objects.filter(pk=decision.pk).exists()
