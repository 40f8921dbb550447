"""Thin, idempotent Celery tasks: they take ids, re-fetch, and skip what has moved on."""

import logging

from celery import shared_task

from conferences import services

logger = logging.getLogger(__name__)

# A task that dies with its worker is delivered again (acks_late + reject_on_worker_lost);
# writing the outbox rows again is harmless (their key is the recipient), and the outbox sends
# each message exactly once (core.outbox).
RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**RELIABLE)
def invitation_dispatch(invitation_id: int) -> int:
    """Write the queued recipients' e-mails to the outbox, in batches; it sends them."""
    return services.invitation_dispatch(invitation_id)


@shared_task(**RELIABLE)
def invitations_recover() -> int:
    """Beat job: dispatch again every invitation with queued recipients whose e-mail never
    reached the outbox (the broker was down, or lost its queue, or a worker died)."""
    ids = services.invitations_to_recover()
    for invitation_id in ids:
        logger.warning("Återupptar utskicket av inbjudan %s.", invitation_id)
        invitation_dispatch.delay(invitation_id)
    return len(ids)


@shared_task
def offers_expire() -> int:
    return services.offers_expire()


@shared_task
def sensitive_data_purge() -> int:
    return services.sensitive_data_purge()


@shared_task
def mark_held() -> int:
    """Conferences whose day has passed become "genomförd" (daily)."""
    return len(services.conferences_mark_held())


@shared_task
def cancellations_notify() -> int:
    """Every minute: e-mail those registered for a conference cancelled more than the grace
    period ago (the undo window has closed)."""
    return services.conference_cancellations_notify()


@shared_task
def unconfirmed_expire() -> int:
    """Hourly: delete registrations whose address was never confirmed."""
    return services.unconfirmed_expire()
