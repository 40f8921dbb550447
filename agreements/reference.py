"""Reference data of domain.md §1–2: parties, federations, delregions, agreements, milestones."""

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from agreements.models import Agreement, Delregion, Federation, JointBody, Milestone, Party
from core.refdata import LoadReport, ensure, read_json

DATA = Path(__file__).parent / "data" / "reference.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def load(report: LoadReport) -> None:
    data = read_json(DATA)
    _load_bodies(data, report)
    delregion_of = _load_delregions(data, report)
    _load_parties(data, report, delregion_of)
    _load_agreements(data, report)
    for item in data["milestones"]:
        ensure(
            Milestone,
            report,
            "Milstolpar",
            lookup={"slug": item["slug"]},
            defaults={
                "date": _date(item["date"]),
                "end_date": _date(item.get("end_date")),
                "precision": item.get("precision", Milestone.Precision.DAY),
                "title": item["title"],
                "description": item["description"],
            },
        )


def _load_bodies(data: dict, report: LoadReport) -> None:
    for item in data["joint_bodies"]:
        ensure(
            JointBody,
            report,
            "Gemensamma organ",
            lookup={"slug": item["slug"]},
            defaults={
                key: item[key] for key in ("name", "short_name", "kind", "description", "email")
            },
        )


def _load_delregions(data: dict, report: LoadReport) -> dict[str, tuple[Delregion, bool]]:
    delregion_of = {}
    for item in data["delregions"]:
        delregion = ensure(
            Delregion,
            report,
            "Delregioner",
            lookup={"slug": item["slug"]},
            defaults={"name": item["name"], "note": item["note"], "order": item["order"]},
        )
        for name in item["members"]:
            delregion_of[name] = (delregion, False)
        for name in item.get("uncertain_members", []):
            delregion_of[name] = (delregion, True)
    return delregion_of


def _load_parties(data: dict, report: LoadReport, delregion_of: dict) -> None:
    emails = data["registry_emails"]
    ensure(
        Party,
        report,
        "Parter",
        lookup={"slug": data["region"]["slug"]},
        defaults={
            "name": data["region"]["name"],
            "kind": Party.Kind.REGION,
        },
    )
    for item in data["federations"]:
        federation = ensure(
            Federation,
            report,
            "Kommunalförbund",
            lookup={"slug": item["slug"]},
            defaults={key: item[key] for key in ("name", "short_name", "email", "order")},
        )
        members = [(name, True) for name in item["members"]]
        members += [(name, False) for name in item.get("non_party_members", [])]
        for name, is_party in members:
            delregion, uncertain = delregion_of.get(name, (None, False))
            ensure(
                Party,
                report,
                "Parter" if is_party else "Övriga kommuner",
                lookup={"slug": slugify(name)},
                defaults={
                    "name": name,
                    "kind": Party.Kind.KOMMUN,
                    "is_agreement_party": is_party,
                    "federation": federation,
                    "delregion": delregion,
                    "delregion_uncertain": uncertain,
                    "registry_email": emails.get(name, ""),
                },
            )


def _load_agreements(data: dict, report: LoadReport) -> None:
    # Old agreements first, main agreements before their sub-agreements, so that "parent"
    # and "replaces" can be linked when a row is created (and never later).
    def order(item: dict) -> tuple:
        return (item["generation"] != Agreement.Generation.OLD, item.get("parent") is not None)

    for item in sorted(data["agreements"], key=order):
        ensure(
            Agreement,
            report,
            "Avtal",
            lookup={"slug": item["slug"]},
            defaults={
                "kind": item["kind"],
                "generation": item["generation"],
                "title": item["title"],
                "short_title": item["short_title"],
                "order": item["order"],
                "parent": Agreement.objects.filter(slug=item.get("parent") or "").first(),
                "replaces": Agreement.objects.filter(slug=item.get("replaces") or "").first(),
                "valid_from": _date(item.get("valid_from")),
                "valid_to": _date(item.get("valid_to")),
                "decided_on": _date(item.get("decided_on")),
                "terminated_on": _date(item.get("terminated_on")),
                "decision_deadline": _date(item.get("decision_deadline")),
                "description": item["description"],
            },
        )
