"""The end of a case and its way back: closing (a resolved case, or cancelling one that never
was), and reopening a resolved case within 30 days."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_actor, record
from escalation.audit import CaseAction
from escalation.models import Case, CaseEvent, LadderStep
from escalation.permissions import Action
from escalation.services.common import check, lock, require_text, timeline
from escalation.services.handlers import end_current_period, enter_step, notify_period, save_period
from escalation.services.pauses import close_pause
from escalation.services.resolution import withdraw_pending
from escalation.workflow import TransitionError, running_status

REOPEN_WITHIN_DAYS = 30


def reopen_deadline(case: Case) -> dt.datetime | None:
    if case.resolved_at is None:
        return None
    return case.resolved_at + dt.timedelta(days=REOPEN_WITHIN_DAYS)


@transaction.atomic
def case_reopen(*, case: Case, actor: User, reason: str, notify: bool = True) -> Case:
    """Reopen a resolved case within 30 days, on the step where it was resolved, with a fresh
    period and deadline."""
    case = lock(case)
    check(case, actor, Action.REOPEN)
    now = timezone.now()
    if now > reopen_deadline(case):
        raise TransitionError(
            _("Ett ärende kan bara återupptas inom %(days)s dagar från att det löstes.")
            % {"days": REOPEN_WITHIN_DAYS},
            code="reopen_too_late",
        )
    reason = require_text(reason, _("Ange varför ärendet återupptas."), "reason")
    step = case.current_step
    before = case.status
    with audit_actor(actor):
        period = enter_step(case=case, step=step, when=now)
        first = LadderStep.objects.order_by("order").values_list("order", flat=True).first()
        case.status = running_status(step.order, first)
        case.resolved_at = None
        case.full_clean()
        case.save()
        handlers = save_period(period)
        timeline(case, CaseEvent.Kind.REOPENED, actor, reason, now)
        record(
            actor=actor,
            action=CaseAction.REOPENED,
            obj=case,
            data={
                "status": [before, case.status],
                "steg": case.step_order,
                "tidsgräns": case.step_deadline.isoformat(),
                "handläggare": len(handlers),
            },
        )
    if notify:
        notify_period(period)
    return case


@transaction.atomic
def case_close(
    *, case: Case, actor: User, reason: str = "", when: dt.datetime | None = None
) -> Case:
    """Close the case for good. A resolved case: by either side (or the förvaltare). A case
    that was never resolved: only the förvaltare, with a reason (a duplicate, a mistake) —
    a party cannot end a dispute alone."""
    case = lock(case)
    action = Action.CLOSE if case.status == Case.Status.RESOLVED else Action.CANCEL
    target, _facts = check(case, actor, action)
    reason = (reason or "").strip()
    if action == Action.CANCEL and not reason:
        raise ValidationError(
            {"reason": _("Ange varför ärendet avslutas utan att ha lösts.")}, code="required"
        )
    now = when or timezone.now()
    before = case.status
    with audit_actor(actor):
        if case.status == Case.Status.PAUSED:
            close_pause(case, actor, now, resume=False)
        withdrawn = withdraw_pending(case, actor)
        case.status = target
        case.closed_at = now
        case.full_clean()
        case.save()
        end_current_period(case, now)
        timeline(case, CaseEvent.Kind.CLOSED, actor, reason, now)
        record(
            actor=actor,
            action=CaseAction.CLOSED if action == Action.CLOSE else CaseAction.CANCELLED,
            obj=case,
            data={"status": [before, case.status], "återkallade förslag": withdrawn},
        )
    return case
