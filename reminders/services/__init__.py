"""Every write of the reminder machinery: the sweep, sending, retry, settings and preferences.

The sweep, run by Celery beat every hour or by ``manage.py send_reminders``:

1. **collect** – every rule yields candidates for today (and the catch-up window);
2. **record** – one Reminder row each, ``bulk_create(ignore_conflicts=True)`` against the
   unique constraint, so a second tick, a second worker or a retried task adds nothing;
3. **dispatch** – opted-out kinds are marked skipped; escalation deadlines of people who asked
   for them immediately get their own message; everything else joins the person's one daily
   digest (unique per person and day) once the day's send hour has come;
4. **outbox** – in the same transaction each open message is rendered (each item once, by
   urgency, with its status now) and written to the outbox (core.outbox), which sends it
   exactly once; the message's status follows its outbox row (``_outbox_result``).

Statuses move only as ``reminders.workflow`` says; every bulk step is recorded with
``core.audit.record_many`` (``reminders.audit``). One module per step: ``collect`` (1–2),
``dispatch`` (3–4), ``sending`` (the outbox's results and the sweep), ``manage`` (retry,
settings, preferences).
"""

from reminders.services.collect import reminder_candidates, reminders_record, send_time
from reminders.services.dispatch import ATTACH_BATCH, messages_dispatch, messages_enqueue
from reminders.services.manage import message_retry, preference_update, settings_update
from reminders.services.sending import SendResult, SweepResult, messages_send, reminder_sweep

__all__ = [
    "ATTACH_BATCH",
    "SendResult",
    "SweepResult",
    "message_retry",
    "messages_dispatch",
    "messages_enqueue",
    "messages_send",
    "preference_update",
    "reminder_candidates",
    "reminder_sweep",
    "reminders_record",
    "send_time",
    "settings_update",
]
