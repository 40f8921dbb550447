"""The rule table, tested as a table: relation × action → allowed."""

import pytest

from bodies.permissions import RULES, Action, Rel, actions, relations

A = Action
EXPECTED = {
    Rel.FORVALTARE: set(Action),
    Rel.SECRETARY: {A.VIEW, A.READ_RECORD, A.READ_ALL, A.EDIT_DATES, A.EDIT, A.MEMBERS, A.RAISE},
    Rel.MEMBER: {A.VIEW, A.READ_RECORD, A.READ_ALL, A.RAISE},
    Rel.STEERING: {A.VIEW, A.READ_RECORD, A.READ_ALL, A.EDIT_DATES, A.RAISE},
    Rel.POLITIKER: {A.VIEW, A.READ_RECORD},
    Rel.PUBLIC: {A.VIEW, A.READ_RECORD},
    Rel.SIGNED_IN: {A.VIEW},
}


@pytest.mark.parametrize("rel", list(Rel))
@pytest.mark.parametrize("action", list(Action))
def test_rule_table(rel, action):
    assert (action in RULES[rel]) == (action in EXPECTED[rel])


@pytest.mark.django_db
def test_relations_of_real_users(
    body, steering, sro, secretary, member, politiker, styrgrupp_user, lead, forvaltare
):
    assert relations(secretary, body) == {Rel.SECRETARY, Rel.SIGNED_IN, Rel.PUBLIC}
    assert Rel.MEMBER in relations(member, body)
    assert Rel.STEERING in relations(styrgrupp_user, steering)
    assert Rel.STEERING not in relations(styrgrupp_user, body)
    assert actions(lead, steering) == {A.VIEW}  # a lead: the body's page, nothing else
    assert actions(lead, sro) == {A.VIEW, A.READ_RECORD}  # SRO's record is readable
    assert A.READ_ALL not in actions(politiker, body)
    assert A.READ_RECORD in actions(politiker, steering)
    assert actions(forvaltare, steering) == set(Action)
    from django.contrib.auth.models import AnonymousUser

    assert actions(AnonymousUser(), sro) == frozenset()
