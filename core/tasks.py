"""Thin Celery tasks of core: the heartbeat and the outbox's sender and recovery job."""

import logging

from celery import shared_task
from django.db import DatabaseError

from core import outbox
from core.services import heartbeat_record

logger = logging.getLogger(__name__)

# A task that dies with its worker is delivered again (acks_late + reject_on_worker_lost); the
# rows it held are claimable once their claim is stale. Nothing is sent twice: each row is
# claimed by one sender and marked sent right after the server accepted it (core.outbox).
RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="core.tasks.heartbeat")
def heartbeat(name: str = "worker") -> None:
    """Record that a worker ran a task (idempotent: it only moves a timestamp)."""
    heartbeat_record(name=name)


@shared_task(
    name="core.tasks.outbox_send",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
    **RELIABLE,
)
def outbox_send_task(ids: list[int] | None = None) -> int:
    """Send the given outbox rows (those still pending); transient refusals come back later."""
    result = outbox.outbox_send(ids)
    if result.retry:
        outbox_send_task.apply_async((result.retry,), countdown=result.next_retry_in or 60)
    return len(result.sent)


@shared_task(name="core.tasks.outbox_recover", **RELIABLE)
def outbox_recover() -> int:
    """Beat job: send what a lost trigger (broker down), a due retry or a dead worker left."""
    batches = outbox.outbox_recover()
    for ids in batches:
        outbox_send_task.delay(ids)
    return sum(len(ids) for ids in batches)
