"""Recording, correcting and removing decisions through the pages: who may, bad input,
corrections, and a correction racing a deletion. The board, exports, documents and the
register: test_views_board.py."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from agreements import services
from agreements.models import Decision

READ_PAGES = [
    ("agreements:index", {}),
    ("agreements:agreement_detail", {"slug": "hos-avtal-2027"}),
    ("agreements:agreement_detail", {"slug": "ok-munhalsa-old"}),
    ("agreements:board", {}),
    ("agreements:party_detail", {"slug": "goteborg"}),
    ("agreements:register_xlsx", {}),
    ("agreements:register_csv", {}),
]
WRITE_PAGES = [("agreements:decision_create", {})]


def _form(party, chosen, **overrides):
    data = {
        "party": party.pk,
        "agreements": [a.pk for a in chosen],
        "decided_on": "2026-04-20",
        "body": Decision.Body.KOMMUNFULLMAKTIGE,
        "outcome": Decision.Outcome.ADOPTED,
        "reference": "KF 2026-04-20 § 45",
        "note": "",
    }
    data.update(overrides)
    return data


# --- who may see what -------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + WRITE_PAGES)
def test_anonymous_users_are_sent_to_login(client, reference_data, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_every_logged_in_user_may_read(client, lead, frozen, name, kwargs):
    client.force_login(lead)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_an_implementation_lead_may_not_record_correct_or_remove(
    client, lead, record, party, new_agreements, frozen
):
    decision = record(party("goteborg"))[0]
    client.force_login(lead)
    assert client.get(reverse("agreements:decision_create")).status_code == 403
    response = client.post(
        reverse("agreements:decision_create"), _form(party("ale"), new_agreements)
    )
    assert response.status_code == 403
    for name in ("agreements:decision_correct", "agreements:decision_delete"):
        assert client.get(reverse(name, args=[decision.pk])).status_code == 403
        assert client.post(reverse(name, args=[decision.pk])).status_code == 403
    assert Decision.objects.count() == 5
    page = client.get(reverse("agreements:party_detail", args=["goteborg"])).content.decode()
    assert "Registrera beslut" not in page and "Rätta" not in page


@pytest.mark.parametrize("user", ["registrator", "forvaltare"])
def test_registrator_and_forvaltare_record_a_joint_decision(
    client, request, party, new_agreements, frozen, user
):
    actor = request.getfixturevalue(user)
    client.force_login(actor)
    form = client.get(reverse("agreements:decision_create") + "?part=ale").content.decode()
    assert "Registrera beslut" in form
    response = client.post(
        reverse("agreements:decision_create"), _form(party("ale"), new_agreements)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:party_detail", args=["ale"])
    decisions = Decision.objects.filter(party__slug="ale")
    assert decisions.count() == 5
    assert {d.recorded_by for d in decisions} == {actor}
    assert LogEntry.objects.get_for_model(Decision).filter(actor=actor).count() == 5


def test_a_municipal_registrator_cannot_record_or_correct_another_municipality(
    client, municipal_registrator, record, party, new_agreements, frozen
):
    lerum = record(party("lerum"))[0]
    client.force_login(municipal_registrator)
    response = client.post(
        reverse("agreements:decision_create"), _form(party("partille"), new_agreements)
    )
    assert response.status_code == 400
    assert "Välj en part i avtalet" in response.content.decode()
    assert client.get(reverse("agreements:decision_correct", args=[lerum.pk])).status_code == 403
    assert client.post(reverse("agreements:decision_delete", args=[lerum.pk])).status_code == 403
    assert not Decision.objects.filter(party__slug="partille").exists()
    assert Decision.objects.filter(pk=lerum.pk).exists()


# --- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("slug", "overrides", "message"),
    [
        ("ale", {"decided_on": "2026-12-01"}, "kan inte ha ett datum i framtiden"),
        (
            "ale",
            {"outcome": "uppskjutet"},
            "Ange ett planerat beslutsdatum när beslutet skjuts upp.",
        ),
        ("kungsbacka", {}, "Välj en part i avtalet"),
        ("ale", {"agreements": []}, "Välj minst ett avtal"),
        ("ale", {"decided_on": "20 april"}, "Fyll i ett giltigt datum"),
    ],
)
def test_bad_input_is_refused_with_a_swedish_message_and_the_typed_values_are_kept(
    client, registrator, party, new_agreements, frozen, slug, overrides, message
):
    client.force_login(registrator)
    data = _form(party(slug), new_agreements, **overrides)
    response = client.post(reverse("agreements:decision_create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Beslutet är inte sparat" in page
    assert "KF 2026-04-20 § 45" in page  # what the user typed is kept
    assert not Decision.objects.exists()


def test_a_duplicate_decision_is_refused_through_the_form(
    client, registrator, record, party, new_agreements, frozen
):
    record(party("ale"), agreements=new_agreements[:1])
    client.force_login(registrator)
    response = client.post(
        reverse("agreements:decision_create"), _form(party("ale"), new_agreements)
    )
    assert response.status_code == 400
    assert "Ale har redan ett beslut 20 april 2026 om" in response.content.decode()
    assert Decision.objects.count() == 1


# --- corrections ----------------------------------------------------------------------------
def test_a_correction_through_the_form_shows_in_the_party_history(
    client, registrator, record, party, frozen
):
    decision = record(party("ale"))[0]
    client.force_login(registrator)
    url = reverse("agreements:decision_correct", args=[decision.pk])
    assert "KF 2026-04-20 § 1" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "decided_on": "2026-04-20",
            "body": "kommunfullmaktige",
            "outcome": "antaget",
            "reference": "KF 2026-04-20 § 12",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.reference == "KF 2026-04-20 § 12"
    page = client.get(reverse("agreements:party_detail", args=["ale"])).content.decode()
    assert "Ändrad" in page
    assert "KF 2026-04-20 § 1 → KF 2026-04-20 § 12" in page


def test_a_bad_correction_saves_nothing(client, registrator, record, party, frozen):
    decision = record(party("ale"))[0]
    client.force_login(registrator)
    response = client.post(
        reverse("agreements:decision_correct", args=[decision.pk]),
        {"decided_on": "2026-04-20", "body": "kommunfullmaktige", "outcome": "uppskjutet"},
    )
    assert response.status_code == 400
    assert "Ange ett planerat beslutsdatum" in response.content.decode()
    decision.refresh_from_db()
    assert decision.outcome == Decision.Outcome.ADOPTED


def test_removing_a_wrong_decision_keeps_it_in_the_party_history(
    client, registrator, record, party, new_agreements, frozen
):
    decision = record(party("ale"), agreements=new_agreements[:1])[0]
    client.force_login(registrator)
    url = reverse("agreements:decision_delete", args=[decision.pk])
    assert "Ta bort felregistrerat beslut" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Decision.objects.exists()
    page = client.get(reverse("agreements:party_detail", args=["ale"])).content.decode()
    assert "Borttagen" in page
    assert "Inga beslut är registrerade" in page


def test_a_registrator_can_record_straight_from_the_missing_list(
    client, registrator, lead, reference_data, frozen
):
    url = reverse("agreements:board")
    link = reverse("agreements:decision_create") + "?part=gullspang"
    client.force_login(registrator)
    assert link in client.get(url).content.decode()
    client.force_login(lead)
    assert link not in client.get(url).content.decode()


# --- a correction racing a deletion (issue 13) ------------------------------------------------
def _deleted_by_someone_else_meanwhile(monkeypatch, other):
    """The view reads the decision; before it writes, another user deletes it."""
    from agreements.views import _DecisionObjectMixin

    original = _DecisionObjectMixin.get_decision

    def read_then_lose(self, pk):
        decision = original(self, pk)
        services.decision_delete(actor=other, decision=Decision.objects.get(pk=pk))
        return decision

    monkeypatch.setattr(_DecisionObjectMixin, "get_decision", read_then_lose)


@pytest.mark.parametrize(
    "outcome", ["antaget", "uppskjutet"], ids=["valid-correction", "invalid-correction"]
)
def test_a_correction_of_a_decision_deleted_meanwhile_says_so_and_recreates_nothing(
    client, registrator, forvaltare, record, party, frozen, monkeypatch, outcome
):
    decision = record(party("ale"))[0]
    before = Decision.objects.count()
    client.force_login(registrator)
    _deleted_by_someone_else_meanwhile(monkeypatch, forvaltare)
    response = client.post(
        reverse("agreements:decision_correct", args=[decision.pk]),
        {
            "decided_on": "2026-04-20",
            "body": "kommunfullmaktige",
            "outcome": outcome,
            "reference": "KF 2026-04-20 § 99",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "har tagits bort av någon annan medan du rättade det" in page
    assert "KF 2026-04-20 § 99" in page  # what was typed is still on the page
    assert not Decision.objects.filter(pk=decision.pk).exists()
    assert Decision.objects.count() == before - 1
