"""Demo data: a preference for the Göteborg lead, and today's due reminders recorded (the
next sweep sends them, as in production). A second run adds nothing."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.refdata import LoadReport
from reminders.models import Kind, Preference, ReminderSettings
from reminders.services import reminder_candidates, reminders_record


def seed(*, scale: str, password: str, report: LoadReport) -> None:
    user = get_user_model().objects.filter(username="ia-goteborg").first()
    if user is not None:
        _pref, created = Preference.objects.get_or_create(
            user=user,
            defaults={"escalation_immediately": True, "opted_out": [Kind.CONFERENCE_UPCOMING]},
        )
        report.add("val för påminnelser", created)
    now = timezone.now()
    candidates = reminder_candidates(today=timezone.localdate(now), config=ReminderSettings.load())
    for _candidate in reminders_record(candidates=candidates, now=now):
        report.add("påminnelser", True)
