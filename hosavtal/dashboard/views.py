"""The steering group's dashboard: thin views over ``selectors.dashboard``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from bodies import permissions as body_rules
from bodies import selectors as bodies
from core import fragments
from core.exports import xlsx_response
from core.permissions import RoleRequiredMixin
from core.roles import Role, has_role
from documents.figures import document_figures
from hosavtal.dashboard import exports, figures, permissions, present, services, tables
from hosavtal.dashboard.forms import DashboardForm, MeetingForm
from hosavtal.dashboard.selectors import dashboard
from implementation.readiness import drill, heatmap


class DashboardAccessMixin(RoleRequiredMixin):
    allowed_roles = permissions.VIEW_ROLES


def _build(request):
    today = timezone.localdate()
    body, meetings = bodies.meetings_of_slug(request.GET.get("organ", ""))
    form = DashboardForm(request.GET or None, meetings=meetings, today=today, body=body)
    since = form.since(figures.default_since(meetings, today))
    data = dashboard(
        user=request.user,
        today=today,
        now=timezone.now(),
        since=since,
        meetings=meetings,
        grouping=form.grouping(),
        weeks=form.weeks(),
    )
    return form, data


class DashboardView(DashboardAccessMixin, TemplateView):
    """The page's content is rendered once per version of the data (``core.fragments``): the
    steering group reads it far more often than the figures change, and any audited write
    shows on the next request. Every viewer role sees every case and the same figures, so the
    content depends only on the data, the query string, the date and the language."""

    template_name = "dashboard/index.html"

    def get_context_data(self, **kwargs):
        request = self.request
        # A politiker sees no case they are not party to: their page is cached apart.
        viewer = "politiker" if has_role(request.user, Role.POLITIKER) else "styrgrupp"
        parts = (timezone.localdate().isoformat(), viewer, fragments.query_key(request.GET))
        page = fragments.cached_fragment(
            "dashboard",
            parts,
            lambda: render_to_string("dashboard/_page.html", self._page_context(), request),
        )
        return {**super().get_context_data(**kwargs), "page": page}

    def _page_context(self):
        form, data = _build(self.request)
        phases = data.county.phases
        keys = [heatmap.SORT_NAME, heatmap.SORT_TOTAL, *(p.code for p in phases)]
        keys += heatmap.level_values()
        key, descending = present.sort_state(self.request, allowed=set(keys))
        heatmap.sort_groups(data.groups, key=key, descending=descending, phases=phases)
        sort = present.sort_links(
            self.request, keys=keys, current=key, descending=descending, anchor="beredskap"
        )
        decision_lines = present.decision_lines(
            data.since.decisions, package_size=len(data.headline.adoption.per_agreement)
        )
        conference_rows = present.conference_rows(data.conferences, data.headline.today)
        tables.add_conference_cells(conference_rows)
        since = data.since
        trend_chart = present.trend_chart(data.trend)
        return {
            "form": form,
            "d": data,
            # Joint documents: open remiss rounds, backing, dispatches without receipts and
            # what happened since the chosen meeting (documents owns the figures).
            "documents_figures": document_figures(today=data.headline.today, since_day=since.since),
            "since_rows": {
                "decisions": tables.decision_rows(decision_lines),
                "completed_by_party": tables.completed_party_rows(since.completed_by_party),
                "completed_recent": tables.completed_recent_rows(since.completed_recent),
                "case_events": tables.case_event_rows(since.case_events),
            },
            "heat_phase": present.heat_lines(
                data.groups, columns=[(p.code, p.pk) for p in phases], param="fas"
            ),
            "heat_level": present.heat_lines(
                data.groups, columns=[(v, v) for v, _label in data.levels], param="niva"
            ),
            "sort": sort,
            "phase_columns": [
                {"label": p.short_name, "title": p.name, "sort": sort[p.code]} for p in phases
            ],
            "level_columns": [
                {"label": label, "title": label, "sort": sort[value]}
                for value, label in data.levels
            ],
            "trend_chart": trend_chart,
            "trend_svg_lines": tables.trend_lines_svg(trend_chart),
            "trend_rows": tables.trend_table_rows(present.trend_rows(data.trend)),
            "phase_chart": tables.with_bar_svg(present.phase_chart(data.by_phase)),
            "step_chart": tables.with_bar_svg(present.step_chart(data.escalations)),
            "capacity_chart": tables.with_bar_svg(present.capacity_chart(data.conferences)),
            "export_query": present.query_without(self.request, "sortera", "ordning"),
            "decision_lines": decision_lines,
            "conference_columns": present.conference_columns(data.conferences),
            "conference_rows": conference_rows,
        }


class DashboardExportView(DashboardAccessMixin, View):
    def get(self, request):
        _form, data = _build(request)
        filename = f"styrgruppens-oversikt-{data.headline.today.isoformat()}.xlsx"
        return xlsx_response(filename, exports.sheets(data))


class CellView(DashboardAccessMixin, TemplateView):
    """The list behind a heatmap cell: the units with their share done, and the items."""

    template_name = "dashboard/cell.html"

    def get_context_data(self, **kwargs):
        scope = self.request.GET.get("omrade", "")
        phase = self._phase()
        level = self.request.GET.get("niva", "")
        if level and level not in heatmap.level_values():
            raise Http404
        try:
            cell = drill.drill_down(scope, phase=phase, level=level)
        except drill.UnknownScope as error:
            raise Http404 from error
        key, descending = present.sort_state(self.request, allowed={"namn", "andel"})
        drill.sort_drill(cell, key=key, descending=descending)
        return {
            **super().get_context_data(**kwargs),
            "drill": cell,
            "phase": phase,
            "level_label": heatmap.level_label(level) if level else "",
            "sort": present.sort_links(
                self.request,
                keys=["namn", "andel"],
                current=key,
                descending=descending,
                anchor="enheter",
            ),
            "back_query": present.query_without(self.request, "omrade", "fas", "niva"),
        }

    def _phase(self):
        code = self.request.GET.get("fas", "")
        if not code:
            return None
        phase = drill.phase_by_code(code)
        if phase is None:
            raise Http404
        return phase


# --- meetings -----------------------------------------------------------------------------------
def _body(request):
    body = figures.meeting_body(request.GET.get("organ", "") or request.POST.get("organ", ""))
    if body is None:
        raise Http404
    return body


def _meeting(request, pk: int):
    meeting = bodies.dashboard_meeting(pk)
    if meeting is None:
        raise Http404
    if not body_rules.allowed(request.user, meeting.body, body_rules.Action.EDIT_DATES):
        raise PermissionDenied
    return meeting


class MeetingListView(DashboardAccessMixin, TemplateView):
    """Any body's meetings (the steering group's by default), with "since" links."""

    template_name = "dashboard/meetings.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        body = _body(self.request)
        meetings = figures.meetings(body)
        return {
            **super().get_context_data(**kwargs),
            "body": body,
            "bodies": bodies.meeting_bodies(),
            "meetings": meetings,
            "today": today,
            "previous": figures.previous_meeting(meetings, today),
            "can_manage": body_rules.allowed(self.request.user, body, body_rules.Action.EDIT_DATES),
        }


def _back(meeting_body) -> str:
    return reverse("dashboard:meetings") + f"?organ={meeting_body.slug}"


def _save(request, form, call, success: str, template: str, context: dict, back: str):
    if form.is_valid():
        try:
            call(**form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(back)
    return render(request, template, {**context, "form": form, "back": back}, status=200)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class MeetingCreateView(DashboardAccessMixin, View):
    template = "dashboard/meeting_form.html"

    def _check(self, request):
        body = _body(request)
        if not body_rules.allowed(request.user, body, body_rules.Action.EDIT_DATES):
            raise PermissionDenied
        return body

    def get(self, request):
        body = self._check(request)
        form = MeetingForm(initial={"date": timezone.localdate()})
        return render(request, self.template, self._context(body, form))

    def post(self, request):
        body = self._check(request)
        form = MeetingForm(request.POST)
        return _save(
            request,
            form,
            lambda **data: services.meeting_create(actor=request.user, body=body, **data),
            _("Mötet är sparat."),
            self.template,
            self._context(body, form),
            _back(body),
        )

    def _context(self, body, form):
        return {
            "form": form,
            "title": _("Nytt möte: %(body)s") % {"body": body},
            "meeting": None,
            "body": body,
            "back": _back(body),
        }


class MeetingUpdateView(DashboardAccessMixin, View):
    template = "dashboard/meeting_form.html"

    def get(self, request, pk: int):
        meeting = _meeting(request, pk)
        form = MeetingForm(instance=meeting, submit_label=_("Spara ändringarna"))
        return render(request, self.template, self._context(meeting, form))

    def post(self, request, pk: int):
        meeting = _meeting(request, pk)
        form = MeetingForm(request.POST, submit_label=_("Spara ändringarna"))
        return _save(
            request,
            form,
            lambda **data: services.meeting_update(actor=request.user, meeting=meeting, **data),
            _("Ändringarna är sparade."),
            self.template,
            self._context(meeting, form),
            _back(meeting.body),
        )

    def _context(self, meeting, form):
        return {
            "form": form,
            "title": _("Ändra möte: %(body)s") % {"body": meeting.body},
            "meeting": meeting,
            "body": meeting.body,
            "back": _back(meeting.body),
        }


class MeetingDeleteView(DashboardAccessMixin, View):
    def post(self, request, pk: int):
        meeting = _meeting(request, pk)
        try:
            services.meeting_delete(actor=request.user, meeting=meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Mötet %(date)s är borttaget.") % {"date": meeting.date.isoformat()}
            )
        return redirect(_back(meeting.body))
