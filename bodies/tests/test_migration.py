"""hosavtal 0002: every SteeringMeeting becomes a meeting of the joint steering group's body,
nothing lost (date, title, note, who recorded it, the demo mark). The suite runs without
migrations, so the data step is run here on stand-in rows of the old model; the whole
migration (forwards and back) was run on PostgreSQL by hand (see the report)."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as real_apps

from agreements.models import JointBody
from bodies.models import Meeting

migration = importlib.import_module("hosavtal.migrations.0002_steering_meetings_to_bodies")


class _Old:
    def __init__(self, rows):
        self.rows = rows

    def order_by(self, *_fields):
        return list(self.rows)


class _Apps:
    def __init__(self, rows):
        self.old = SimpleNamespace(objects=_Old(rows))

    def get_model(self, app, name):
        if (app, name) == ("hosavtal", "SteeringMeeting"):
            return self.old
        return real_apps.get_model(app, name)


@pytest.mark.django_db
def test_every_steering_meeting_is_copied_to_the_steering_group(make_user):
    user = make_user(username="gammal")
    rows = [
        SimpleNamespace(
            date=dt.date(2026, 10, 1),
            title="Möte 3",
            note="Rad 1\nRad 2",
            created_by_id=user.pk,
            is_demo=False,
        ),
        SimpleNamespace(
            date=dt.date(2099, 1, 1), title="", note="", created_by_id=None, is_demo=True
        ),
    ]
    assert not JointBody.objects.filter(slug="gemensam-styrgrupp").exists()  # made if missing
    migration.forwards(_Apps(rows), None)
    migration.forwards(_Apps(rows), None)  # a second run copies nothing twice
    got = list(
        Meeting.objects.order_by("date").values(
            "body__slug", "date", "title", "note", "created_by_id", "is_demo", "state"
        )
    )
    assert got == [
        {
            "body__slug": "gemensam-styrgrupp",
            "date": dt.date(2026, 10, 1),
            "title": "Möte 3",
            "note": "Rad 1\nRad 2",
            "created_by_id": user.pk,
            "is_demo": False,
            "state": "genomford",
        },
        {
            "body__slug": "gemensam-styrgrupp",
            "date": dt.date(2099, 1, 1),
            "title": "",
            "note": "",
            "created_by_id": None,
            "is_demo": True,
            "state": "kallad",
        },
    ]


@pytest.mark.django_db
def test_nothing_to_copy_creates_nothing():
    migration.forwards(_Apps([]), None)
    assert not Meeting.objects.exists()
