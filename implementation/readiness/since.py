"""What changed in readiness since a day (the steering group's "since the last meeting"):
the items done, the items that fell due and are still open, the blockers that arose and were
resolved.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from implementation.models import Progress, ProgressLog, Responsibility, Status, Unit
from implementation.readiness.counts import applicable_progress


def completed_since(since: dt.datetime, *, party=None, limit: int = 500) -> list[Progress]:
    """Items that are Klar and became Klar at or after ``since`` (newest first). One query."""
    rows = (
        applicable_progress()
        .filter(status=Status.KLAR, status_changed_at__gte=since)
        .select_related("unit", "unit__party", "unit__parent", "responsibility", "updated_by")
        .order_by("-status_changed_at")
    )
    if party is not None:
        rows = rows.filter(unit__party=party)
    return list(rows[:limit])


def completed_count_by_party(since: dt.datetime) -> list[dict]:
    """How many items each party marked Klar since ``since``. One query."""
    return list(
        applicable_progress()
        .filter(status=Status.KLAR, status_changed_at__gte=since)
        .values("unit__party__slug", "unit__party__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__party__name")
    )


@dataclass
class OverdueItem:
    item: Responsibility
    overdue_units: int  # units where the item is still open
    units: int  # units the item applies to


def overdue_since(
    since: dt.date,
    *,
    today: dt.date | None = None,
    party=None,
    units_per_level: dict[str, int] | None = None,
) -> list[OverdueItem]:
    """Items whose due date fell in [since, today) and the number of units still open on them.

    A missing progress row counts as open. Three queries; two when the caller already has the
    units per level of the same scope (``CountyReadiness.units_per_level``).
    """
    today = today or timezone.localdate()
    items = list(
        Responsibility.objects.filter(is_active=True, due_date__gte=since, due_date__lt=today)
        .select_related("phase")
        .order_by("due_date", "order")
    )
    if not items:
        return []
    per_level = units_per_level
    if per_level is None:
        units = Unit.objects.all() if party is None else Unit.objects.filter(party=party)
        per_level = {
            r["level"]: r["n"] for r in units.values("level").annotate(n=Count("pk")).order_by()
        }
    closed = Progress.objects.filter(
        responsibility__in=items, status__in=[Status.KLAR, Status.EJ_AKTUELLT]
    )
    if party is not None:
        closed = closed.filter(unit__party=party)
    closed_counts = dict(
        closed.values("responsibility_id")
        .annotate(n=Count("pk"))
        .values_list("responsibility_id", "n")
    )
    result = []
    for item in items:
        applies = per_level.get(item.level, 0)
        open_units = applies - closed_counts.get(item.pk, 0)
        if open_units > 0:
            result.append(OverdueItem(item, open_units, applies))
    return result


@dataclass
class BlockerChanges:
    new: list[ProgressLog]  # entries that set Hinder (the comment is the reason)
    resolved: list[ProgressLog]  # entries that left Hinder


def blockers_since(since: dt.datetime, *, limit: int = 50) -> BlockerChanges:
    """Blockers that arose and that were resolved at or after ``since`` (newest first, active
    items only; the latest ``limit`` changes of either kind). One query."""
    arose = Q(status_after=Status.HINDER) & ~Q(status_before=Status.HINDER)
    ended = Q(status_before=Status.HINDER) & ~Q(status_after=Status.HINDER)
    entries = list(
        ProgressLog.objects.filter(arose | ended, created_at__gte=since)
        .filter(responsibility__is_active=True)
        .select_related("unit", "unit__party", "author", "responsibility")
        .order_by("-created_at", "-pk")[:limit]
    )
    return BlockerChanges(
        new=[e for e in entries if e.status_after == Status.HINDER],
        resolved=[e for e in entries if e.status_after != Status.HINDER],
    )
