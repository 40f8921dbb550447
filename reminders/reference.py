"""Reference data: the reminder settings row with its default lead times (editable)."""

from core.refdata import LoadReport, ensure
from reminders.models import ReminderSettings


def load(report: LoadReport) -> None:
    ensure(ReminderSettings, report, "inställningar för påminnelser", lookup={"pk": 1}, defaults={})
