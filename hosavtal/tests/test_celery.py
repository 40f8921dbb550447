import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import Heartbeat
from core.tasks import heartbeat
from core.testing import test_database_url
from hosavtal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_celery_is_wired_for_reliability():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert "core-heartbeat" in conf.beat_schedule


@pytest.mark.django_db
def test_heartbeat_task_is_idempotent():
    heartbeat.delay("eager")
    heartbeat.delay("eager")
    assert Heartbeat.objects.filter(name="eager").count() == 1


def test_a_real_worker_runs_a_task_through_redis(real_services):
    app.conf.task_always_eager = False
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hosavtal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        heartbeat.delay("integration")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Heartbeat.objects.filter(name="integration").exists():
                break
            connection.close()
            time.sleep(0.5)
        else:
            worker.terminate()
            pytest.fail("workern körde inte uppgiften:\n" + worker.communicate(timeout=10)[0])
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
    assert Heartbeat.objects.get(name="integration").beat_at is not None
