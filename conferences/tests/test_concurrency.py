"""Capacity and dispatch under real concurrency (PostgreSQL: row locks are real there).

Runs in the PostgreSQL + Redis pass (marker ``services``); skipped locally without them and
failed in CI if they are missing.
"""

import threading

from django.db import connection, connections

from agreements.models import Party
from conferences import services
from conferences.models import Invitation, Recipient, Registration
from conferences.tests.factories import ConferenceFactory

THREADS = 50
SEATS = 20


def _run_at_once(count, work):
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            work(index)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_fifty_registrations_at_once_for_twenty_seats(real_services):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    assert connection.vendor == "postgresql"
    conference = ConferenceFactory(capacity=SEATS)
    party = Party.objects.get(slug="goteborg")

    def register(index):
        services.registration_create(
            conference=conference,
            name=f"Person {index}",
            email=f"person{index}@kommun.test",
            role="tjansteperson",
            consent=True,
            party=party,
        )

    errors = _run_at_once(THREADS, register)
    assert errors == []
    rows = list(conference.registrations.order_by("joined_at", "id"))
    assert len(rows) == THREADS
    statuses = [r.status for r in rows]
    assert statuses.count(Registration.Status.BEKRAFTAD) == SEATS
    assert statuses.count(Registration.Status.VANTELISTA) == THREADS - SEATS
    # Arrival order: everyone confirmed came before everyone waiting.
    assert statuses == [Registration.Status.BEKRAFTAD] * SEATS + [
        Registration.Status.VANTELISTA
    ] * (THREADS - SEATS)
    conference.refresh_from_db()
    assert conference.status == "fullbokad"


def test_two_workers_sending_the_same_batch_send_each_mail_once(real_services, mailbox):
    from accounts.models import User
    from conferences import tasks

    conference = ConferenceFactory()
    user = User.objects.create(username="reg-concurrency", role="registrator")
    invitation = Invitation.objects.create(
        conference=conference, subject="Inbjudan", body="Välkommen", created_by=user
    )
    Recipient.objects.bulk_create(
        [
            Recipient(invitation=invitation, email=f"r{i}@ale.se", source="import", status="koad")
            for i in range(40)
        ]
    )
    # Four workers dispatch the same invitation at once (each writes the outbox rows and, after
    # its commit, sends them: eagerly here), then four senders go over the outbox together.
    from core.outbox import outbox_send

    errors = _run_at_once(4, lambda _i: tasks.invitation_dispatch(invitation.pk))
    errors += _run_at_once(4, lambda _i: outbox_send())
    assert errors == []
    assert len(mailbox) == 40
    assert len({m.to[0] for m in mailbox}) == 40
    assert set(invitation.recipients.values_list("status", flat=True)) == {"skickad"}
    from conferences.emails import INVITATION_KIND
    from core.models import OutboxMessage

    rows = OutboxMessage.objects.filter(kind=INVITATION_KIND)
    assert rows.count() == 40
    assert set(rows.values_list("state", "attempts")) == {(OutboxMessage.State.SENT, 1)}
