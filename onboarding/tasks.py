"""Thin Celery tasks of onboarding."""

from celery import shared_task

from onboarding.services import import_batches_prune


@shared_task(name="onboarding.tasks.prune_import_batches")
def prune_import_batches() -> int:
    return import_batches_prune()
