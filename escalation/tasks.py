"""Thin, idempotent tasks: take ids, re-fetch, skip what is already done."""

from celery import shared_task
from django.db import transaction

from escalation.models import Case, CaseStepPeriod


@shared_task
def notify_step_handlers(case_id: int, period_id: int) -> int:
    """Put the notices of a step the case stands on into the outbox (those not there yet).

    The services do this in the transaction that moves the case; this task only repairs
    (e.g. after handlers were added by hand). Each notice has its own outbox key, so a
    handler is told once per step however often this runs. Returns how many were added."""
    from escalation.services import notify_period

    with transaction.atomic():
        period = (
            CaseStepPeriod.objects.select_related(
                "case__reporting_party", "case__receiving_party", "case__agreement"
            )
            .filter(pk=period_id, case_id=case_id, ended_at__isnull=True)
            .first()
        )
        if period is None:
            return 0  # the case has moved on; the new step's handlers get their own notice
        return notify_period(period)


@shared_task
def sync_current_handlers() -> int:
    """Daily: add users who now match the rules of the step an active case stands on."""
    from escalation.services import handlers_sync_current

    added = 0
    for case in (
        Case.objects.filter(status__in=Case.ACTIVE)
        .select_related("reporting_party", "receiving_party")
        .iterator(chunk_size=500)
    ):
        added += handlers_sync_current(case=case)
    return added
