"""A user's deadlines: the calendar page (the nearest deadlines of the cases they handle and
their private feed address) and the feed itself (.ics, reached by its secret address only)."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.ics import IcsEvent, ics_bytes
from escalation import selectors, services
from escalation.models import CalendarToken
from escalation.views.lists import row_words

# --- calendar -------------------------------------------------------------------------------
CALENDAR_PAGE_ROWS = 50  # the page lists the nearest deadlines; the feed has them all


def calendar(request):
    if request.method == "POST":
        services.calendar_token_regenerate(user=request.user)
        messages.success(
            request, _("Du har fått en ny kalenderadress. Den gamla adressen fungerar inte längre.")
        )
        return redirect("escalation:calendar")
    token = services.calendar_token_get_or_create(user=request.user)
    feed = settings.SITE_URL + reverse("escalation:feed", args=[token.token])
    handled = selectors.calendar_cases_for(request.user)
    cases = selectors.decorate(handled[:CALENDAR_PAGE_ROWS], timezone.localdate())
    return render(
        request,
        "escalation/calendar.html",
        {
            "feed_url": feed,
            "token": token,
            "cases": cases,
            "total": handled.count(),
            **row_words(),
        },
    )


@login_not_required
@require_GET
def calendar_feed(request, token: str):
    record = CalendarToken.objects.select_related("user").filter(token=token).first()
    if record is None or not record.user.is_active:
        raise Http404
    events = []
    for case in selectors.calendar_cases_for(record.user):
        url = settings.SITE_URL + reverse("escalation:detail", args=[case.pk])
        events.append(
            IcsEvent(
                uid=f"eskalering-{case.pk}-steg-{case.step_order}@hosportalen.se",
                summary=_("Tidsgräns %(ref)s: %(title)s")
                % {"ref": case.reference, "title": case.title},
                start=case.step_deadline,
                end=case.step_deadline + dt.timedelta(days=1),
                description=_("Steg %(step)s. Parter: %(a)s – %(b)s.")
                % {
                    "step": f"{case.step_order}. {case.current_step.name}",
                    "a": case.reporting_party,
                    "b": case.receiving_party,
                },
                url=url,
                alarm_before=dt.timedelta(days=2),
                sequence=case.step_order,
            )
        )
    response = HttpResponse(
        ics_bytes(events, name=_("Eskaleringsärenden – HoS-portalen")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response
