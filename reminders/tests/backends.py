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
    """Writes .eml files; stalls on the address in REMINDERS_TEST_STALL_ON, so a test can kill
    the worker while it is (certainly) in the middle of sending that message."""

    def send_messages(self, messages):
        stall_on = os.environ.get("REMINDERS_TEST_STALL_ON", "")
        for message in messages:
            if stall_on and stall_on in message.to:
                time.sleep(120)
        time.sleep(0.05)
        return super().send_messages(messages)
