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
        "onboarding-prune-import-batches": {
            # Unconfirmed import checks (names, e-mails) are deleted after a week.
            "task": "onboarding.tasks.prune_import_batches",
            "schedule": crontab(hour=3, minute=50),
        },
        "core-outbox-recover": {
            # Sends every outbox row still pending whose trigger was lost (the broker was
            # down), whose retry is due, or whose sender died (a stale claim).
            "task": "core.tasks.outbox_recover",
            "schedule": crontab(minute="*"),
        },
        "reminders-sweep": {
            # Records due reminders and sends each person's daily digest once the send hour
            # (an editable setting) has come; escalation deadlines go out at once to those who
            # asked. Hourly, so a missed tick or a stopped worker is caught up within the hour.
            "task": "reminders.tasks.sweep",
            "schedule": crontab(minute=7),
        },
        "escalation-handlers-sync": {
            # Adds users who now match the rules of the step an active case stands on.
            "task": "escalation.tasks.sync_current_handlers",
            "schedule": crontab(hour=5, minute=40),
        },
        "conferences-offers-expire": {
            # Lapses waiting-list offers whose time ran out and offers the seat to the next.
            "task": "conferences.tasks.offers_expire",
            "schedule": crontab(minute="*/10"),
        },
        "conferences-invitations-recover": {
            # Sends what a lost broker message or a dead worker left: invitation recipients
            # still queued, or claimed by a batch that stopped renewing its claim.
            "task": "conferences.tasks.invitations_recover",
            "schedule": crontab(minute="*/5"),
        },
        "conferences-mark-held": {
            # Conferences whose day has passed are marked held ("genomförd").
            "task": "conferences.tasks.mark_held",
            "schedule": crontab(hour=0, minute=20),
        },
        "conferences-cancellations-notify": {
            # Tells those registered that a conference is cancelled, once the registrar's
            # undo window (a few minutes) has closed.
            "task": "conferences.tasks.cancellations_notify",
            "schedule": crontab(minute="*"),
        },
        "conferences-unconfirmed-expire": {
            # Deletes registrations whose e-mail address was never confirmed (double opt-in).
            "task": "conferences.tasks.unconfirmed_expire",
            "schedule": crontab(minute=25),
        },
        "conferences-sensitive-data-purge": {
            # Deletes diet, allergy and accessibility answers N days after each conference.
            "task": "conferences.tasks.sensitive_data_purge",
            "schedule": crontab(hour=3, minute=15),
        },
    }
