"""Grows the bench's full data set about ``factor`` times, for the growth run (`make bench-growth`).

    DATABASE_URL=… python -m bench.grow --factor 3

Run on a copy of the full data set (bench/run.py makes it: var/bench-x3.sqlite3 or the PostgreSQL
database hos_bench_x3). Uses the demo data's own generators, so the grown data has the same kinds
of content as the full set (the pages render the same things, only more of them):

- implementation: every verksamhet gets ``factor - 1`` sister units under the same förvaltning
  ("Hemsjukvård 2", "Hemsjukvård 3"), each with a lead (most of them), a progress row for every
  item and the year of log entries the full set has (implementation.demo), and development needs;
  the readiness summaries are rebuilt from the rows afterwards (they were bulk-inserted);
- escalation: ``factor`` times the cases, copied in bulk with their whole history (the demo
  cases are made through the services, which is too slow for thousands more);
- conferences: ``factor`` times the registrations of every 2026 conference, and ``factor - 1``
  more sent invitations to the upcoming one.

Documents and the joint bodies are left as they are: they are bounded by the 50 parties and the
six bodies, which do not grow with the amount of data.
"""

import argparse
import datetime as dt
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosavtal.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from core.audit import audit_actor  # noqa: E402
from core.refdata import LoadReport  # noqa: E402

BATCH = 5000


def sister_units(factor: int) -> list:
    """``factor - 1`` copies of every verksamhet under its own förvaltning; returns them
    (saved, with their party loaded). A copy already there (a second run) is not made again."""
    from implementation.models import Level, Unit

    verksamheter = list(Unit.objects.filter(level=Level.VERKSAMHET).order_by("pk"))
    every = getattr(Unit, "all_objects", Unit.objects)  # retired units keep their slugs
    taken = set(every.values_list("party_id", "slug"))
    copies = []
    for copy in range(2, factor + 1):
        for unit in verksamheter:
            name = f"{unit.name} {copy}"
            slug = f"{unit.slug[:110]}-{copy}"
            if (unit.party_id, slug) in taken:
                continue
            taken.add((unit.party_id, slug))
            copies.append(
                Unit(
                    party_id=unit.party_id,
                    parent_id=unit.parent_id,
                    level=Level.VERKSAMHET,
                    name=name,
                    slug=slugify(slug),
                    is_demo=True,
                )
            )
    Unit.objects.bulk_create(copies, batch_size=BATCH)
    keys = {(u.party_id, u.slug) for u in copies}
    created = Unit.objects.filter(slug__in={slug for _p, slug in keys}).select_related("party")
    return [u for u in created.order_by("pk") if (u.party_id, u.slug) in keys]


def grow_implementation(factor: int, report: LoadReport) -> int:
    from implementation import demo
    from implementation.readiness import summaries

    rng = random.Random(20261203)
    units = sister_units(factor)
    if units:
        leads = demo._appoint_leads(units, "full", report)
        demo._create_progress(units, leads, "full", rng, report)
        demo._create_needs(units, leads, rng, report)
        summaries.rebuild()  # the rows above were bulk-inserted, past the services
    return len(units)


def clone_rows(model, rows: list[dict], remap: dict) -> dict[int, int]:
    """Insert copies of ``rows`` (``values()`` dicts of ``model``) with their foreign keys
    remapped by ``remap`` (related model -> {old pk: new pk}); returns {old pk: new pk}."""
    fields = {
        f.attname: remap[f.related_model]
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in remap
    }
    copies, olds = [], []
    for row in rows:
        row = dict(row)
        olds.append(row.pop("id"))
        for attname, mapping in fields.items():
            if row.get(attname) is not None:
                row[attname] = mapping[row[attname]]
        copies.append(model(**row))
    model.objects.bulk_create(copies, batch_size=BATCH)
    return dict(zip(olds, (copy.pk for copy in copies), strict=True))


def _offset(mapping: dict[int, int]) -> int | None:
    """The one difference between new and old pks, when the copies got consecutive ids."""
    offsets = {new - old for old, new in mapping.items()}
    return offsets.pop() if len(offsets) == 1 else None


def clone_leaf_rows(model, up_to: int, remap: dict) -> int:
    """Copies of ``model``'s rows with pk <= ``up_to``, made by the database in one
    INSERT … SELECT when every remapped key moved by one constant offset (what consecutive ids
    give); else through clone_rows. Returns how many were made."""
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    offsets = {
        f.attname: _offset(remap[f.related_model])
        for f in fields
        if f.is_relation and f.related_model in remap
    }
    rows = model.objects.filter(pk__lte=up_to)
    if None in offsets.values():
        return len(clone_rows(model, list(rows.order_by("pk").values()), remap))
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(
        f"{quote(f.column)} + {offsets[f.attname]:d}" if f.attname in offsets else quote(f.column)
        for f in fields
    )
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM {table} "
            f"WHERE {pk} <= %s ORDER BY {pk}",
            [up_to],
        )
        return cursor.rowcount


def grow_escalation(factor: int, report: LoadReport) -> int:
    """``factor - 1`` copies of every case with its whole history (step periods, handlers,
    timeline, pauses, resolution proposals), in bulk: made through the services, as the demo
    data's 3 000 are, the 6 000 more took the better part of half an hour on two busy cores.
    Attachments (files) are not copied; the copies' titles are numbered on."""
    from escalation.models import (
        Case,
        CaseEvent,
        CaseHandler,
        CasePause,
        CaseStepPeriod,
        ResolutionProposal,
    )

    cases = list(Case.objects.order_by("pk").values())
    total = len(cases)
    periods = list(CaseStepPeriod.objects.order_by("pk").values())
    # The leaves (360 000 handler links on the full set) are copied by the database itself.
    leaves = [CaseHandler, CaseEvent, CasePause, ResolutionProposal]
    last = {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for model in leaves
    }
    made = 0
    for copy in range(1, factor):
        for index, case in enumerate(cases):
            base = case["title"].rsplit(" (", 1)[0]
            case["title"] = f"{base} ({copy * total + index + 1})"
        remap = {Case: clone_rows(Case, cases, {})}
        remap[CaseStepPeriod] = clone_rows(CaseStepPeriod, periods, remap)
        for model in leaves:
            if last[model] is not None:
                clone_leaf_rows(model, last[model], remap)
        made += total
    report.created["Eskaleringsärenden (tillväxt)"] = made
    return made


def grow_conferences(factor: int, report: LoadReport) -> int:
    """More registrations for every 2026 conference (new e-mail addresses, the same mix of
    parties, roles and diets), and more sent invitations to the upcoming demo conference."""
    from agreements.models import Party
    from conferences import demo
    from conferences.models import Conference, Registration

    rng = random.Random(20261204)
    now = timezone.now()
    parties = list(Party.objects.agreement_parties().order_by("name"))
    added = 0
    for conference in Conference.objects.filter(date__year=2026).order_by("date"):
        have = conference.registrations.count()
        if not have:
            continue
        past = conference.date < timezone.localdate(now)
        rows = demo._registrations(
            conference,
            parties,
            have * (factor - 1),
            rng,
            attended_share=0.85 if past else 0,
            now=now,
        )
        for index, row in enumerate(rows):
            local, domain = row.email.split("@", 1)
            row.email = f"{local}.x{index}@{domain}"
            if row.attended:
                start = dt.datetime.combine(conference.date, conference.start_time or dt.time(9))
                row.attended_at = timezone.make_aware(start)
        Registration.objects.bulk_create(rows, batch_size=1000)
        added += len(rows)
    report.created["Anmälningar (tillväxt)"] = added
    upcoming = Conference.objects.filter(slug="demo-uppfoljande-dialogkonferens").first()
    registrar = _registrar()
    if upcoming and registrar:
        for _copy in range(factor - 1):
            demo._seed_invitation(upcoming, registrar, now)
    return added


def _registrar():
    from accounts.models import User

    return User.objects.filter(username="registrator").first()


def grow(factor: int) -> LoadReport:
    report = LoadReport()
    for step in (grow_implementation, grow_escalation, grow_conferences):
        started = time.monotonic()
        with transaction.atomic(), audit_actor(None):
            count = step(factor, report)
        print(f"  {step.__name__}: {count} nya på {time.monotonic() - started:.0f} s", flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=3)
    args = parser.parse_args()
    report = grow(args.factor)
    for line in report.lines():
        print(f"  {line}")


if __name__ == "__main__":
    main()
