"""Reference units: VGR's förvaltningar (domain.md §2) and the regionövergripande working group.

Municipal units are not reference data (the brief names none); demo data invents them.
"""

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from agreements.models import Party
from core.refdata import LoadReport, ensure, read_json
from implementation.models import Level, Unit

DATA = Path(__file__).parent / "data" / "reference.json"


@transaction.atomic
def load(report: LoadReport) -> None:
    data = read_json(DATA)
    vgr = Party.objects.get(slug="vgr")
    for item in data["vgr_forvaltningar"]:
        forvaltning = ensure(
            Unit,
            report,
            "Enheter",
            lookup={"party": vgr, "slug": slugify(item["name"])},
            defaults={"name": item["name"], "level": Level.FORVALTNING},
        )
        for name in item["verksamheter"]:
            ensure(
                Unit,
                report,
                "Enheter",
                lookup={"party": vgr, "slug": slugify(name)},
                defaults={"name": name, "level": Level.VERKSAMHET, "parent": forvaltning},
            )
    for item in data["regionovergripande"]:
        ensure(
            Unit,
            report,
            "Enheter",
            lookup={"party": vgr, "slug": slugify(item["name"])},
            defaults={"name": item["name"], "level": Level.REGIONOVERGRIPANDE},
        )
