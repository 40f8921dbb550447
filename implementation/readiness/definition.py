"""What progress means (see the package docstring). No database, no models: the models, the
summaries, the selectors, the templates and the exports all read it from here."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Status values (the same strings as ``implementation.models.Status``; kept literal here so
# that the models can import this module).
EJ_PABORJAD, PAGAR, HINDER, KLAR, EJ_AKTUELLT = (
    "ej_paborjad",
    "pagar",
    "hinder",
    "klar",
    "ej_aktuellt",
)

# The weighted measure's percentage per status. None: the item does not apply to the unit and
# leaves the denominator. Hinder is 0: a blocked item has not moved forward, and marking an
# item blocked must never raise a figure.
WEIGHTS: dict[str, int | None] = {
    EJ_PABORJAD: 0,
    PAGAR: 50,
    HINDER: 0,
    KLAR: 100,
    EJ_AKTUELLT: None,
}

WEIGHTED_NAME = gettext_lazy("Viktad framdrift")
WEIGHTED_EXPLANATION = gettext_lazy(
    "Viktad framdrift räknar Klar som 100 %, Pågår som 50 % och Ej påbörjad och Hinder som 0 %; "
    "Ej aktuellt räknas inte."
)


def weight(status: str) -> int | None:
    return WEIGHTS[status]


# The counts of ``Stats`` that are one status each (the summaries' and the queries' columns).
COUNTED: dict[str, str] = {
    "done": KLAR,
    "excluded": EJ_AKTUELLT,
    "blocked": HINDER,
    "in_progress": PAGAR,
}
FIGURES = (*COUNTED, "points")  # every count a status adds to, in ``Stats``' field order


def status_vector(status: str) -> dict[str, int]:
    """What one unit × item pair in ``status`` adds to each count of ``Stats``."""
    vector = {name: int(status == counted) for name, counted in COUNTED.items()}
    vector["points"] = WEIGHTS[status] or 0
    return vector


def log_deltas(before: str, after: str) -> tuple[int, int, int]:
    """What a status change from ``before`` to ``after`` adds to the done and excluded counts
    and to the points (``ProgressLog``'s deltas, summed per week for the trends)."""
    was, now = status_vector(before), status_vector(after)
    return (
        now["done"] - was["done"],
        now["excluded"] - was["excluded"],
        now["points"] - was["points"],
    )


@dataclass
class Stats:
    """Counts over unit × item pairs, and the two measures read from them."""

    total: int = 0  # applicable pairs including Ej aktuellt
    done: int = 0
    excluded: int = 0
    blocked: int = 0
    in_progress: int = 0
    points: int = 0  # sum of the weighted measure's percentages

    def __add__(self, other: "Stats") -> "Stats":
        return Stats(
            self.total + other.total,
            self.done + other.done,
            self.excluded + other.excluded,
            self.blocked + other.blocked,
            self.in_progress + other.in_progress,
            self.points + other.points,
        )

    def add_status(self, status: str, n: int = 1) -> None:
        """Count ``n`` pairs in ``status`` (already part of ``total``)."""
        vector = status_vector(status)
        self.done += vector["done"] * n
        self.excluded += vector["excluded"] * n
        self.blocked += vector["blocked"] * n
        self.in_progress += vector["in_progress"] * n
        self.points += vector["points"] * n

    @property
    def applicable(self) -> int:
        return self.total - self.excluded

    @property
    def not_started(self) -> int:
        return self.applicable - self.done - self.blocked - self.in_progress

    @property
    def done_share(self) -> float | None:
        """The headline: items Klar out of the applicable items."""
        return self.done / self.applicable if self.applicable else None

    @property
    def done_percent(self) -> int:
        """The headline as a whole percentage (for <progress> elements; 0 when nothing applies)."""
        return round((self.done_share or 0) * 100)

    @property
    def weighted(self) -> float | None:
        """Viktad framdrift: the weights' sum over 100 × the applicable items."""
        return self.points / (100 * self.applicable) if self.applicable else None


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}\xa0%"


def done_share_text(stats: Stats) -> str:
    """The headline's percentage as shown everywhere ("25 %", "–" when nothing applies)."""
    return _percent(stats.done_share)


def headline_text(stats: Stats) -> str:
    """ "42 av 168 klara, 25 %" – the one sentence every page, export and digest uses."""
    if not stats.applicable:
        return _("Inga ansvar")
    return _("%(done)s av %(applicable)s klara, %(share)s") % {
        "done": stats.done,
        "applicable": stats.applicable,
        "share": done_share_text(stats),
    }


def weighted_text(stats: Stats) -> str:
    return _percent(stats.weighted)
