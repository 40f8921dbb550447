"""What `make bench` measures. Each page resolves (user, url) from the generated data set; each
job runs once, reporting its time, its query count and whether queries grew per object."""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User


@dataclass
class Page:
    name: str
    resolve: Callable[[], tuple[User | None, str]]


@dataclass
class JobResult:
    timings_ms: list[float]
    queries: int
    per_object_problem: str = ""


@dataclass
class Job:
    name: str
    run: Callable[[], JobResult]


def user(username: str) -> User:
    return User.objects.get(username=username)


def timed(func, *, objects: int) -> JobResult:
    """Run ``func`` once, counting queries; flags a count that grows with ``objects``."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        func()
        elapsed = (time.perf_counter() - started) * 1000
    count = len(queries.captured_queries)
    problem = f"{count} frågor för {objects} objekt" if objects and count >= objects / 2 else ""
    return JobResult([elapsed], count, problem)


PAGES: list[Page] = [
    Page("inloggningssidan", lambda: (None, "/konto/logga-in/")),
    Page("startsidan", lambda: (user("admin"), "/")),
    Page("styrgruppens översikt", lambda: (user("styrgrupp"), "/styrgrupp/")),
]
JOBS: list[Job] = []

# Implementation tracking (issue 4): Min sida, party, förvaltning, matrix and unit pages.
from implementation.bench import bench_pages as _implementation_pages  # noqa: E402

PAGES += [Page(name, resolve) for name, resolve in _implementation_pages()]

# Escalation ladder (issue 5): overview, list, case, ladder and calendar; the export as a job.
from escalation.bench import bench_jobs as _escalation_jobs  # noqa: E402
from escalation.bench import bench_pages as _escalation_pages  # noqa: E402

PAGES += [Page(name, resolve) for name, resolve in _escalation_pages()]
JOBS += [
    Job(name, lambda run=run, count=count: timed(run, objects=count()))
    for name, run, count in _escalation_jobs()
]


def _busiest_conference_url(suffix: str) -> str:
    from django.db.models import Count

    from conferences.models import Conference

    conference = Conference.objects.annotate(n=Count("registrations")).order_by("-n", "pk").first()
    return f"/konferenser/{conference.slug}/{suffix}"


def _sweep() -> JobResult:
    """The reminder sweep as a dry run (writes nothing, so the data set stays the same)."""
    from reminders.services import reminder_sweep

    # A heavy day on the full data set: phase 2 ends two weeks later, so every unit's open
    # items are due, besides the escalation steps (about 86 000 reminders, 1 800 people).
    day = dt.date(2026, 12, 17)
    results = {}
    job = timed(lambda: results.update(r=reminder_sweep(today=day, dry_run=True)), objects=0)
    count = len(results["r"].would_send)
    job.per_object_problem = (
        f"{job.queries} frågor för {count} påminnelser" if job.queries >= max(count, 2) / 2 else ""
    )
    return job


PAGES += [
    Page("beslutstavlan (avtal)", lambda: (user("registrator"), "/avtal/beslut/")),
    Page(
        "konferensens deltagarlista",
        lambda: (user("registrator"), _busiest_conference_url("deltagare/")),
    ),
]
JOBS += [Job("påminnelsesvep (torrkörning)", _sweep)]
