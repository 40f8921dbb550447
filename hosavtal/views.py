import datetime as dt

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agreements.models import Milestone
from core.roles import Role, has_role
from hosavtal.navigation import navigation_for


@require_safe
def home(request):
    # An implementation lead's home is Min sida: their units and what is due.
    if "start" not in request.GET:
        if has_role(request.user, Role.IMPLEMENTERINGSANSVARIG):
            return redirect("implementation:my_page")
        # The joint steering group and the elected members come to follow the work: their
        # home is the dashboard; a coordinator's is their organisation.
        if has_role(request.user, Role.STYRGRUPP, Role.POLITIKER):
            return redirect("dashboard:index")
        if has_role(request.user, Role.SAMORDNARE):
            return redirect("onboarding:index")
    today = timezone.localdate()
    in_force = dt.date.fromisoformat(settings.AGREEMENT_IN_FORCE_DATE)
    upcoming = Milestone.objects.filter(date__gte=today).order_by("date")[:5]
    return render(
        request,
        "home.html",
        {
            "days_left": (in_force - today).days,
            "in_force": in_force,
            "upcoming": upcoming,
            "cards": navigation_for(request.user, request.path),
        },
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
