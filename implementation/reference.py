"""Reference data of domain.md §2–3: VGR's förvaltningar, the regionövergripande working group,
step 1 and the four phases, and the checklist items (the verbatim texts split into one action
each; the source sentence is kept as the item's description).

Municipal units are not reference data (the brief names none); demo data invents them.
"""

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from agreements.models import Party
from core.refdata import LoadReport, ensure, read_json
from implementation.models import Level, Phase, Responsibility, Unit

DATA = Path(__file__).parent / "data" / "reference.json"


@transaction.atomic
def load(report: LoadReport) -> None:
    data = read_json(DATA)
    _load_units(data, report)
    _load_phases(data, report)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _load_phases(data: dict, report: LoadReport) -> None:
    phases = {}
    for item in data["phases"]:
        phases[item["code"]] = ensure(
            Phase,
            report,
            "Faser",
            lookup={"code": item["code"]},
            defaults={
                "order": item["order"],
                "name": item["name"],
                "short_name": item["short_name"],
                "description": item["description"],
                "starts_on": _date(item["starts_on"]),
                "ends_on": _date(item["ends_on"]),
            },
        )
    for order, item in enumerate(data["responsibilities"], start=1):
        phase = phases[item["phase"]]
        ensure(
            Responsibility,
            report,
            "Ansvar",
            lookup={"code": item["code"]},
            defaults={
                "phase": phase,
                "level": item["level"],
                "title": item["title"],
                "description": item["description"],
                "due_date": _date(item["due_date"]) or phase.ends_on,
                "order": order,
            },
        )


def _load_units(data: dict, report: LoadReport) -> None:
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
