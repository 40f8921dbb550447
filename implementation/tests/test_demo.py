import pytest
from django.db.models import Count, Sum

from accounts import demo as accounts_demo
from core.refdata import LoadReport
from implementation import demo
from implementation.models import STATUS_POINTS, Progress, ProgressLog, Status, Unit, UnitMembership
from implementation.readiness import summaries
from implementation.selectors import units_led_by

pytestmark = pytest.mark.django_db


def test_small_demo_is_plausible_consistent_and_idempotent(reference_data):
    report = LoadReport()
    accounts_demo.seed(scale="small", password="x", report=report)
    demo.seed(scale="small", password="x", report=report)
    counts = (Unit.objects.count(), Progress.objects.count(), ProgressLog.objects.count())
    demo.seed(scale="small", password="x", report=report)
    assert (Unit.objects.count(), Progress.objects.count(), ProgressLog.objects.count()) == counts
    assert Unit.objects.filter(party__slug="boras", is_demo=True).exists()
    led = {
        u.name for u in units_led_by(UnitMembership.objects.get(user__username="ia-goteborg").user)
    }
    assert "Äldre samt vård- och omsorgsförvaltningen" in led and "Hemsjukvård Centrum" in led
    sahlgrenska = UnitMembership.objects.get(user__username="ia-sahlgrenska").unit
    assert sahlgrenska.name == "Sahlgrenska Universitetssjukhuset" and not sahlgrenska.is_demo
    # The log's deltas add up to each row's current status (the weekly history relies on it).
    sums = Progress.objects.annotate(
        done_sum=Sum("log__done_delta"), points_sum=Sum("log__points_delta"), n=Count("log")
    ).filter(n__gt=0)
    assert sums.count() > 100
    for row in sums:
        assert row.done_sum == (row.status == Status.KLAR)
        assert row.points_sum == (STATUS_POINTS[row.status] or 0)
    last = ProgressLog.objects.order_by("-created_at").first()
    assert last.responsibility_title and last.author is not None
    # The rows were bulk-inserted; the seed rebuilds the readiness summaries from them.
    assert summaries.stored_counts() == summaries.computed_counts() != {}
    assert summaries.stored_weeks() == summaries.computed_weeks() != {}
