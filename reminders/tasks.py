"""Thin Celery task over the reminder sweep. It may run twice, late or concurrently: the
database constraints, the dispatch lock and the outbox's claim make that harmless."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from reminders.services import reminder_sweep


@shared_task(name="reminders.tasks.sweep")
def sweep(today: str | None = None) -> dict:
    """Collect, record and dispatch today's reminders into the outbox, which sends them."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return reminder_sweep(today=day, send=False).as_dict()
