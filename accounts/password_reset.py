"""Password reset through the outbox, after the request.

The request does the same work whatever the address: it validates the form and asks a worker
to look the address up (``accounts.tasks.password_reset_send``), so its timing reveals nothing
about which addresses have accounts. The worker writes one outbox row per matching account
(core.outbox), which sends it. If the broker cannot take the job, the request still succeeds
and the look-up runs in the request as a fallback: the mail is not lost.
"""

import logging

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.outbox import outbox_enqueue

logger = logging.getLogger(__name__)

TEMPLATE = "registration/password_reset_email"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


class OutboxPasswordResetForm(PasswordResetForm):
    def save(self, *args, **kwargs) -> None:
        """Queue the look-up; never send anything from the request itself."""
        email = self.cleaned_data["email"]
        transaction.on_commit(lambda: _start(email), robust=True)


def _start(email: str) -> None:
    from accounts.tasks import password_reset_send

    try:
        password_reset_send.apply_async((email,), retry=False)
    except Exception:  # the broker is down: do it here rather than lose the mail
        logger.warning("Lösenordsåterställningen kunde inte köas; skickas direkt.", exc_info=True)
        password_reset_enqueue(email=email)


def password_reset_enqueue(*, email: str) -> int:
    """One outbox row per active account with this address (none for an unknown one)."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    written = 0
    # The key holds the minute: a second request within a minute is the same mail.
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    with transaction.atomic():
        for user in form.get_users(email):
            context = {
                "user": user,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            }
            subject = render_to_string(SUBJECT_TEMPLATE, context)
            row = outbox_enqueue(
                key=f"accounts:password-reset:{user.pk}:{stamp}",
                kind="losenordsaterstallning",
                to=[getattr(user, user.get_email_field_name())],
                subject=subject,
                template=TEMPLATE,
                context=context,
                related=user,
            )
            written += row is not None
    return written
