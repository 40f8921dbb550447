import io

from django.core.management import call_command

from hosavtal.beat import beat_schedule
from hosavtal.celery import app
from reminders.models import Preference, ReminderSettings
from reminders.tasks import sweep


def test_the_sweep_is_in_the_one_beat_schedule_and_tasks_are_registered():
    entry = beat_schedule()["reminders-sweep"]
    assert entry["task"] == sweep.name == "reminders.tasks.sweep"
    assert sweep.name in app.tasks
    # The digests go through the outbox: its sender and its recovery job (every minute).
    assert "core.tasks.outbox_send" in app.tasks
    assert beat_schedule()["core-outbox-recover"]["task"] == "core.tasks.outbox_recover"
    assert not app.conf.worker_cancel_long_running_tasks_on_connection_loss
    # Late acknowledgement: a task on a worker that dies is run again (the claim makes it safe).
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.task_time_limit and app.conf.worker_prefetch_multiplier == 1


def test_reference_and_demo_data_are_idempotent(db, tmp_path):
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("load_reference_data", stdout=io.StringIO())
    assert ReminderSettings.objects.count() == 1
    assert ReminderSettings.load().checklist_first_days == 14
    from core.refdata import LoadReport
    from reminders import demo

    call_command("seed_demo", stdout=io.StringIO())
    before = Preference.objects.count()
    demo.seed(scale="small", password="x", report=LoadReport())
    assert Preference.objects.count() == before
