import pytest
from django.db import transaction
from django.test import Client

from security.tests import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The sweep's data set, built once per module inside a transaction that is rolled back
    when the module is done (each test runs in a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = world_module.build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def clients(world, db):
    """One logged-in test client per actor (``anon`` is not logged in)."""
    made = {"anon": Client()}
    for actor in world_module.ACTORS[1:]:
        made[actor] = Client()
        made[actor].force_login(world.users[actor])
    return made
