"""Who is knocking: the client's address behind the reverse proxy, and sign-in throttling by it.

django-axes locks a (username, address) pair after ``AXES_FAILURE_LIMIT`` failures. Two gaps
close here:

- **The address.** Behind the documented proxy every request comes from the proxy, so the pair
  would be (username, proxy): anyone could lock anyone out. ``client_ip`` takes the address the
  outermost trusted proxy saw, counted from the right of ``X-Forwarded-For`` (each proxy
  appends the address it received the request from; anything further left was written by the
  client and is not trusted). The environment's ``AXES_PROXY_COUNT`` says how many proxies
  there are (``settings.TRUSTED_PROXY_COUNT``); production refuses to start without it.
  django-ipware is not installed, so axes' ``AXES_IPWARE_*`` settings would be silently
  ignored: axes asks this function instead (``AXES_CLIENT_IP_CALLABLE``).
- **Many usernames from one address.** ``AddressLimitedHandler`` also refuses an address that
  failed ``AXES_ADDRESS_FAILURE_LIMIT`` times within the cool-off, whatever the usernames (a
  higher limit than the pair's: a municipality's users may share one address).
"""

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR with no proxy, else the address the outermost of the
    ``TRUSTED_PROXY_COUNT`` (env ``AXES_PROXY_COUNT``) trusted proxies received it from."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    # The last `count` entries were written by our proxies; the first of them is the client.
    candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    return _valid(candidate) or remote


def address_failures(address: str) -> int:
    """Failed sign-ins from ``address`` within the cool-off, over every username."""
    since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class AddressLimitedHandler(AxesDatabaseHandler):
    """axes' database handler, plus a limit per address across usernames."""

    def _address_locked(self, request) -> bool:
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        return address_failures(address) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # axes decides "locked out" (the 429 page) from the pair's count alone; the address's
        # count must be able to say so too.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self._address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
