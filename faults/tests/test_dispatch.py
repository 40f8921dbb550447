"""E-mail under faults, without servers (SQLite, locmem e-mail, eager tasks): invitations and
registration mail through the one outbox (core.outbox)."""

import datetime as dt
import logging
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from agreements.models import Party
from conferences import services, tasks
from conferences.models import Invitation, Recipient, Registration
from core import outbox
from core.models import OutboxMessage
from core.tasks import outbox_recover, outbox_send_task
from faults.tests.backends import RefusingBackend

R = Recipient.Status
O = OutboxMessage.State  # noqa: E741 - as in the module's own S
BROKER_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _addresses(count: int, prefix: str = "p") -> list[str]:
    return [f"{prefix}{i}@ale.se" for i in range(count)]


def _written(invitation) -> list[int]:
    """Write the queued recipients' e-mails to the outbox without sending (the commit hook
    that would send them is not run)."""
    tasks.invitation_dispatch(invitation.pk)
    return list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))


def test_dispatch_and_send_twice_each_message_once(invitation_to, mailbox):
    invitation = invitation_to(_addresses(6))
    ids = _written(invitation)
    assert len(ids) == 6
    assert tasks.invitation_dispatch(invitation.pk) == 0  # a redelivered dispatch writes nothing
    assert len(outbox.outbox_send(ids).sent) == 6
    assert outbox.outbox_send(ids).claimed == 0
    assert sorted(m.to[0] for m in mailbox) == _addresses(6)
    assert set(invitation.recipients.values_list("status", flat=True)) == {R.SKICKAD}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAD


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "faults.tests.backends.RefusingBackend"
    RefusingBackend.reset()
    return RefusingBackend


def test_smtp_partial_failure_is_logged_retried_and_sent_exactly_once(
    invitation_to, mailbox, refusing, django_capture_on_commit_callbacks
):
    addresses = [*_addresses(4), "avvisa@ale.se", "tillfalligt@ale.se"]
    invitation = invitation_to(addresses)
    ids = _written(invitation)
    result = outbox.outbox_send(ids)
    assert (len(result.sent), len(result.failed), len(result.retry)) == (4, 1, 1)
    rows = {r.email: r for r in invitation.recipients.all()}
    assert rows["avvisa@ale.se"].status == R.MISSLYCKAD
    assert rows["avvisa@ale.se"].error == ("SMTPRecipientsRefused: 550 5.1.1 Mottagaren finns inte")
    assert rows["tillfalligt@ale.se"].status == R.KOAD  # tried again later
    assert "451" in rows["tillfalligt@ale.se"].error
    # The dispatch log shows the server's answer.
    page_rows = OutboxMessage.objects.filter(state=O.FAILED)
    assert [row.last_answer for row in page_rows] == [rows["avvisa@ale.se"].error]

    OutboxMessage.objects.filter(state=O.PENDING).update(next_attempt_at=timezone.now())
    assert outbox_recover() == 1  # the beat job (eager here: it sends at once)
    assert invitation.recipients.get(email="tillfalligt@ale.se").status == R.SKICKAD

    refusing.refuse = False  # the receiving server was fixed; the registrar retries
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_retry_failed(invitation=invitation, actor=None) == 1
    assert sorted(m.to[0] for m in mailbox) == sorted(addresses)  # each exactly once
    assert OutboxMessage.objects.count() == 6
    assert set(invitation.recipients.values_list("status", flat=True)) == {R.SKICKAD}


def test_transient_refusals_are_retried_a_bounded_number_of_times(
    invitation_to, mailbox, refusing, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    refusing.reset(transient_times=10)
    invitation = invitation_to(["tillfalligt@ale.se"])
    ids = _written(invitation)
    for _ in range(3):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        outbox.outbox_send(ids)
    row = OutboxMessage.objects.get()
    assert (row.state, row.attempts) == (O.FAILED, 3)
    assert invitation.recipients.get().status == R.MISSLYCKAD
    assert mailbox == []


def test_a_batch_uses_one_smtp_connection(invitation_to, mailbox, refusing):
    invitation = invitation_to([*_addresses(10), "avvisa@ale.se"])
    outbox.outbox_send(_written(invitation))
    assert refusing.opened == 1  # a refusal resets the session, it does not reconnect
    assert len(mailbox) == 10


def test_no_smtp_server_fails_the_batch_transiently_without_losing_anyone(
    invitation_to, mailbox, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    invitation = invitation_to(_addresses(3))
    result = outbox.outbox_send(_written(invitation))
    assert len(result.retry) == 3 and result.sent == [] and result.failed == []
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {O.PENDING}
    assert all("ConnectionRefusedError" in r.error for r in invitation.recipients.all())


def test_sending_costs_a_fixed_few_queries_plus_one_receipt_per_message(
    invitation_to, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invitation = invitation_to(_addresses(120))
    ids = _written(invitation)
    with CaptureQueriesContext(connection) as captured:
        outbox.outbox_send(ids)
    sql = [q["sql"] for q in captured.captured_queries]
    receipts = [s for s in sql if outbox.is_receipt(s)]
    assert len(receipts) == 2 * 120  # the outbox row and the recipient, in one transaction
    # claim, load, and the invitation's status (with its audit event, once per invitation)
    assert len(sql) - len(receipts) <= 10


def test_broker_down_when_sending_keeps_the_request_working_and_recovery_sends(
    client, invitation_to, mailbox, django_capture_on_commit_callbacks, caplog, settings
):
    invitation = invitation_to(_addresses(3), status=R.VANTAR)
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.UTKAST)
    client.force_login(invitation.created_by)
    with (
        mock.patch.object(tasks.invitation_dispatch, "apply_async", side_effect=BROKER_DOWN),
        caplog.at_level(logging.WARNING, logger="conferences.services.invitations"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(reverse("conferences:invitation_send", args=[invitation.pk]))
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert "kunde inte köas" in caplog.text
    assert mailbox == [] and not OutboxMessage.objects.exists()
    page = client.get(reverse("conferences:invitation_progress", args=[invitation.pk]))
    assert "Skickar … 3 kvar i kön." in page.content.decode()

    # A beat tick before the rows are stale leaves them to the dispatch that may still come.
    assert tasks.invitations_recover() == 0
    settings.INVITATION_CLAIM_STALE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.invitations_recover() == 1
    assert sorted(m.to[0] for m in mailbox) == _addresses(3)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAD
    assert tasks.invitations_recover() == 0
    assert len(mailbox) == 3


@pytest.mark.django_db
def test_broker_down_at_registration_gives_the_normal_page_and_the_mail_comes_later(
    reference_data, client, mailbox, django_capture_on_commit_callbacks, caplog
):
    """The public registration with the broker unreachable: the person sees the usual "check
    your e-mail" page, the mail with the confirmation link waits in the outbox, and the beat
    job delivers it (double opt-in, #17: the seat is taken when the address is confirmed)."""
    from conferences.tests.factories import ConferenceFactory

    conference = ConferenceFactory()
    with (
        mock.patch.object(outbox_send_task, "apply_async", side_effect=BROKER_DOWN),
        caplog.at_level(logging.WARNING, logger="core.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("conferences:register", args=[conference.slug]),
            {
                "name": "Anna Andersson",
                "email": "anna@ale.se",
                "party": str(Party.objects.get(slug="ale").pk),
                "role": "tjansteperson",
                "consent": "on",
            },
            follow=True,
        )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "Titta i din e-post" in response.content.decode()
    assert Registration.objects.get().status == Registration.Status.OBEKRAFTAD
    assert "meddelandekön svarar inte" in caplog.text
    row = OutboxMessage.objects.get()
    assert (row.state, row.kind) == (O.PENDING, "konferensanmalan-obekraftad")
    assert mailbox == []
    assert outbox_recover() == 1  # the beat job, once the broker is back
    assert [m.to for m in mailbox] == [["anna@ale.se"]]
    assert "/konferenser/" in mailbox[0].body and "Bekräfta" in mailbox[0].subject


def test_recovery_takes_over_a_dead_sender_and_closes_finished_invitations(
    invitation_to, mailbox, settings
):
    settings.OUTBOX_CLAIM_STALE_SECONDS = 60
    dead = invitation_to(["a@ale.se", "b@ale.se"])
    _written(dead)
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    OutboxMessage.objects.update(state=O.SENDING, claimed_at=long_ago)
    done = invitation_to(["c@ale.se"], status=R.SKICKAD)  # its last status update was lost
    assert services.invitations_to_recover() == []
    done.refresh_from_db()
    assert done.status == Invitation.Status.SKICKAD
    assert outbox_recover() == 2
    assert sorted(m.to[0] for m in mailbox) == ["a@ale.se", "b@ale.se"]
    dead.refresh_from_db()
    assert dead.status == Invitation.Status.SKICKAD
