"""Check-in on the day (works on a phone; htmx toggle, plain form without JavaScript) and the
printable attendance list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from conferences import permissions, selectors, services
from conferences.models import Registration
from conferences.views.base import ConferenceMixin, error_messages


class CheckInView(ConferenceMixin, View):
    def get(self, request, slug):
        q = request.GET.get("q", "").strip()
        rows = selectors.participants(
            self.conference, status=Registration.Status.BEKRAFTAD, q=q
        ).order_by("name", "id")
        return render(
            request,
            "conferences/checkin.html",
            {
                "conference": self.conference,
                "registrations": list(rows),
                "q": q,
                "tally": _tally(self.conference),
                "closed_reason": services.checkin_closed_reason(self.conference),
                "can_open_early": permissions.can_open_checkin_early(request.user),
            },
        )


def _tally(conference) -> dict:
    return conference.registrations.filter(status=Registration.Status.BEKRAFTAD).aggregate(
        confirmed=Count("id"), attended=Count("id", filter=Q(attended=True))
    )


class CheckInToggleView(ConferenceMixin, View):
    def post(self, request, slug, pk):
        registration = get_object_or_404(
            self.conference.registrations.select_related("party", "unit"), pk=pk
        )
        attended = request.POST.get("attended") == "1"
        error = ""
        try:
            registration = services.registration_set_attended(
                registration=registration, attended=attended, actor=request.user
            )
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        if request.htmx:
            return render(
                request,
                "conferences/_checkin_row.html",
                {
                    "conference": self.conference,
                    "r": registration,
                    "error": error,
                    "tally": _tally(self.conference),
                    "oob": True,
                },
            )
        if error:
            messages.error(request, error)
        elif attended:
            messages.success(request, _("%(name)s är incheckad.") % {"name": registration.name})
        else:
            messages.success(
                request, _("Närvaron för %(name)s är borttagen.") % {"name": registration.name}
            )
        url = redirect("conferences:checkin", slug=slug).url
        q = request.POST.get("q", "")
        return redirect(f"{url}?q={q}#deltagare-{pk}" if q else f"{url}#deltagare-{pk}")


class AttendanceListView(ConferenceMixin, View):
    def get(self, request, slug):
        rows = selectors.participants(
            self.conference, status=Registration.Status.BEKRAFTAD
        ).order_by("party__name", "organisation_other", "name")
        return render(
            request,
            "conferences/attendance_list.html",
            {"conference": self.conference, "registrations": list(rows)},
        )
