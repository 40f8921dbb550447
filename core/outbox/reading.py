"""Reading the outbox: an object's dispatch log."""

import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from core.models import OutboxMessage

logger = logging.getLogger("core.outbox")

S = OutboxMessage.State


# --- Reading --------------------------------------------------------------------------------


def outbox_for(obj) -> list[OutboxMessage]:
    """The dispatch log of one object, newest first."""
    return list(
        OutboxMessage.objects.filter(
            related_type=ContentType.objects.get_for_model(type(obj)), related_id=obj.pk
        )
        .defer("text", "html", "attachments")
        .order_by("-created_at", "-pk")
    )


def outbox_latest_for(model, ids: Iterable[int]) -> dict[int, OutboxMessage]:
    """The newest outbox row per object of ``model`` among ``ids`` (one query)."""
    found: dict[int, OutboxMessage] = {}
    rows = (
        OutboxMessage.objects.filter(
            related_type=ContentType.objects.get_for_model(model), related_id__in=list(ids)
        )
        .defer("text", "html", "attachments")
        .order_by("related_id", "-created_at", "-pk")
    )
    for row in rows:
        found.setdefault(row.related_id, row)
    return found
