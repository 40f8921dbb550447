import pytest

from agreements.models import Party
from conferences import services
from conferences.models import Invitation
from conferences.tests.factories import ConferenceFactory


@pytest.fixture
def conference(reference_data):
    return ConferenceFactory()


@pytest.fixture
def register(django_capture_on_commit_callbacks):
    """Register people through the service, as the public page does (mails sent)."""

    def run(conference, count=1, *, start=0, **overrides):
        made = []
        for index in range(start, start + count):
            fields = {
                "name": f"Person {index}",
                "email": f"person{index}@kommun.test",
                "role": "tjansteperson",
                "consent": True,
                "party": Party.objects.get(slug="goteborg"),
                **overrides,
            }
            with django_capture_on_commit_callbacks(execute=True):
                made.append(services.registration_create(conference=conference, **fields))
        return made

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and its after-commit side effects (mails, tasks)."""

    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return run


@pytest.fixture
def invitation(conference, registrator):
    return Invitation.objects.create(
        conference=conference, subject="Inbjudan", body="Välkommen", created_by=registrator
    )
