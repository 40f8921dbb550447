"""The digest: each item once, by urgency, with its status; a reported blocker is shown with
its reason (or left out by the person's choice); an "i dag" line on the deadline day."""

import datetime as dt

import time_machine

from implementation.models import Progress, Status
from reminders.models import Reminder, ReminderStatus
from reminders.services import preference_update, reminder_sweep

D = dt.date


def _body(mailbox, user) -> str:
    mails = [m for m in mailbox if m.to == [user.email]]
    assert len(mails) == 1
    return mails[0].body


def _blocked(world):
    Progress.objects.create(
        unit=world.verksamhet,
        responsibility=world.item,
        status=Status.HINDER,
        blocker_reason="Väntar på beslut i nämnden",
    )


@time_machine.travel("2026-10-15 08:00 +02:00", tick=False)
def test_the_deadline_day_says_i_dag(world, mailbox):
    reminder_sweep(today=D(2026, 10, 15))
    body = _body(mailbox, world.lead)
    assert "== Tidsgräns i dag ==" in body
    assert "Tidsgränsen är i dag, 15 oktober 2026." in body
    assert "Försenat" not in body


def test_reminders_about_one_item_collapse_to_the_latest(world, mailbox):
    # Recorded before the send hour on 1 October, not yet sent when the item falls overdue.
    with time_machine.travel("2026-10-01 06:30 +02:00", tick=False):
        reminder_sweep(today=D(2026, 10, 1))
    assert mailbox == []
    with time_machine.travel("2026-10-16 08:00 +02:00", tick=False):
        reminder_sweep(today=D(2026, 10, 16))
    body = _body(mailbox, world.lead)
    assert body.count("Ta fram rutiner för eskaleringstrappan") == 1
    assert "Försenat: tidsgränsen var 15 oktober 2026." in body
    assert "Tidsgränsen är 15 oktober 2026." not in body  # the older reminder is not shown
    reminders = Reminder.objects.filter(recipient=world.lead)
    assert reminders.count() == 2
    assert set(reminders.values_list("status", flat=True)) == {ReminderStatus.SENT}


@time_machine.travel("2026-10-16 08:00 +02:00", tick=False)
def test_a_reported_blocker_shows_its_reason_instead_of_overdue(world, mailbox):
    _blocked(world)
    reminder_sweep(today=D(2026, 10, 16))
    body = _body(mailbox, world.lead)
    assert "== Hinder rapporterat ==" in body
    assert "Hinder rapporterat (orsak: Väntar på beslut i nämnden)." in body
    assert "Status nu: Hinder." in body
    assert "Försenat" not in body


@time_machine.travel("2026-10-16 08:00 +02:00", tick=False)
def test_a_person_may_leave_reported_blockers_out(world, mailbox):
    _blocked(world)
    preference_update(
        user=world.lead,
        actor=world.lead,
        escalation_immediately=False,
        opted_out=[],
        hide_blocked=True,
    )
    result = reminder_sweep(today=D(2026, 10, 16))
    assert [m for m in mailbox if m.to == [world.lead.email]] == []
    assert result.skipped == 1
    assert Reminder.objects.get(recipient=world.lead).status == ReminderStatus.SKIPPED
    # The förvaltning's lead still hears about its own item.
    assert "Etablera lokalt införandeprojekt" in _body(mailbox, world.boss)


def test_the_preference_is_offered_under_mina_val(client, lead):
    client.force_login(lead)
    page = client.get("/paminnelser/val/").content.decode()
    assert "Ansvar där ett hinder redan är rapporterat" in page
    response = client.post(
        "/paminnelser/val/",
        {"escalation_immediately": "0", "wanted": [], "hide_blocked": "1"},
    )
    assert response.status_code == 302
    from reminders.models import Preference

    assert Preference.objects.get(user=lead).hide_blocked is True
