"""The registrar's participant list, exports and the catering summary."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from conferences import selectors, services
from conferences.forms import FilterForm
from conferences.models import Registration
from conferences.templatetags.conference_tags import REGISTRATION_STATUS
from conferences.views.base import ConferenceMixin, flash_errors
from conferences.views.safety import ParticipantCancelConfirm
from core.exports import Sheet, csv_response, xlsx_response


def _filtered(conference, request):
    form = FilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"],
            "party_id": data["party"].pk if data["party"] else None,
            "role": data["role"],
            "attended": data["attended"],
            "q": data["q"].strip(),
        }
    return form, selectors.participants(conference, **filters)


def _decorate(rows) -> list:
    """What a row shows, worked out once per page: the role's and status's labels (each
    translated once, not per row) and the status badge's class."""
    roles = {value: str(label) for value, label in Registration.Role.choices}
    statuses = {value: str(label) for value, label in Registration.Status.choices}
    rows = list(rows)
    for row in rows:
        row.role_label = roles.get(row.role, row.role)
        row.status_label = statuses.get(row.status, row.status)
        row.status_css = REGISTRATION_STATUS.get(row.status, "status-neutral")
    return rows


class ParticipantListView(ConferenceMixin, View):
    def get(self, request, slug):
        form, rows = _filtered(self.conference, request)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        page.object_list = _decorate(page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "conferences/participants.html",
            {
                "conference": self.conference,
                "form": form,
                "page_obj": page,
                "registrations": page.object_list,
                "query_string": query.urlencode(),
                "total": page.paginator.count,
                # Each row's cancel form posts to <this list>/<pk>/avboka/ (one reverse).
                "list_url": reverse("conferences:participants", args=[self.conference.slug]),
            },
        )


HEADERS = [
    gettext_lazy("Namn"),
    gettext_lazy("E-postadress"),
    gettext_lazy("Organisation"),
    gettext_lazy("Kommunalförbund"),
    gettext_lazy("Enhet"),
    gettext_lazy("Roll"),
    gettext_lazy("Titel"),
    gettext_lazy("Status"),
    gettext_lazy("Anmäld"),
    gettext_lazy("Närvarade"),
]


def _export_rows(rows):
    for r in rows.iterator(chunk_size=2000):
        yield [
            r.name,
            r.email,
            r.organisation,
            r.party.federation.short_name if r.party_id and r.party.federation_id else "",
            r.unit.name if r.unit_id else "",
            r.get_role_display(),
            r.title,
            r.get_status_display(),
            r.joined_at,
            r.attended,
        ]


class ParticipantExportView(ConferenceMixin, View):
    """The filtered participants as XLSX or CSV (no diet or health answers: see catering)."""

    def get(self, request, slug, fmt):
        _form, rows = _filtered(self.conference, request)
        stamp = timezone.localdate().isoformat()
        name = f"deltagare-{self.conference.slug}-{stamp}"
        headers = [str(h) for h in HEADERS]
        if fmt == "xlsx":
            return xlsx_response(
                f"{name}.xlsx", [Sheet(str(_("Deltagare")), headers, _export_rows(rows))]
            )
        if fmt == "csv":
            return csv_response(f"{name}.csv", headers, _export_rows(rows))
        raise Http404


class CateringView(ConferenceMixin, View):
    def get(self, request, slug):
        return render(
            request,
            "conferences/catering.html",
            {
                "conference": self.conference,
                "catering": selectors.catering_summary(self.conference),
            },
        )


class ParticipantCancelView(ParticipantCancelConfirm, ConferenceMixin, View):
    def post(self, request, slug, pk):
        registration = get_object_or_404(self.conference.registrations, pk=pk)
        try:
            services.registration_cancel(registration=registration, actor=request.user)
            messages.success(
                request, _("Anmälan för %(name)s är avbokad.") % {"name": registration.name}
            )
        except ValidationError as error:
            flash_errors(request, error)
        return redirect("conferences:participants", slug=slug)
