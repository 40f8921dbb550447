"""E-mail backends for tests: one that fails, one that is slow (for the killed-worker test)."""

import os
import smtplib
import time

from django.core.mail.backends.base import BaseEmailBackend

from core.mail import EmlFileBackend


class DisconnectedBackend(BaseEmailBackend):
    """A mail server that keeps dropping the connection (a transient error)."""

    calls = 0

    def send_messages(self, messages):
        DisconnectedBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("anslutningen bröts")


class RefusedBackend(BaseEmailBackend):
    """A mail server that refuses the recipient for good (a permanent error)."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.se": (550, b"no such user")})


class SlowFileBackend(EmlFileBackend):
    """Writes .eml files, after a pause, so a test can kill a worker mid-sweep."""

    def send_messages(self, messages):
        time.sleep(float(os.environ.get("REMINDERS_TEST_SEND_DELAY", "0.3")))
        return super().send_messages(messages)
