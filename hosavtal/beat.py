"""The beat schedule: every periodic job of the portal, in one place.

Each entry names a task; the task itself selects only the rows that still need work, so a
missed or doubled tick does no harm. Apps add their jobs here, never elsewhere.
"""

from celery.schedules import crontab


def beat_schedule() -> dict:
    return {
        "core-heartbeat": {
            # Proves that beat and a worker are alive; the health page reads its time.
            "task": "core.tasks.heartbeat",
            "schedule": crontab(minute="*/5"),
        },
    }
