"""The rule table (escalation.permissions.RULES) as ONE parametrised test: for each relation an
actor can stand in to a case, the set of actions allowed — written out here by hand, so a
change of the table fails until this page agrees — and that seeing the case (the lists, the
detail page) follows the same ``view`` column.

The actors are real users in real relations to a VGR ↔ Borås case on step 2: leads, an
ärendeansvarig, the opener, current handlers on a side and on the body, a handler of step 1,
another VGR lead, styrgrupp, registrator, Göteborg's lead (an outsider), the förvaltare.
"""

import pytest

from escalation import permissions, selectors, services
from escalation.models import HandlerRule, LadderStep
from escalation.permissions import Action, Rel
from implementation.models import Unit, UnitMembership

pytestmark = pytest.mark.django_db

READ = "view download"
WORK = f"{READ} comment attach edit_details escalate pause resume"
SIDE = f"{WORK} propose answer reopen close"

EXPECTED: dict[str, str] = {
    "forvaltare": f"{WORK} decide reopen close cancel",
    "unit_lead": SIDE,
    "case_contact": SIDE,
    "opener": SIDE,
    "side_handler": SIDE,
    "body_handler": f"{WORK} decide",
    "earlier_handler": READ,
    "party_member": READ,
    "styrgrupp": READ,
    "registrator": READ,
    "outsider": "",
}


@pytest.fixture
def world(open_case, units, make_user, parties, forvaltare, registrator, styrgrupp_user):
    """One case Borås (Hemsjukvården) → VGR (Sahlgrenska), escalated to step 2, and one actor
    per relation."""
    u = {}
    u["forvaltare"] = forvaltare
    u["registrator"] = registrator
    u["styrgrupp"] = styrgrupp_user
    # The lead of Borås's förvaltning (the reporting verksamhet's parent).
    u["unit_lead"] = make_user(username="r-lead", party=parties["boras"])
    UnitMembership.objects.create(unit=units["boras"], user=u["unit_lead"], role="lead")
    u["case_contact"] = make_user(username="r-contact", party=parties["vgr"])
    services.contact_appoint(actor=forvaltare, party=parties["vgr"], user=u["case_contact"])
    u["opener"] = make_user(username="r-opener", party=parties["boras"])
    u["side_handler"] = make_user(username="r-side", party=parties["vgr"])
    u["body_handler"] = make_user(username="r-body", party=parties["mark"])
    u["earlier_handler"] = make_user(username="r-earlier", party=parties["mark"])
    u["party_member"] = make_user(username="r-other-vgr", party=parties["vgr"])
    u["outsider"] = make_user(username="r-gbg", party=parties["goteborg"])
    step1, step2 = LadderStep.objects.filter(order__in=[1, 2]).order_by("order")
    HandlerRule.objects.create(step=step1, kind="anvandare", user=u["earlier_handler"])
    HandlerRule.objects.create(step=step2, kind="anvandare", user=u["side_handler"])
    HandlerRule.objects.create(step=step2, kind="anvandare", user=u["body_handler"])
    sahlgrenska = Unit.objects.get(pk=units["sahlgrenska"].pk)
    case = open_case(
        actor=u["opener"],
        reporting_unit=units["hemsjukvard"],
        receiving_unit=sahlgrenska,
    )
    case = services.case_escalate(case=case, actor=u["opener"], reason="Ingen enighet.")
    return case, u


@pytest.mark.parametrize("relation", list(EXPECTED))
def test_the_rule_table(world, relation):
    case, users = world
    actor = users[relation]
    facts = selectors.case_facts(case)
    assert Rel(relation) in permissions.relations(actor, case, facts)
    allowed = {a.value for a in Action if permissions.allowed(actor, case, a, facts)}
    assert allowed == set(EXPECTED[relation].split())
    # Seeing follows the table's view column: lists and the detail page alike.
    visible = selectors.cases_visible_to(actor).filter(pk=case.pk).exists()
    assert visible == ("view" in EXPECTED[relation])
    assert (selectors.case_detail(user=actor, pk=case.pk) is not None) == visible


def test_the_table_in_the_code_is_the_table_on_this_page():
    written = {rel: set(actions.split()) for rel, actions in EXPECTED.items()}
    assert {r.value: {a.value for a in acts} for r, acts in permissions.RULES.items()} == written


def test_sides_decide_who_proposes_and_who_answers(world, parties):
    case, users = world
    facts = selectors.case_facts(case)
    boras, vgr = parties["boras"].pk, parties["vgr"].pk
    assert permissions.sides(users["opener"], case, facts) == {boras}
    assert permissions.sides(users["unit_lead"], case, facts) == {boras}
    assert permissions.sides(users["case_contact"], case, facts) == {vgr}
    assert permissions.sides(users["side_handler"], case, facts) == {vgr}
    for relation in ("body_handler", "forvaltare", "styrgrupp", "party_member", "outsider"):
        assert permissions.sides(users[relation], case, facts) == set(), relation


@pytest.mark.parametrize(
    "view, action",
    [
        ("case_comment", "comment"),
        ("case_attach", "attach"),
        ("case_escalate", "escalate"),
        ("case_propose", "propose"),
        ("case_answer", "answer"),
        ("case_decide", "decide"),
        ("case_pause", "pause"),
        ("case_resume", "resume"),
        ("case_reopen", "reopen"),
        ("case_details", "edit_details"),
    ],
)
def test_each_action_view_names_its_column_of_the_table(view, action):
    """The views ask the table through the one helper (core.permissions): 404 unless the user
    may see the case, 403 unless the table allows the action."""
    from escalation import views

    wrapped = getattr(views, view)
    assert wrapped.permission_see is permissions.can_view
    assert wrapped.permission_predicate.__name__ == f"may_{action}"
    assert views.case_close.permission_predicate is permissions.can_close
    assert views.attachment_download.permission_see is permissions.can_download
