"""documents.permissions, tested as the table its docstring writes."""

import pytest
from django.contrib.auth.models import AnonymousUser

from documents import permissions

pytestmark = pytest.mark.django_db

#            view_documents view_rounds view_dispatches manage
TABLE = {
    "registrator": (True, True, True, True),
    "forvaltare": (True, True, True, True),
    "styrgrupp": (True, True, True, False),
    "implementeringsansvarig": (True, False, False, False),
    "samordnare": (True, False, False, False),
    "politiker": (True, False, False, False),
}
RULES = ("view_documents", "view_rounds", "view_dispatches", "manage")


@pytest.mark.parametrize("role", list(TABLE))
def test_the_rule_table(role, make_user, reference_data):
    user = make_user(username=f"t-{role}", role=role)
    assert tuple(permissions.RULES[rule](user) for rule in RULES) == TABLE[role]


def test_nobody_anonymous():
    assert not any(permissions.RULES[rule](AnonymousUser()) for rule in RULES)
