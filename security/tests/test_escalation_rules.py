"""The escalation ladder's VGR-affiliated readers on a VGR ↔ municipality case: styrgrupp,
registrator and a VGR lead of another förvaltning read the case but are refused every action,
and nothing in the database changes when they try (the sweep's state hash). The case's own
sides and the förvaltare are shown to get through the same doors (so the refusals can fail).

Rule table: ``escalation.permissions.RULES``; its cell-by-cell test:
``escalation/tests/test_rules.py``.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from escalation.tests.files import pdf_bytes
from security.tests.test_url_sweep import GROUP_B, database_state

TEXT = "Text fran regelsvepet"  # ASCII: it is also the text layer of the test PDF

# Every action on a case, with a payload that would pass if the actor were allowed.
ACTIONS = {
    "comment": {"text": TEXT},
    "attach": {},
    "escalate": {"text": TEXT},
    "propose": {"outcome": TEXT},
    "answer": {"answer": "ja", "comment": TEXT, "proposal": "0"},
    "decide": {"outcome": TEXT, "decision": TEXT},
    "pause": {"text": TEXT},
    "resume": {},
    "reopen": {"text": TEXT},
    "close": {"text": TEXT},
    "details": {"diarienummer": "D-9", "is_systemic": "on"},
}


def _payload(name, case):
    data = dict(ACTIONS[name])
    if name == "escalate":
        data["step"] = case.current_step_id
    if name in ("attach", "comment"):
        data["file"] = SimpleUploadedFile("rutin.pdf", pdf_bytes(TEXT), "application/pdf")
    return data


@pytest.fixture
def readers(world, db, make_user):
    """Logged-in clients: styrgrupp and registrator (VGR) from the world, and a VGR lead of
    another förvaltning (Sahlgrenska) made here."""
    from agreements.models import Party
    from implementation.models import Unit, UnitMembership

    vgr = Party.objects.get(slug="vgr")
    sahlgrenska_lead = make_user(username="s-ia-sahlgrenska", party=vgr)
    unit = Unit.objects.get(party=vgr, slug="sahlgrenska-universitetssjukhuset")
    UnitMembership.objects.create(unit=unit, user=sahlgrenska_lead, role="lead")
    users = {
        "styrgrupp": world.users["styrgrupp"],
        "registrator": world.users["registrator"],
        "vgr_other_lead": sahlgrenska_lead,
    }
    made = {}
    for name, user in users.items():
        made[name] = Client()
        made[name].force_login(user)
    return made


@GROUP_B
@pytest.mark.parametrize("reader", ["styrgrupp", "registrator", "vgr_other_lead"])
def test_vgr_readers_read_but_every_action_is_refused_and_changes_nothing(world, readers, reader):
    case = world.obj.case
    client = readers[reader]
    page = client.get(reverse("escalation:detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Du kan läsa ärendet men inte ändra det" in html
    assert 'action="/eskalering/arenden/' not in html  # no action form at all
    download = reverse("escalation:attachment", args=[case.pk, world.obj.attachment.pk])
    assert client.get(download).status_code == 200
    before = database_state()
    for name in ACTIONS:
        url = reverse(f"escalation:{name}", args=[case.pk])
        assert client.post(url, _payload(name, case)).status_code == 403, (reader, name)
    assert database_state() == before


@GROUP_B
@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        # "own" is Göteborg's side (the opener); the förvaltare acts for no party.
        ("own", {"comment", "attach", "escalate", "propose", "pause", "details"}),
        ("forvaltare", {"comment", "attach", "escalate", "decide", "pause", "close", "details"}),
    ],
)
def test_the_sides_and_the_forvaltare_get_through_the_same_doors(world, clients, actor, allowed):
    case = world.obj.case
    for name in allowed:
        savepoint = transaction.savepoint()
        try:
            before = database_state()
            url = reverse(f"escalation:{name}", args=[case.pk])
            response = clients[actor].post(url, _payload(name, case))
            assert response.status_code == 302, (actor, name, response.status_code)
            assert database_state() != before, (actor, name)
        finally:
            transaction.savepoint_rollback(savepoint)


@GROUP_B
def test_another_partys_lead_does_not_even_see_the_case(world, clients):
    case = world.obj.case
    before = database_state()
    assert clients["other"].get(reverse("escalation:detail", args=[case.pk])).status_code == 404
    for name in ACTIONS:
        url = reverse(f"escalation:{name}", args=[case.pk])
        assert clients["other"].post(url, _payload(name, case)).status_code == 404, name
    assert database_state() == before
