"""Checklist items (implementation): due in N days, due in M days, overdue (then every week)
→ the unit's implementation leads; overdue more than K days in a verksamhet → also the leads of
the förvaltning above it. An item counts as done when its progress is Klar or Ej aktuellt; a
missing progress row is open (Ej påbörjad).

Five queries, whatever the number of units: items (narrowed by due date), units of the fired
levels, closed progress of the fired items, and leads of the units and their förvaltningar.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from implementation.models import Progress, Responsibility, Status, Unit
from implementation.selectors import leads_for_units
from reminders.models import Kind
from reminders.rules import Candidate, Window, register

CLOSED = (Status.KLAR, Status.EJ_AKTUELLT)


@dataclass(frozen=True)
class Firing:
    kind: str
    send_on: dt.date
    occurrence: int = 0


def firings(due: dt.date, window: Window) -> list[Firing]:
    """The reminders an item with this due date has in the window (about any unit)."""
    cfg = window.config
    today = window.today
    found = []
    first = due - dt.timedelta(days=cfg.checklist_first_days)
    second = due - dt.timedelta(days=cfg.checklist_second_days)
    if window.contains(first) and today < second:
        found.append(Firing(Kind.CHECKLIST_FIRST, first))
    if window.contains(second) and today <= due:
        found.append(Firing(Kind.CHECKLIST_SECOND, second))
    days_over = (today - due).days
    interval = cfg.checklist_overdue_interval_days
    if days_over >= 1:
        k = (days_over - 1) // interval
        send_on = due + dt.timedelta(days=1 + k * interval)
        if window.contains(send_on):
            found.append(Firing(Kind.CHECKLIST_OVERDUE, send_on, k))
    after = cfg.checklist_forvaltning_after_days
    if days_over > after:
        m = (days_over - after - 1) // interval
        send_on = due + dt.timedelta(days=after + 1 + m * interval)
        if window.contains(send_on):
            found.append(Firing(Kind.CHECKLIST_OVERDUE_FORVALTNING, send_on, m))
    return found


def _items(window: Window) -> list[Responsibility]:
    horizon = window.today + dt.timedelta(days=window.config.checklist_first_days)
    return list(
        Responsibility.objects.filter(is_active=True)
        .annotate(due=Coalesce("due_date", F("phase__ends_on")))
        .filter(due__isnull=False, due__lte=horizon)
        .order_by("due", "pk")
    )


@register("checklist")
def collect(window: Window) -> list[Candidate]:
    fired = [(item, f) for item in _items(window) for f in firings(item.due, window)]
    if not fired:
        return []
    levels = {item.level for item, _f in fired}
    units = list(Unit.objects.filter(level__in=levels).select_related("party"))
    closed = set(
        Progress.objects.filter(
            responsibility_id__in={item.pk for item, _f in fired}, status__in=CLOSED
        ).values_list("unit_id", "responsibility_id")
    )
    leads = leads_for_units({u.pk for u in units} | {u.parent_id for u in units if u.parent_id})
    source = _("Genomförande")
    result = []
    for item, firing in fired:
        for unit in units:
            if unit.level != item.level or (unit.pk, item.pk) in closed:
                continue
            result.extend(_for_unit(item, firing, unit, leads, source))
    return result


def _for_unit(item, firing: Firing, unit: Unit, leads: dict, source: str) -> list[Candidate]:
    if firing.kind == Kind.CHECKLIST_OVERDUE_FORVALTNING:
        if not unit.parent_id:
            return []  # a förvaltning's own lead already has the weekly overdue reminder
        people = leads.get(unit.parent_id, [])
    else:
        people = leads.get(unit.pk, [])
    if not people:
        return []  # nobody to tell: skip building the text and link
    url = reverse(
        "implementation:progress",
        kwargs={"party": unit.party.slug, "unit": unit.slug, "code": item.code},
    )
    title = _("%(item)s – %(unit)s, %(party)s") % {
        "item": item.title,
        "unit": unit.name,
        "party": unit.party.name,
    }
    return [
        Candidate(
            kind=firing.kind,
            model=Responsibility,
            object_id=item.pk,
            scope_id=unit.pk,
            due_date=item.due,
            send_on=firing.send_on,
            occurrence=firing.occurrence,
            source=source,
            title=title,
            url=url,
            recipient=person,
            email=person.email,
        )
        for person in people
    ]
