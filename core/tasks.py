from celery import shared_task

from core.services import heartbeat_record


@shared_task(name="core.tasks.heartbeat")
def heartbeat(name: str = "worker") -> None:
    """Record that a worker ran a task (idempotent: it only moves a timestamp)."""
    heartbeat_record(name=name)
