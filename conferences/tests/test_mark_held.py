"""Conferences whose day has passed become "genomförd" by themselves (a daily beat job)."""

import datetime as dt

import pytest
from auditlog.models import LogEntry

from conferences import services
from conferences.models import Conference
from conferences.tasks import mark_held
from conferences.tests.factories import ConferenceFactory
from hosavtal.beat import beat_schedule

St = Conference.Status
pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 3, 10)


def test_past_conferences_are_marked_held_once_and_audited(reference_data):
    yesterday = ConferenceFactory(date=TODAY - dt.timedelta(days=1), status=St.INBJUDAN_SKICKAD)
    full = ConferenceFactory(date=TODAY - dt.timedelta(days=40), status=St.FULLBOKAD)
    planned = ConferenceFactory(date=TODAY - dt.timedelta(days=2), status=St.PLANERAD)
    today = ConferenceFactory(date=TODAY, status=St.INBJUDAN_SKICKAD)
    cancelled = ConferenceFactory(date=TODAY - dt.timedelta(days=3), status=St.INSTALLD)
    undated = ConferenceFactory(date=None, status=St.PLANERAD)

    marked = services.conferences_mark_held(today=TODAY)

    assert sorted(marked) == sorted([yesterday.pk, full.pk, planned.pk])
    statuses = dict(Conference.objects.values_list("pk", "status"))
    assert statuses[yesterday.pk] == statuses[full.pk] == statuses[planned.pk] == St.GENOMFORD
    assert statuses[today.pk] == St.INBJUDAN_SKICKAD  # the day itself: check-in goes on
    assert statuses[cancelled.pk] == St.INSTALLD and statuses[undated.pk] == St.PLANERAD
    entry = LogEntry.objects.get_for_object(yesterday).order_by("-timestamp", "-pk").first()
    assert entry.actor is None and entry.changes_dict["status"] == [
        St.INBJUDAN_SKICKAD,
        St.GENOMFORD,
    ]
    assert services.conferences_mark_held(today=TODAY) == []  # a second run changes nothing


def test_the_daily_job_is_scheduled_and_runs(reference_data, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 10, 0, 20, tzinfo=dt.UTC))
    past = ConferenceFactory(date=dt.date(2027, 3, 1), status=St.INBJUDAN_SKICKAD)
    assert beat_schedule()["conferences-mark-held"]["task"] == mark_held.name
    assert mark_held.delay().get() == 1
    past.refresh_from_db()
    assert past.status == St.GENOMFORD
