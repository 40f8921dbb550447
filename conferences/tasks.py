"""Thin, idempotent Celery tasks: they take ids, re-fetch, and skip what has moved on."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from conferences import services
from conferences.emails import capacity_message, registration_message
from conferences.models import Conference, Recipient, Registration
from core.roles import Role

logger = logging.getLogger(__name__)

BATCH_SIZE = 50


@shared_task
def invitation_dispatch(invitation_id: int) -> int:
    """Split the queued recipients into batches; each batch is its own task."""
    ids = list(
        Recipient.objects.filter(invitation_id=invitation_id, status=Recipient.Status.KOAD)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for start in range(0, len(ids), BATCH_SIZE):
        invitation_send_batch.delay(invitation_id, ids[start : start + BATCH_SIZE])
    if not ids:
        services.invitation_refresh_status(invitation_id)
    return len(ids)


@shared_task
def invitation_send_batch(invitation_id: int, recipient_ids: list[int]) -> int:
    sent = sum(1 for pk in recipient_ids if services.recipient_send(pk))
    services.invitation_refresh_status(invitation_id)
    return sent


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
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        return
    to = [conference.organiser_email] if conference.organiser_email else []
    if not to:
        to = list(
            get_user_model()
            .objects.filter(role=Role.REGISTRATOR, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if to:
        capacity_message(conference, to).send()


@shared_task
def offers_expire() -> int:
    return services.offers_expire()


@shared_task
def sensitive_data_purge() -> int:
    return services.sensitive_data_purge()
