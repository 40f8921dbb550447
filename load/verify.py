"""Checks the load database against the journal of a load run (run by load.run).

    python -m load.verify --plan <plan.json> --journal <journal.jsonl> --out <checks.json>

- the conference's seats: confirmed (and offered) registrations never exceed the capacity, and
  no seat is left empty while someone waits;
- registrations: at most one row per e-mail address, exactly one for every person who got the
  success page, and none for an address that was never submitted;
- progress: every change the server confirmed is in the progress log (unit, item, before,
  after, author), the log holds nothing that was never attempted, and each item's status is the
  last logged one.
"""

import argparse
import json
import os
from collections import Counter
from pathlib import Path


def read_journal(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def check_registrations(plan: dict, entries: list[dict]) -> dict:
    from django.db.models import Count

    from conferences.models import Registration

    S = Registration.Status
    conference = plan["conference"]
    rows = Registration.objects.filter(conference_id=conference["id"])
    by_status = dict(rows.values_list("status").annotate(n=Count("id")))
    seats = by_status.get(S.BEKRAFTAD, 0) + by_status.get(S.ERBJUDEN, 0)
    waiting = by_status.get(S.VANTELISTA, 0)
    per_email = Counter(rows.values_list("email", flat=True))
    attempted = {e["email"] for e in entries if e["kind"] == "registration"}
    ok = [e["email"] for e in entries if e["kind"] == "registration" and e["phase"] == "ok"]
    duplicates = sorted(email for email, n in per_email.items() if n > 1)
    lost = sorted(email for email in ok if per_email.get(email, 0) != 1)
    unknown = sorted(set(per_email) - attempted)
    problems = []
    if seats > conference["capacity"]:
        problems.append(
            f"{seats} platser tagna av {conference['capacity']}: kapaciteten överskreds"
        )
    if waiting and seats < conference["capacity"]:
        problems.append(f"{waiting} väntar fast bara {seats} av {conference['capacity']} är tagna")
    if duplicates:
        problems.append(f"{len(duplicates)} adresser har fler än en anmälan")
    if lost:
        problems.append(f"{len(lost)} bekräftade anmälningar saknas i databasen")
    if unknown:
        problems.append(f"{len(unknown)} anmälningar från adresser som aldrig skickades")
    return {
        "capacity": conference["capacity"],
        "seats_taken": seats,
        "waiting_list": waiting,
        "rows": sum(per_email.values()),
        "submitted": len(attempted),
        "succeeded": len(ok),
        "capacity_respected": seats <= conference["capacity"],
        "lost": lost[:20],
        "duplicates": duplicates[:20],
        "problems": problems,
    }


def check_progress(plan: dict, entries: list[dict]) -> dict:
    from implementation.models import Progress, ProgressLog

    units = [lead["unit_id"] for lead in plan["leads"]]

    def key(e: dict) -> tuple:
        return (e["unit"], e["item"], e["before"], e["after"], e["user"])

    logged = Counter(
        ProgressLog.objects.filter(unit_id__in=units).values_list(
            "unit_id", "responsibility_id", "status_before", "status_after", "author_id"
        )
    )
    changes = [e for e in entries if e["kind"] == "progress"]
    attempted = Counter(key(e) for e in changes if e["phase"] == "attempt")
    ok = Counter(key(e) for e in changes if e["phase"] == "ok")
    lost = ok - logged
    unknown = logged - attempted
    last = {}
    for unit_id, item_id, status in (
        ProgressLog.objects.filter(unit_id__in=units)
        .order_by("created_at", "pk")
        .values_list("unit_id", "responsibility_id", "status_after")
    ):
        last[(unit_id, item_id)] = status
    current = {
        (p.unit_id, p.responsibility_id): p.status
        for p in Progress.objects.filter(unit_id__in=units).only(
            "unit_id", "responsibility_id", "status"
        )
    }
    out_of_step = sorted(k for k in last if current.get(k) != last[k])
    problems = []
    if lost:
        problems.append(f"{sum(lost.values())} bekräftade ändringar saknas i loggen")
    if unknown:
        problems.append(f"{sum(unknown.values())} loggade ändringar som aldrig skickades")
    if out_of_step:
        problems.append(f"{len(out_of_step)} ansvar där status och logg inte stämmer")
    return {
        "attempted": sum(attempted.values()),
        "succeeded": sum(ok.values()),
        "logged": sum(logged.values()),
        "lost": [list(k) for k in lost][:20],
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosavtal.settings")
    import django

    django.setup()
    plan = json.loads(args.plan.read_text())
    entries = read_journal(args.journal)
    result = {
        "registrations": check_registrations(plan, entries),
        "progress": check_progress(plan, entries),
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
