"""What every case service shares: the two checks before a write (the case's status in
``escalation.workflow.CASE_FLOW``, the user's relation in ``escalation.permissions.RULES``),
the row lock, the timeline entry, and the dates in words."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from escalation import permissions, selectors
from escalation.models import Case, CaseEvent, CaseStepPeriod, TimeUnit
from escalation.workdays import step_dates
from escalation.workflow import CASE_FLOW, case_target


def allowed_actions(case: Case) -> set[str]:
    """The actions the case's status allows (who may do them: ``permissions``)."""
    return {t.action for t in CASE_FLOW.actions_from(case.status)}


def check(case: Case, actor: User, action: str) -> tuple[str, permissions.CaseFacts]:
    """The workflow's and the rule table's verdict on ``action``: (the status it leads to,
    the case's facts). Raises ``TransitionError`` or ``PermissionDenied``; writes nothing."""
    target = case_target(case, action)
    facts = selectors.case_facts(case)
    if not permissions.allowed(actor, case, action, facts):
        raise PermissionDenied(_("Du får inte göra det med det här ärendet."))
    return target, facts


def require_text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("reporting_unit", "receiving_unit", "current_step")
        .get(pk=case.pk)
    )


def timeline(case: Case, kind: str, actor, text: str = "", when=None) -> CaseEvent:
    """One entry on the case's timeline (the page's own history of the case)."""
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        text=text,
        step_name=f"{case.step_order}. {case.current_step.name}",
        created_at=when or timezone.now(),
    )
    event.full_clean()
    event.save()
    return event


def long_date(day) -> str:
    """'1 februari 2027': dates in running text and messages."""
    return date_format(day, "DATE_FORMAT")


def deadline_explanation(period: CaseStepPeriod) -> str:
    """How a step's deadline was reached, in plain Swedish, e.g. "30 kalenderdagar – flyttad
    till närmaste arbetsdag (4 januari 2027)" or "… – förlängd med 4 arbetsdagar när ärendet
    var vilande"."""
    text = period.limit_label
    if period.time_unit == TimeUnit.DAYS:
        raw = period.started_on + dt.timedelta(days=period.time_limit)
        unpaused = period.deadline
        if period.paused_working_days:
            # The deadline before the pauses: step back over the paused working days.
            _warning, unpaused = step_dates(
                period.started_on, period.time_limit, period.time_unit, 100
            )
        if unpaused != raw:
            text += " – " + _("flyttad till närmaste arbetsdag (%(date)s)") % {
                "date": long_date(unpaused)
            }
    if period.paused_working_days:
        text += " – " + ngettext(
            "förlängd med %(n)s arbetsdag när ärendet var vilande",
            "förlängd med %(n)s arbetsdagar när ärendet var vilande",
            period.paused_working_days,
        ) % {"n": period.paused_working_days}
    return text
