"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosavtal.settings")

app = Celery("hosavtal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **_kwargs) -> None:
    # One place for schedules: hosavtal/beat.py.
    from hosavtal.beat import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
