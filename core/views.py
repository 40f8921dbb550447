import ipaddress

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.forms import AccessibilityReportForm
from core.models import Heartbeat
from core.ratelimit import per_target_limit
from core.services import accessibility_report_create
from core.signin import client_ip


@method_decorator(login_not_required, name="dispatch")
class AccessibilityStatementView(FormView):
    template_name = "core/accessibility_statement.html"
    form_class = AccessibilityReportForm

    def form_valid(self, form):
        # At most a few reports a while in one reporter's name (an address full of reports
        # would be a way to flood the Förvaltare's mailbox).
        email = form.cleaned_data.get("email") or ""
        limited = email and per_target_limit(
            self.request, group="core:accessibility-report", value=email
        )
        if limited:
            return limited
        accessibility_report_create(actor=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            _("Tack! Din rapport har skickats till förvaltarna av HoS-portalen."),
        )
        return redirect("accessibility")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def _broker_ok() -> bool:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:  # noqa: BLE001
        return False


def _may_see_health_details(request) -> bool:
    """Loopback and the monitoring addresses in HEALTH_DETAIL_IPS (the client's address,
    behind the trusted proxies) see what is down; anyone else only whether something is."""
    address = client_ip(request)
    try:
        if ipaddress.ip_address(address).is_loopback:
            return True
    except ValueError:
        return False
    return address in set(settings.HEALTH_DETAIL_IPS)


@method_decorator(login_not_required, name="dispatch")
class HealthView(View):
    """Reachability of the database and the broker, for load balancers and monitoring."""

    def get(self, request):
        database, broker = _database_ok(), _broker_ok()
        healthy = database and broker
        if not _may_see_health_details(request):
            return JsonResponse(
                {"status": "ok" if healthy else "fel"}, status=200 if healthy else 503
            )
        beats = {}
        if database:
            beats = {b.name: b.beat_at.isoformat() for b in Heartbeat.objects.all()}
        return JsonResponse(
            {
                "status": "ok" if healthy else "fel",
                "database": "ok" if database else "fel",
                "broker": "ok" if broker else "fel",
                "heartbeats": beats,
                "time": timezone.now().isoformat(),
            },
            status=200 if healthy else 503,
        )


def crumbs(*trail) -> list[tuple[str, str]]:
    """The breadcrumb trail above the current page for ``partials/breadcrumbs.html``: pairs of
    (URL name or URL, label); a URL name may carry its arguments as ``("app:view", args)``."""
    from django.urls import reverse

    out = []
    for target, label in trail:
        if isinstance(target, tuple):
            name, args = target
            out.append((reverse(name, args=args), label))
        elif target.startswith("/"):
            out.append((target, label))
        else:
            out.append((reverse(target), label))
    return out
