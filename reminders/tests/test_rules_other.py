"""Escalation, conference and adoption rules: the right day, the right people, and not
otherwise."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from agreements.models import Agreement, Decision, Party
from conferences.models import Conference, Invitation, Recipient, Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from escalation.models import Case, CaseHandler, CaseStepPeriod, LadderStep
from reminders.models import Kind
from reminders.services import reminder_candidates

D = dt.date


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def fired(config, day, *, kinds):
    return {
        (c.kind, c.recipient.username if c.recipient else c.email, c.send_on, c.occurrence)
        for c in reminder_candidates(today=day, config=config)
        if c.kind in kinds
    }


# --- escalation ------------------------------------------------------------------------------
ESC = {Kind.ESCALATION_WARNING, Kind.ESCALATION_OVERDUE}


@pytest.fixture
def case_period(reference_data, make_user, config):
    boras, vgr = Party.objects.get(slug="boras"), Party.objects.get(slug="vgr")
    step = LadderStep.objects.order_by("order").first()
    opener = make_user(username="t-anmalare", party=boras)
    case = Case.objects.create(
        kind=Case.Kind.AVVIKELSE,
        title="Utskrivningsmeddelande kom sent",
        description="Avidentifierad beskrivning.",
        agreement=Agreement.objects.filter(generation="ny").first(),
        reporting_party=boras,
        receiving_party=vgr,
        current_step=step,
        step_order=step.order,
        step_started_on=D(2026, 11, 2),
        step_warning_on=D(2026, 11, 20),
        step_deadline=D(2026, 11, 30),
        opened_by=opener,
    )
    period = CaseStepPeriod.objects.create(
        case=case,
        step=step,
        step_order=step.order,
        step_name=step.name,
        time_limit=20,
        time_unit="arbetsdagar",
        started_at=at(D(2026, 11, 2)),
        started_on=D(2026, 11, 2),
        warning_on=D(2026, 11, 20),
        deadline=D(2026, 11, 30),
    )
    for name in ("t-handl-1", "t-handl-2"):
        CaseHandler.objects.create(period=period, case=case, user=make_user(username=name))
    return period


def test_escalation_warning_and_overdue_go_to_the_steps_handlers(case_period, config):
    config.catch_up_days = 0
    assert fired(config, D(2026, 11, 19), kinds=ESC) == set()
    assert fired(config, D(2026, 11, 20), kinds=ESC) == {
        (Kind.ESCALATION_WARNING, "t-handl-1", D(2026, 11, 20), 0),
        (Kind.ESCALATION_WARNING, "t-handl-2", D(2026, 11, 20), 0),
    }
    assert fired(config, D(2026, 11, 30), kinds=ESC) == set()  # the last day: not yet late
    assert {k for k, *_r in fired(config, D(2026, 12, 1), kinds=ESC)} == {Kind.ESCALATION_OVERDUE}
    assert fired(config, D(2026, 12, 2), kinds=ESC) == set()
    assert {o for *_r, o in fired(config, D(2026, 12, 8), kinds=ESC)} == {1}


def test_no_escalation_reminders_for_resolved_cases_or_ended_steps(case_period, config):
    config.catch_up_days = 0
    Case.objects.filter(pk=case_period.case_id).update(status=Case.Status.RESOLVED)
    assert fired(config, D(2026, 11, 20), kinds=ESC) == set()
    Case.objects.filter(pk=case_period.case_id).update(status=Case.Status.OPEN)
    CaseStepPeriod.objects.filter(pk=case_period.pk).update(ended_at=at(D(2026, 11, 10)))
    assert fired(config, D(2026, 12, 1), kinds=ESC) == set()


def test_a_step_entered_after_its_warning_time_gets_no_warning(case_period, config):
    # The case reached this step at 10:00 on the warning day, after the 07:00 send time.
    CaseStepPeriod.objects.filter(pk=case_period.pk).update(started_at=at(D(2026, 11, 20), 10))
    assert fired(config, D(2026, 11, 20), kinds=ESC) == set()


# --- conferences -----------------------------------------------------------------------------
CONF = {Kind.CONFERENCE_NOT_REGISTERED, Kind.CONFERENCE_UPCOMING, Kind.CONFERENCE_FULL}


@pytest.fixture
def conference(reference_data, config, registrator):
    with time_machine.travel(at(D(2026, 9, 1)), tick=False):
        conf = ConferenceFactory(
            date=D(2026, 10, 20),
            capacity=3,
            registration_closes=at(D(2026, 10, 13), 23),
        )
        invitation = Invitation.objects.create(
            conference=conf,
            subject="Inbjudan",
            body="Välkommen",
            status=Invitation.Status.SKICKAD,
            created_by=registrator,
            sent_at=timezone.now(),
        )
        for email in ("anna@kommun.se", "bo@kommun.se"):
            Recipient.objects.create(
                invitation=invitation,
                email=email,
                source=Recipient.Source.IMPORT,
                status=Recipient.Status.SKICKAD,
                sent_at=timezone.now(),
            )
        RegistrationFactory(conference=conf, email="bo@kommun.se")
    return conf


def test_invitees_who_have_not_registered_3_days_before_closing(conference, config, lead):
    config.catch_up_days = 0
    assert fired(config, D(2026, 10, 9), kinds=CONF) == set()
    assert fired(config, D(2026, 10, 10), kinds=CONF) == {
        (Kind.CONFERENCE_NOT_REGISTERED, "anna@kommun.se", D(2026, 10, 10), 0)
    }
    assert fired(config, D(2026, 10, 11), kinds=CONF) == set()


def test_an_invitee_with_an_account_is_reminded_as_that_user(conference, config, make_user):
    make_user(username="t-anna", email="Anna@Kommun.se")
    got = fired(config, D(2026, 10, 10), kinds=CONF)
    assert (Kind.CONFERENCE_NOT_REGISTERED, "t-anna", D(2026, 10, 10), 0) in got


def test_registrants_2_days_before_the_conference(conference, config):
    config.catch_up_days = 0
    assert fired(config, D(2026, 10, 17), kinds=CONF) == set()
    assert fired(config, D(2026, 10, 18), kinds=CONF) == {
        (Kind.CONFERENCE_UPCOMING, "bo@kommun.se", D(2026, 10, 18), 0)
    }
    Registration.objects.update(status=Registration.Status.AVBOKAD)
    assert fired(config, D(2026, 10, 18), kinds=CONF) == set()


def test_someone_who_registered_after_the_reminder_time_is_not_reminded(conference, config):
    with time_machine.travel(at(D(2026, 10, 18), 12), tick=False):
        RegistrationFactory(conference=conference, email="sen@kommun.se")
    got = {who for _k, who, *_r in fired(config, D(2026, 10, 19), kinds=CONF)}
    assert got == {"bo@kommun.se"}


def test_capacity_reached_goes_to_registrars(conference, config, registrator):
    RegistrationFactory.create_batch(2, conference=conference)
    Conference.objects.filter(pk=conference.pk).update(capacity_notified_at=at(D(2026, 10, 2)))
    with time_machine.travel(at(D(2026, 10, 2), 9), tick=False):
        got = fired(config, D(2026, 10, 2), kinds={Kind.CONFERENCE_FULL})
    assert got == {(Kind.CONFERENCE_FULL, "t-registrator", D(2026, 10, 2), 0)}


# --- adoption --------------------------------------------------------------------------------
def test_parties_without_a_decision_14_days_before_the_deadline(
    reference_data, registrator, config
):
    config.catch_up_days = 0
    main = Agreement.objects.get(slug="hos-avtal-2027")
    Agreement.objects.exclude(pk=main.pk).update(decision_deadline=None)
    for party in Party.objects.agreement_parties().exclude(slug__in=["ale", "boras"]):
        Decision.objects.create(
            party=party,
            agreement=main,
            decided_on=D(2026, 4, 1),
            body=Decision.Body.KOMMUNFULLMAKTIGE,
            outcome=Decision.Outcome.ADOPTED,
        )
    Decision.objects.create(
        party=Party.objects.get(slug="boras"),
        agreement=main,
        decided_on=D(2026, 4, 2),
        body=Decision.Body.KOMMUNFULLMAKTIGE,
        outcome=Decision.Outcome.POSTPONED,
        planned_date=D(2026, 6, 10),
    )
    candidates = [
        c
        for c in reminder_candidates(today=D(2026, 5, 17), config=config)
        if c.kind == Kind.ADOPTION_MISSING
    ]
    assert [(c.recipient, c.due_date) for c in candidates] == [(registrator, D(2026, 5, 31))]
    assert "2 parter har inte beslutat (Ale och Borås)" in candidates[0].title
    assert not [
        c
        for day in (D(2026, 5, 16), D(2026, 5, 18))
        for c in reminder_candidates(today=day, config=config)
        if c.kind == Kind.ADOPTION_MISSING
    ]
