"""Thin Celery tasks of the accounts app."""

from celery import shared_task

from accounts.password_reset import password_reset_enqueue


@shared_task(name="accounts.tasks.password_reset_send", acks_late=True)
def password_reset_send(email: str) -> int:
    """Write the reset e-mail of every account with this address to the outbox."""
    return password_reset_enqueue(email=email)
