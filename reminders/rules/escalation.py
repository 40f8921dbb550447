"""Escalation steps (escalation): at the step's warning point, and when its deadline has
passed (then again at the overdue interval) → the handlers of the step the case stands on.

These reminders cannot be opted out of, and may be sent immediately (a user preference).
Three queries: the current periods of active cases that fire, their handler links, and
the handlers (each person once).
"""

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
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
    links = list(
        CaseHandler.objects.filter(period_id__in=list(fired)).values_list("period_id", "user_id")
    )
    # A person handles many cases: fetch each user once, not once per case.
    users = get_user_model().objects.filter(pk__in={uid for _p, uid in links}, is_active=True)
    users = {u.pk: u for u in users}
    by_period: dict[int, list] = defaultdict(list)
    for period_id, user_id in links:
        if user_id in users:
            by_period[period_id].append(users[user_id])
    result = []
    for period_id, people in by_period.items():
        period, (kind, send_on, occurrence) = fired[period_id]
        result.extend(_candidates(period, kind, send_on, occurrence, people))
    return result


def _candidates(period, kind, send_on, occurrence, people) -> list[Candidate]:
    case = period.case
    title = _("%(ref)s %(title)s – steg %(order)s, %(step)s") % {
        "ref": case.reference,
        "title": case.title,
        "order": period.step_order,
        "step": period.step_name,
    }
    url = reverse("escalation:detail", kwargs={"pk": case.pk})
    source = _("Eskalering")
    return [
        Candidate(
            kind=kind,
            model=CaseStepPeriod,
            object_id=period.pk,
            due_date=period.deadline,
            send_on=send_on,
            occurrence=occurrence,
            source=source,
            title=title,
            url=url,
            recipient=user,
            email=user.email,
            created_at=period.started_at,
        )
        for user in people
    ]
