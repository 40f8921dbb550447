"""Reference conferences (domain.md §5). Idempotent: creates what is missing, never changes a
row that exists. Conferences that have already taken place are loaded as genomförda."""

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from conferences.models import Conference, ProgrammeItem
from core.refdata import LoadReport, ensure, read_json

DATA = Path(__file__).parent / "data" / "reference.json"

FIELDS = (
    "title",
    "kind",
    "date_note",
    "duration_note",
    "venue",
    "address",
    "online_url",
    "target_group",
    "senders",
    "fika",
    "lunch",
    "description",
)


def _time(value: str | None):
    return dt.time.fromisoformat(value) if value else None


@transaction.atomic
def load(report: LoadReport) -> None:
    today = timezone.localdate()
    for item in read_json(DATA)["conferences"]:
        date = dt.date.fromisoformat(item["date"]) if item.get("date") else None
        past = date is not None and date < today
        defaults = {
            name: item.get(name, Conference._meta.get_field(name).get_default()) for name in FIELDS
        }
        defaults.update(
            date=date,
            start_time=_time(item.get("start_time")),
            end_time=_time(item.get("end_time")),
            status=Conference.Status.GENOMFORD if past else Conference.Status.PLANERAD,
        )
        conference = ensure(
            Conference, report, "Konferenser", lookup={"slug": item["slug"]}, defaults=defaults
        )
        for entry in item.get("programme", []):
            ensure(
                ProgrammeItem,
                report,
                "Programpunkter",
                lookup={"conference": conference, "title": entry["title"]},
                defaults={
                    "speakers": entry.get("speakers", ""),
                    "is_opening": entry.get("is_opening", False),
                },
            )
