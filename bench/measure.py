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


def _time_request(
    client: Client, url: str, repeat: int, *, uncached: bool = False
) -> tuple[list[float], int, int]:
    """``uncached``: empty the cache before every request, so each one renders from scratch
    (what the first visitor after a change of data waits for)."""
    client.get(url)  # warm caches, templates and the connection
    timings = []
    for _ in range(repeat):
        if uncached:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    if uncached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return timings, len(queries.captured_queries), response.status_code


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
):
    median = statistics.median(timings)
    p95 = sorted(timings)[max(0, int(round(0.95 * len(timings))) - 1)]
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
        "ok": not why,
        "why": "; ".join(why),
        "note": note,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", required=True)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    setup_test_environment()
    settings.ROOT_URLCONF = "bench.urls"
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    floor_timings, floor_queries, _s = _time_request(client, "/bench/trivial/", args.repeat * 2)
    client.logout()
    floor = statistics.median(floor_timings)
    rows = [_row("trivial vy (golv)", floor_timings, floor_queries, query_budget=None)]
    for page in PAGES:
        user, url = page.resolve()
        if user is not None:
            client.force_login(user)
        timings, queries, status = _time_request(client, url, args.repeat)
        rows.append(_row(page.name, timings, queries, floor=floor, status=status))
        if page.cached:
            timings, queries, status = _time_request(client, url, args.repeat, uncached=True)
            rows.append(
                _row(
                    f"{page.name} (utan cache)",
                    timings,
                    queries,
                    floor=floor,
                    status=status,
                    ratio_budget=page.uncached_ratio_budget,
                    query_budget=page.uncached_query_budget,
                    note="varje anrop räknar om allt, som första besöket efter en ändring",
                )
            )
        client.logout()
    for job in JOBS:
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
