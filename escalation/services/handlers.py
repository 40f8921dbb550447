"""Who handles a case on a step, and telling them: the step's rules resolved into users when
the case enters the step (a new ``CaseStepPeriod``), kept up to date while it stands there,
and the outbox notices to the handlers and the parties' function addresses."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record
from escalation import permissions
from escalation.audit import CaseAction, PeriodAction
from escalation.models import (
    Case,
    CaseContact,
    CaseHandler,
    CaseMailbox,
    CaseStepPeriod,
    HandlerRule,
    LadderStep,
)
from escalation.workdays import step_dates


def _unit_leads(unit_ids: list[int]) -> set[int]:
    if not unit_ids:
        return set()
    from implementation.selectors import leads_for_units

    return {user.pk for users in leads_for_units(unit_ids).values() for user in users}


def step_handler_ids(*, step: LadderStep, case: Case) -> set[int]:
    """The users who handle ``case`` on ``step``: the step's rules, and for each party that
    the rules leave without a handler of its own, that party's ärendeansvariga (so both
    parties are always in the case, from step 1 and at every step after)."""
    return step_handlers(step=step, case=case)[0]


def _rule_user_ids(rules: list[HandlerRule], case: Case) -> set[int]:
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
    return ids


def step_handlers(*, step: LadderStep, case: Case) -> tuple[set[int], list[str]]:
    """(handler ids, function addresses to tell) of ``case`` on ``step``."""
    ids = _rule_user_ids(list(step.rules.all()), case)
    parties = [case.reporting_party_id, case.receiving_party_id]
    handlers = list(
        User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "party_id", "role")
    )
    covered = {party for _pk, party, role in handlers if role not in permissions.BODY_ROLES} & set(
        parties
    )
    missing = [p for p in parties if p not in covered]
    active = {pk for pk, _party, _role in handlers}
    mailboxes: list[str] = []
    if missing:
        active |= set(
            CaseContact.objects.filter(party_id__in=missing, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        mailboxes = sorted(
            CaseMailbox.objects.filter(party_id__in=missing).values_list("email", flat=True)
        )
    return active, mailboxes


def enter_step(*, case: Case, step: LadderStep, when: dt.datetime) -> CaseStepPeriod:
    """Put ``case`` on ``step`` (dates from the step's limit) and return its new period,
    unsaved (:func:`save_period` once the case is saved)."""
    day = timezone.localdate(when)
    warning, deadline = step_dates(day, step.time_limit, step.time_unit, step.warning_percent)
    case.current_step = step
    case.step_order = step.order
    case.step_started_on = day
    case.step_warning_on = warning
    case.step_deadline = deadline
    return CaseStepPeriod(
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


def save_period(period: CaseStepPeriod) -> list[int]:
    """Save the period with its handlers (the case's event records them); their ids."""
    ids, mailboxes = step_handlers(step=period.step, case=period.case)
    period.mailbox_emails = "\n".join(mailboxes)
    period.full_clean()
    period.save()
    CaseHandler.objects.bulk_create(
        [CaseHandler(period=period, user_id=uid, case=period.case) for uid in sorted(ids)],
        ignore_conflicts=True,
    )
    return sorted(ids)


def end_current_period(case: Case, when: dt.datetime) -> None:
    """End the case's running period (part of a transition: the case's event records it)."""
    CaseStepPeriod.objects.filter(case=case, ended_at__isnull=True).update(ended_at=when)


def notify_period(period: CaseStepPeriod) -> int:
    """Put a notice to each handler of ``period`` (and to each function address it names)
    into the outbox, in the caller's transaction. The key names the fact — this handler,
    this step of this case — so each is told exactly once. Returns how many were added."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import override

    from core.outbox import outbox_enqueue

    case = period.case
    url = settings.SITE_URL + reverse("escalation:detail", args=[case.pk])
    base = f"escalation:case:{case.pk}:period:{period.pk}"
    links = CaseHandler.objects.filter(period=period).select_related("user")
    recipients = [
        (f"{base}:handler:{link.user_id}", link.user.email, link.user)
        for link in links
        if link.user.email and link.user.is_active
    ]
    recipients += [
        (f"{base}:mailbox:{address}", address, None)
        for address in filter(None, period.mailbox_emails.splitlines())
    ]
    added = 0
    for key, address, user in recipients:
        with override("sv"):
            message = outbox_enqueue(
                key=key,
                to=[address],
                subject=_("Ärende %(ref)s har nått steget %(step)s")
                % {"ref": case.reference, "step": period.step_name},
                template="escalation/emails/step_entered",
                context={"case": case, "period": period, "user": user, "url": url},
                kind="escalation_step",
                related=case,
            )
        added += message is not None
    now = timezone.now()
    handlers = CaseHandler.objects.filter(period=period, notified_at__isnull=True).update(
        notified_at=now
    )
    mailboxes = 0
    if period.mailbox_emails:
        mailboxes = CaseStepPeriod.objects.filter(
            pk=period.pk, mailboxes_notified_at__isnull=True
        ).update(mailboxes_notified_at=now)
    if handlers or mailboxes:
        record(
            actor=None,
            action=PeriodAction.NOTIFIED,
            obj=period,
            data={
                "handläggare": handlers,
                "funktionsadresser": bool(mailboxes),
                "meddelanden": added,
            },
        )
    return added


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
    if not new:
        return 0
    CaseHandler.objects.bulk_create(
        [CaseHandler(period=period, user_id=uid, case=case) for uid in sorted(new)],
        ignore_conflicts=True,
    )
    record(
        actor=None,
        action=CaseAction.HANDLERS_ADDED,
        obj=case,
        data={"steg": period.step_order, "användare": sorted(new)},
    )
    return len(new)
