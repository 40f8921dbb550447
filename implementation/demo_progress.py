"""Demo progress and its log: a plausible status for every unit × item pair and the history
that led there, spread over the past year. The log's deltas are ``implementation.readiness``'s
(``log_deltas``); ``demo.seed`` rebuilds the readiness summaries from the rows afterwards.
"""

import datetime as dt
import random
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from implementation.models import Progress, ProgressLog, Responsibility, Status
from implementation.readiness.definition import log_deltas
from implementation.workflow import TRANSITIONS

BATCH = 5000

COMMENTS = [
    "Diskuterat på arbetsplatsträffen.",
    "Rutinen är på remiss hos enhetscheferna.",
    "Avstämt med förvaltningens implementeringsgrupp.",
    "Väntar på material från den regionala arbetsgruppen.",
    "Utbildning genomförd för sjuksköterskorna.",
    "Tagit fram ett första utkast.",
    "Följs upp på nästa ledningsgruppsmöte.",
    "Klart och förankrat i ledningsgruppen.",
]


BLOCKERS = [
    "Saknar resurser under semesterperioden.",
    "Oklart vem som äger frågan mellan förvaltningarna.",
    "Väntar på beslut i nämnden.",
]


NOT_APPLICABLE = ["Verksamheten berörs inte av avtalet i denna del.", "Hanteras av förvaltningen."]


def _target_status(item: Responsibility, today: dt.date, rng: random.Random) -> str | None:
    """A plausible status for the item today (None: nothing logged yet)."""
    roll = rng.random()
    due = item.due_date
    if due and due < today:
        table = [
            (0.72, Status.KLAR),
            (0.84, Status.PAGAR),
            (0.90, Status.HINDER),
            (0.95, Status.EJ_AKTUELLT),
        ]
    elif item.phase.starts_on and item.phase.starts_on <= today:
        table = [
            (0.30, Status.KLAR),
            (0.65, Status.PAGAR),
            (0.75, Status.HINDER),
            (0.78, Status.EJ_AKTUELLT),
        ]
    else:
        table = [(0.12, Status.PAGAR)]
    for limit, status in table:
        if roll < limit:
            return status
    return None


def _path(final: str, rng: random.Random, extra: int) -> list[str]:
    """Statuses a row passed through on its way to ``final`` (each step an allowed move)."""
    route = {
        Status.PAGAR: [Status.PAGAR],
        Status.KLAR: [Status.PAGAR, Status.KLAR],
        Status.HINDER: [Status.PAGAR, Status.HINDER],
        Status.EJ_AKTUELLT: [Status.EJ_AKTUELLT],
    }[final]
    steps = list(route)
    # Comments without a status change make up the rest of the history.
    for _ in range(extra):
        steps.insert(
            rng.randrange(len(steps) + 1) if final != Status.EJ_AKTUELLT else len(steps), None
        )
    return steps


def _create_progress(units, leads, scale, rng, report) -> None:
    today = timezone.localdate()
    now = timezone.now()
    items_by_level = defaultdict(list)
    for item in Responsibility.objects.filter(is_active=True).select_related("phase"):
        items_by_level[item.level].append(item)
    year_ago = now - dt.timedelta(days=365)
    rows, logs_for_row = [], []
    for unit in units:
        author = leads.get(unit.pk) or leads.get(unit.parent_id)
        for item in items_by_level[unit.level]:
            final = _target_status(item, today, rng)
            if final is None:
                if scale == "full":
                    rows.append(Progress(unit=unit, responsibility=item, updated_at=year_ago))
                    logs_for_row.append([])
                continue
            extra = rng.randint(7, 12) if scale == "full" else rng.randint(0, 1)
            entries = _entries(unit, item, final, author, rng, extra, now)
            last_change = max(e[LOG_AT] for e in entries if e[LOG_BEFORE] != e[LOG_AFTER])
            rows.append(
                Progress(
                    unit=unit,
                    responsibility=item,
                    status=final,
                    next_step=rng.choice(
                        ["", "", "Följa upp på nästa APT.", "Förankra i ledningsgruppen."]
                    ),
                    blocker_reason=_blocker_reason(entries) if final == Status.HINDER else "",
                    status_changed_at=last_change,
                    updated_at=entries[-1][LOG_AT],
                    updated_by=author,
                )
            )
            logs_for_row.append(entries)
    Progress.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:  # a database that does not return ids from bulk inserts
        ids = {
            (u, r): pk
            for pk, u, r in Progress.objects.filter(unit__in=units).values_list(
                "pk", "unit_id", "responsibility_id"
            )
        }
        for row in rows:
            row.pk = ids[(row.unit_id, row.responsibility_id)]
    logs = [
        (progress.pk, *entry)
        for progress, entries in zip(rows, logs_for_row, strict=True)
        for entry in entries
    ]
    _insert_log(logs)
    report.created["Demoframsteg"] = report.created.get("Demoframsteg", 0) + len(rows)
    report.created["Demologganteckningar"] = report.created.get("Demologganteckningar", 0) + len(
        logs
    )


# The log is the bulk of the benchmark set (over 200 000 rows). It is written with plain
# executemany: Django's bulk_create spends most of its time preparing each of the millions of
# values one by one. Column order of the tuples built by _entries (after progress_id):
LOG_COLUMNS = (
    "progress_id",
    "unit_id",
    "responsibility_id",
    "responsibility_title",
    "status_before",
    "status_after",
    "comment",
    "author_id",
    "created_at",
    "done_delta",
    "excluded_delta",
    "points_delta",
)


LOG_BEFORE, LOG_AFTER, LOG_COMMENT, LOG_AT = 3, 4, 5, 7  # indexes in an _entries tuple


def _blocker_reason(entries: list[tuple]) -> str:
    """The comment that set Hinder, as ``services.progress_update`` keeps it."""
    return next(
        (
            e[LOG_COMMENT]
            for e in reversed(entries)
            if e[LOG_AFTER] == Status.HINDER and e[LOG_COMMENT]
        ),
        "",
    )


def _insert_log(logs: list[tuple]) -> None:
    quote = connection.ops.quote_name
    table = quote(ProgressLog._meta.db_table)
    columns = ", ".join(quote(c) for c in LOG_COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(LOG_COLUMNS))})"
    adapt = connection.ops.adapt_datetimefield_value
    at = LOG_COLUMNS.index("created_at")
    with connection.cursor() as cursor:
        for start in range(0, len(logs), BATCH):
            batch = [
                (*row[:at], adapt(row[at]), *row[at + 1 :]) for row in logs[start : start + BATCH]
            ]
            cursor.executemany(sql, batch)


def _entries(unit, item, final, author, rng, extra, now) -> list[tuple]:
    """The log of one row as tuples (see LOG_COLUMNS), oldest first."""
    steps = _path(final, rng, extra)
    times = sorted(
        now - dt.timedelta(days=rng.uniform(1, 360), minutes=rng.randint(0, 600)) for _ in steps
    )
    status = Status.EJ_PABORJAD
    author_id = author.pk if author else None
    entries = []
    for step, at in zip(steps, times, strict=True):
        after = status if step is None else step
        if after != status and after not in TRANSITIONS[status]:
            after = status
        if after == Status.HINDER:
            comment = rng.choice(BLOCKERS)
        elif after == Status.EJ_AKTUELLT and after != status:
            comment = rng.choice(NOT_APPLICABLE)
        else:
            comment = rng.choice(COMMENTS)
        entries.append(
            (
                unit.pk,
                item.pk,
                item.title,
                status,
                after,
                comment,
                author_id,
                at,
                *log_deltas(status, after),
            )
        )
        status = after
    return entries
