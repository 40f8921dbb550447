from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.audit import audit_actor
from core.refdata import LoadReport
from hosavtal.composition import app_modules

DEFAULT_PASSWORD = "hos-demo-2026"


class Command(BaseCommand):
    help = (
        "Skapar demodata (markerad som demo) och demokonton. --scale full ger hela "
        "benchmark-datamängden. Kan köras flera gånger utan att något dubbleras."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=["small", "full"], default="small")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Lösenord för demokontona (sätts bara när kontot skapas).",
        )

    def handle(self, *args, scale: str, password: str, **options) -> None:
        if settings.PRODUCTION:
            # Demo accounts share one published password: never in a real portal.
            raise CommandError(
                "seed_demo körs inte i produktion (DJANGO_ENV=production): demokontona har "
                "ett känt lösenord."
            )
        call_command("load_reference_data", stdout=self.stdout)
        report = LoadReport()
        for module in app_modules("demo"):
            with transaction.atomic(), audit_actor(None):
                module.seed(scale=scale, password=password, report=report)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Demodata ({scale}) är på plats."))
