"""Fixtures that know the project's apps: users per role on reference data, and Celery.

They live here, not in ``core.testing.plugin``, because ``core`` imports no app (the layer
test in ``hosavtal/tests/test_layers.py``); the app-free harness stays in the plugin.
"""

import pytest


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Tasks run inline in tests unless a test starts a real worker."""
    from hosavtal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def make_user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory


def _party(slug):
    from agreements.models import Party

    return Party.objects.get(slug=slug)


@pytest.fixture
def forvaltare(reference_data, make_user):
    return make_user(username="t-forvaltare", role="forvaltare", party=_party("vgr"))


@pytest.fixture
def registrator(reference_data, make_user):
    return make_user(username="t-registrator", role="registrator", party=_party("vgr"))


@pytest.fixture
def styrgrupp_user(reference_data, make_user):
    return make_user(username="t-styrgrupp", role="styrgrupp", party=_party("vgr"))


@pytest.fixture
def lead(reference_data, make_user):
    return make_user(
        username="t-ia-goteborg", role="implementeringsansvarig", party=_party("goteborg")
    )


@pytest.fixture
def other_lead(reference_data, make_user):
    return make_user(username="t-ia-boras", role="implementeringsansvarig", party=_party("boras"))
