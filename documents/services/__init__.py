"""Every write of the documents app: keyword-only, with ``actor``, atomic, validated, audited
(``core.audit.record``/``record_many`` with the vocabulary of ``documents.audit``); mail only
through the outbox inside the transaction, with a key naming the fact.

Locking: a version that has been sent (on remiss or in a dispatch) has ``sent_at`` and every
service that would change it or its files refuses with a Swedish message
(``documents.workflow.VERSION_FLOW``). A new version is a new row (:func:`version_create`).

One module per area: ``documents`` (documents, versions, files, backing), ``remiss`` (remiss
rounds and answers), ``dispatches`` (utskick and receipts).
"""

from documents.audiences import resolve
from documents.services._common import LOCKED
from documents.services.dispatches import (
    dispatch_create,
    dispatch_from_email,
    dispatch_remind,
    dispatch_send,
    receipt_confirm,
)
from documents.services.documents import (
    backing_record,
    document_create,
    document_update,
    version_create,
    version_file_add,
    version_update,
)
from documents.services.remiss import answer_record, round_create, round_remind, round_send

__all__ = [
    "LOCKED",
    "answer_record",
    "backing_record",
    "dispatch_create",
    "dispatch_from_email",
    "dispatch_remind",
    "dispatch_send",
    "document_create",
    "document_update",
    "receipt_confirm",
    "resolve",
    "round_create",
    "round_remind",
    "round_send",
    "version_create",
    "version_file_add",
    "version_update",
]
