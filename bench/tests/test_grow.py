"""bench/grow.py on the small demo data: it multiplies what it says, keeps the readiness
summaries in step with the rows and leaves every page the bench measures answering."""

import os

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client

pytestmark = pytest.mark.django_db


def test_growing_the_demo_data_keeps_it_consistent(settings):
    from bench.grow import grow
    from bench.pages import PAGES
    from conferences.models import Registration
    from escalation.models import Case, CaseEvent, CaseHandler, CaseStepPeriod
    from implementation.models import Level, Progress, Unit
    from implementation.readiness import summaries

    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    verksamheter = Unit.objects.filter(level=Level.VERKSAMHET).count()
    units, progress = Unit.objects.count(), Progress.objects.count()
    cases, periods, events = (
        Case.objects.count(),
        CaseStepPeriod.objects.count(),
        CaseEvent.objects.count(),
    )
    registrations = Registration.objects.filter(conference__date__year=2026).count()

    grow(2)

    assert Unit.objects.filter(level=Level.VERKSAMHET).count() == 2 * verksamheter
    assert Unit.objects.count() == units + verksamheter
    assert Progress.objects.count() > progress
    assert Case.objects.count() == 2 * cases
    assert CaseStepPeriod.objects.count() == 2 * periods
    assert CaseEvent.objects.count() == 2 * events
    # Every copied case has the same history as its original, on its own rows.
    copy = Case.objects.order_by("-pk").first()
    assert copy.periods.exists() and copy.events.exists()
    copies = Case.objects.filter(pk__gt=Case.objects.order_by("pk")[cases - 1].pk)
    links = CaseHandler.objects.filter(case__in=copies)
    assert links.count() == CaseHandler.objects.count() / 2 > 0
    assert not links.exclude(period__case=F("case")).exists()  # each its own case's periods
    assert Registration.objects.filter(conference__date__year=2026).count() == 2 * registrations
    assert summaries.stored_counts() == summaries.computed_counts()
    assert summaries.stored_weeks() == summaries.computed_weeks()

    settings.ROOT_URLCONF = "bench.urls"
    client = Client()
    for page in PAGES:
        user, url = page.resolve()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == 200, (page.name, url)
        client.logout()
