"""The audit trail: explicit events, said in each app's words, plus row diffs.

Every service that changes domain data calls :func:`record` (one object) or
:func:`record_many` (a bulk path: one INSERT for all objects) inside its transaction, with an
action from the app's typed vocabulary (``<app>/audit.py``: a subclass of :class:`AuditAction`).
Both bump the :class:`~core.models.DataVersion` counter in the same transaction, so the
fragment cache (``core.fragments``) sees every change, queryset ``update()`` and
``bulk_create`` included.

django-auditlog stays beside it for the before/after values of a ``save()`` (models are
registered in their app's ``ready()``); :func:`audit_actor` names the actor for those rows when
the write happens outside a web request. Its entries bump the data version too.

The history an object's page shows (``{% historik obj %}``) is both, merged newest first.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AuditAction",
    "HistoryRow",
    "audit_actor",
    "bump_data_version",
    "data_version",
    "history_for",
    "history_for_objects",
    "merge_history",
    "record",
    "record_many",
]


class AuditAction(models.TextChoices):
    """Base of each app's vocabulary: ``VALUE = "<app>.<object>.<verb>", _("Swedish label")``."""


_VOCABULARY: dict[str, str] = {}


def _label(action: str) -> str:
    if action not in _VOCABULARY:  # a vocabulary imported since the last look
        for vocabulary in _subclasses(AuditAction):
            _VOCABULARY.update({member.value: member.label for member in vocabulary})
    return _VOCABULARY.get(action, action)


def _subclasses(cls) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


# --- the version of all domain data -------------------------------------------------------
def bump_data_version() -> None:
    """Move the data version on, in the caller's transaction (one UPDATE)."""
    from core.models import DataVersion

    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def data_version() -> int:
    """The current version of all domain data (one primary-key lookup; 0 before the first)."""
    from core.models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


# --- writing events -----------------------------------------------------------------------
def _check(action) -> str:
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit action must come from an app's AuditAction vocabulary: {action!r}")
    return action.value


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(actor, action: str, obj: models.Model, data: dict, at: dt.datetime, types) -> object:
    from core.models import AuditEvent

    return AuditEvent(
        at=at,
        actor=actor,
        action=action,
        content_type=types[type(obj)._meta.concrete_model],
        object_pk=str(obj.pk),
        object_repr=str(obj)[:200],
        data=data,
    )


def record(*, actor, action: AuditAction, obj: models.Model, data: dict | None = None):
    """Record that ``actor`` (None: the system) did ``action`` to ``obj``; ``data`` is JSON —
    a ``[before, after]`` pair per changed field is shown as "före → efter"."""
    value = _check(action)
    with transaction.atomic():
        model = type(obj)._meta.concrete_model
        event = _event(
            _actor(actor),
            value,
            obj,
            data or {},
            timezone.now(),
            {model: ContentType.objects.get_for_model(model)},
        )
        event.save(force_insert=True)
        bump_data_version()
    return event


def record_many(
    *,
    actor,
    action: AuditAction,
    objs: Iterable[models.Model],
    data: dict | Callable[[models.Model], dict] | None = None,
) -> int:
    """One event per object, in one INSERT and one bump (a bulk path). ``data`` may be a
    function of the object. Returns how many events were written."""
    from core.models import AuditEvent

    value = _check(action)
    objs = list(objs)
    if not objs:
        return 0
    types = ContentType.objects.get_for_models(*{type(o)._meta.concrete_model for o in objs})
    types = {model._meta.concrete_model: ct for model, ct in types.items()}
    at, who = timezone.now(), _actor(actor)
    events = [
        _event(who, value, obj, (data(obj) if callable(data) else data) or {}, at, types)
        for obj in objs
    ]
    with transaction.atomic():
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        bump_data_version()
    return len(events)


@contextmanager
def audit_actor(actor) -> Iterator[None]:
    """Attribute every django-auditlog row diff inside the block to ``actor`` (None: the
    system)."""
    previous = auditlog_value.get(None)
    with set_actor(actor):
        yield
    if previous is not None:
        # Give an enclosing block (e.g. the request middleware) its actor back.
        auditlog_value.set(previous)


def bump_on_log_entry(sender, instance, created, **kwargs) -> None:
    """django-auditlog's row diffs move the data version on too (connected in core.apps)."""
    if created:
        bump_data_version()


# --- reading the history ------------------------------------------------------------------
@dataclass
class HistoryRow:
    """One line of an object's history, from an event or a row diff."""

    key: str
    at: dt.datetime
    actor: object
    object_repr: str
    label: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    notes: list[tuple[str, object]] = field(default_factory=list)

    # The template of earlier versions read these names.
    @property
    def timestamp(self) -> dt.datetime:
        return self.at


_LOG_LABELS = {
    LogEntry.Action.CREATE: _("Skapad"),
    LogEntry.Action.UPDATE: _("Ändrad"),
    LogEntry.Action.DELETE: _("Borttagen"),
}


def _from_log(entry: LogEntry) -> HistoryRow:
    changes = []
    if entry.action == LogEntry.Action.UPDATE:
        # Before/after only for changes: a creation's display values would resolve every
        # foreign key once per entry (one query each).
        for name, values in (entry.changes_display_dict or {}).items():
            before, after = (list(values) + [None, None])[:2]
            changes.append((name, before, after))
    return HistoryRow(
        key=f"l{entry.pk}",
        at=entry.timestamp,
        actor=entry.actor,
        object_repr=entry.object_repr,
        label=str(_LOG_LABELS.get(entry.action, _("Läst"))),
        changes=changes,
    )


def _plain(value) -> object:
    """A note's value as a reader sees it: a list as "a, b", a mapping as "a: 1, b: 2"."""
    if isinstance(value, list):
        return ", ".join(str(_plain(item)) for item in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_plain(item)}" for key, item in value.items()) or "–"
    return value


def _from_event(event) -> HistoryRow:
    changes, notes = [], []
    for name, value in (event.data or {}).items():
        if isinstance(value, list) and len(value) == 2:
            changes.append((name, value[0], value[1]))
        else:
            notes.append((name, _plain(value)))
    return HistoryRow(
        key=f"e{event.pk}",
        at=event.at,
        actor=event.actor,
        object_repr=event.object_repr,
        label=str(_label(event.action)),
        changes=changes,
        notes=notes,
    )


def merge_history(events, entries, limit: int) -> list[HistoryRow]:
    """AuditEvents and LogEntries as one history, newest first (at most ``limit`` rows)."""
    rows = [_from_event(e) for e in events] + [_from_log(e) for e in entries]
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows[:limit]


def _query(objs: list[models.Model]) -> Q:
    by_model: dict[type, list] = {}
    for obj in objs:
        by_model.setdefault(type(obj)._meta.concrete_model, []).append(str(obj.pk))
    types = ContentType.objects.get_for_models(*by_model)
    query = Q()
    for model, pks in by_model.items():
        query |= Q(content_type=types[model], object_pk__in=pks)
    return query


def history_for(obj: models.Model, *, limit: int = 100) -> list[HistoryRow]:
    """The history of one object, newest first, with its actors."""
    return history_for_objects([obj], limit=limit)


def history_for_objects(objs: list[models.Model], *, limit: int = 200) -> list[HistoryRow]:
    """The history of several objects of one or more models, newest first."""
    from core.models import AuditEvent

    if not objs:
        return []
    query = _query(objs)
    events = AuditEvent.objects.filter(query).select_related("actor").order_by("-at")[:limit]
    entries = (
        LogEntry.objects.filter(query)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:limit]
    )
    return merge_history(list(events), list(entries), limit)
