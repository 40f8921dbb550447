import datetime as dt

import pytest
import time_machine

from agreements.models import Agreement, Decision, Party
from agreements.services import decision_record

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def frozen():
    """Today is 22 November 2026 (after the decision deadline, before entry into force)."""
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def new_agreements(reference_data):
    return list(Agreement.objects.new())


@pytest.fixture
def main_agreement(new_agreements):
    return new_agreements[0]


@pytest.fixture
def party(reference_data):
    def get(slug: str) -> Party:
        return Party.objects.get(slug=slug)

    return get


@pytest.fixture
def record(new_agreements):
    """Record a decision as the system (no actor), with sensible defaults."""

    def run(
        party,
        *,
        outcome=Decision.Outcome.ADOPTED,
        day=dt.date(2026, 4, 20),
        agreements=None,
        planned_date=None,
        body=None,
    ):
        if body is None:
            body = (
                Decision.Body.REGIONFULLMAKTIGE
                if party.is_region
                else Decision.Body.KOMMUNFULLMAKTIGE
            )
        return decision_record(
            actor=None,
            party=party,
            agreements=agreements if agreements is not None else new_agreements,
            decided_on=day,
            body=body,
            outcome=outcome,
            planned_date=planned_date,
            reference=f"KF {day.isoformat()} § 1",
            today=TODAY,
        )

    return run


@pytest.fixture
def municipal_registrator(reference_data, make_user):
    return make_user(
        username="t-registrator-ale", role="registrator", party=Party.objects.get(slug="ale")
    )
