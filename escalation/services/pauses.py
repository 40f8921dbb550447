"""Vilande: a case's clock stands still while it waits (e.g. for a body's meeting); on resume
the step's deadline moves by the working days it stood still."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core.audit import audit_actor, record
from escalation.audit import CaseAction
from escalation.models import Case, CaseEvent, CasePause, CaseStepPeriod
from escalation.permissions import Action
from escalation.services.common import check, lock, long_date, require_text, timeline
from escalation.workdays import add_working_days, working_days_between
from escalation.workflow import running_status


@transaction.atomic
def case_pause(
    *, case: Case, actor: User, reason: str, when: dt.datetime | None = None
) -> CasePause:
    """Vilande: the clock stops (no deadline, warning or reminder runs) until resumed."""
    case = lock(case)
    target, _facts = check(case, actor, Action.PAUSE)
    reason = require_text(
        reason, _("Ange varför ärendet blir vilande, t.ex. att det väntar på ett möte."), "reason"
    )
    now = when or timezone.now()
    period = CaseStepPeriod.objects.get(case=case, ended_at__isnull=True)
    pause = CasePause(
        case=case,
        period=period,
        reason=reason,
        started_by=actor,
        started_at=now,
        started_on=timezone.localdate(now),
        resume_status=case.status,
    )
    pause.full_clean()
    with audit_actor(actor):
        pause.save()
        case.status = target
        case.full_clean()
        case.save()
        timeline(case, CaseEvent.Kind.PAUSED, actor, reason, now)
        record(
            actor=actor,
            action=CaseAction.PAUSED,
            obj=case,
            data={"status": [pause.resume_status, case.status]},
        )
    return pause


def close_pause(case: Case, actor, now: dt.datetime, *, resume: bool) -> CasePause | None:
    """End the case's open pause (if any); with ``resume``, move the step's dates by the
    working days it stood still and give the case its status from before the pause."""
    pause = CasePause.objects.select_for_update().filter(case=case, ended_at__isnull=True).first()
    if pause is None:
        return None
    today = timezone.localdate(now)
    pause.ended_by = actor
    pause.ended_at = now
    pause.ended_on = today
    pause.working_days = working_days_between(pause.started_on, today)
    pause.full_clean()
    pause.save()
    if resume:
        shift = pause.working_days
        period = pause.period
        if shift:
            period.deadline = add_working_days(period.deadline, shift)
            period.warning_on = min(period.deadline, add_working_days(period.warning_on, shift))
            period.paused_working_days += shift
            period.full_clean()
            period.save()
        case.step_deadline = period.deadline
        case.step_warning_on = period.warning_on
        case.status = pause.resume_status
    return pause


@transaction.atomic
def case_resume(*, case: Case, actor: User, when: dt.datetime | None = None) -> Case:
    """Start the clock again: the deadline moves by the working days the case was vilande."""
    case = lock(case)
    check(case, actor, Action.RESUME)
    now = when or timezone.now()
    before = case.status
    with audit_actor(actor):
        pause = close_pause(case, actor, now, resume=True)
        if pause is None:  # a paused case always has an open pause; repair rather than fail
            case.status = running_status(case.step_order)
        case.full_clean()
        case.save()
        days = pause.working_days if pause else 0
        text = ngettext(
            "Ärendet var vilande %(n)s arbetsdag. Ny tidsgräns: %(date)s.",
            "Ärendet var vilande %(n)s arbetsdagar. Ny tidsgräns: %(date)s.",
            days,
        ) % {"n": days, "date": long_date(case.step_deadline)}
        timeline(case, CaseEvent.Kind.RESUMED, actor, text, now)
        record(
            actor=actor,
            action=CaseAction.RESUMED,
            obj=case,
            data={
                "status": [before, case.status],
                "vilande arbetsdagar": days,
                "tidsgräns": case.step_deadline.isoformat(),
            },
        )
    return case
