"""Measures the registered pages and jobs against the database in DATABASE_URL (see run.py)."""

import argparse
import datetime as dt
import json
import os
import statistics
import time
from dataclasses import dataclass, field

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosavtal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import stats  # noqa: E402
from bench.pages import GROWS_WITH, JOBS, PAGES  # noqa: E402

TRIVIAL_URL = "/bench/trivial/"
WARM_UP_PAIRS = 2  # measured and thrown away: caches, templates, the connection, the JIT of regexes


def _database_cpu_seconds() -> float:
    """CPU time the database server's process has spent for this connection so far, when it is
    a PostgreSQL backend on this machine (read from /proc/<pid>/schedstat, in nanoseconds);
    0 for SQLite, whose work is done in this thread and counted by time.thread_time()."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return 0.0
    pid = connection.connection.info.backend_pid
    try:
        with open(f"/proc/{pid}/comm", encoding="ascii") as comm:
            if comm.read().strip() != "postgres":
                return 0.0  # a server elsewhere: its CPU time cannot be read from here
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as schedstat:
            return int(schedstat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _cpu_sees_database() -> bool:
    """Whether _cpu_seconds() includes the database's work (SQLite, or PostgreSQL here)."""
    if connection.vendor != "postgresql":
        return True
    connection.ensure_connection()
    return _database_cpu_seconds() > 0


def _cpu_seconds() -> float:
    return time.thread_time() + _database_cpu_seconds()


def _timed_get(client: Client, url: str) -> tuple[float, float]:
    """One request: (wall ms, CPU ms). CPU time is the request thread's plus the database
    server's for it, so it is what the page costs whatever else the machine is doing; the wall
    time also holds the waits for a core that other processes had."""
    wall, cpu = time.perf_counter(), _cpu_seconds()
    client.get(url)
    return (time.perf_counter() - wall) * 1000, (_cpu_seconds() - cpu) * 1000


@dataclass
class Measured:
    """One page measured in pairs with the trivial view (the lists run in pair order)."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    trivial_wall_ms: list[float] = field(default_factory=list)
    trivial_cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0
    status: int = 200
    cpu_complete: bool = True  # False: the database's CPU time could not be read

    @property
    def wall_ratios(self) -> list[float]:
        return stats.paired_ratios(self.wall_ms, self.trivial_wall_ms)

    @property
    def cpu_ratios(self) -> list[float]:
        return stats.paired_ratios(self.cpu_ms, self.trivial_cpu_ms)


def _time_request(
    client: Client,
    url: str,
    repeat: int,
    *,
    uncached: bool = False,
    trivial_client: Client | None = None,
    warm_up: int = WARM_UP_PAIRS,
) -> Measured:
    """Time ``url`` ``repeat`` times, each time paired with the trivial view (A B, B A, A B, …),
    after ``warm_up`` pairs that are thrown away.

    Load on the machine that arrives in the middle of a run slows both halves of the pairs it
    hits, so each pair's ratio stays a measure of the page itself; the trivial view is never
    measured once for the whole run. ``uncached``: empty the cache before every page request,
    so each one renders from scratch (what the first visitor after a change of data waits for).
    ``trivial_client``: the signed-in client that asks for the trivial view (a public page's own
    client is anonymous, and the trivial view would only redirect it)."""
    trivial_client = trivial_client or client
    measured = Measured(cpu_complete=_cpu_sees_database())
    for index in range(warm_up + repeat):
        page_first = index % 2 == 1
        if uncached:
            cache.clear()
        if page_first:
            page = _timed_get(client, url)
            trivial = _timed_get(trivial_client, TRIVIAL_URL)
        else:
            trivial = _timed_get(trivial_client, TRIVIAL_URL)
            if uncached:
                cache.clear()
            page = _timed_get(client, url)
        if index < warm_up:
            continue
        measured.wall_ms.append(page[0])
        measured.cpu_ms.append(page[1])
        measured.trivial_wall_ms.append(trivial[0])
        measured.trivial_cpu_ms.append(trivial[1])
    if uncached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    measured.queries, measured.status = len(queries.captured_queries), response.status_code
    return measured


def _row(
    name: str,
    timings: list[float],
    queries: int,
    *,
    status: int = 200,
    query_budget: int | None = 20,
    ratio_budget: float = 10,
    per_object: str = "",
    note: str = "",
    measured: Measured | None = None,
) -> dict:
    """One table row. A page (``measured``) is held to its budget by the median of its paired
    CPU ratios (request thread and database server: what the page costs, whatever else runs on
    the machine); the median of its paired wall-clock ratios is reported beside it, each with
    its interquartile range. A job (no ``measured``) has times and queries only."""
    median = statistics.median(timings)
    p95 = stats.percentile(timings, 0.95)
    cpu = stats.Summary.of(measured.cpu_ratios) if measured else None
    wall = stats.Summary.of(measured.wall_ratios) if measured else None
    # The verdict's ratio: CPU when the clock could see all the work, else wall.
    held = cpu if measured and measured.cpu_complete else wall
    why = []
    if status != 200:
        why.append(f"status {status}")
    if query_budget is not None and queries >= query_budget:
        why.append(f"{queries} frågor (budget < {query_budget})")
    if held is not None and held.median >= ratio_budget:
        why.append(f"{held.median:.1f}× trivial vy (budget < {ratio_budget}×)")
    if per_object:
        why.append(per_object)
    return {
        "name": name,
        "median_ms": median,
        "p95_ms": p95,
        "cpu_median_ms": statistics.median(measured.cpu_ms) if measured else None,
        "queries": queries,
        "ratio": held.median if held else None,
        "ratio_spread": held.spread() if held else None,
        "wall_ratio": wall.median if wall else None,
        "wall_ratio_spread": wall.spread() if wall else None,
        "cpu_ratio": cpu.median if cpu else None,
        "cpu_ratio_spread": cpu.spread() if cpu else None,
        "pairs": len(measured.wall_ms) if measured else 0,
        "ok": not why,
        "why": "; ".join(why),
        "note": note,
    }


def _page_row(name: str, measured: Measured, **budgets) -> dict:
    row = _row(
        name,
        measured.wall_ms,
        measured.queries,
        status=measured.status,
        measured=measured,
        **budgets,
    )
    row["grows_with"] = GROWS_WITH.get(name, "")
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21, help="pairs per page (after warm-up)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--label", default="")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    parser.add_argument("--no-jobs", action="store_true", help="pages only (the growth run)")
    args = parser.parse_args()
    setup_test_environment()
    settings.ROOT_URLCONF = "bench.urls"
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client, floor_client = Client(), Client()
    floor_client.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    # The trivial view against itself: its ratio should be 1.0, its spread shows the noise.
    floor = _time_request(floor_client, TRIVIAL_URL, args.repeat)
    rows = [_page_row("trivial vy (golv)", floor, query_budget=None)]
    for page in [p for p in PAGES if args.only in p.name]:
        user, url = page.resolve()
        if user is not None:
            client.force_login(user)
        measured = _time_request(client, url, args.repeat, trivial_client=floor_client)
        rows.append(_page_row(page.name, measured))
        if page.cached:
            measured = _time_request(
                client, url, args.repeat, uncached=True, trivial_client=floor_client
            )
            rows.append(
                _page_row(
                    f"{page.name} (utan cache)",
                    measured,
                    ratio_budget=page.uncached_ratio_budget,
                    query_budget=page.uncached_query_budget,
                    note="varje anrop räknar om allt, som första besöket efter en ändring",
                )
            )
        client.logout()
    for job in JOBS if not (args.only or args.no_jobs) else []:
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
                "cpu_sees_database": _cpu_sees_database(),
                "floor_ms": statistics.median(floor.trivial_wall_ms),
                "rows": rows,
            },
            handle,
            indent=2,
            ensure_ascii=False,
        )


if __name__ == "__main__":
    main()
