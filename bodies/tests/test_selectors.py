import datetime as dt

import pytest

from agreements.models import JointBody
from bodies import selectors
from bodies.models import Membership

pytestmark = pytest.mark.django_db


def test_reference_group_members_are_reference_data(body):
    names = [m.name for m in selectors.current_members(body, on=dt.date(2026, 6, 4))]
    assert names[0] == "Janette Olsson"  # chair first
    assert len(names) == 6
    assert selectors.current_members(body, on=dt.date(2027, 1, 1)) == []


def test_member_recipients_are_current_members_with_an_email(
    body, make_user, django_assert_num_queries
):
    user = make_user(username="u1", email="konto@example.se")
    Membership.objects.create(body=body, name="Ö Konto", user=user)
    Membership.objects.create(body=body, name="A Egen", email="egen@example.se")
    Membership.objects.create(body=body, name="Dubbel", email="EGEN@example.se")
    Membership.objects.create(
        body=body, name="Gammal", email="gammal@example.se", term_end=dt.date(2020, 1, 1)
    )
    with django_assert_num_queries(1):
        rows = selectors.member_recipients(body)
    assert rows == [("A Egen", "egen@example.se"), ("Ö Konto", "konto@example.se")]


def test_bodies_for_select_lists_bodies_with_members(body, django_assert_num_queries):
    sro = JointBody.objects.get(slug="sro")
    Membership.objects.create(body=sro, name="X", term_end=dt.date(2020, 1, 1))
    with django_assert_num_queries(1):
        rows = selectors.bodies_for_select()
    if dt.date.today() <= dt.date(2026, 12, 31):
        assert rows == [body]
    assert sro not in rows
