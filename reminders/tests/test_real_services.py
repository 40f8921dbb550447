"""Exactly once under real concurrency: PostgreSQL and Redis, a real Celery worker.

Run with DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (the CI services pass);
skipped locally without them, failed in CI.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from core.testing import test_database_url
from implementation.models import Level, MembershipRole, Phase, Responsibility, Unit, UnitMembership
from reminders.models import Message, MessageStatus, Reminder, ReminderSettings
from reminders.services import reminder_sweep

ROOT = Path(__file__).resolve().parents[2]


def _people(make_user, count: int, *, due: dt.date, stall: str = "") -> list:
    """``count`` verksamheter in Göteborg, each with its own lead, and one item due ``due``."""
    from agreements.models import Party

    Responsibility.objects.update(is_active=False)
    gbg = Party.objects.get(slug="goteborg")
    phase = Phase.objects.create(code="t-fas", order=99, name="Testfas", short_name="T")
    Responsibility.objects.create(
        code="t-item", phase=phase, level=Level.VERKSAMHET, title="Rutiner", due_date=due
    )
    parent = Unit.objects.create(party=gbg, level=Level.FORVALTNING, name="F", slug="t-f")
    users = []
    for i in range(count):
        unit = Unit.objects.create(
            party=gbg, level=Level.VERKSAMHET, parent=parent, name=f"V{i:02d}", slug=f"t-v{i}"
        )
        email = stall if (stall and i == count // 2) else f"lead{i}@test.hosportalen.se"
        user = make_user(username=f"t-lead-{i}", email=email)
        UnitMembership.objects.create(unit=unit, user=user, role=MembershipRole.LEAD)
        users.append(user)
    return users


def test_two_sweeps_at_once_on_postgresql_send_each_reminder_once(
    real_services, reference_data, make_user, mailbox
):
    _people(make_user, 12, due=dt.date(2026, 10, 15))
    ReminderSettings.load()
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            reminder_sweep(today=dt.date(2026, 10, 1))
        except Exception as error:  # noqa: BLE001 – reported below
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel("2026-10-01 08:00 +02:00", tick=True):
        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert sorted(m.to[0] for m in mailbox) == sorted(
        f"lead{i}@test.hosportalen.se" for i in range(12)
    )
    assert Reminder.objects.count() == 12
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 12


def _worker(mail_dir: Path, *, stall_on: str = "") -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "reminders.tests.worker_settings",
        "REMINDERS_TEST_MAIL_DIR": str(mail_dir),
        "REMINDERS_TEST_STALL_ON": stall_on,
        "CONN_MAX_AGE": "0",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hosavtal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        # A file, not a pipe: a pipe nobody reads fills up and blocks a talkative worker.
        stdout=(mail_dir / f"worker-{time.monotonic_ns()}.log").open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait(condition, what: str, worker, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        connection.close()
        time.sleep(0.3)
    worker.kill()
    worker.wait(timeout=10)
    log = Path(worker.stdout.name).read_text()
    pytest.fail(f"väntade förgäves på {what}:\n{log}")


def _recipients(mail_dir: Path) -> list[str]:
    return sorted(message_from_bytes(p.read_bytes())["To"] for p in mail_dir.glob("*.eml"))


def test_a_worker_killed_mid_sweep_and_restarted_sends_the_rest_once(
    real_services, reference_data, make_user, tmp_path
):
    """The sweep runs on a real worker through Redis and writes the digests to the outbox;
    the worker is killed (SIGKILL) while it sends one message. The digests it had got accepted
    are recorded; the rest of its batch stays claimed until the claim is stale, when the
    outbox's beat job hands them to a new worker. Every person gets exactly one e-mail."""
    from core.models import OutboxMessage
    from core.tasks import outbox_recover
    from hosavtal.celery import app
    from reminders.tasks import sweep

    app.conf.task_always_eager = False
    stall = "stoppas@test.hosportalen.se"
    today = timezone.localdate()
    users = _people(make_user, 20, due=today + dt.timedelta(days=14), stall=stall)
    ReminderSettings.objects.update_or_create(pk=1, defaults={"send_hour": 0})
    sent = Message.objects.filter(status=MessageStatus.SENT)
    stalled = OutboxMessage.objects.filter(
        related_id__in=Message.objects.filter(email=stall).values("pk"),
        state=OutboxMessage.State.SENDING,
    )

    first = _worker(tmp_path, stall_on=stall)
    try:
        sweep.delay()

        # Killed while it waits on the stalled address, not between an accepted message and
        # its receipt (that window is measured in faults/; a kill there re-sends one digest).
        def stalled_for_sure() -> bool:
            done = sent.count()
            if done < 5 or len(list(tmp_path.glob("*.eml"))) != done:
                return False
            time.sleep(1)
            return sent.count() == done == len(list(tmp_path.glob("*.eml")))

        _wait(stalled_for_sure, "ett avbrutet utskick", first)
        assert stalled.exists()  # the stalled digest is claimed by the worker about to die
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
    done_before = sent.count()
    assert done_before < 20

    second = _worker(tmp_path)
    try:
        time.sleep(2)
        assert sent.count() == done_before  # the dead sender's claim is still fresh
        # Time passes beyond the stale-claim limit; the next beat tick takes them over.
        OutboxMessage.objects.filter(state=OutboxMessage.State.SENDING).update(
            claimed_at=timezone.now() - dt.timedelta(hours=1)
        )
        outbox_recover.delay()
        _wait(lambda: sent.count() == 20, "resten av utskicken", second)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
    assert _recipients(tmp_path) == sorted(u.email for u in users)
    assert Reminder.objects.filter(status="sent").count() == 20
