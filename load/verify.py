"""Checks the load database against the journal of a load run (run by load.run).

    python -m load.verify --plan <plan.json> --journal <journal.jsonl> --out <checks.json>

- the conference's seats (double opt-in, issue #17): confirmed (and offered) registrations
  never exceed the capacity, no seat is left empty while someone waits, and seats went in the
  order of confirmation;
- registrations: at most one row per e-mail address, exactly one for every person who got the
  "Titta i din e-post" page, none for an address that was never submitted; every confirmation
  the server acknowledged is in the database with the outcome it announced (seat or waiting
  list); a registration nobody confirmed holds nothing (still "obekräftad"); exactly one
  confirmation e-mail per registration and one answer per confirmation in the outbox;
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
    """The double opt-in (issue #17) against the journal: what the server acknowledged is there,
    only confirmed registrations hold anything, seats never exceed the capacity."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Max, Min, Q

    from conferences.models import Registration
    from core.models import OutboxMessage

    S = Registration.Status
    conference = plan["conference"]
    capacity = conference["capacity"]
    rows = Registration.objects.filter(conference_id=conference["id"])
    by_status = dict(rows.values_list("status").annotate(n=Count("id")))
    seats = sum(by_status.get(s, 0) for s in (S.BEKRAFTAD, S.ERBJUDEN))
    waiting = by_status.get(S.VANTELISTA, 0)
    unconfirmed = by_status.get(S.OBEKRAFTAD, 0)
    status_of = dict(rows.values_list("email", "status"))
    per_email = Counter(rows.values_list("email", flat=True))

    def emails(kind: str, phase: str) -> list[str]:
        return [e["email"] for e in entries if e["kind"] == kind and e["phase"] == phase]

    attempted = set(emails("registration", "attempt"))
    ok = emails("registration", "ok")
    confirm_attempted = set(emails("confirmation", "attempt"))
    confirmed = {
        e["email"]: e["outcome"]
        for e in entries
        if e["kind"] == "confirmation" and e["phase"] == "ok"
    }
    duplicates = sorted(email for email, n in per_email.items() if n > 1)
    lost = sorted(email for email in ok if per_email.get(email, 0) != 1)
    unknown = sorted(set(per_email) - attempted)
    # The server said "bekräftad" (a seat) or "väntelistan": the row must say the same.
    expected = {"plats": {S.BEKRAFTAD}, "vantelista": {S.VANTELISTA, S.ERBJUDEN}}
    lost_confirmations = sorted(
        email
        for email, outcome in confirmed.items()
        if status_of.get(email) not in expected[outcome]
    )
    # Nobody who never pressed the button holds a seat or a place in the line.
    unconfirmed_holding = sorted(
        email
        for email, status in status_of.items()
        if email not in confirm_attempted and status != S.OBEKRAFTAD
    )
    # Seats go in the order of confirmation: every seat was confirmed before anyone waited.
    order = rows.aggregate(
        last_seat=Max("joined_at", filter=Q(status=S.BEKRAFTAD)),
        first_waiting=Min("joined_at", filter=Q(status=S.VANTELISTA)),
    )
    out_of_order = bool(
        order["last_seat"]
        and order["first_waiting"]
        and order["last_seat"] > order["first_waiting"]
    )
    # Exactly one mail per fact: one confirmation link per registration, one answer (seat or
    # waiting list) per confirmation.
    mails = Counter(
        OutboxMessage.objects.filter(
            related_type=ContentType.objects.get_for_model(Registration),
            related_id__in=rows.values("pk"),
            kind__startswith="konferensanmalan-",
        ).values_list("related_id", "kind")
    )
    ids = dict(rows.values_list("email", "pk"))
    wrong_mail = sorted(
        email
        for email in ok
        if email in ids
        and (
            mails[(ids[email], "konferensanmalan-obekraftad")] != 1
            or (
                email in confirmed
                and mails[(ids[email], f"konferensanmalan-{status_of[email]}")] != 1
            )
        )
    )
    problems = []
    if seats > capacity:
        problems.append(f"{seats} platser tagna av {capacity}: kapaciteten överskreds")
    if waiting and seats < capacity:
        problems.append(f"{waiting} väntar fast bara {seats} av {capacity} är tagna")
    if duplicates:
        problems.append(f"{len(duplicates)} adresser har fler än en anmälan")
    if lost:
        problems.append(f"{len(lost)} kvitterade anmälningar saknas i databasen")
    if unknown:
        problems.append(f"{len(unknown)} anmälningar från adresser som aldrig skickades")
    if lost_confirmations:
        problems.append(f"{len(lost_confirmations)} kvitterade bekräftelser syns inte i databasen")
    if unconfirmed_holding:
        problems.append(
            f"{len(unconfirmed_holding)} anmälningar som aldrig bekräftades har plats eller "
            "står i kö"
        )
    if out_of_order:
        problems.append("platserna gick inte i bekräftelseordning")
    if wrong_mail:
        problems.append(f"{len(wrong_mail)} anmälningar fick inte exakt ett mejl per händelse")
    return {
        "capacity": capacity,
        "seats_taken": seats,
        "waiting_list": waiting,
        "unconfirmed": unconfirmed,
        "rows": sum(per_email.values()),
        "submitted": len(attempted),
        "succeeded": len(ok),
        "confirm_attempts": len(confirm_attempted),
        "confirmed": len(confirmed),
        "confirmed_seat": sum(1 for o in confirmed.values() if o == "plats"),
        "confirmed_waiting": sum(1 for o in confirmed.values() if o == "vantelista"),
        "capacity_respected": seats <= capacity,
        "lost": lost[:20],
        "lost_confirmations": lost_confirmations[:20],
        "unconfirmed_holding": unconfirmed_holding[:20],
        "duplicates": duplicates[:20],
        "wrong_mail": wrong_mail[:20],
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
