"""Writing to the outbox: a message rendered and stored in the transaction of its cause."""

import base64
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger("core.outbox")

S = OutboxMessage.State


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("OUTBOX_CLAIM_STALE_SECONDS", 300))


def single_line(value: str) -> str:
    """A header value on one line (a line break in a subject would break the message)."""
    return " ".join(str(value).split())


# --- Writing --------------------------------------------------------------------------------


@dataclass
class Draft:
    """What ``outbox_enqueue_many`` takes: the same fields as ``outbox_enqueue``."""

    key: str
    to: list[str]
    subject: str
    template: str
    context: dict
    kind: str
    attachments: Iterable[tuple[str, bytes, str]] = ()
    reply_to: list[str] | None = None
    related: object = None


def render_message(template: str, context: dict) -> tuple[str, str]:
    """The plain text and HTML of ``<template>.txt`` / ``<template>.html``; every template
    gets ``site_url`` (the one base address of every link) and ``portal_name``."""
    context = {"site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME, **context}
    return render_to_string(f"{template}.txt", context), render_to_string(
        f"{template}.html", context
    )


def _row(draft: Draft, now: dt.datetime, types: dict) -> OutboxMessage:
    text, html = render_message(draft.template, draft.context)
    related_type = related_id = None
    if draft.related is not None:
        model = type(draft.related)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        related_type, related_id = types[model], draft.related.pk
    return OutboxMessage(
        key=draft.key,
        kind=draft.kind,
        to=[address.strip() for address in draft.to if address and address.strip()],
        reply_to=list(draft.reply_to or []),
        subject=single_line(draft.subject)[:500],
        text=text,
        html=html,
        attachments=[
            {
                "filename": filename,
                "content": base64.b64encode(content).decode("ascii"),
                "mimetype": mimetype,
            }
            for filename, content, mimetype in draft.attachments
        ],
        next_attempt_at=now,
        related_type=related_type,
        related_id=related_id,
    )


def outbox_enqueue(
    *,
    key: str,
    to: list[str],
    subject: str,
    template: str,
    context: dict,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    reply_to: list[str] | None = None,
    kind: str,
    related=None,
) -> OutboxMessage | None:
    """Store one rendered message; None (and nothing written) if ``key`` is already stored."""
    draft = Draft(key, to, subject, template, context, kind, attachments, reply_to, related)
    created = outbox_enqueue_many([draft])
    return created[0] if created else None


def outbox_enqueue_many(drafts: Iterable[Draft], *, chunk: int = 500) -> list[OutboxMessage]:
    """Store many rendered messages in few queries; keys already stored are skipped."""
    drafts = [d for d in drafts if any(a and a.strip() for a in d.to)]
    if not drafts:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_enqueue must run inside the transaction of the change.")
    now, types, created = timezone.now(), {}, []
    for start in range(0, len(drafts), chunk):
        part = drafts[start : start + chunk]
        keys = {d.key for d in part}
        known = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
        rows, seen = [], set(known)
        for draft in part:
            if draft.key not in seen:
                seen.add(draft.key)
                rows.append(_row(draft, now, types))
        if not rows:
            continue
        # A concurrent transaction may store the same key meanwhile: the unique constraint
        # decides, inside a savepoint so the caller's transaction goes on.
        try:
            with transaction.atomic():
                OutboxMessage.objects.bulk_create(rows)
        except DatabaseError:
            rows = _insert_one_by_one(rows)
        created.extend(rows)
    if created:
        _send_after_commit([row.pk for row in created])
    return created


def _insert_one_by_one(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    stored = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            stored.append(row)
        except DatabaseError:
            logger.info("E-brevet %s finns redan i utkorgen.", row.key)
    return stored


def _send_after_commit(ids: list[int]) -> None:
    transaction.on_commit(lambda: _kick_sender(ids), robust=True)


def _kick_sender(ids: list[int]) -> None:
    """Ask a worker to send what a transaction stored. If the broker cannot take it, the
    request still succeeds: the rows are pending, and the beat job sends them."""
    from core.tasks import outbox_send_task

    batch = _setting("OUTBOX_BATCH_SIZE", 200)
    try:
        for start in range(0, len(ids), batch):
            outbox_send_task.apply_async((ids[start : start + batch],), retry=False)
    except Exception:  # any broker failure: the recovery job picks the rows up
        logger.warning(
            "Utkorgen kunde inte be en arbetare skicka %s e-brev (meddelandekön svarar inte); "
            "återhämtningsjobbet skickar dem.",
            len(ids),
            exc_info=True,
        )
