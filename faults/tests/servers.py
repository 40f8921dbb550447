"""Real servers for the fault tests: a private Redis that a test may kill, Celery workers that
a test may kill, and the database URL the workers share with the test."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from core.testing import test_database_url
from core.testing.plugin import unavailable

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = 6391  # a private server: the shared Redis on 6379 is never touched
SMTP_PORT = 8025
STALE_SECONDS = 2


def _port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    url = f"redis://127.0.0.1:{REDIS_PORT}/0"

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server saknas (installera Debians redis-server)")
        if _port_in_use(REDIS_PORT):
            pytest.fail(f"port {REDIS_PORT} är upptagen: en Redis från en tidigare körning?")
        self.process = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [self.binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        pytest.fail("den privata Redis-servern startade inte")

    def kill(self) -> None:
        """Crash it (SIGKILL): without persistence, every queued message is gone."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def publishing_to(url: str):
    """Make this process's Celery app publish to ``url`` (the test's private Redis)."""
    from hosavtal.celery import app

    def reset_pools():
        # Drop, never close: kombu keeps pools in a global registry keyed by URL, and a closed
        # one would be handed out again to the next test.
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.broker_url, app.conf.broker_write_url
    app.conf.task_always_eager = False
    reset_pools()
    app.conf.broker_url = app.conf.broker_write_url = url
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.broker_write_url = before


class Worker:
    """A real ``celery worker`` (solo pool) on the private Redis, mailing the test's sink."""

    def __init__(self, log: Path):
        self.log_path = log
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": RedisServer.url,
            "DJANGO_SETTINGS_MODULE": "faults.tests.worker_settings",
            "FAULTS_SMTP_PORT": str(SMTP_PORT),
            "FAULTS_STALE_SECONDS": str(STALE_SECONDS),
            "CONN_MAX_AGE": "0",
        }
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hosavtal", "worker", "--pool=solo"]
            + ["--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def wait_for(condition, what: str, worker: Worker, *, timeout: float = 40, tick=None) -> None:
    """Poll ``condition``; ``tick`` (a beat stand-in) is called every 2 seconds."""
    deadline = time.monotonic() + timeout
    next_tick = time.monotonic() + 2
    while time.monotonic() < deadline:
        if condition():
            return
        if tick is not None and time.monotonic() >= next_tick:
            tick()
            next_tick = time.monotonic() + 2
        connection.close()
        time.sleep(0.1)
    pytest.fail(f"väntade förgäves på {what}; workerns logg:\n{worker.output()}")
