"""Prepares one load-test run in the load database (run by load.run in a Django process).

    python -m load.setup --leads 155 --capacity 40 --plan <path>

Migrates the database and loads reference and demo data once (``seed_demo``, marked by the
heartbeat ``load-seeded``). Idempotent: creates the load accounts (one implementation lead per
unit of their own) when they are missing, then resets what a run changes (the load units'
progress and its log, the load conference's registrations and their e-mails) so that every run
starts from the same state. Writes the plan the locustfile reads: accounts, units, checklist
items, the status workflow, the conference and where the registrants' e-mails are (the outbox).
"""

import argparse
import datetime as dt
import io
import json
import os
from pathlib import Path

USERNAME = "lasttest-ia-{:03d}"
UNIT_NAME = "Lasttest förvaltning {:03d}"
CONFERENCE_SLUG = "lasttest-konferens"
SEEDED_MARK = "load-seeded"
# Only used on the loopback load server and in the throw-away load database.
PASSWORD = "lasttest-losenord-2026"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosavtal.settings")
    import django

    django.setup()


def ensure_leads(count: int) -> list[dict]:
    """One lead account per förvaltning unit of its own, spread over the municipalities."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from agreements.models import Party
    from core.roles import Role
    from implementation.models import Level, MembershipRole, Unit, UnitMembership
    from implementation.services import membership_appoint, unit_create

    parties = list(Party.objects.municipalities().order_by("name"))
    # One salted hash for all load accounts: hashing is deliberately slow (about 0.3 s each)
    # and the accounts share one password anyway.
    password_hash = None
    leads = []
    for n in range(1, count + 1):
        username = USERNAME.format(n)
        user = User.objects.filter(username=username).select_related("party").first()
        if user is None:
            party = parties[(n - 1) % len(parties)]
            user = User(
                username=username,
                first_name="Lasttest",
                last_name=f"Ansvarig {n:03d}",
                role=Role.IMPLEMENTERINGSANSVARIG,
                party=party,
                title="Implementeringsansvarig (lasttest)",
                email=f"{username}@lasttest.invalid",
            )
            password_hash = password_hash or make_password(PASSWORD)
            user.password = password_hash
            user.save()
        unit = Unit.objects.filter(party=user.party, name=UNIT_NAME.format(n)).first()
        if unit is None:
            unit = unit_create(
                party=user.party, level=Level.FORVALTNING, name=UNIT_NAME.format(n), actor=None
            )
        appointed = UnitMembership.objects.filter(
            unit=unit, user=user, role=MembershipRole.LEAD, is_active=True
        ).exists()
        if not appointed:
            membership_appoint(unit=unit, user=user, role=MembershipRole.LEAD, actor=None)
        leads.append(
            {
                "username": username,
                "password": PASSWORD,
                "user_id": user.pk,
                "unit_id": unit.pk,
                "party": user.party.slug,
                "unit": unit.slug,
            }
        )
    return leads


def reset_progress(unit_ids: list[int]) -> int:
    from implementation.models import Progress, ProgressLog

    ProgressLog.objects.filter(unit_id__in=unit_ids).delete()
    deleted, _ = Progress.objects.filter(unit_id__in=unit_ids).delete()
    return deleted


def fresh_conference(capacity: int) -> dict:
    """The load conference, open for registration, with no registrations and `capacity` seats."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from conferences.models import Conference, Registration
    from core.models import OutboxMessage

    conference = Conference.objects.filter(slug=CONFERENCE_SLUG).first()
    if conference is not None:
        # Their e-mails too: the registrants read their confirmation link from the outbox.
        registrations = conference.registrations.all()
        OutboxMessage.objects.filter(
            related_type=ContentType.objects.get_for_model(Registration),
            related_id__in=list(registrations.values_list("pk", flat=True)),
        ).delete()
        registrations.delete()
    else:
        conference = Conference(slug=CONFERENCE_SLUG)
    conference.title = "Lasttest: konferens med begränsat antal platser"
    conference.date = timezone.localdate() + dt.timedelta(days=60)
    conference.start_time = dt.time(9, 0)
    conference.end_time = dt.time(15, 0)
    conference.venue = "Lasttest"
    conference.capacity = capacity
    conference.quota_per_organisation = None
    conference.registration_opens = None
    conference.registration_closes = None
    conference.status = Conference.Status.INBJUDAN_SKICKAD
    conference.capacity_notified_at = None
    conference.full_clean()
    conference.save()
    return {"id": conference.pk, "slug": conference.slug, "capacity": capacity}


def checklist(level: str) -> list[dict]:
    from implementation.models import Responsibility

    return [
        {"id": pk, "code": code}
        for pk, code in Responsibility.objects.filter(level=level, is_active=True)
        .order_by("phase__order", "order", "code")
        .values_list("pk", "code")
    ]


def prepare_database() -> bool:
    """Migrate; seed reference and demo data the first time. True when it seeded."""
    from django.core.management import call_command

    from core.models import Heartbeat
    from core.services import heartbeat_record

    call_command("migrate", interactive=False, verbosity=0)
    if Heartbeat.objects.filter(name=SEEDED_MARK).exists():
        return False
    call_command("seed_demo", stdout=io.StringIO())
    heartbeat_record(name=SEEDED_MARK)
    return True


def build_plan(*, leads: int, capacity: int) -> dict:
    from implementation.models import Level
    from implementation.workflow import COMMENT_REQUIRED, TRANSITIONS

    accounts = ensure_leads(leads)
    reset_progress([a["unit_id"] for a in accounts])
    items = checklist(Level.FORVALTNING)
    if not items:
        raise SystemExit("Inga aktiva ansvar på förvaltningsnivå: har referensdata lästs in?")
    return {
        "leads": accounts,
        "items": items,
        "transitions": {status: sorted(allowed) for status, allowed in TRANSITIONS.items()},
        "comment_required": sorted(COMMENT_REQUIRED),
        "conference": fresh_conference(capacity),
        "mail": mailbox(),
    }


def mailbox() -> dict:
    """Where the registrants find their confirmation e-mail: the outbox table and the kind."""
    from conferences.models import Registration
    from core.models import OutboxMessage

    return {
        "table": OutboxMessage._meta.db_table,
        "confirm_kind": f"konferensanmalan-{Registration.Status.OBEKRAFTAD.value}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, required=True)
    parser.add_argument("--capacity", type=int, required=True)
    parser.add_argument("--plan", type=Path, required=True)
    args = parser.parse_args()
    _setup_django()
    if prepare_database():
        print("Referens- och demodata inlästa (en gång).", flush=True)
    plan = build_plan(leads=args.leads, capacity=args.capacity)
    args.plan.write_text(json.dumps(plan, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
