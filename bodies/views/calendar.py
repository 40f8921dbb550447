"""A user's own actions and their calendar feed (an unguessable address, no sign-in)."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from bodies import selectors, services
from bodies.models import CalendarToken
from core.ics import IcsEvent, ics_bytes


@require_safe
def my_actions(request):
    token = CalendarToken.objects.filter(user=request.user).first()
    feed = settings.SITE_URL + reverse("bodies:feed", args=[token.token]) if token else ""
    return render(
        request,
        "bodies/my_actions.html",
        {
            "actions": selectors.actions_for(request.user, open_only=False),
            "feed": feed,
            "today": timezone.localdate(),
        },
    )


@require_POST
def calendar_address(request):
    services.calendar_token(actor=request.user, renew=request.POST.get("ny") == "1")
    messages.success(request, _("Din kalenderadress är klar. Lägg in den i din kalender."))
    return redirect("bodies:my_actions")


@login_not_required
@require_GET
def calendar_feed(request, token: str):
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    events = []
    for o in selectors.actions_for(found.user):
        if not o.due_date:
            continue
        url = settings.SITE_URL + reverse("bodies:meeting", args=[o.item.meeting_id])
        events.append(
            IcsEvent(
                uid=f"atgard-{o.pk}@hosportalen.se",
                summary=_("Åtgärd (%(body)s): %(text)s") % {"body": o.body, "text": o.text[:80]},
                start=o.due_date,
                end=o.due_date + dt.timedelta(days=1),
                description=o.text,
                url=url,
                alarm_before=dt.timedelta(days=2),
            )
        )
    response = HttpResponse(
        ics_bytes(events, name=_("Åtgärder från gemensamma organ – HoS-portalen")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response
