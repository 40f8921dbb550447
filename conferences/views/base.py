"""Shared pieces of the staff views: loading the conference and checking the rules."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect

from conferences import permissions
from conferences.models import Conference
from core.permissions import PermissionRequiredForMixin


class _ConferenceBySlug:
    def get_object(self, queryset=None):
        return get_object_or_404(Conference, slug=self.kwargs["slug"])


class ConferenceMixin(PermissionRequiredForMixin, _ConferenceBySlug):
    """Loads ``self.conference`` from the slug and checks ``predicate`` (from
    ``conferences.permissions``; default: those who manage conferences) on it: 404 for an
    unknown slug, 403 for a user the rule refuses."""

    predicate = staticmethod(permissions.can_manage)

    @property
    def conference(self) -> Conference:
        return self.object


def error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for values in error.message_dict.values() for m in values]
    return list(error.messages)


def flash_errors(request, error: ValidationError) -> None:
    for message in error_messages(error):
        messages.error(request, message)


def add_form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def back(conference, name="conferences:detail"):
    return redirect(name, slug=conference.slug)


# Per-target limits on the public POSTs, on top of the per-address limit every anonymous POST
# has (core.middleware.PublicPostRateLimitMiddleware): django-ratelimit, counted in the cache.
EMAIL_RATE = "5/h"  # registrations, cancellations or declines for one e-mail address
# Registrations from one client address in a burst (a script), on top of PUBLIC_POST_RATE;
# an office behind one address registering together stays well under it.
REGISTER_BURST_RATE = getattr(settings, "CONFERENCE_REGISTER_BURST_RATE", "10/m")


def rate_limited(request, *, group: str, value: str, rate: str):
    """The Swedish 429 page if ``value`` has been used more than ``rate`` in ``group``."""
    from core.ratelimit import per_target_limit

    return per_target_limit(request, group=f"conferences:{group}", value=value, rate=rate)


def client_address(request) -> str:
    from core.signin import client_ip

    return client_ip(request)
