"""Invitation dispatch under faults, without servers (SQLite, locmem e-mail, eager tasks)."""

import datetime as dt
import logging
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from conferences import services, tasks
from conferences.models import Invitation, Recipient
from faults.tests.backends import RefusingBackend

R = Recipient.Status


def _addresses(count: int, prefix: str = "p") -> list[str]:
    return [f"{prefix}{i}@ale.se" for i in range(count)]


def _ids(invitation) -> list[int]:
    return list(invitation.recipients.order_by("pk").values_list("pk", flat=True))


def test_two_batches_over_the_same_ids_send_each_message_once(invitation_to, mailbox):
    invitation = invitation_to(_addresses(6))
    ids = _ids(invitation)
    first = services.invitation_send_batch(invitation.pk, ids)
    second = services.invitation_send_batch(invitation.pk, ids)
    assert (first.claimed, first.sent) == (6, 6)
    assert (second.claimed, second.sent) == (0, 0)
    assert sorted(m.to[0] for m in mailbox) == sorted(_addresses(6))
    assert set(invitation.recipients.values_list("status", "attempts")) == {(R.SKICKAD, 1)}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAD


def test_a_batch_leaves_rows_another_live_batch_holds(invitation_to, mailbox):
    invitation = invitation_to(_addresses(4))
    ids = _ids(invitation)
    held = ids[:2]
    Recipient.objects.filter(pk__in=held).update(status=R.SKICKAS, claimed_at=timezone.now())
    result = services.invitation_send_batch(invitation.pk, ids)
    assert (result.claimed, result.sent) == (2, 2)
    assert sorted(m.to[0] for m in mailbox) == ["p2@ale.se", "p3@ale.se"]
    assert set(Recipient.objects.filter(pk__in=held).values_list("status", flat=True)) == {
        R.SKICKAS
    }
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAS  # two still in flight


def test_stale_claims_are_taken_over_and_fresh_ones_are_not(invitation_to, mailbox, settings):
    settings.INVITATION_CLAIM_STALE_SECONDS = 300
    invitation = invitation_to(["dog@ale.se", "lever@ale.se"])
    dead, alive = _ids(invitation)
    now = timezone.now()
    Recipient.objects.filter(pk=dead).update(
        status=R.SKICKAS, claimed_at=now - dt.timedelta(seconds=301), attempts=1
    )
    Recipient.objects.filter(pk=alive).update(
        status=R.SKICKAS, claimed_at=now - dt.timedelta(seconds=290), attempts=1
    )
    assert services.invitation_dispatch(invitation.pk) == [[dead]]
    result = services.invitation_send_batch(invitation.pk, [dead, alive])
    assert result.sent == 1
    assert [m.to for m in mailbox] == [["dog@ale.se"]]
    assert Recipient.objects.get(pk=dead).attempts == 2
    assert Recipient.objects.get(pk=alive).status == R.SKICKAS


def test_a_batch_that_lost_its_claim_stops_sending(invitation_to, mailbox, settings):
    """If a batch took so long that its claim went stale and another batch took the rest over,
    it stops instead of racing the new owner."""
    settings.INVITATION_CLAIM_STALE_SECONDS = 0  # every message outlasts the claim
    invitation = invitation_to(_addresses(3))
    ids = _ids(invitation)
    real_build = __import__("conferences.emails", fromlist=["x"]).invitation_message

    def build_and_lose_the_rest(row):
        if row.pk == ids[0]:  # while the first message goes out, another batch takes over
            Recipient.objects.filter(pk__in=ids[1:]).update(claim=None)
        return real_build(row)

    with mock.patch("conferences.emails.invitation_message", build_and_lose_the_rest):
        result = services.invitation_send_batch(invitation.pk, ids)
    assert result.lost_claim is True
    assert [m.to for m in mailbox] == [["p0@ale.se"]]
    assert Recipient.objects.get(pk=ids[0]).status == R.SKICKAD


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "faults.tests.backends.RefusingBackend"
    RefusingBackend.reset()
    return RefusingBackend


def test_smtp_partial_failure_is_logged_retried_and_sent_exactly_once(
    invitation_to, mailbox, refusing, caplog, client
):
    addresses = ["a@ale.se", "avvisa-1@ale.se", "b@ale.se", "tillfalligt@ale.se", "avvisa-2@ale.se"]
    invitation = invitation_to(addresses)
    with caplog.at_level(logging.WARNING, logger="conferences.services.invitations"):
        tasks.invitation_dispatch(invitation.pk)
    rows = {r.email: r for r in invitation.recipients.all()}
    # Permanent refusals: recorded with the server's answer, for the registrar to see.
    for address in ("avvisa-1@ale.se", "avvisa-2@ale.se"):
        assert rows[address].status == R.MISSLYCKAD
        assert rows[address].error == "SMTPRecipientsRefused: 550 5.1.1 Mottagaren finns inte"
        assert address in caplog.text
    # The transient refusal (451) was queued again by itself and went out on the second try.
    assert (rows["tillfalligt@ale.se"].status, rows["tillfalligt@ale.se"].attempts) == (
        R.SKICKAD,
        2,
    )
    assert {rows[a].status for a in ("a@ale.se", "b@ale.se")} == {R.SKICKAD}
    assert sorted(m.to[0] for m in mailbox) == ["a@ale.se", "b@ale.se", "tillfalligt@ale.se"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAD
    client.force_login(invitation.created_by)
    page = client.get(reverse("conferences:invitation", args=[invitation.pk])).content.decode()
    assert page.count("550 5.1.1 Mottagaren finns inte") == 2  # the registrar sees why
    assert "Misslyckade: 2." in page

    # The registrar retries the failed ones once the receiving server accepts them.
    refusing.refuse = False
    mailbox.clear()
    assert services.invitation_retry_failed(invitation=invitation, actor=invitation.created_by) == 2
    tasks.invitation_dispatch(invitation.pk)
    assert sorted(m.to[0] for m in mailbox) == ["avvisa-1@ale.se", "avvisa-2@ale.se"]
    assert set(invitation.recipients.values_list("status", flat=True)) == {R.SKICKAD}


def test_transient_refusals_are_retried_a_bounded_number_of_times(
    invitation_to, mailbox, refusing, settings
):
    settings.INVITATION_MAX_ATTEMPTS = 3
    refusing.reset(transient_times=99)
    invitation = invitation_to(["tillfalligt@ale.se", "ok@ale.se"])
    tasks.invitation_dispatch(invitation.pk)
    row = invitation.recipients.get(email="tillfalligt@ale.se")
    assert (row.status, row.attempts) == (R.MISSLYCKAD, 3)
    assert row.error == "SMTPRecipientsRefused: 451 4.7.1 Prova senare"
    assert [m.to for m in mailbox] == [["ok@ale.se"]]


def test_a_batch_uses_one_smtp_connection(invitation_to, mailbox, refusing):
    invitation = invitation_to(_addresses(120))
    tasks.invitation_dispatch(invitation.pk)
    assert len(mailbox) == 120
    assert refusing.opened == 3  # 120 recipients → 3 batches of at most 50 → 3 connections


def test_no_smtp_server_fails_the_batch_transiently_without_losing_anyone(
    invitation_to, mailbox, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 8029  # nothing listens here
    settings.INVITATION_MAX_ATTEMPTS = 1
    invitation = invitation_to(_addresses(3))
    result = services.invitation_send_batch(invitation.pk, _ids(invitation))
    assert (result.sent, result.failed) == (0, 3)
    rows = list(invitation.recipients.values_list("status", "error"))
    assert {status for status, _error in rows} == {R.MISSLYCKAD}
    assert all(error.startswith("ConnectionRefusedError") for _status, error in rows)


def test_query_count_of_a_batch_does_not_grow_with_its_size(invitation_to, count_queries):
    small, large = invitation_to(_addresses(5, "s")), invitation_to(_addresses(50, "l"))
    few = count_queries(services.invitation_send_batch, small.pk, _ids(small), mark_every=50)
    many = count_queries(services.invitation_send_batch, large.pk, _ids(large), mark_every=50)
    assert few == many <= 6
    assert set(large.recipients.values_list("status", flat=True)) == {R.SKICKAD}


def test_by_default_each_accepted_message_costs_one_statement_and_nothing_else(
    invitation_to, count_queries
):
    small, large = invitation_to(_addresses(5, "s")), invitation_to(_addresses(50, "l"))
    few = count_queries(services.invitation_send_batch, small.pk, _ids(small))
    many = count_queries(services.invitation_send_batch, large.pk, _ids(large))
    assert many - few == 45


def test_dispatch_query_count_grows_with_batches_not_recipients(
    invitation_to, count_queries, settings
):
    settings.INVITATION_MARK_SENT_EVERY = 50
    small, large = invitation_to(_addresses(50, "s")), invitation_to(_addresses(200, "l"))
    one_batch = count_queries(tasks.invitation_dispatch, small.pk)
    four_batches = count_queries(tasks.invitation_dispatch, large.pk)
    assert one_batch <= 7
    assert four_batches <= 4 * one_batch  # 200 recipients, a handful of queries per batch
    assert set(large.recipients.values_list("status", flat=True)) == {R.SKICKAD}


def test_broker_down_when_sending_keeps_the_request_working_and_recovery_sends(
    client, invitation_to, mailbox, django_capture_on_commit_callbacks, caplog, settings
):
    invitation = invitation_to(_addresses(3), status=R.VANTAR)
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.UTKAST)
    client.force_login(invitation.created_by)
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(tasks.invitation_dispatch, "apply_async", side_effect=broker_down),
        caplog.at_level(logging.WARNING, logger="conferences.services.invitations"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(reverse("conferences:invitation_send", args=[invitation.pk]))
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert "kunde inte köas" in caplog.text
    assert mailbox == []
    assert set(invitation.recipients.values_list("status", flat=True)) == {R.KOAD}
    page = client.get(reverse("conferences:invitation_progress", args=[invitation.pk]))
    assert "Skickar … 3 kvar i kön." in page.content.decode()

    # A beat tick before the rows are stale leaves them to the dispatch that may still come.
    assert tasks.invitations_recover() == 0
    assert mailbox == []
    # Once they have waited longer than the stale time, the recovery job sends them.
    settings.INVITATION_CLAIM_STALE_SECONDS = 0
    assert tasks.invitations_recover() == 1
    assert sorted(m.to[0] for m in mailbox) == _addresses(3)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAD
    assert tasks.invitations_recover() == 0
    assert len(mailbox) == 3


def test_recovery_takes_over_a_dead_batch_and_closes_finished_invitations(
    invitation_to, mailbox, settings
):
    settings.INVITATION_CLAIM_STALE_SECONDS = 60
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    dead = invitation_to(["a@ale.se", "b@ale.se"])
    Recipient.objects.filter(invitation=dead).update(status=R.SKICKAS, claimed_at=long_ago)
    done = invitation_to(["c@ale.se"], status=R.SKICKAD)  # its last batch's status update was lost
    assert services.invitations_to_recover() == [dead.pk]
    done.refresh_from_db()
    assert done.status == Invitation.Status.SKICKAD
    assert tasks.invitations_recover() == 1
    assert sorted(m.to[0] for m in mailbox) == ["a@ale.se", "b@ale.se"]
