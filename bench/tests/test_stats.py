"""The bench's arithmetic (bench/stats.py): pure unit tests, no database."""

import pytest

from bench import stats


def test_percentile_interpolates_between_the_closest_ranks():
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert stats.percentile(values, 0) == 1.0
    assert stats.percentile(values, 0.5) == 3.0
    assert stats.percentile(values, 1) == 5.0
    assert stats.percentile(values, 0.25) == 2.0
    assert stats.percentile([1.0, 2.0], 0.25) == pytest.approx(1.25)
    assert stats.percentile([7.0], 0.9) == 7.0
    with pytest.raises(ValueError):
        stats.percentile([], 0.5)


def test_pairs_are_divided_pair_by_pair():
    assert stats.paired_ratios([10.0, 30.0, 8.0], [2.0, 6.0, 1.0]) == [5.0, 5.0, 8.0]
    # A pair whose trivial side took no measurable time is left out rather than divided by 0.
    assert stats.paired_ratios([10.0, 4.0], [2.0, 0.0]) == [5.0]
    with pytest.raises(ValueError):
        stats.paired_ratios([1.0, 2.0], [1.0])


def test_the_summary_is_the_median_with_the_interquartile_range():
    summary = stats.Summary.of([4.0, 12.0, 5.0, 5.5, 4.5])
    assert summary.median == 5.0
    assert summary.spread() == (4.5, 5.5)
    # One pair hit by a burst of load moves the spread's top, not the median.
    burst = stats.Summary.of([5.0] * 10 + [40.0])
    assert burst.median == 5.0 and burst.high == 5.0
    assert stats.Summary.of([]) is None


def _row(name, queries, ratio):
    return {"name": name, "queries": queries, "ratio": ratio}


def test_a_page_whose_queries_grow_with_the_data_fails():
    row = stats.growth_row("lista", _row("lista", 8, 4.0), _row("lista", 9, 4.0))
    assert not row["ok"]
    assert "frågorna växer med datan (8 → 9)" in row["why"]
    assert stats.growth_row("lista", _row("lista", 8, 4.0), _row("lista", 7, 4.0))["ok"]


def test_a_ratio_within_25_percent_passes_and_beyond_it_fails():
    full = _row("sida", 5, 4.0)
    within = stats.growth_row("sida", full, _row("sida", 5, 4.96))
    assert within["ok"] and within["growth"] == pytest.approx(0.24)
    exactly = stats.growth_row("sida", full, _row("sida", 5, 5.0))
    assert exactly["ok"]  # +25 % is the limit itself
    beyond = stats.growth_row("sida", full, _row("sida", 5, 5.2))
    assert not beyond["ok"] and "kvoten växer +30%" in beyond["why"]
    faster = stats.growth_row("sida", full, _row("sida", 5, 3.0))
    assert faster["ok"] and faster["growth"] == pytest.approx(-0.25)
    assert stats.growth_row("sida", full, _row("sida", 5, 5.2), tolerance=0.5)["ok"]


def test_a_page_that_lists_what_grows_may_grow_linearly_but_not_faster():
    full = {**_row("part", 7, 4.0), "grows_with": "partens enheter"}
    linear = stats.growth_row("part", full, _row("part", 7, 11.9), factor=3)
    assert linear["ok"] and linear["grows_with"] == "partens enheter"
    faster = stats.growth_row("part", full, _row("part", 7, 12.5), factor=3)
    assert not faster["ok"] and "gräns +200%" in faster["why"]
    more_queries = stats.growth_row("part", full, _row("part", 8, 4.0), factor=3)
    assert not more_queries["ok"]


def test_every_declared_growth_names_a_measured_page():
    from bench.pages import GROWS_WITH, PAGES

    rows = {p.name for p in PAGES} | {f"{p.name} (utan cache)" for p in PAGES if p.cached}
    assert set(GROWS_WITH) <= rows, set(GROWS_WITH) - rows


def test_growth_rows_compare_the_pages_of_both_runs_and_leave_jobs_out():
    full = [_row("a", 3, 2.0), _row("b", 4, 3.0), {"name": "jobb", "queries": 10, "ratio": None}]
    grown = [_row("a", 3, 2.1), _row("b", 6, 3.0), {"name": "jobb", "queries": 30, "ratio": None}]
    grown.append(_row("c", 2, 1.0))  # measured only on the grown data
    rows = {row["name"]: row for row in stats.growth_rows(full, grown)}
    assert list(rows) == ["a", "b", "c"]
    assert rows["a"]["ok"] and rows["a"]["queries"] == (3, 3)
    assert not rows["b"]["ok"]
    assert not rows["c"]["ok"] and rows["c"]["why"] == "saknas i en av körningarna"
