"""The machinery of a "every required party must decide" register, shared by the adoption
board (agreements) and the backing register of joint documents (documents).

- :func:`lateness`: whether a party without a final decision is late, and why (the deadline
  has passed and no planned decision date lies ahead);
- :func:`tally`: over one row per required party, who has done it, who is missing and who is
  late, and whether the requirement is met (every required party has done it).

Each register keeps its own condition (the adoption board counts the 49 municipalities and
the whole package; a document's backing counts every agreement party); only the computation
is shared.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.utils.formats import date_format
from django.utils.translation import gettext as _

T = TypeVar("T")


@dataclass(frozen=True)
class Lateness:
    late: bool
    reason: str = ""


ON_TIME = Lateness(False)


def lateness(
    *, final: bool, deadline: dt.date | None, planned: dt.date | None, today: dt.date
) -> Lateness:
    """Late: no final decision, the deadline has passed and no planned date lies ahead."""
    if final or deadline is None or today <= deadline:
        return ON_TIME
    if planned and planned >= today:
        return ON_TIME
    if planned:
        return Lateness(
            True,
            _("Det planerade beslutsdatumet %(date)s har passerat.")
            % {"date": date_format(planned, "DATE_FORMAT")},
        )
    return Lateness(
        True,
        _("Inget beslut efter %(date)s och inget planerat beslutsdatum.")
        % {"date": date_format(deadline, "DATE_FORMAT")},
    )


@dataclass
class Tally(Generic[T]):
    """Who of the required has done it, who is missing, who is late."""

    total: int
    done: list[T] = field(default_factory=list)
    missing: list[T] = field(default_factory=list)
    late: list[T] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return len(self.done)

    @property
    def met(self) -> bool:
        return self.total > 0 and not self.missing

    @property
    def share(self) -> float:
        return len(self.done) / self.total if self.total else 0.0


def tally(rows: Iterable[T], *, done: Callable[[T], bool], late: Callable[[T], bool]) -> Tally[T]:
    """One pass over the required rows (one per required party)."""
    rows = list(rows)
    result: Tally[T] = Tally(total=len(rows))
    for row in rows:
        (result.done if done(row) else result.missing).append(row)
        if late(row):
            result.late.append(row)
    return result
