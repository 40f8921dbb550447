"""Measures the registered pages and jobs against the database in DATABASE_URL (see run.py)."""

import argparse
import datetime as dt
import json
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosavtal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.pages import JOBS, PAGES  # noqa: E402

TRIVIAL_URL = "/bench/trivial/"


def _timed_get(client: Client, url: str) -> float:
    started = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - started) * 1000


def _time_request(
    client: Client,
    url: str,
    repeat: int,
    *,
    uncached: bool = False,
    trivial_client: Client | None = None,
) -> tuple[list[float], int, int, list[float]]:
    """Time ``url`` ``repeat`` times, each time paired with the trivial view (A B, B A, A B, …).

    Returns the page's timings, its query count, its status and the paired ratios (page over
    trivial, pair by pair). Load on the machine that arrives in the middle of a run slows both
    halves of the pairs it hits, so the ratio stays a measure of the page itself; measuring the
    trivial view once at the start (as the bench did) let a burst of load break a budget.
    ``uncached``: empty the cache before every page request, so each one renders from scratch
    (what the first visitor after a change of data waits for). ``trivial_client``: the signed-in
    client that asks for the trivial view (a public page's own client is anonymous, and the
    trivial view would only redirect it)."""
    trivial_client = trivial_client or client
    client.get(url)  # warm caches, templates and the connection
    trivial_client.get(TRIVIAL_URL)
    timings, ratios = [], []
    for index in range(repeat):
        if uncached:
            cache.clear()
        if index % 2:
            page = _timed_get(client, url)
            trivial = _timed_get(trivial_client, TRIVIAL_URL)
        else:
            trivial = _timed_get(trivial_client, TRIVIAL_URL)
            if uncached:
                cache.clear()
            page = _timed_get(client, url)
        timings.append(page)
        ratios.append(page / trivial)
    if uncached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return timings, len(queries.captured_queries), response.status_code, ratios


def _quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    low, _median, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, high


def _row(
    name,
    timings,
    queries,
    *,
    floor=None,
    status=200,
    query_budget=20,
    ratio_budget=10,
    per_object=None,
    note="",
    ratios=None,
):
    """One table row. With ``ratios`` (paired page/trivial ratios) the budget is held against
    their median and their quartiles are reported as the spread; with ``floor`` alone, against
    the page's median over the floor."""
    median = statistics.median(timings)
    p95 = sorted(timings)[max(0, int(round(0.95 * len(timings))) - 1)]
    spread = None
    if ratios:
        ratio = statistics.median(ratios)
        spread = _quartiles(ratios)
    else:
        ratio = median / floor if floor else None
    why = []
    if status != 200:
        why.append(f"status {status}")
    if query_budget is not None and queries >= query_budget:
        why.append(f"{queries} frågor (budget < {query_budget})")
    if ratio is not None and ratio >= ratio_budget:
        why.append(f"{ratio:.1f}× trivial vy (budget < {ratio_budget}×)")
    if per_object:
        why.append(per_object)
    return {
        "name": name,
        "median_ms": median,
        "p95_ms": p95,
        "queries": queries,
        "ratio": ratio,
        "ratio_spread": spread,
        "ok": not why,
        "why": "; ".join(why),
        "note": note,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", required=True)
    parser.add_argument("--label", default="")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    args = parser.parse_args()
    setup_test_environment()
    settings.ROOT_URLCONF = "bench.urls"
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client, floor_client = Client(), Client()
    floor_client.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    floor_timings, floor_queries, _s, _r = _time_request(floor_client, TRIVIAL_URL, args.repeat * 2)
    floor = statistics.median(floor_timings)
    rows = [_row("trivial vy (golv)", floor_timings, floor_queries, query_budget=None)]
    for page in [p for p in PAGES if args.only in p.name]:
        user, url = page.resolve()
        if user is not None:
            client.force_login(user)
        timings, queries, status, ratios = _time_request(
            client, url, args.repeat, trivial_client=floor_client
        )
        rows.append(_row(page.name, timings, queries, status=status, ratios=ratios))
        if page.cached:
            timings, queries, status, ratios = _time_request(
                client, url, args.repeat, uncached=True, trivial_client=floor_client
            )
            rows.append(
                _row(
                    f"{page.name} (utan cache)",
                    timings,
                    queries,
                    ratios=ratios,
                    status=status,
                    ratio_budget=page.uncached_ratio_budget,
                    query_budget=page.uncached_query_budget,
                    note="varje anrop räknar om allt, som första besöket efter en ändring",
                )
            )
        client.logout()
    for job in JOBS if not args.only else []:
        result = job.run()
        rows.append(
            _row(
                job.name,
                result.timings_ms,
                result.queries,
                query_budget=None,
                per_object=result.per_object_problem,
                note=result.note,
            )
        )
    reset_queries()
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "label": args.label,
                "database": connection.vendor,
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "repeat": args.repeat,
                "floor_ms": floor,
                "rows": rows,
            },
            handle,
            indent=2,
            ensure_ascii=False,
        )


if __name__ == "__main__":
    main()
