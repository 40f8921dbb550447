"""A document dispatch (utskick) under a killed worker: every recipient gets it once.

The dispatch writes one outbox row per recipient in the transaction that marks it sent; the
worker is SIGKILLed while the SMTP server holds the 71st message; a second worker takes over
the dead one's stale claim and sends only what the server never accepted. Real PostgreSQL,
Redis, Celery worker and SMTP server (marker ``services``, like test_real_faults).
"""

from collections import Counter

import pytest

from core.models import OutboxMessage
from documents import services
from documents.audiences import Candidate, Resolved
from faults.tests.servers import wait_for
from faults.tests.test_real_faults import _beat_tick, broker, redis_server, sink, worker  # noqa: F401

O = OutboxMessage.State  # noqa: E741


@pytest.fixture
def registrar(real_services):
    from accounts.models import User

    return User.objects.create(username="t-utskick-registrator", role="registrator")


def test_a_dispatch_under_a_killed_worker_reaches_each_recipient_once(
    broker,  # noqa: F811
    sink,  # noqa: F811
    worker,  # noqa: F811
    registrar,
    monkeypatch,
):
    addresses = [f"registrator{i:03d}@kommun.test" for i in range(120)]
    addresses[70] = "stoppa@kommun.test"
    monkeypatch.setattr(
        services,
        "resolve",
        lambda dispatch: Resolved(
            [Candidate("registratorer", a, "Kommun", a) for a in addresses], []
        ),
    )
    dispatch = services.dispatch_create(
        actor=registrar, subject="Information", text="Text", audiences=["registratorer"]
    )
    sink.hold, sink.delay = "stoppa", 0.05
    first = worker("first")
    assert services.dispatch_send(actor=registrar, dispatch=dispatch) == 120
    wait_for(sink.holding.is_set, "att utskicket fastnar", first, timeout=60)
    assert sink.total() == 70
    first.kill()
    sink.hold = ""
    sink.release.set()
    held = OutboxMessage.objects.get(to__contains=["stoppa@kommun.test"])
    assert held.state == O.SENDING  # claimed by the dead worker

    second = worker("second")
    rows = OutboxMessage.objects.filter(kind="dokument-utskick")
    wait_for(
        lambda: rows.filter(state=O.SENT).count() == 120,
        "att resten skickas",
        second,
        tick=_beat_tick,
    )
    delivered = Counter({a: sink.count(a) for a in addresses})
    assert sum(1 for n in delivered.values() if n == 0) == 0  # nobody lost
    assert sum(n - 1 for n in delivered.values() if n > 1) == 0  # nobody twice
    assert services.dispatch_send(actor=registrar, dispatch=dispatch) == 0
