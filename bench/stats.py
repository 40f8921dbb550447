"""The bench's arithmetic, kept apart from Django so that it can be unit-tested on its own:
paired ratios, their median and spread, and the growth verdict (full against a larger data set).

A page is measured in pairs with the trivial view (page, trivial; trivial, page; …): each pair's
ratio compares two requests made a few milliseconds apart, so load on the machine that comes and
goes during a run moves both halves of the pairs it hits. The budget is held against the median
of those ratios, reported with its interquartile range (p25–p75) as the spread.
"""

import statistics
from dataclasses import dataclass

# A page's ratio may grow by this share between the full data set and the grown one.
RATIO_GROWTH_TOLERANCE = 0.25


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0–1) of ``values``, linearly interpolated between the closest
    ranks (what numpy calls 'linear' and statistics.quantiles 'inclusive')."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def paired_ratios(pages: list[float], trivials: list[float]) -> list[float]:
    """Each page time over the trivial time measured next to it (the same pair)."""
    if len(pages) != len(trivials):
        raise ValueError("the two sides of the pairs differ in length")
    return [page / trivial for page, trivial in zip(pages, trivials, strict=True) if trivial > 0]


@dataclass(frozen=True)
class Summary:
    """The median of a series and its interquartile range."""

    median: float
    low: float  # p25
    high: float  # p75

    @classmethod
    def of(cls, values: list[float]) -> "Summary | None":
        if not values:
            return None
        return cls(statistics.median(values), percentile(values, 0.25), percentile(values, 0.75))

    def spread(self) -> tuple[float, float]:
        return (self.low, self.high)


def growth_row(
    name: str, full: dict, grown: dict, *, tolerance=RATIO_GROWTH_TOLERANCE, factor: int = 3
) -> dict:
    """Compare one page's row on the full data set with its row on the grown one.

    Fails when the page makes more queries on the larger data (a query per object somewhere) or
    when its ratio to the trivial view grows by more than ``tolerance`` (its work grows with the
    data). A page missing on either side fails too: the two runs must measure the same pages."""
    why = []
    if full is None or grown is None:
        return {"name": name, "ok": False, "why": "saknas i en av körningarna", "growth": None}
    if grown["queries"] > full["queries"]:
        why.append(f"frågorna växer med datan ({full['queries']} → {grown['queries']})")
    growth = None
    grows_with = full.get("grows_with") or grown.get("grows_with") or ""
    if grows_with:
        tolerance = max(tolerance, factor - 1)
    if full.get("ratio") and grown.get("ratio") is not None:
        growth = grown["ratio"] / full["ratio"] - 1
        if growth > tolerance:
            why.append(
                f"kvoten växer {growth:+.0%} ({full['ratio']:.1f}× → {grown['ratio']:.1f}×, "
                f"gräns +{tolerance:.0%})"
            )
    return {
        "name": name,
        "queries": (full["queries"], grown["queries"]),
        "ratio": (full.get("ratio"), grown.get("ratio")),
        "growth": growth,
        "grows_with": grows_with,
        "ok": not why,
        "why": "; ".join(why),
    }


def growth_rows(full_rows: list[dict], grown_rows: list[dict], **kwargs) -> list[dict]:
    """One verdict per page measured in either run (jobs, which have no ratio, are left out)."""
    full = {row["name"]: row for row in full_rows if row.get("ratio") is not None}
    grown = {row["name"]: row for row in grown_rows if row.get("ratio") is not None}
    names = list(full) + [name for name in grown if name not in full]
    return [growth_row(name, full.get(name), grown.get(name), **kwargs) for name in names]
