"""Thin Celery tasks over the reminder services. Both may run twice, late or concurrently:
the database constraints and the claim make that harmless."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from reminders.services import messages_send, reminder_sweep

# Transient send errors are retried with backoff: 1, 2, 4, 8, 16 minutes, then marked failed.
MAX_RETRIES = 5


@shared_task(name="reminders.tasks.sweep")
def sweep(today: str | None = None) -> dict:
    """Collect, record and dispatch today's reminders, then queue one send task per message."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    result = reminder_sweep(today=day, send=False)
    for pk in result.ready_ids:
        send_message.delay(pk)
    return result.as_dict()


@shared_task(bind=True, name="reminders.tasks.send_message", max_retries=MAX_RETRIES)
def send_message(self, message_id: int) -> str:
    """Send one message if nobody else has; retry only on transient (connection) errors."""
    final = self.request.retries >= MAX_RETRIES
    result = messages_send(message_ids=[message_id], final=final)
    if message_id in result.retry:
        raise self.retry(countdown=60 * 2**self.request.retries)
    if message_id in result.sent:
        return "sent"
    return "failed" if message_id in result.failed else "skipped"
