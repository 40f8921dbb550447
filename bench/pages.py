"""What `make bench` measures. Each page resolves (user, url) from the generated data set; each
job runs once, reporting its time, its query count and whether queries grew per object."""

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
