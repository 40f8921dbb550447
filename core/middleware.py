"""The portal's own middleware: what every request and response passes on its way.

- ``ControlCharacterMiddleware``: control characters (NUL and the other C0 characters but tab,
  newline and carriage return, and DEL) are taken out of query parameters and form fields
  before any view sees them; PostgreSQL refuses a NUL in a text value, which made an HTTP 500
  of a filter. A control character in the path itself is refused with 400.
- ``PrivateResponseMiddleware``: ``Cache-Control: no-store`` on every response the portal
  renders (signed-in pages, exports, personal links and downloads; ASVS V8.2.1): nothing of a
  user's may stay in a shared or browser cache. Static files are served before this by
  WhiteNoise with their own long cache. It also sends ``Permissions-Policy``.
- ``PublicPostRateLimitMiddleware``: every anonymous POST to a public view (one marked
  ``login_not_required``: conference registration and cancellation, the accessibility report,
  password reset, sign-in and the identity providers' answers) is counted per client address
  and view, with django-ratelimit; past ``PUBLIC_POST_RATE`` the answer is 429 with a Swedish
  page and ``Retry-After``, and the view never runs (no row, no e-mail). A signed-in person is
  known and accountable (and sign-in itself is throttled by django-axes), so their POSTs to a
  public view (the language choice, an accessibility report) are not counted. The count lives in the
  cache: in production ``CACHE_URL`` must point at a cache every web process shares
  (``core.checks`` says so in ``check --deploy``).
"""

import re

from django.conf import settings
from django.http import HttpResponseBadRequest, QueryDict
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from core.ratelimit import limited_response

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def strip_control(value: str) -> str:
    return CONTROL.sub("", value)


def _cleaned(query: QueryDict) -> QueryDict | None:
    """A copy of ``query`` without control characters, or None when it had none."""
    if not any(CONTROL.search(k) or any(CONTROL.search(v) for v in vs) for k, vs in query.lists()):
        return None
    clean = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        clean.setlist(strip_control(key), [strip_control(v) for v in values])
    clean._mutable = False
    return clean


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL.search(request.path):
            return HttpResponseBadRequest(
                _("Adressen innehåller otillåtna tecken."), content_type="text/plain; charset=utf-8"
            )
        clean_get = _cleaned(request.GET)
        if clean_get is not None:
            request.GET = clean_get
        if request.method == "POST" and request.content_type in FORM_TYPES:
            clean_post = _cleaned(request.POST)
            if clean_post is not None:
                request.POST = clean_post
        return self.get_response(request)


class PrivateResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


def _client_key(group, request) -> str:
    from core.signin import client_ip

    return client_ip(request)


class PublicPostRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        public = not getattr(view_func, "login_required", True)
        if request.method != "POST" or not public or request.user.is_authenticated:
            return None
        usage = get_usage(
            request,
            group=f"public-post:{request.resolver_match.view_name}",
            key=_client_key,
            rate=settings.PUBLIC_POST_RATE,
            increment=True,
        )
        if usage is None or not usage["should_limit"]:
            return None
        return limited_response(request, usage["time_left"])
