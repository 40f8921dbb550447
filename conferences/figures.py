"""The conferences' figures for the steering group's dashboard: registrations (seat holders
and waiting list) and attendance per conference and kommunalförbund, the municipalities with no
one registered, and the registrations made since a day. Two queries.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from agreements.models import Party
from conferences.models import Conference, Registration
from conferences.selectors import ACTIVE, HOLDING, conference_list


@dataclass
class ConferenceRow:
    conference: Conference
    per_federation: dict[str, tuple[int, int]]  # federation label -> (registered, attended)
    missing: list[Party]

    @property
    def held(self) -> int:
        return self.conference.confirmed + self.conference.offered

    @property
    def capacity_share(self) -> float | None:
        capacity = self.conference.capacity
        return self.held / capacity if capacity else None


@dataclass
class Conferences:
    rows: list[ConferenceRow]
    federations: list[str]  # column labels: each kommunalförbund, then VGR, then others
    upcoming: ConferenceRow | None
    municipalities: int = 0
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    short_names: dict[str, str] = field(default_factory=dict)
    registrations_since: list[dict] | None = None  # see ``conference_figures``


OTHER = "__other__"
REGION = "__region__"


def conference_figures(
    *, parties: list[Party], today: dt.date, since: dt.datetime | None = None
) -> Conferences:
    """Registrations (seat holders and waiting list) and attendance per conference and
    kommunalförbund, and the municipalities with no one registered. Two queries.

    With ``since``, the same grouped query also counts the registrations made from then on
    (every conference, cancelled ones too), which ``changes_since`` would otherwise query:
    ``Conferences.registrations_since``, in the shape of ``Since.registrations``."""
    counted = {
        "registered": Count("pk", filter=Q(status__in=ACTIVE)),
        "attended": Count("pk", filter=Q(attended=True)),
    }
    registrations = Registration.objects.all()
    if since is None:
        every = list(conference_list())
        listed = [c for c in every if c.status != Conference.Status.INSTALLD]
        registrations = registrations.filter(conference__in=[c.pk for c in listed]).filter(
            Q(status__in=ACTIVE) | Q(attended=True)
        )
    else:
        new = Q(joined_at__gte=since)
        counted["new"] = Count("pk", filter=new)
        counted["new_holding"] = Count("pk", filter=new & Q(status__in=HOLDING))
        counted["new_cancelled"] = Count("pk", filter=new & Q(status=Registration.Status.AVBOKAD))
        for name, status in SEAT_COUNTS.items():
            counted[name] = Count("pk", filter=Q(status=status))
    per_party = list(
        registrations.values("conference_id", "party_id", "party__kind", "party__federation__name")
        .annotate(**counted)
        .order_by()
    )
    if since is not None:
        # Every registration is in ``per_party``: the seat counts of ``conference_list`` are
        # its sums, which spares that query's grouping by every column of the conferences.
        every = _with_seat_counts(per_party)
        listed = [c for c in every if c.status != Conference.Status.INSTALLD]
    listed_ids = {c.pk for c in listed}
    cells: dict[int, dict[str, tuple[int, int]]] = {}
    represented: dict[int, set[int]] = {}
    for row in per_party:
        if row["conference_id"] not in listed_ids or not (row["registered"] or row["attended"]):
            continue
        label = _federation_label(row)
        before = cells.setdefault(row["conference_id"], {}).get(label, (0, 0))
        cells[row["conference_id"]][label] = (
            before[0] + row["registered"],
            before[1] + row["attended"],
        )
        if row["party__kind"] == Party.Kind.KOMMUN and row["registered"]:
            represented.setdefault(row["conference_id"], set()).add(row["party_id"])
    municipalities = [p for p in parties if not p.is_region]
    rows = [
        ConferenceRow(
            c,
            cells.get(c.pk, {}),
            [p for p in municipalities if p.pk not in represented.get(c.pk, set())],
        )
        for c in listed
    ]
    upcoming = next((r for r in rows if r.conference.date and r.conference.date >= today), None)
    return Conferences(
        registrations_since=None if since is None else _registrations_since(per_party, every),
        rows=rows,
        federations=_federation_columns(parties),
        upcoming=upcoming,
        municipalities=len(municipalities),
        totals=_totals(rows),
        short_names={p.federation.name: p.federation.short_name for p in parties if p.federation},
    )


SEAT_COUNTS = {
    "confirmed": Registration.Status.BEKRAFTAD,
    "offered": Registration.Status.ERBJUDEN,
    "waiting": Registration.Status.VANTELISTA,
}


COUNTED = (*SEAT_COUNTS, "attended")


def _with_seat_counts(per_party: list[dict]) -> list[Conference]:
    """``conference_list()``: its conferences, order and counts (confirmed,
    offered, waiting, attended), the counts summed from ``per_party`` instead of a grouped
    join."""
    sums: dict[int, dict[str, int]] = {}
    for row in per_party:
        entry = sums.setdefault(row["conference_id"], dict.fromkeys(COUNTED, 0))
        for name in COUNTED:
            entry[name] += row[name]
    every = list(Conference.objects.order_by(F("date").asc(nulls_last=True), "start_time", "title"))
    for conference in every:
        for name, value in sums.get(conference.pk, dict.fromkeys(COUNTED, 0)).items():
            setattr(conference, name, value)
    return every


def _registrations_since(per_party: list[dict], every: list[Conference]) -> list[dict]:
    """Per conference with registrations made since the date: as ``changes_since`` queries
    them, in the database's order (date, then title; NULL dates where the database puts
    them)."""
    by_conference: dict[int, list[int]] = {}
    for row in per_party:
        if row["new"]:
            sums = by_conference.setdefault(row["conference_id"], [0, 0, 0])
            sums[0] += row["new"]
            sums[1] += row["new_holding"]
            sums[2] += row["new_cancelled"]
    nulls_last = connection.features.nulls_order_largest
    result = [
        {
            "conference__slug": c.slug,
            "conference__title": c.title,
            "conference__date": c.date,
            "n": by_conference[c.pk][0],
            "holding": by_conference[c.pk][1],
            "cancelled": by_conference[c.pk][2],
        }
        for c in every
        if c.pk in by_conference
    ]
    return sorted(
        result,
        key=lambda r: (
            (r["conference__date"] is None) == nulls_last,
            r["conference__date"] or dt.date.min,
            r["conference__title"],
        ),
    )


def column_label(column: str) -> str:
    """The heading of a conference column: a kommunalförbund, VGR or other organisations."""
    if column == REGION:
        return _("VGR")
    if column == OTHER:
        return _("Övriga")
    return column


def _federation_label(row: dict) -> str:
    if row["party__kind"] == Party.Kind.REGION:
        return REGION
    return row["party__federation__name"] or OTHER


def _federation_columns(parties: list[Party]) -> list[str]:
    federations = sorted(
        {p.federation for p in parties if p.federation_id}, key=lambda f: (f.order, f.name)
    )
    return [f.name for f in federations] + [REGION, OTHER]


def _totals(rows: list[ConferenceRow]) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        for label, (registered, attended) in row.per_federation.items():
            before = totals.get(label, (0, 0))
            totals[label] = (before[0] + registered, before[1] + attended)
    return totals


def registrations_since(since: dt.datetime) -> list[dict]:
    """Per conference, the registrations made from ``since`` on (every conference, cancelled
    ones too): how many, how many hold a seat or wait for one, how many are cancelled. One
    query; ``conference_figures(since=...)`` counts the same in its own query."""
    return list(
        Registration.objects.filter(joined_at__gte=since)
        .values("conference__slug", "conference__title", "conference__date")
        .annotate(
            n=Count("pk"),
            holding=Count("pk", filter=Q(status__in=HOLDING)),
            cancelled=Count("pk", filter=Q(status=Registration.Status.AVBOKAD)),
        )
        .order_by("conference__date", "conference__title")
    )
