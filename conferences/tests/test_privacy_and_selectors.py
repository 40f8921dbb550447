import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone

from agreements.models import Party
from conferences import selectors, services
from conferences.models import Conference, Recipient, Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory


def test_sensitive_answers_deleted_after_retention_only(reference_data):
    conference = ConferenceFactory(date=dt.date(2026, 10, 15), retention_days=30)
    keep = RegistrationFactory(conference=conference, diet="Vegansk", allergies="Nötter")
    RegistrationFactory(conference=conference, accessibility="Hörslinga")
    with time_machine.travel(dt.datetime(2026, 11, 13, 12, tzinfo=dt.UTC)):
        assert services.sensitive_data_purge() == 0
    with time_machine.travel(dt.datetime(2026, 11, 14, 12, tzinfo=dt.UTC)):
        assert services.sensitive_data_purge() == 2
        assert services.sensitive_data_purge() == 0  # idempotent
    keep.refresh_from_db()
    assert (keep.diet, keep.allergies, keep.accessibility) == ("", "", "")
    assert keep.name and keep.email and keep.status == Registration.Status.BEKRAFTAD
    conference.refresh_from_db()
    assert conference.sensitive_data_deleted_at is not None
    entry = LogEntry.objects.get_for_object(conference).order_by("-timestamp", "-pk").first()
    assert entry.actor is None
    assert "sensitive_data_deleted_at" in entry.changes_dict
    # No copy of the answers anywhere in the audit trail.
    assert not LogEntry.objects.filter(changes_text__icontains="Vegansk").exists()
    assert not LogEntry.objects.filter(changes__icontains="Nötter").exists()


def test_purge_task_runs_from_beat(reference_data):
    from conferences import tasks
    from hosavtal.beat import beat_schedule

    names = {entry["task"] for entry in beat_schedule().values()}
    assert "conferences.tasks.sensitive_data_purge" in names
    assert "conferences.tasks.offers_expire" in names
    conference = ConferenceFactory(date=timezone.localdate() - dt.timedelta(days=40))
    RegistrationFactory(conference=conference, diet="Laktosfri")
    assert tasks.sensitive_data_purge.delay().get() == 1


def test_counts_per_party_federation_role_and_missing(conference):
    goteborg, boras, vgr = (Party.objects.get(slug=s) for s in ("goteborg", "boras", "vgr"))
    RegistrationFactory.create_batch(3, conference=conference, party=goteborg)
    RegistrationFactory(conference=conference, party=boras, role="politiker")
    RegistrationFactory(conference=conference, party=vgr)
    RegistrationFactory(conference=conference, party=None, organisation_other="SKR")
    RegistrationFactory(conference=conference, party=boras, status="vantelista")
    RegistrationFactory(
        conference=conference, party=Party.objects.get(slug="ale"), status="avbokad"
    )
    counts = selectors.conference_counts(conference)
    by_party = {name: (c, w) for name, c, w in counts.by_party}
    assert by_party["Göteborg"] == (3, 0)
    assert by_party["Borås"] == (1, 1)
    assert by_party["SKR"] == (1, 0)
    assert "Ale" not in by_party
    federation = dict(counts.by_federation)
    assert federation["Göteborgsregionen"] == 3
    assert federation["Boråsregionen Sjuhärads kommunalförbund"] == 2
    assert federation["Västra Götalandsregionen"] == 1
    assert dict(counts.by_role) == {"Politiker": 1, "Tjänsteperson": 6}
    missing = {p.name for p in counts.missing_municipalities}
    assert len(missing) == 47 and "Ale" in missing and "Göteborg" not in missing
    assert counts.total == 7


def test_catering_gives_aggregated_counts_only(conference):
    RegistrationFactory(conference=conference, diet_choices="vegetariskt", allergies="Nötter")
    RegistrationFactory(conference=conference, diet_choices="vegetariskt,laktosfritt")
    RegistrationFactory(
        conference=conference, diet_choices="annat", diet="kosher ", accessibility="Rullstol"
    )
    RegistrationFactory(conference=conference, diet_choices="annat", diet="Kosher")
    RegistrationFactory(conference=conference, diet_choices="veganskt", status="vantelista")
    catering = selectors.catering_summary(conference)
    assert catering.expected == 4
    assert catering.waiting == 1
    # Fixed choices: reliable counts, every choice listed (the waiting list not counted).
    assert catering.diets == [
        ("Vegetariskt", 2),
        ("Veganskt", 0),
        ("Laktosfritt", 1),
        ("Glutenfritt", 0),
        ("Annat", 2),
    ]
    assert catering.other_diets == [("Kosher", 2)]
    assert catering.allergies == [("Nötter", 1)]
    assert catering.accessibility_count == 1


def test_reminder_selectors(reference_data):
    today = timezone.localdate()
    soon = ConferenceFactory(date=today + dt.timedelta(days=3))
    later = ConferenceFactory(date=today + dt.timedelta(days=10))
    cancelled = ConferenceFactory(date=today + dt.timedelta(days=3), status="installd")
    a = RegistrationFactory(conference=soon)
    RegistrationFactory(conference=soon, status="vantelista")
    RegistrationFactory(conference=later)
    RegistrationFactory(conference=cancelled)
    assert list(selectors.registrants_of_conferences_in(3)) == [a]

    closing = ConferenceFactory(
        date=today + dt.timedelta(days=20),
        registration_closes=timezone.now() + dt.timedelta(days=2),
    )
    from accounts.models import User
    from conferences.models import Invitation

    invitation = Invitation.objects.create(
        conference=closing, subject="x", body="y", created_by=User.objects.create(username="r")
    )
    sent = {"status": Recipient.Status.SKICKAD, "source": Recipient.Source.IMPORT}
    answered = Recipient.objects.create(invitation=invitation, email="svarat@ale.se", **sent)
    silent = Recipient.objects.create(invitation=invitation, email="tyst@ale.se", **sent)
    Recipient.objects.create(
        invitation=invitation,
        email="kf@gr.se",
        status=Recipient.Status.SKICKAD,
        source="kommunalforbund",
    )
    Recipient.objects.create(invitation=invitation, email="ej@ale.se", source="import")
    RegistrationFactory(conference=closing, email="SVARAT@ale.se")
    assert list(selectors.invitees_without_registration(3)) == [silent]
    assert list(selectors.invitees_without_registration(1)) == []
    assert answered.pk

    full = ConferenceFactory(capacity=2)
    RegistrationFactory.create_batch(2, conference=full)
    RegistrationFactory(conference=soon)
    assert list(selectors.conferences_at_capacity()) == [full]


def test_reference_conferences_match_the_domain(reference_data):
    assert Conference.objects.count() == 14
    october = Conference.objects.get(slug="dialogkonferens-2026-10-15")
    assert (october.start_time, october.end_time) == (dt.time(9), dt.time(15))
    assert october.address == "Bergslagsgatan 2, 411 04 Göteborg"
    assert october.fika and october.lunch
    assert "Kristina Lännergren" in october.senders
    assert (
        october.programme.get(title="Inledning").speakers
        == "Dan Nyberg (S) och Susanna Cassberg (M)"
    )
    politicians = Conference.objects.get(slug="dialogkonferens-politiker-2027-03")
    assert politicians.date is None and politicians.status == Conference.Status.PLANERAD
    assert politicians.date_note == "Mars 2027"
    lindholmen = Conference.objects.get(date=dt.date(2025, 2, 5))
    assert lindholmen.status == Conference.Status.GENOMFORD
    assert lindholmen.address == "Lindholmspiren 5, 417 56 Göteborg"
    assert Conference.objects.filter(date__month=5, date__year=2026).count() == 4
    import io

    call_command("load_reference_data", stdout=io.StringIO())
    assert Conference.objects.count() == 14


@pytest.mark.django_db
def test_demo_is_idempotent_and_marked(reference_data):
    import io

    call_command("seed_demo", stdout=io.StringIO())
    count = Registration.objects.count()
    assert count > 200
    assert not Registration.objects.filter(is_demo=False).exists()
    demo = Conference.objects.get(slug="demo-uppfoljande-dialogkonferens")
    assert demo.registrations.filter(status="vantelista").exists()
    assert Registration.objects.filter(attended=True).exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert Registration.objects.count() == count


def test_overview_lists_upcoming_first_then_past_newest_first(reference_data):
    conferences = list(selectors.conference_list())
    upcoming, past = selectors.upcoming_and_past(conferences)
    assert [c.slug for c in upcoming][-1] == "dialogkonferens-politiker-2027-03"
    dates = [c.date for c in past]
    assert dates == sorted(dates, reverse=True)
