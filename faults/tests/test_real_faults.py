"""Faults with real servers: a private Redis that is crashed and restarted, a real SMTP server
that refuses or holds messages, real Celery workers that are killed, PostgreSQL connections
that are terminated. Each test asserts that nobody is left out and nobody gets two e-mails.

These tests use the ``real_services`` fixture (marker ``services``): they run in the serial
PostgreSQL + Redis pass, are skipped locally without it, and fail in CI if anything is missing.
"""

from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from conferences import services, tasks
from conferences.models import Invitation, Recipient
from faults.tests.conftest import make_invitation
from faults.tests.servers import SMTP_PORT, RedisServer, Worker, publishing_to, wait_for
from faults.tests.smtp_sink import SmtpSink

R = Recipient.Status


@pytest.fixture
def redis_server(real_services):
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    with publishing_to(RedisServer.url):
        yield redis_server


@pytest.fixture
def sink(real_services):
    with SmtpSink(SMTP_PORT) as handler:
        yield handler


@pytest.fixture
def worker(tmp_path):
    started = []

    def start(name: str = "worker") -> Worker:
        started.append(Worker(tmp_path / f"{name}.log"))
        return started[-1]

    yield start
    for running in started:
        running.stop()


def _queued_invitation(addresses: list[str]) -> Invitation:
    invitation = make_invitation(addresses, status=R.VANTAR)
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.UTKAST)
    return invitation


def _left(invitation) -> int:
    return invitation.recipients.filter(status__in=(R.KOAD, R.SKICKAS)).count()


def _beat_tick() -> None:
    tasks.invitations_recover.delay()


def test_redis_crashed_mid_dispatch_and_restarted_loses_nothing_and_sends_nothing_twice(
    broker, sink, worker
):
    addresses = [f"person{i:03d}@kommun.test" for i in range(300)]
    invitation = _queued_invitation(addresses)
    sink.delay = 0.01
    running = worker()
    assert services.invitation_send(invitation=invitation, actor=invitation.created_by) == 300
    wait_for(lambda: sink.total() >= 60, "de första utskicken", running)

    broker.kill()  # the queued batches die with it (no persistence)
    lost_at = sink.total()
    broker.start()
    assert lost_at < 300
    # Nobody re-sends what was lost until the beat job sees rows queued for too long.
    wait_for(lambda: _left(invitation) == 0, "att allt skickats", running, tick=_beat_tick)

    assert sink.accepted == Counter(dict.fromkeys(addresses, 1))
    assert set(invitation.recipients.values_list("status", flat=True)) == {R.SKICKAD}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAD
    log = running.output()
    assert "Connection to broker lost" in log  # the worker saw the crash and reconnected
    assert f"Återupptar utskicket av inbjudan {invitation.pk}." in log  # the recovery job


def test_smtp_refusing_part_of_a_batch_records_retries_and_sends_each_once(broker, sink, worker):
    addresses = [f"person{i:02d}@kommun.test" for i in range(24)]
    addresses += ["avvisa1@kommun.test", "avvisa2@kommun.test", "avvisa3@kommun.test"]
    addresses += ["tillfalligt1@kommun.test", "tillfalligt2@kommun.test"]
    invitation = _queued_invitation(addresses)
    sink.refuse, sink.refuse_once = "avvisa", "tillfalligt"
    running = worker()
    services.invitation_send(invitation=invitation, actor=invitation.created_by)
    wait_for(lambda: _left(invitation) == 0, "det första utskicket", running)

    rows = {r.email: r for r in invitation.recipients.all()}
    for address in ("avvisa1@kommun.test", "avvisa2@kommun.test", "avvisa3@kommun.test"):
        assert rows[address].status == R.MISSLYCKAD
        assert rows[address].error == "SMTPRecipientsRefused: 550 5.1.1 Mottagaren avvisas"
    for address in ("tillfalligt1@kommun.test", "tillfalligt2@kommun.test"):
        assert (rows[address].status, rows[address].attempts) == (R.SKICKAD, 2)
    assert sink.total() == 26

    sink.refuse = ""  # the receiving server has been fixed; the registrar retries
    assert services.invitation_retry_failed(invitation=invitation, actor=invitation.created_by) == 3
    wait_for(lambda: _left(invitation) == 0, "det nya försöket", running)
    assert sink.accepted == Counter(dict.fromkeys(addresses, 1))
    assert set(invitation.recipients.values_list("status", flat=True)) == {R.SKICKAD}


def test_worker_killed_while_sending_is_replaced_and_nobody_gets_two(broker, sink, worker):
    """SIGKILL while the SMTP server holds the 71st message (the 21st of the second batch).

    The 70 messages the server accepted before were each recorded right after acceptance, so
    the batch that takes over the dead one's stale claim sends only the 50 never accepted."""
    addresses = [f"person{i:03d}@kommun.test" for i in range(120)]
    addresses[70] = "stoppa@kommun.test"
    invitation = _queued_invitation(addresses)
    sink.hold = "stoppa"
    first = worker("first")
    services.invitation_send(invitation=invitation, actor=invitation.created_by)
    wait_for(sink.holding.is_set, "att utskicket fastnar", first)
    assert invitation.recipients.filter(status=R.SKICKAD).count() == sink.total() == 70
    first.kill()
    sink.hold = ""
    sink.release.set()
    held = Recipient.objects.get(invitation=invitation, email="stoppa@kommun.test")
    assert held.status == R.SKICKAS  # claimed by the dead batch

    second = worker("second")  # takes the third batch at once; the beat job the dead batch
    wait_for(lambda: _left(invitation) == 0, "att resten skickas", second, tick=_beat_tick)
    assert sink.accepted == Counter(dict.fromkeys(addresses, 1))
    held.refresh_from_db()
    assert (held.status, held.attempts) == (R.SKICKAD, 2)
    assert invitation.recipients.filter(attempts=1).count() == 70 + 20


def test_database_connection_lost_mid_request_gives_the_error_page_and_writes_nothing(
    real_services, client, lead
):
    """A lead reports progress: the Progress row is written, then the connection is
    terminated before its log entry. The user gets the portal's 500 page, nothing is saved."""
    import psycopg
    from auditlog.models import LogEntry
    from django.urls import reverse

    from implementation.models import (
        Level,
        MembershipRole,
        Progress,
        ProgressLog,
        Responsibility,
        Unit,
        UnitMembership,
    )

    unit = Unit.objects.create(
        party=lead.party, level=Level.FORVALTNING, name="Förvaltningen", slug="t-forvaltningen"
    )
    UnitMembership.objects.create(unit=unit, user=lead, role=MembershipRole.LEAD)
    item = Responsibility.objects.filter(level=Level.FORVALTNING, is_active=True).first()
    client.force_login(lead)
    client.raise_request_exception = False
    params = connection.settings_dict
    terminated = []

    def terminate_before_the_log_entry(execute, sql, sql_params, many, context):
        if sql.startswith('INSERT INTO "implementation_progresslog"') and not terminated:
            pid = connection.connection.info.backend_pid
            with psycopg.connect(
                dbname=params["NAME"],
                user=params["USER"] or "postgres",
                host=params["HOST"] or "127.0.0.1",
                port=params["PORT"] or 5432,
                autocommit=True,
            ) as other:
                terminated.append(
                    other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]
                )
        return execute(sql, sql_params, many, context)

    url = reverse(
        "implementation:progress",
        kwargs={"party": unit.party.slug, "unit": unit.slug, "code": item.code},
    )
    before = LogEntry.objects.count()
    with connection.execute_wrapper(terminate_before_the_log_entry):
        response = client.post(url, {"status": "pagar", "comment": "Påbörjat."})
    connection.close()

    assert terminated == [True]
    assert response.status_code == 500
    page = response.content.decode()
    assert "Något gick fel" in page and "sparades inte" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert not Progress.objects.exists()
    assert not ProgressLog.objects.exists()
    assert LogEntry.objects.count() == before
    assert timezone.now()  # the database answers again on a new connection
