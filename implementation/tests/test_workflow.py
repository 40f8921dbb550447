"""The status tables (implementation.workflow) and who asks them: services, forms."""

import pytest
from django.core.exceptions import ValidationError

from implementation.forms import NeedForm, QuickStatusForm
from implementation.models import NeedStatus, Status
from implementation.services import check_transition, need_create, need_update
from implementation.workflow import NEED_FLOW, PROGRESS_FLOW, TRANSITIONS

S, N = Status, NeedStatus


def test_the_progress_table():
    assert {s: PROGRESS_FLOW.moves_from(s) for s in S.values} == {
        S.EJ_PABORJAD: {S.PAGAR, S.HINDER, S.KLAR, S.EJ_AKTUELLT},
        S.PAGAR: {S.EJ_PABORJAD, S.HINDER, S.KLAR, S.EJ_AKTUELLT},
        S.HINDER: {S.PAGAR, S.KLAR, S.EJ_AKTUELLT},
        S.KLAR: {S.PAGAR, S.HINDER, S.EJ_AKTUELLT},
        S.EJ_AKTUELLT: {S.EJ_PABORJAD, S.PAGAR},
    }
    # The derived view the load test and the demo data read is the same table.
    assert {s: frozenset(PROGRESS_FLOW.moves_from(s)) for s in S.values} == TRANSITIONS


def test_the_need_table():
    assert {s: NEED_FLOW.moves_from(s) for s in N.values} == {
        N.IDENTIFIERAT: {N.PAGAR, N.HANTERAT, N.AVSLUTAT},
        N.PAGAR: {N.IDENTIFIERAT, N.HANTERAT, N.AVSLUTAT},
        N.HANTERAT: {N.PAGAR},
        N.AVSLUTAT: {N.IDENTIFIERAT},
    }


def test_services_and_forms_ask_the_table():
    check_transition(before=S.KLAR, after=S.KLAR, comment="")  # staying is always allowed
    with pytest.raises(ValidationError, match="från Ej aktuellt till Klar"):
        check_transition(before=S.EJ_AKTUELLT, after=S.KLAR, comment="x")
    form = QuickStatusForm(current_status=S.EJ_AKTUELLT)
    assert [value for value, _label in form.fields["status"].choices] == [
        S.EJ_PABORJAD,
        S.PAGAR,
        S.EJ_AKTUELLT,
    ]


@pytest.mark.django_db
def test_the_need_form_offers_only_the_allowed_moves(gbg_verksamhet, gbg_lead):
    need = need_create(unit=gbg_verksamhet, actor=gbg_lead, title="SIP", owner="Enhetschef")
    need_update(
        need=need,
        actor=gbg_lead,
        title="SIP",
        owner="Enhetschef",
        description="",
        due_date=None,
        status=N.HANTERAT,
    )
    form = NeedForm(instance=need, unit=gbg_verksamhet)
    assert [value for value, _label in form.fields["status"].choices] == [N.PAGAR, N.HANTERAT]
    with pytest.raises(ValidationError, match="kan inte ändras"):
        need_update(
            need=need,
            actor=gbg_lead,
            title="SIP",
            owner="Enhetschef",
            description="",
            due_date=None,
            status=N.AVSLUTAT,
        )
