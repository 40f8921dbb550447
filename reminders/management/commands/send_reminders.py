"""python manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]

Runs the same sweep as Celery beat, once, in this process (for cron, or to see what would be
sent on a date). With --dry-run nothing is written or sent.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format

from reminders.models import Kind
from reminders.services import reminder_sweep


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ogiltigt datum {value!r}: skriv ÅÅÅÅ-MM-DD.") from error


class Command(BaseCommand):
    help = "Skickar dagens påminnelser om tidsgränser (samma körning som Celery beat gör)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle skickas, skriv inget."
        )
        parser.add_argument("--date", type=_date, help="Kör som om det vore detta datum.")

    def handle(self, *args, dry_run=False, date=None, **options):
        result = reminder_sweep(today=date, dry_run=dry_run)
        day = date_format(result.today, "j F Y")
        if dry_run:
            self.stdout.write(f"Provkörning för {day}: {result.new} nya påminnelser.")
            for c in result.would_send:
                who = c.recipient.email if c.recipient is not None else c.email
                self.stdout.write(
                    f"  {who or '(saknar e-post)'}: {Kind(c.kind).label} – {c.title} "
                    f"(tidsgräns {c.due_date.isoformat()})"
                )
            return
        self.stdout.write(
            f"Påminnelser {day}: {result.new} nya, {result.skipped} bortvalda, "
            f"{result.sent} utskick skickade, {result.failed} misslyckade, "
            f"{result.retrying} försöks igen senare."
        )
