"""The outbox: one row per message, sent once, transient refusals retried, failures kept."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import AccessibilityReport, OutboxMessage
from core.tasks import outbox_recover

S = OutboxMessage.State


def _enqueue(key="test:1", to=("a@kommun.test",), **extra):
    fields = {
        "key": key,
        "to": list(to),
        "subject": "Ämne\nmed radbrytning",
        "template": "emails/accessibility_report",
        "context": {"report": AccessibilityReport(description="Knappen", page_url="/x/")},
        "kind": "test",
        **extra,
    }
    with transaction.atomic():
        return outbox.outbox_enqueue(**fields)


@pytest.mark.django_db
def test_enqueue_renders_stores_and_sends_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = _enqueue(attachments=[("a.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    row.refresh_from_db()
    assert row.state == S.SENT and row.attempts == 1 and row.sent_at is not None
    assert row.subject == "Ämne med radbrytning"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["a@kommun.test"] and "Knappen" in sent.body
    assert sent.attachments[0][0] == "a.ics" and sent.attachments[0][1] == "BEGIN:VCALENDAR"
    assert sent.alternatives and sent.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_the_same_key_twice_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _enqueue() is not None
        assert _enqueue() is None
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        outbox.outbox_enqueue(
            key="x",
            to=["a@b.se"],
            subject="s",
            template="emails/accessibility_report",
            context={},
            kind="test",
        )


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        outbox.outbox_enqueue(
            key="rolled",
            to=["a@b.se"],
            subject="s",
            template="emails/accessibility_report",
            context={"report": AccessibilityReport(description="d")},
            kind="test",
        )
        raise ZeroDivisionError  # the change fails after the mail was written
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_dead_broker_leaves_the_row_pending_and_the_beat_job_sends_it(
    django_capture_on_commit_callbacks, monkeypatch
):
    from core.tasks import outbox_send_task

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(outbox_send_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        row = _enqueue()  # no exception reaches the caller
    row.refresh_from_db()
    assert row.state == S.PENDING and mail.outbox == []
    monkeypatch.undo()
    assert outbox_recover() == 1
    row.refresh_from_db()
    assert row.state == S.SENT and len(mail.outbox) == 1


class FlakyBackend(locmem.EmailBackend):
    """Refuses with the answers queued in ``answers`` (code per message), then accepts."""

    answers: list[int] = []

    def send_messages(self, messages):
        if FlakyBackend.answers:
            code = FlakyBackend.answers.pop(0)
            raise smtplib.SMTPDataError(code, b"Try again later" if code < 500 else b"No")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "core.tests.test_outbox.FlakyBackend"
    FlakyBackend.answers = []
    return FlakyBackend


def _stored(key="test:1") -> OutboxMessage:
    with transaction.atomic():
        return outbox.outbox_enqueue(
            key=key,
            to=["a@kommun.test"],
            subject="s",
            template="emails/accessibility_report",
            context={"report": AccessibilityReport(description="d")},
            kind="test",
        )


@pytest.mark.django_db
def test_a_transient_refusal_is_retried_with_backoff_then_sent(flaky, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    flaky.answers = [451, 451]
    row = _stored()
    result = outbox.outbox_send([row.pk])
    row.refresh_from_db()
    assert result.retry == [row.pk] and row.state == S.PENDING
    assert "451" in row.last_answer
    first_wait = row.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=55) < first_wait <= dt.timedelta(seconds=60)
    assert outbox.outbox_send([row.pk]).claimed == 0  # not due yet
    later = timezone.now() + dt.timedelta(minutes=2)
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    outbox.outbox_send([row.pk])
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at > later - dt.timedelta(seconds=5)
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.outbox_send([row.pk]).sent == [row.pk]
    row.refresh_from_db()
    assert row.state == S.SENT and row.attempts == 3 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_permanent_refusal_is_failed_with_the_answer(flaky):
    flaky.answers = [550]
    row = _stored()
    assert outbox.outbox_send([row.pk]).failed == [row.pk]
    row.refresh_from_db()
    assert row.state == S.FAILED and "550" in row.last_answer and mail.outbox == []
    outbox.outbox_send([row.pk])
    assert mail.outbox == []  # a failed row is never picked up again by itself
    with transaction.atomic():
        outbox.outbox_retry(message=row)
    assert outbox.outbox_send([row.pk]).sent == [row.pk]


@pytest.mark.django_db
def test_transient_refusals_are_bounded(flaky, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    flaky.answers = [421, 421, 421]
    row = _stored()
    outbox.outbox_send([row.pk])
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    outbox.outbox_send([row.pk])
    row.refresh_from_db()
    assert row.state == S.FAILED and row.attempts == 2 and "421" in row.last_answer


@pytest.mark.django_db
def test_a_claimed_row_is_not_sent_by_a_second_sender_until_its_claim_is_stale(settings):
    settings.OUTBOX_CLAIM_STALE_SECONDS = 300
    row = _stored()
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=S.SENDING, claimed_at=timezone.now(), claim="00000000-0000-0000-0000-000000000001"
    )
    assert outbox.outbox_send([row.pk]).claimed == 0
    assert outbox.outbox_recover() == []
    OutboxMessage.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=301)
    )
    assert outbox.outbox_recover() == [[row.pk]]
    assert outbox.outbox_send([row.pk]).sent == [row.pk]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sending_a_batch_uses_one_connection_and_one_update_per_message(
    django_assert_max_num_queries, settings
):
    rows = [_stored(f"k:{i}") for i in range(20)]
    opened = []
    original = locmem.EmailBackend.open

    def count_open(self):
        opened.append(1)
        return original(self)

    locmem.EmailBackend.open = count_open
    try:
        # claim 1, load 1, one receipt per message
        with django_assert_max_num_queries(2 + len(rows)):
            result = outbox.outbox_send([r.pk for r in rows])
    finally:
        locmem.EmailBackend.open = original
    assert len(result.sent) == 20 and len(mail.outbox) == 20 and len(opened) == 1


@pytest.mark.django_db
def test_the_dispatch_log_of_an_object(django_capture_on_commit_callbacks):
    report = AccessibilityReport.objects.create(description="d")
    with transaction.atomic():
        row = outbox.outbox_enqueue(
            key="r:1",
            to=["a@b.se"],
            subject="s",
            template="emails/accessibility_report",
            context={"report": report},
            kind="test",
            related=report,
        )
    assert [m.pk for m in outbox.outbox_for(report)] == [row.pk]
    assert outbox.outbox_latest_for(AccessibilityReport, [report.pk])[report.pk].pk == row.pk
