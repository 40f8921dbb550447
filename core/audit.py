"""The audit trail: one mechanism (django-auditlog) for every app.

Models are registered with ``auditlog.register`` in their app's ``ready()``; every save and
delete then leaves a LogEntry with the actor, the time and the before/after values. Services
name the actor explicitly with :func:`audit_actor`, so that writes made outside a web request
(commands, Celery tasks) are attributed too.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.db import models


@contextmanager
def audit_actor(actor) -> Iterator[None]:
    """Attribute every audited write inside the block to ``actor`` (None: the system)."""
    previous = auditlog_value.get(None)
    with set_actor(actor):
        yield
    if previous is not None:
        # Give an enclosing block (e.g. the request middleware) its actor back.
        auditlog_value.set(previous)


def history_for(obj: models.Model, *, limit: int = 100) -> list[LogEntry]:
    """The audit entries of one object, newest first, with their actors."""
    return list(
        LogEntry.objects.get_for_object(obj)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:limit]
    )


def history_for_objects(objs: list[models.Model], *, limit: int = 200) -> list[LogEntry]:
    """The audit entries of several objects of one or more models, newest first."""
    if not objs:
        return []
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    query = Q()
    by_model: dict[type, list] = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj.pk)
    types = ContentType.objects.get_for_models(*by_model)
    for model, pks in by_model.items():
        query |= Q(content_type=types[model], object_pk__in=[str(pk) for pk in pks])
    return list(
        LogEntry.objects.filter(query)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:limit]
    )
