"""Every write of the escalation app: keyword-only, explicit actor, atomic and audited.

A case moves through one table of transitions (``TRANSITIONS``); every transition is one
service, writes a ``CaseEvent`` on the case's timeline and is audited by django-auditlog.
"""

import datetime as dt
import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import Agreement, Party
from core.audit import audit_actor
from escalation.models import (
    CalendarToken,
    Case,
    CaseEvent,
    CaseHandler,
    CaseStepPeriod,
    HandlerRule,
    LadderStep,
)
from escalation.workdays import step_dates

logger = logging.getLogger(__name__)

Status = Case.Status

REOPEN_WITHIN_DAYS = 30

# The workflow: action -> (statuses it may start from, status it leads to).
# Reopening leads to Öppen on step 1 and to Eskalerad on a higher step (see case_reopen).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "escalate": (frozenset({Status.OPEN, Status.ESCALATED}), Status.ESCALATED),
    "resolve": (frozenset({Status.OPEN, Status.ESCALATED}), Status.RESOLVED),
    "reopen": (frozenset({Status.RESOLVED}), Status.OPEN),
    "close": (frozenset({Status.OPEN, Status.ESCALATED, Status.RESOLVED}), Status.CLOSED),
    "comment": (frozenset({Status.OPEN, Status.ESCALATED, Status.RESOLVED}), ""),
}


class TransitionError(ValidationError):
    """An action the case's status does not allow (Swedish message for the user)."""


def allowed_actions(case: Case) -> set[str]:
    return {action for action, (sources, _target) in TRANSITIONS.items() if case.status in sources}


def _check_transition(case: Case, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    if case.status not in sources:
        messages = {
            "escalate": _("Ett ärende som är %(status)s kan inte eskaleras."),
            "resolve": _("Ett ärende som är %(status)s kan inte markeras som löst."),
            "reopen": _("Bara ett löst ärende kan återupptas; det här är %(status)s."),
            "close": _("Ärendet är redan avslutat."),
            "comment": _("Ett avslutat ärende kan inte kommenteras."),
        }
        raise TransitionError(
            messages[action] % {"status": case.get_status_display().lower()},
            code="illegal_transition",
        )


def _require_text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


# --- handlers -----------------------------------------------------------------------------
def _unit_leads(unit_ids: list[int]) -> set[int]:
    if not unit_ids:
        return set()
    try:
        from implementation.selectors import leads_for_units
    except ImportError:  # the implementation app has not published its selector yet
        logger.warning("implementation.selectors.leads_for_units saknas; enhetsregel hoppas över")
        return set()
    return {user.pk for users in leads_for_units(unit_ids).values() for user in users}


def step_handler_ids(*, step: LadderStep, case: Case) -> set[int]:
    """The users who handle ``case`` on ``step`` according to the step's rules."""
    rules = list(step.rules.all())
    ids = {r.user_id for r in rules if r.kind == HandlerRule.Kind.USER}
    query = Q(pk__in=[])
    parties = [case.reporting_party_id, case.receiving_party_id]
    for rule in rules:
        if rule.kind == HandlerRule.Kind.PARTY_ROLE:
            query |= Q(role=rule.role, party_id__in=parties)
        elif rule.kind == HandlerRule.Kind.DELREGION_ROLE and case.delregion_id:
            query |= Q(role=rule.role, party__delregion_id=case.delregion_id)
        elif rule.kind == HandlerRule.Kind.COUNTY_ROLE:
            query |= Q(role=rule.role)
    ids |= set(User.objects.filter(query, is_active=True).values_list("pk", flat=True))
    kinds = {r.kind for r in rules}
    units = [u for u in (case.reporting_unit, case.receiving_unit) if u is not None]
    if HandlerRule.Kind.UNIT_LEADS in kinds:
        ids |= _unit_leads([u.pk for u in units])
    if HandlerRule.Kind.FORVALTNING_LEADS in kinds:
        # A verksamhet's förvaltning is its parent; a förvaltning is its own.
        ids |= _unit_leads(sorted({u.parent_id or u.pk for u in units}))
    active = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    return active


def _enter_step(*, case: Case, step: LadderStep, when: dt.datetime) -> CaseStepPeriod:
    day = timezone.localdate(when)
    warning, deadline = step_dates(day, step.time_limit, step.time_unit, step.warning_percent)
    case.current_step = step
    case.step_order = step.order
    case.step_started_on = day
    case.step_warning_on = warning
    case.step_deadline = deadline
    period = CaseStepPeriod(
        case=case,
        step=step,
        step_order=step.order,
        step_name=step.name,
        body_name=step.body_name,
        time_limit=step.time_limit,
        time_unit=step.time_unit,
        started_at=when,
        started_on=day,
        warning_on=warning,
        deadline=deadline,
    )
    return period


def _save_period(period: CaseStepPeriod) -> list[int]:
    period.full_clean()
    period.save()
    ids = step_handler_ids(step=period.step, case=period.case)
    CaseHandler.objects.bulk_create(
        [CaseHandler(period=period, user_id=uid, case=period.case) for uid in sorted(ids)],
        ignore_conflicts=True,
    )
    return sorted(ids)


def _end_current_period(case: Case, when: dt.datetime) -> None:
    CaseStepPeriod.objects.filter(case=case, ended_at__isnull=True).update(ended_at=when)


def _event(case: Case, kind: str, actor, text: str = "", when=None) -> CaseEvent:
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


def _notify_handlers(case_id: int, period_id: int, user_ids: list[int]) -> None:
    if not user_ids:
        return
    from escalation.tasks import notify_step_handlers

    transaction.on_commit(lambda: notify_step_handlers.delay(case_id, period_id))


# --- cases --------------------------------------------------------------------------------
def delregion_for(reporting: Party, receiving: Party):
    """The municipality's delregion; the reporting party's first when both are municipalities."""
    for party in (reporting, receiving):
        if party.kind == Party.Kind.KOMMUN and party.delregion_id:
            return party.delregion
    return None


def _validate_units(case: Case) -> None:
    errors = {}
    if case.reporting_unit_id and case.reporting_unit.party_id != case.reporting_party_id:
        errors["reporting_unit"] = _("Enheten hör inte till den anmälande parten.")
    if case.receiving_unit_id and case.receiving_unit.party_id != case.receiving_party_id:
        errors["receiving_unit"] = _("Enheten hör inte till den mottagande parten.")
    if case.reporting_party_id == case.receiving_party_id:
        errors["receiving_party"] = _("Den mottagande parten måste vara en annan än den anmälande.")
    if case.agreement_id and case.agreement.generation != Agreement.Generation.NEW:
        errors["agreement"] = _("Välj ett av de nya avtalen eller överenskommelserna.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_open(
    *,
    actor: User,
    kind: str,
    title: str,
    description: str,
    agreement: Agreement,
    reporting_party: Party,
    receiving_party: Party,
    reporting_unit=None,
    receiving_unit=None,
    is_systemic: bool = False,
    diarienummer: str = "",
    is_demo: bool = False,
    when: dt.datetime | None = None,
    notify: bool = True,
) -> Case:
    """Open a case on step 1 of the ladder and tell step 1's handlers.

    ``when`` and ``notify=False`` are for imported and demo cases that happened in the past.
    """
    when = when or timezone.now()
    step = LadderStep.objects.order_by("order").first()
    if step is None:
        raise ValidationError(_("Eskaleringstrappan har inga steg ännu. Kontakta förvaltarna."))
    case = Case(
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        agreement=agreement,
        reporting_party=reporting_party,
        reporting_unit=reporting_unit,
        receiving_party=receiving_party,
        receiving_unit=receiving_unit,
        delregion=delregion_for(reporting_party, receiving_party),
        is_systemic=is_systemic,
        diarienummer=(diarienummer or "").strip(),
        opened_by=actor,
        opened_at=when,
        status=Status.OPEN,
        is_demo=is_demo,
    )
    period = _enter_step(case=case, step=step, when=when)
    _validate_units(case)
    case.full_clean()
    with audit_actor(actor):
        case.save()
        period.case = case
        handler_ids = _save_period(period)
        _event(case, CaseEvent.Kind.OPENED, actor, case.description, when)
    if notify:
        _notify_handlers(case.pk, period.pk, handler_ids)
    return case


@transaction.atomic
def case_comment(*, case: Case, actor: User, text: str) -> CaseEvent:
    case = _lock(case)
    _check_transition(case, "comment")
    text = _require_text(text, _("Skriv en kommentar."), "text")
    with audit_actor(actor):
        return _event(case, CaseEvent.Kind.COMMENT, actor, text)


def next_step(case: Case) -> LadderStep | None:
    return LadderStep.objects.filter(order__gt=case.step_order).order_by("order").first()


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: User,
    reason: str,
    expected_step_id: int | None = None,
    when: dt.datetime | None = None,
    notify: bool = True,
) -> Case:
    """Raise the case to the next step: new period, new deadline, the new handlers are told.

    ``expected_step_id`` is the step the user saw; if the case has moved on since (or the form
    was tampered with), nothing happens and the user is told.
    """
    case = _lock(case)
    _check_transition(case, "escalate")
    if expected_step_id is not None and int(expected_step_id) != case.current_step_id:
        raise TransitionError(
            _("Ärendet står inte längre på det steg du såg. Ladda om sidan och försök igen."),
            code="stale_step",
        )
    reason = _require_text(reason, _("Ange varför ärendet eskaleras."), "reason")
    step = next_step(case)
    if step is None:
        raise TransitionError(
            _("Ärendet står redan på trappans högsta steg och kan inte eskaleras längre."),
            code="top_step",
        )
    now = when or timezone.now()
    with audit_actor(actor):
        _end_current_period(case, now)
        period = _enter_step(case=case, step=step, when=now)
        case.status = Status.ESCALATED
        case.full_clean()
        case.save()
        handler_ids = _save_period(period)
        _event(case, CaseEvent.Kind.ESCALATED, actor, reason, now)
    if notify:
        _notify_handlers(case.pk, period.pk, handler_ids)
    return case


@transaction.atomic
def case_resolve(
    *, case: Case, actor: User, outcome: str, decision: str = "", when: dt.datetime | None = None
) -> Case:
    case = _lock(case)
    _check_transition(case, "resolve")
    outcome = _require_text(
        outcome, _("Beskriv utfallet innan ärendet markeras som löst."), "outcome"
    )
    now = when or timezone.now()
    case.status = Status.RESOLVED
    case.outcome = outcome
    case.decision = (decision or "").strip()
    case.resolved_at = now
    case.full_clean()
    with audit_actor(actor):
        case.save()
        _end_current_period(case, now)
        text = outcome if not case.decision else f"{outcome}\n\n{_('Beslut')}: {case.decision}"
        _event(case, CaseEvent.Kind.RESOLVED, actor, text, now)
    return case


def reopen_deadline(case: Case) -> dt.datetime | None:
    if case.resolved_at is None:
        return None
    return case.resolved_at + dt.timedelta(days=REOPEN_WITHIN_DAYS)


@transaction.atomic
def case_reopen(*, case: Case, actor: User, reason: str, notify: bool = True) -> Case:
    """Reopen a resolved case within 30 days, on the step where it was resolved, with a fresh
    period and deadline."""
    case = _lock(case)
    _check_transition(case, "reopen")
    now = timezone.now()
    if now > reopen_deadline(case):
        raise TransitionError(
            _("Ett ärende kan bara återupptas inom %(days)s dagar från att det löstes.")
            % {"days": REOPEN_WITHIN_DAYS},
            code="reopen_too_late",
        )
    reason = _require_text(reason, _("Ange varför ärendet återupptas."), "reason")
    step = case.current_step
    with audit_actor(actor):
        period = _enter_step(case=case, step=step, when=now)
        first = LadderStep.objects.order_by("order").values_list("order", flat=True).first()
        case.status = Status.OPEN if step.order == first else Status.ESCALATED
        case.resolved_at = None
        case.full_clean()
        case.save()
        handler_ids = _save_period(period)
        _event(case, CaseEvent.Kind.REOPENED, actor, reason, now)
    if notify:
        _notify_handlers(case.pk, period.pk, handler_ids)
    return case


@transaction.atomic
def case_close(
    *, case: Case, actor: User, reason: str = "", when: dt.datetime | None = None
) -> Case:
    """Close the case for good. A case closed without being resolved needs a reason."""
    case = _lock(case)
    _check_transition(case, "close")
    reason = (reason or "").strip()
    if case.status != Status.RESOLVED and not reason:
        raise ValidationError(
            {"reason": _("Ange varför ärendet avslutas utan att ha lösts.")}, code="required"
        )
    now = when or timezone.now()
    case.status = Status.CLOSED
    case.closed_at = now
    case.full_clean()
    with audit_actor(actor):
        case.save()
        _end_current_period(case, now)
        _event(case, CaseEvent.Kind.CLOSED, actor, reason, now)
    return case


@transaction.atomic
def case_update_details(*, case: Case, actor: User, diarienummer: str, is_systemic: bool) -> Case:
    case = _lock(case)
    _check_transition(case, "comment")
    before = (case.diarienummer, case.is_systemic)
    case.diarienummer = (diarienummer or "").strip()
    case.is_systemic = bool(is_systemic)
    if before == (case.diarienummer, case.is_systemic):
        return case
    case.full_clean()
    with audit_actor(actor):
        case.save()
        parts = [f"{_('Diarienummer')}: {case.diarienummer or '–'}"]
        parts.append(_("Systemfel: ja") if case.is_systemic else _("Systemfel: nej"))
        _event(case, CaseEvent.Kind.UPDATED, actor, "; ".join(parts))
    return case


@transaction.atomic
def handlers_sync_current(*, case: Case) -> int:
    """Add users who have come to match the current step's rules since the case entered it
    (new staff, a lead appointed later). Never removes anyone. Returns how many were added."""
    period = case.periods.filter(ended_at__isnull=True).select_related("step").first()
    if period is None or period.step is None:
        return 0
    wanted = step_handler_ids(step=period.step, case=case)
    have = set(CaseHandler.objects.filter(period=period).values_list("user_id", flat=True))
    new = wanted - have
    CaseHandler.objects.bulk_create(
        [CaseHandler(period=period, user_id=uid, case=case) for uid in sorted(new)],
        ignore_conflicts=True,
    )
    return len(new)


# --- the ladder ---------------------------------------------------------------------------
LADDER_FIELDS = (
    "order",
    "name",
    "description",
    "body",
    "body_text",
    "time_limit",
    "time_unit",
    "warning_percent",
    "is_provisional",
)


@transaction.atomic
def ladder_step_save(*, actor: User, step: LadderStep | None = None, **fields) -> LadderStep:
    """Create or change a ladder step. Cases already on the step keep the limit and deadline
    they had when they entered it."""
    step = step or LadderStep()
    for name, value in fields.items():
        if name not in LADDER_FIELDS:
            raise TypeError(name)
        setattr(step, name, value)
    step.full_clean()
    with audit_actor(actor):
        step.save()
    return step


@transaction.atomic
def handler_rule_add(
    *, actor: User, step: LadderStep, kind: str, user: User | None = None, role: str = ""
) -> HandlerRule:
    rule = HandlerRule(step=step, kind=kind, user=user, role=role or "")
    if kind == HandlerRule.Kind.USER and user is None:
        raise ValidationError({"user": _("Välj en användare.")})
    if (
        kind
        in (
            HandlerRule.Kind.PARTY_ROLE,
            HandlerRule.Kind.DELREGION_ROLE,
            HandlerRule.Kind.COUNTY_ROLE,
        )
        and not role
    ):
        raise ValidationError({"role": _("Välj en roll.")})
    if kind != HandlerRule.Kind.USER:
        rule.user = None
    if kind in (
        HandlerRule.Kind.USER,
        HandlerRule.Kind.UNIT_LEADS,
        HandlerRule.Kind.FORVALTNING_LEADS,
    ):
        rule.role = ""
    rule.full_clean()
    with audit_actor(actor):
        rule.save()
    return rule


@transaction.atomic
def handler_rule_remove(*, actor: User, rule: HandlerRule) -> None:
    with audit_actor(actor):
        rule.delete()


# --- calendar feed ------------------------------------------------------------------------
def calendar_token_get_or_create(*, user: User) -> CalendarToken:
    token = CalendarToken.objects.filter(user=user).first()
    if token:
        return token
    return calendar_token_regenerate(user=user)


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> CalendarToken:
    """A new private address; the old one stops working at once."""
    token, _created = CalendarToken.objects.update_or_create(
        user=user,
        defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
    )
    return token
