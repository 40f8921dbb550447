"""Thin, idempotent tasks: take ids, re-fetch, skip what is already done."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.mail import build_email
from escalation.models import Case, CaseHandler, CaseStepPeriod


@shared_task
def notify_step_handlers(case_id: int, period_id: int) -> int:
    """Tell the handlers of a step the case has just entered. Each handler is told once: the
    row is marked in the same transaction that sends, so a second run sends nothing."""
    period = (
        CaseStepPeriod.objects.select_related(
            "case__reporting_party", "case__receiving_party", "case__agreement"
        )
        .filter(pk=period_id, case_id=case_id, ended_at__isnull=True)
        .first()
    )
    if period is None:
        return 0  # the case has moved on; the new step's handlers get their own message
    sent = 0
    with transaction.atomic():
        links = list(
            CaseHandler.objects.select_for_update(skip_locked=True)
            .filter(period=period, notified_at__isnull=True)
            .select_related("user")
        )
        url = settings.SITE_URL + reverse("escalation:detail", args=[case_id])
        for link in links:
            if not link.user.email or not link.user.is_active:
                continue
            with override("sv"):
                message = build_email(
                    to=[link.user.email],
                    subject=_("Ärende %(ref)s har nått steget %(step)s")
                    % {"ref": period.case.reference, "step": period.step_name},
                    template="escalation/emails/step_entered",
                    context={"case": period.case, "period": period, "user": link.user, "url": url},
                )
            message.send()
            sent += 1
        CaseHandler.objects.filter(pk__in=[link.pk for link in links]).update(
            notified_at=timezone.now()
        )
    return sent


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
