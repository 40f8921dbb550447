"""The outbox: the one way the portal sends e-mail.

API (call from a service, INSIDE the transaction of the change that causes the mail)::

    outbox_enqueue(*, key, to, subject, template, context, attachments=(), reply_to=None,
                   kind, related=None) -> OutboxMessage | None

renders ``<template>.txt`` and ``<template>.html`` at once and stores the message as an
``OutboxMessage`` row. ``key`` is a stable string naming the fact that causes the mail
(``conferences:registration:12:bekraftad:3``); a second call with a key already stored writes
nothing and returns None. ``related`` (a model instance) lets a feature show its dispatch log:
``outbox_for(obj)``. ``outbox_enqueue_many`` does the same for many messages in few queries.

After commit the sender task is asked to send the new rows; if the broker is down that is only
logged — the beat job ``core.tasks.outbox_recover`` sends every row still pending. Sending
(``outbox_send``): the rows are claimed in ONE UPDATE with a token, sent over ONE SMTP
connection, and EACH row is marked sent by its own UPDATE right after the server accepted it.
Transient refusals (4xx, a broken connection, a timeout) are tried again later with backoff, up
to OUTBOX_MAX_ATTEMPTS; permanent ones (5xx) are marked failed with the server's answer.

The one window left: the server accepted a message and the process died before the UPDATE that
records it. That row stays claimed, and when its claim goes stale it is sent again. The README
gives the measured size of that window.
"""

from core.models import OutboxMessage
from core.outbox.listeners import is_receipt, outbox_listen
from core.outbox.reading import outbox_for, outbox_latest_for
from core.outbox.sending import (
    SendResult,
    email_for,
    outbox_recover,
    outbox_retry,
    outbox_retry_for,
    outbox_send,
    outbox_without,
    register_sender,
    sender_for,
)
from core.outbox.writing import (
    Draft,
    outbox_enqueue,
    outbox_enqueue_many,
    render_message,
    single_line,
    stale_after,
)

__all__ = [
    "Draft",
    "OutboxMessage",
    "SendResult",
    "email_for",
    "is_receipt",
    "outbox_enqueue",
    "outbox_enqueue_many",
    "outbox_for",
    "outbox_latest_for",
    "outbox_listen",
    "outbox_recover",
    "outbox_retry",
    "outbox_retry_for",
    "outbox_send",
    "outbox_without",
    "register_sender",
    "render_message",
    "sender_for",
    "single_line",
    "stale_after",
]
