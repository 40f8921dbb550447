import datetime as dt

import pytest

from agreements.models import JointBody
from bodies.models import Membership


@pytest.fixture
def body(reference_data):
    return JointBody.objects.get(slug="politisk-referensgrupp")


@pytest.fixture
def steering(reference_data):
    return JointBody.objects.get(slug="gemensam-styrgrupp")


@pytest.fixture
def sro(reference_data):
    return JointBody.objects.get(slug="sro")


@pytest.fixture
def secretary(make_user, body):
    user = make_user(
        username="sekreterare", email="sekr@example.se", first_name="Sara", last_name="Sekr"
    )
    Membership.objects.create(body=body, user=user, name="Sara Sekr", mandate="sekreterare")
    return user


@pytest.fixture
def member(make_user, body):
    user = make_user(
        username="ledamot", email="ledamot@example.se", first_name="Lea", last_name="Ledamot"
    )
    Membership.objects.create(body=body, user=user, name="Lea Ledamot", mandate="ledamot")
    return user


@pytest.fixture
def politiker(make_user):
    return make_user(username="politiker", role="politiker")


@pytest.fixture
def day():
    return dt.date(2026, 6, 4)


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login
