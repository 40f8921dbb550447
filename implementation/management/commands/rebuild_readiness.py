"""Recompute the readiness summaries from the progress rows and the log (see implementation.readiness.summaries).

Needed only after writes that bypass the services (bulk loads, admin edits of a unit's party or
level, deleted units); the services keep the summaries in step themselves.
"""

from django.core.management.base import BaseCommand

from implementation.readiness import summaries


class Command(BaseCommand):
    help = "Räknar om beredskapssummeringarna från framstegen och loggen."

    def handle(self, *args, **options):
        counts, weeks = summaries.rebuild()
        self.stdout.write(f"Beredskap: {counts} rader, per vecka: {weeks} rader.")
