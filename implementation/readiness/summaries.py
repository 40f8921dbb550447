"""The readiness summaries (``ReadinessCount``, ``ReadinessWeek``), kept in step with writes.

County-wide figures (the overview, the steering group's dashboard) read these small tables
instead of grouping ~40 000 progress rows and ~220 000 log entries on every request. They are
not a cache: every write that changes what they sum updates them in the same transaction
(``record`` from ``services.progress_update``, ``item_active_changed`` from
``services.responsibility_set_active``), so a page always shows the current state.
``rebuild`` recomputes both from scratch (``manage.py rebuild_readiness``, the migration that
created them, the demo data); ``tests/test_tally.py`` checks that the maintained summaries
equal a recomputation.

Writes outside the services (the admin site changing a unit's party or level, deleting units)
are not followed: run ``manage.py rebuild_readiness`` after such a change.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from implementation.models import ProgressLog, ReadinessCount, ReadinessWeek
from implementation.readiness.definition import COUNTED, FIGURES, WEIGHTS, status_vector


def week_of(at: dt.datetime) -> dt.date:
    """The Monday (Swedish time) of the week ``at`` falls in."""
    day = timezone.localtime(at).date()
    return day - dt.timedelta(days=day.weekday())


def _bump(model, key: dict, diff: dict[str, int]) -> None:
    """Add ``diff`` to the row ``key`` (created when missing), atomically in the database."""
    changes = {name: F(name) + value for name, value in diff.items() if value}
    if not changes or model.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **diff)
    except IntegrityError:  # created by a concurrent writer meanwhile
        model.objects.filter(**key).update(**changes)


def record(entry: ProgressLog) -> None:
    """Count a saved log entry (a status change of one unit's item). Call it inside the
    transaction that wrote the entry and the progress row."""
    if entry.status_before == entry.status_after:
        return
    unit, item = entry.unit, entry.responsibility
    before, after = status_vector(entry.status_before), status_vector(entry.status_after)
    _bump(
        ReadinessCount,
        {"party_id": unit.party_id, "level": unit.level, "responsibility_id": item.pk},
        {name: after[name] - before[name] for name in after},
    )
    if item.is_active:
        _bump(
            ReadinessWeek,
            {"party_id": unit.party_id, "week": week_of(entry.created_at)},
            {
                "done_delta": entry.done_delta,
                "excluded_delta": entry.excluded_delta,
                "points_delta": entry.points_delta,
            },
        )


def item_active_changed() -> None:
    """An item was retired or restored: the weekly deltas count active items only. Rare (a
    Förvaltare's decision), so the weekly table is recomputed."""
    rebuild_weeks()


# --- recomputation from scratch ------------------------------------------------------------------
def _model(name: str, apps=None):
    """The current model, or the historical one when called from a migration."""
    from django.apps import apps as registry

    return (apps or registry).get_model("implementation", name)


def _of_current_units(rows, apps=None, party_id: int | None = None):
    """Rows of current units only (a retired unit leaves the figures, issue #19), optionally
    of one party. The historical models of older migrations have no ``retired_at``."""
    if any(f.name == "retired_at" for f in _model("Unit", apps)._meta.get_fields()):
        rows = rows.filter(unit__retired_at=None)
    return rows if party_id is None else rows.filter(unit__party_id=party_id)


def computed_counts(apps=None, party_id: int | None = None) -> dict:
    """``ReadinessCount`` as it should be, computed from ``Progress``. One query."""
    rows = (
        _of_current_units(_model("Progress", apps).objects.all(), apps, party_id)
        .values("unit__party_id", "unit__level", "responsibility_id")
        .annotate(**status_aggregates())
        .order_by()
    )
    result = {}
    for row in rows:
        values = {k: row[k] or 0 for k in FIGURES}
        if any(values.values()):
            result[(row["unit__party_id"], row["unit__level"], row["responsibility_id"])] = values
    return result


def computed_weeks(apps=None, party_id: int | None = None) -> dict:
    """``ReadinessWeek`` as it should be, computed from the log. One query."""
    log = _model("ProgressLog", apps).objects.filter(responsibility__is_active=True)
    rows = (
        _of_current_units(log, apps, party_id)
        .annotate(week=TruncWeek("created_at"))
        .values("unit__party_id", "week")
        .annotate(
            done_delta=Sum("done_delta"),
            excluded_delta=Sum("excluded_delta"),
            points_delta=Sum("points_delta"),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        week = row["week"]
        if isinstance(week, dt.datetime):
            week = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        values = {k: row[k] or 0 for k in ("done_delta", "excluded_delta", "points_delta")}
        if any(values.values()):
            result[(row["unit__party_id"], week)] = values
    return result


def points_case(path: str = "", within: Q | None = None):
    """The weighted measure's percentage of a progress row's status, as an SQL expression.
    ``path``: the relation from the queried model to the progress rows ("progress__"), and
    ``within`` a condition the rows must meet as well (else they count 0)."""
    return Case(
        *[When(_where(path, within, s), then=p) for s, p in WEIGHTS.items() if p],
        default=0,
        output_field=IntegerField(),
    )


def status_aggregates(path: str = "", within: Q | None = None) -> dict:
    """The counts of ``Stats`` (progress rows per status, and their points) as aggregates for
    ``.annotate``; ``path`` and ``within`` as for ``points_case``."""
    counted = path.removesuffix("__") or "pk"
    found = {
        name: Count(counted, filter=_where(path, within, status))
        for name, status in COUNTED.items()
    }
    return {**found, "points": Sum(points_case(path, within))}


def _where(path: str, within: Q | None, status: str) -> Q:
    mine = Q(**{f"{path}status": status})
    return mine if within is None else within & mine


def stored_counts() -> dict[tuple[int, str, int], dict[str, int]]:
    fields = FIGURES
    return {
        (r["party_id"], r["level"], r["responsibility_id"]): {k: r[k] for k in fields}
        for r in ReadinessCount.objects.values("party_id", "level", "responsibility_id", *fields)
        if any(r[k] for k in fields)
    }


def stored_weeks() -> dict[tuple[int, dt.date], dict[str, int]]:
    fields = ("done_delta", "excluded_delta", "points_delta")
    return {
        (r["party_id"], r["week"]): {k: r[k] for k in fields}
        for r in ReadinessWeek.objects.values("party_id", "week", *fields)
        if any(r[k] for k in fields)
    }


def rebuild_counts(apps=None) -> int:
    model = _model("ReadinessCount", apps)
    with transaction.atomic():
        model.objects.all().delete()
        rows = [
            model(party_id=party, level=level, responsibility_id=item, **values)
            for (party, level, item), values in computed_counts(apps).items()
        ]
        model.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def rebuild_weeks(apps=None) -> int:
    model = _model("ReadinessWeek", apps)
    with transaction.atomic():
        model.objects.all().delete()
        rows = [
            model(party_id=party, week=week, **values)
            for (party, week), values in computed_weeks(apps).items()
        ]
        model.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def rebuild_party(party_id: int) -> None:
    """Recompute one party's summaries: a unit of it was retired or restored, so its progress
    leaves or rejoins the figures. Call inside the transaction that changed the unit."""
    ReadinessCount.objects.filter(party_id=party_id).delete()
    ReadinessCount.objects.bulk_create(
        [
            ReadinessCount(party_id=party, level=level, responsibility_id=item, **values)
            for (party, level, item), values in computed_counts(party_id=party_id).items()
        ],
        batch_size=500,
    )
    ReadinessWeek.objects.filter(party_id=party_id).delete()
    ReadinessWeek.objects.bulk_create(
        [
            ReadinessWeek(party_id=party, week=week, **values)
            for (party, week), values in computed_weeks(party_id=party_id).items()
        ],
        batch_size=500,
    )


def rebuild(apps=None) -> tuple[int, int]:
    """Recompute both summaries from ``Progress`` and the log. Returns the row counts."""
    with transaction.atomic():
        return rebuild_counts(apps), rebuild_weeks(apps)
