import datetime as dt

from agreements import demo, selectors
from agreements.models import Decision, Party
from core.refdata import LoadReport


def test_demo_decisions_follow_the_domain_and_a_second_run_adds_nothing(reference_data):
    demo.seed(scale="small", password="x", report=LoadReport())
    count = Decision.objects.count()
    report = LoadReport()
    demo.seed(scale="small", password="x", report=report)
    assert Decision.objects.count() == count
    assert report.created == {"Beslut (demo)": 0}
    assert all(Decision.objects.values_list("is_demo", flat=True))

    vgr = Decision.objects.filter(party__slug="vgr")
    assert {(d.decided_on, d.body, d.outcome) for d in vgr} == {
        (dt.date(2025, 11, 4), "regionfullmaktige", "antaget")
    }
    dals_ed = list(Decision.objects.filter(party__slug="dals-ed", agreement__parent=None))
    assert sorted((d.decided_on, d.outcome, d.planned_date) for d in dals_ed) == [
        (dt.date(2026, 5, 25), "uppskjutet", dt.date(2026, 6, 17)),
        (dt.date(2026, 6, 17), "antaget", None),
    ]
    deadline = dt.date(2026, 5, 31)
    others = Decision.objects.filter(outcome="antaget", party__kind=Party.Kind.KOMMUN).exclude(
        party__slug="dals-ed"
    )
    assert all(d.decided_on <= deadline and d.decided_on.weekday() < 4 for d in others)
    assert all(d.reference.startswith("KF ") for d in others)

    summary = selectors.adoption_summary(dt.date(2026, 11, 22))
    assert (summary.main.adopted, summary.main.total) == (46, 49)
    assert not summary.condition_met
    assert {row.party.slug for row in summary.late} == {"gullspang", "munkedal"}
    assert {row.party.slug for row in summary.missing} == {"gullspang", "munkedal", "svenljunga"}
