"""Listeners: a feature's own dispatch log kept in step with the outbox rows of its kind."""

import datetime as dt
import logging
from dataclasses import dataclass

from core.models import OutboxMessage

logger = logging.getLogger("core.outbox")

S = OutboxMessage.State


# --- Listeners ------------------------------------------------------------------------------
#
# A feature that keeps its own dispatch log (an invitation's recipients, the reminder digests)
# registers a listener for its ``kind``. ``on_result`` runs in the SAME transaction as the
# outbox row's own UPDATE, so the feature's log can never disagree with the outbox;
# ``after_batch`` runs once per sender batch (e.g. to close a finished invitation).


@dataclass
class Listener:
    on_result: object  # (related_ids: list[int], state: str, answer: str, at: datetime) -> None
    after_batch: object = None  # (related_ids: list[int]) -> None


_listeners: dict[str, Listener] = {}


_receipt_tables: dict[str, str] = {}


def outbox_listen(kind: str, on_result, after_batch=None, *, tables: dict | None = None) -> None:
    """Keep a feature's dispatch log in step with the outbox rows of ``kind``. ``tables``
    maps each table ``on_result`` updates to a text only its UPDATE contains (a column name),
    so measurements can tell receipts apart from the feature's other writes."""
    _listeners[kind] = Listener(on_result, after_batch)
    _receipt_tables.update(tables or {})


def is_receipt(sql: str) -> bool:
    """Whether a statement is part of a delivery receipt: the UPDATEs that record one message
    right after the SMTP server answered (one short transaction per message, by design)."""
    if sql.startswith('UPDATE "core_outboxmessage" SET "state"') and '"last_answer"' in sql:
        return True
    return any(
        sql.startswith(f'UPDATE "{table}" SET') and marker in sql
        for table, marker in _receipt_tables.items()
    )


def _notify(row: OutboxMessage, state: str, answer: str, at: dt.datetime) -> None:
    listener = _listeners.get(row.kind)
    if listener is not None and row.related_id is not None:
        listener.on_result([row.related_id], state, answer, at)
