"""Per-target limits on public POSTs (a registration's e-mail address, a password reset's
address, …), on top of the per-client-address limit every anonymous POST has
(``core.middleware.PublicPostRateLimitMiddleware``). Counted by django-ratelimit in the cache
(in production a shared one: ``check --deploy`` says so)."""

from django.shortcuts import render
from django_ratelimit.core import get_usage

# How often one target address may be the subject of a public POST of one kind.
PER_ADDRESS_RATE = "5/h"


def limited_response(request, wait_seconds: int):
    """The Swedish 429 page, with Retry-After."""
    wait = max(1, int(wait_seconds))
    response = render(request, "429.html", {"wait_minutes": -(-wait // 60)}, status=429)
    response["Retry-After"] = str(wait)
    return response


def per_target_limit(request, *, group: str, value: str, rate: str = PER_ADDRESS_RATE):
    """None while ``value`` (trimmed, lower case) stays within ``rate`` in ``group``; else the
    429 response to return. Every call counts."""
    usage = get_usage(
        request,
        group=group,
        key=lambda _group, _request: value.strip().lower(),
        rate=rate,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return limited_response(request, usage["time_left"])
