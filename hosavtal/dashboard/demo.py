"""Demo meetings of the joint steering group, so that "since the last meeting" has a meeting
to start from. Dated relative to today (every five weeks), marked ``is_demo``; a second run
adds nothing."""

import datetime as dt

from django.utils import timezone

from core.refdata import LoadReport
from hosavtal.models import SteeringMeeting

OFFSETS_DAYS = (-70, -35, -14, 21)


def seed(*, scale: str, password: str, report: LoadReport) -> None:
    if SteeringMeeting.objects.filter(is_demo=True).exists():
        report.add("styrgruppsmöten (demo)", False)
        return  # dated relative to the first run: a later run must not add another set
    today = timezone.localdate()
    for number, offset in enumerate(OFFSETS_DAYS, start=1):
        date = today + dt.timedelta(days=offset)
        _meeting, created = SteeringMeeting.objects.get_or_create(
            date=date,
            defaults={"title": f"Styrgruppsmöte {number} (demo)", "is_demo": True},
        )
        report.add("styrgruppsmöten (demo)", created)
