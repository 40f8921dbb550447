import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import call_command

from core.models import OutboxMessage
from core.outbox import is_receipt
from implementation.models import Level, MembershipRole, Unit, UnitMembership
from reminders.models import (
    Kind,
    Message,
    MessageKind,
    MessageStatus,
    Reminder,
    ReminderStatus,
)
from reminders.services import (
    message_retry,
    messages_send,
    preference_update,
    reminder_sweep,
)

D = dt.date


MORNING = "2026-10-01 08:00 +02:00"


FIRST_OCT = D(2026, 10, 1)


def sweep(day=FIRST_OCT):
    return reminder_sweep(today=day)


@time_machine.travel(MORNING, tick=False)
def test_one_digest_per_person_with_links_and_swedish_text(world, mailbox, settings):
    settings.SITE_URL = "https://hos.example.se"
    result = sweep()
    assert (result.new, result.sent) == (3, 3)
    assert sorted(m.to[0] for m in mailbox) == sorted(
        [world.lead.email, world.other.email, world.boss.email]
    )
    mail = next(m for m in mailbox if m.to == [world.lead.email])
    assert mail.subject == "Din påminnelse 1 oktober 2026 (1 sak)"
    assert "Ta fram rutiner för eskaleringstrappan – Hemsjukvård Centrum, Göteborg" in mail.body
    assert "Tidsgränsen är 15 oktober 2026." in mail.body
    assert "== Kommande ==" in mail.body and "Status nu: Ej påbörjad." in mail.body
    assert "https://hos.example.se/genomforande/part/goteborg/t-hemsjukvard/ansvar/t-rutiner/" in (
        mail.body
    )
    html = mail.alternatives[0][0]
    assert 'href="https://hos.example.se/genomforande/part/goteborg/t-hemsjukvard/' in html
    assert Message.objects.filter(status=MessageStatus.SENT, kind=MessageKind.DAILY).count() == 3
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


@time_machine.travel(MORNING, tick=False)
def test_the_digest_groups_all_of_a_persons_reminders(world, mailbox):
    second = Unit.objects.create(
        party=world.verksamhet.party,
        level=Level.VERKSAMHET,
        parent=world.forvaltning,
        name="Rehab Väster",
        slug="t-rehab",
    )
    UnitMembership.objects.create(unit=second, user=world.lead, role=MembershipRole.LEAD)
    UnitMembership.objects.create(unit=world.forvaltning, user=world.lead, role=MembershipRole.LEAD)
    sweep()
    to_lead = [m for m in mailbox if m.to == [world.lead.email]]
    assert len(to_lead) == 1
    assert to_lead[0].subject == "Dina påminnelser 1 oktober 2026 (3 saker)"
    for name in ("Hemsjukvård Centrum", "Rehab Väster", "Etablera lokalt införandeprojekt"):
        assert name in to_lead[0].body


@time_machine.travel(MORNING, tick=False)
def test_running_the_sweep_twice_sends_each_reminder_once(world, mailbox):
    sweep()
    again = sweep()
    assert (again.new, again.sent, again.messages) == (0, 0, 0)
    assert len(mailbox) == 3
    assert Reminder.objects.count() == 3


@time_machine.travel(MORNING, tick=False)
def test_a_claimed_message_is_not_sent_by_a_second_sender(world, mailbox):
    reminder_sweep(today=D(2026, 10, 1), send=False)
    ids = list(Message.objects.values_list("pk", flat=True))
    assert OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count() == 3
    # Another worker claimed them a moment ago (status "sending", fresh claim).
    OutboxMessage.objects.update(
        state=OutboxMessage.State.SENDING, claimed_at=dt.datetime.now(dt.UTC)
    )
    assert messages_send(message_ids=ids).sent == []
    assert mailbox == []


def test_an_abandoned_claim_is_taken_over_after_the_stale_time(world, mailbox, settings):
    settings.OUTBOX_CLAIM_STALE_SECONDS = 30 * 60
    with time_machine.travel(MORNING, tick=False):
        reminder_sweep(today=D(2026, 10, 1), send=False)
        OutboxMessage.objects.update(
            state=OutboxMessage.State.SENDING, claimed_at=dt.datetime.now(dt.UTC)
        )
    with time_machine.travel("2026-10-01 08:20 +02:00", tick=False):
        assert sweep().sent == 0
    with time_machine.travel("2026-10-01 08:31 +02:00", tick=False):
        assert sweep().sent == 3
    assert len(mailbox) == 3
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 3


@time_machine.travel("2026-10-01 06:30 +02:00", tick=False)
def test_nothing_goes_out_before_the_send_hour_but_it_is_recorded(world, mailbox):
    result = sweep()
    assert (result.new, result.sent) == (3, 0)
    assert mailbox == []
    with time_machine.travel("2026-10-01 07:05 +02:00", tick=False):
        assert sweep().sent == 3


@time_machine.travel(MORNING, tick=False)
def test_opted_out_kinds_are_not_sent(world, mailbox):
    preference_update(
        user=world.lead,
        actor=world.lead,
        escalation_immediately=False,
        opted_out=[Kind.CHECKLIST_FIRST],
    )
    result = sweep()
    assert result.skipped == 1
    assert world.lead.email not in [m.to[0] for m in mailbox]
    assert Reminder.objects.get(recipient=world.lead).status == ReminderStatus.SKIPPED


def _escalation_reminder(user, *, day=FIRST_OCT, kind=Kind.ESCALATION_OVERDUE, pk=1):
    from django.contrib.contenttypes.models import ContentType

    return Reminder.objects.create(
        recipient=user,
        recipient_key=f"u:{user.pk}",
        email=user.email,
        content_type=ContentType.objects.get_for_model(Unit),
        object_id=pk,
        kind=kind,
        due_date=day,
        send_on=day,
        source="Eskalering",
        title="Ärende 2026-14: steg 2",
        url="/eskalering/",
    )


@time_machine.travel("2026-10-01 05:00 +02:00", tick=False)
def test_escalation_deadlines_go_immediately_to_those_who_asked(world, mailbox):
    preference_update(user=world.lead, actor=world.lead, escalation_immediately=True, opted_out=[])
    _escalation_reminder(world.lead)
    _escalation_reminder(world.boss)  # the default: in the daily digest
    result = sweep()
    assert result.sent == 1
    assert [m.to for m in mailbox] == [[world.lead.email]]
    assert mailbox[0].subject == "Tidsgräns i eskaleringen – 1 oktober 2026"
    assert Message.objects.get().kind == MessageKind.IMMEDIATE
    with time_machine.travel("2026-10-01 07:00 +02:00", tick=False):
        sweep()
    boss_mail = [m for m in mailbox if m.to == [world.boss.email]]
    assert len(boss_mail) == 1 and "Ärende 2026-14: steg 2" in boss_mail[0].body


def test_escalation_deadlines_cannot_be_opted_out(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        preference_update(
            user=world.lead,
            actor=world.lead,
            escalation_immediately=False,
            opted_out=[Kind.ESCALATION_OVERDUE],
        )


def test_a_deadline_moved_later_gets_a_fresh_reminder(world, mailbox, config):
    config.catch_up_days = 0
    config.save()
    with time_machine.travel("2026-10-12 08:00 +02:00", tick=False):
        sweep(D(2026, 10, 12))
    assert len(mailbox) == 3
    world.item.due_date = D(2026, 10, 20)
    world.item.save()
    with time_machine.travel("2026-10-17 08:00 +02:00", tick=False):
        result = sweep(D(2026, 10, 17))
    assert result.new == 2  # the two verksamhet leads, for the new date
    assert Reminder.objects.filter(kind=Kind.CHECKLIST_SECOND).count() == 5


@time_machine.travel(MORNING, tick=False)
def test_a_reminder_arriving_after_todays_digest_waits_for_tomorrows(world, mailbox):
    sweep()
    _escalation_reminder(world.lead)
    assert sweep().sent == 0
    with time_machine.travel("2026-10-02 08:00 +02:00", tick=False):
        assert sweep(D(2026, 10, 2)).sent == 1
    assert "Ärende 2026-14" in mailbox[-1].body
    assert "Försenat: tidsgränsen var 1 oktober 2026." in mailbox[-1].body


@time_machine.travel(MORNING, tick=False)
def test_transient_errors_are_retried_a_bounded_number_of_times(world, settings, mailbox):
    settings.EMAIL_BACKEND = "reminders.tests.backends.DisconnectedBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    result = sweep()
    assert (result.sent, result.retrying) == (0, 3)
    message = Message.objects.get(recipient=world.lead)
    assert message.status == MessageStatus.SENDING
    assert message.attempts == 1
    assert "SMTPServerDisconnected" in message.last_error
    assert sweep().retrying == 0  # not due yet: the backoff holds it back
    for _ in range(2):
        OutboxMessage.objects.update(next_attempt_at=dt.datetime.now(dt.UTC))
        sweep()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(next_attempt_at=dt.datetime.now(dt.UTC))
    assert sweep().sent == 0  # failed stays failed until Förvaltare retries
    assert mailbox == []


@time_machine.travel(MORNING, tick=False)
def test_permanent_errors_fail_at_once(world, settings):
    settings.EMAIL_BACKEND = "reminders.tests.backends.RefusedBackend"
    result = sweep()
    assert (result.failed, result.retrying) == (3, 0)
    assert Message.objects.filter(status=MessageStatus.FAILED).count() == 3


@time_machine.travel(MORNING, tick=False)
def test_retry_of_a_failed_message_sends_it_and_is_audited(
    world, settings, mailbox, forvaltare, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "reminders.tests.backends.RefusedBackend"
    sweep()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = Message.objects.get(recipient=world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=message, actor=forvaltare)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert [m.to for m in mailbox] == [[world.lead.email]]
    entry = LogEntry.objects.get_for_object(message).filter(actor=forvaltare).get()
    assert entry.changes_dict["status"] == ["failed", "sending"]
    assert OutboxMessage.objects.filter(related_id=message.pk).count() == 1


def test_only_failed_messages_can_be_retried(world, forvaltare):
    from django.core.exceptions import ValidationError

    with time_machine.travel(MORNING, tick=False):
        sweep()
    with pytest.raises(ValidationError):
        message_retry(message=Message.objects.first(), actor=forvaltare)


@time_machine.travel(MORNING, tick=False)
def test_the_sweep_task_writes_the_outbox_which_sends_after_commit(
    world, mailbox, django_capture_on_commit_callbacks
):
    from reminders.tasks import sweep as sweep_task

    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep_task.delay("2026-10-01").get()
    assert counts["new"] == 3 and counts["messages"] == 3
    assert len(mailbox) == 3


@time_machine.travel(MORNING, tick=False)
def test_dry_run_writes_nothing_and_lists_what_would_be_sent(world, mailbox, capsys):
    call_command("send_reminders", "--dry-run", "--date", "2026-10-01")
    out = capsys.readouterr().out
    assert "Provkörning för 1 oktober 2026: 3 nya påminnelser." in out
    assert world.lead.email in out and "Ta fram rutiner" in out
    assert Reminder.objects.count() == 0 and Message.objects.count() == 0
    assert mailbox == []


@time_machine.travel(MORNING, tick=False)
def test_the_command_runs_the_sweep(world, mailbox, capsys):
    call_command("send_reminders", "--date", "2026-10-01")
    assert "3 nya" in capsys.readouterr().out
    assert len(mailbox) == 3
    call_command("send_reminders")
    assert len(mailbox) == 3


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ogiltigt datum"):
        call_command("send_reminders", "--date", "1 oktober")


def test_the_whole_sweep_runs_in_a_bounded_number_of_queries(world, make_user):
    """Collect, record, dispatch and send: the same number of queries for 3 people as for
    150, apart from the receipts (the statements that record each delivered message right
    after the SMTP server accepted it, which by design are one short transaction each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(day):
        with (
            time_machine.travel(f"{day} 08:00 +02:00", tick=False),
            CaptureQueriesContext(connection) as captured,
        ):
            result = reminder_sweep(today=D.fromisoformat(day))
        others = [q["sql"] for q in captured.captured_queries if not is_receipt(q["sql"])]
        return len(others), len(captured.captured_queries) - len(others), result

    small, small_receipts, _ = run("2026-10-01")
    for i in range(147):
        unit = Unit.objects.create(
            party=world.verksamhet.party,
            level=Level.VERKSAMHET,
            parent=world.forvaltning,
            name=f"Enhet {i}",
            slug=f"t-enhet-{i}",
        )
        UnitMembership.objects.create(
            unit=unit, user=make_user(username=f"t-l{i}"), role=MembershipRole.LEAD
        )
    large, large_receipts, result = run("2026-10-12")
    assert Message.objects.filter(day=D(2026, 10, 12), status=MessageStatus.SENT).count() == 150
    # Three statements per delivered digest: the outbox row, the message, its reminders.
    assert large_receipts - small_receipts == (150 - 3) * 3
    # SQLite splits a bulk INSERT at 999 parameters (a few more statements for 150 rows);
    # PostgreSQL inserts them in one. Either way: not a query per reminder. The audit events
    # (core.audit.record_many: the recorded reminders, the queued messages) split likewise.
    assert large <= small + 8, large
