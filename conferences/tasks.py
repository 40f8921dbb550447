"""Thin, idempotent Celery tasks: they take ids, re-fetch, and skip what has moved on."""

import logging

from celery import shared_task
from django.conf import settings

from conferences import services
from conferences.emails import capacity_message, registration_message
from conferences.models import Conference, Registration

logger = logging.getLogger(__name__)

BATCH_SIZE = 50


# A batch task that dies with its worker is delivered again (acks_late + reject_on_worker_lost);
# the rows it held become claimable once their claim is stale, so whichever comes first — the
# redelivery, or the recovery job — finishes the batch. Nothing is sent twice: see
# conferences.services.invitations.invitation_send_batch.
RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**RELIABLE)
def invitation_dispatch(invitation_id: int) -> int:
    """Split what is still to be sent into batches; each batch is its own task."""
    batches = services.invitation_dispatch(invitation_id)
    for ids in batches:
        invitation_send_batch.delay(invitation_id, ids)
    if not batches:
        services.invitation_refresh_status(invitation_id)
    return sum(len(ids) for ids in batches)


@shared_task(**RELIABLE)
def invitation_send_batch(invitation_id: int, recipient_ids: list[int]) -> int:
    result = services.invitation_send_batch(invitation_id, recipient_ids)
    if result.requeued:
        # Transient refusals (4xx, a dropped connection): try those again in a while. If this
        # message is lost too, the recovery job finds the rows still queued.
        invitation_send_batch.apply_async(
            (invitation_id, result.requeued), countdown=settings.INVITATION_RETRY_AFTER_SECONDS
        )
    return result.sent


@shared_task(**RELIABLE)
def invitations_recover() -> int:
    """Beat job: dispatch again every invitation with rows nobody is working on (the broker
    was down when it was queued, or lost its queue, or a worker died mid-batch)."""
    ids = services.invitations_to_recover()
    for invitation_id in ids:
        logger.warning("Återupptar utskicket av inbjudan %s.", invitation_id)
        invitation_dispatch.delay(invitation_id)
    return len(ids)


@shared_task
def registration_notify(registration_id: int, kind: str) -> None:
    registration = (
        Registration.objects.select_related("conference").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    if kind in Registration.Status.values and registration.status != kind:
        return  # the state moved on before the task ran: this message is no longer true
    registration_message(registration, kind).send()


@shared_task
def conference_notify_capacity(conference_id: int) -> None:
    """Tell the organiser's mailbox at once that every seat is taken. The registrars hear it
    from the reminders (their digest, by their own preferences), so no one is told twice."""
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None or not conference.organiser_email:
        return
    capacity_message(conference, [conference.organiser_email]).send()


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
