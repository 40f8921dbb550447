"""Catalogue writes (Förvaltare): the phases' names and dates and the checklist items.

An item's logged progress keeps the title it was logged under; a retired item keeps its
progress and log and leaves the checklists.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import audit_actor, record, record_many
from implementation.audit import ItemAction, PhaseAction, stored
from implementation.models import Level, Phase, Responsibility
from implementation.readiness import summaries


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _diff(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` for the fields that changed."""
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}


def _phase_fields(phase: Phase) -> dict:
    return {
        "namn": phase.name,
        "kort namn": phase.short_name,
        "beskrivning": phase.description,
        "börjar": _iso(phase.starts_on),
        "slutar": _iso(phase.ends_on),
    }


def phase_update(
    *,
    phase: Phase,
    actor,
    name: str,
    short_name: str,
    description: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> Phase:
    """Change a phase. Items whose due date followed the phase's end move with it (one UPDATE,
    an event on each moved item)."""
    with transaction.atomic(), audit_actor(actor):
        stored = Phase.objects.select_for_update().get(pk=phase.pk)
        before, old_end = _phase_fields(stored), stored.ends_on
        phase.name, phase.short_name, phase.description = name, short_name, description
        phase.starts_on, phase.ends_on = starts_on, ends_on
        phase.full_clean()
        phase.save()
        record(
            actor=actor,
            action=PhaseAction.UPDATED,
            obj=phase,
            data=_diff(before, _phase_fields(phase)),
        )
        if ends_on != old_end:
            moved = list(phase.responsibilities.filter(due_date=old_end))
            Responsibility.objects.filter(pk__in=[item.pk for item in moved]).update(
                due_date=ends_on
            )
            record_many(
                actor=actor,
                action=ItemAction.DUE_MOVED,
                objs=moved,
                data={"klart senast": [_iso(old_end), _iso(ends_on)]},
            )
    return phase


def _item_code(phase: Phase, level: str, title: str) -> str:
    base = f"{phase.code}-{level}-{slugify(title)}"[:70].strip("-")
    code, number = base, 2
    while Responsibility.objects.filter(code=code).exists():
        code, number = f"{base}-{number}", number + 1
    return code


def _item_fields(item: Responsibility) -> dict:
    return {
        "fas": item.phase.short_name,
        "rubrik": item.title,
        "beskrivning": item.description,
        "klart senast": _iso(item.due_date),
    }


def responsibility_create(
    *,
    phase: Phase,
    level: str,
    title: str,
    actor,
    description: str = "",
    due_date: dt.date | None = None,
    code: str = "",
) -> Responsibility:
    with transaction.atomic(), audit_actor(actor):
        last = phase.responsibilities.order_by("-order").values_list("order", flat=True).first()
        item = Responsibility(
            phase=phase,
            level=level,
            title=title.strip(),
            description=description.strip(),
            due_date=due_date or phase.ends_on,
            code=code or _item_code(phase, level, title),
            order=(last or 0) + 1,
        )
        item.full_clean()
        try:
            item.save()
        except IntegrityError as error:  # a concurrent create took the code
            raise ValidationError(_("Koden används redan.")) from error
        record(
            actor=actor,
            action=ItemAction.CREATED,
            obj=item,
            data={"kod": item.code, "nivå": stored(Level(level).label), **_item_fields(item)},
        )
    return item


def responsibility_update(
    *,
    item: Responsibility,
    actor,
    title: str,
    description: str,
    due_date: dt.date | None,
    phase: Phase | None = None,
) -> Responsibility:
    """Edit an item. Logged progress keeps the title it was logged under."""
    with transaction.atomic(), audit_actor(actor):
        before = _item_fields(item)
        item.title = title.strip()
        item.description = description.strip()
        if phase is not None:
            item.phase = phase
        item.due_date = due_date or item.phase.ends_on
        item.full_clean()
        item.save()
        record(
            actor=actor,
            action=ItemAction.UPDATED,
            obj=item,
            data=_diff(before, _item_fields(item)),
        )
    return item


def responsibility_set_active(*, item: Responsibility, actor, active: bool) -> Responsibility:
    """Retire (or restore) an item. Its progress and log stay; checklists stop showing it."""
    with transaction.atomic(), audit_actor(actor):
        changed = item.is_active != active
        item.is_active = active
        item.save(update_fields=["is_active"])
        if changed:
            summaries.item_active_changed()
            record(
                actor=actor,
                action=ItemAction.RESTORED if active else ItemAction.RETIRED,
                obj=item,
            )
    return item
