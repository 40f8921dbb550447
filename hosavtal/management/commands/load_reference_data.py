from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import audit_actor
from core.refdata import LoadReport
from hosavtal.composition import app_modules


class Command(BaseCommand):
    help = (
        "Läser in referensdata (domain.md): parter, kommunalförbund, delregioner, avtal, "
        "milstolpar, faser, eskaleringstrappan och konferenser. Kan köras flera gånger: "
        "det som finns ändras aldrig."
    )

    def handle(self, *args, **options) -> None:
        report = LoadReport()
        with transaction.atomic(), audit_actor(None):
            for module in app_modules("reference"):
                module.load(report)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Referensdata är inläst."))
