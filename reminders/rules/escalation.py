"""Escalation steps (escalation): at the step's warning point, and when its deadline has
passed (then again at the overdue interval) → the handlers of the step the case stands on.

These reminders cannot be opted out of, and may be sent immediately (a user preference).
Two queries: the current periods of active cases that fire, and their handlers.
"""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from escalation.models import Case, CaseHandler, CaseStepPeriod
from reminders.models import Kind
from reminders.rules import Candidate, Window, register


def firing(period: CaseStepPeriod, window: Window) -> tuple[str, dt.date, int] | None:
    today, deadline = window.today, period.deadline
    if today <= deadline:
        if window.contains(period.warning_on):
            return Kind.ESCALATION_WARNING, period.warning_on, 0
        return None
    interval = window.config.escalation_overdue_interval_days
    k = ((today - deadline).days - 1) // interval
    send_on = deadline + dt.timedelta(days=1 + k * interval)
    return (Kind.ESCALATION_OVERDUE, send_on, k) if window.contains(send_on) else None


@register("escalation")
def collect(window: Window) -> list[Candidate]:
    periods = (
        CaseStepPeriod.objects.filter(ended_at__isnull=True, case__status__in=Case.ACTIVE)
        .filter(
            Q(warning_on__gte=window.start, warning_on__lte=window.today)
            | Q(deadline__lt=window.today)
        )
        .select_related("case")
    )
    fired = {p.pk: (p, f) for p in periods if (f := firing(p, window))}
    if not fired:
        return []
    handlers = CaseHandler.objects.filter(period_id__in=list(fired)).select_related("user")
    result = []
    for link in handlers:
        period, (kind, send_on, occurrence) = fired[link.period_id]
        if not link.user.is_active:
            continue
        result.append(_candidate(period, kind, send_on, occurrence, link.user))
    return result


def _candidate(period, kind, send_on, occurrence, user) -> Candidate:
    case = period.case
    return Candidate(
        kind=kind,
        model=CaseStepPeriod,
        object_id=period.pk,
        due_date=period.deadline,
        send_on=send_on,
        occurrence=occurrence,
        source=_("Eskalering"),
        title=_("%(ref)s %(title)s – steg %(order)s, %(step)s")
        % {
            "ref": case.reference,
            "title": case.title,
            "order": period.step_order,
            "step": period.step_name,
        },
        url=reverse("escalation:detail", kwargs={"pk": case.pk}),
        recipient=user,
        email=user.email,
        created_at=period.started_at,
    )
