"""Conference overview, detail, editing, programme, pre-meetings and documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from conferences import permissions, selectors, services
from conferences.forms import (
    ConferenceForm,
    DocumentForm,
    PreMeetingForm,
    ProgrammeItemForm,
    StatusForm,
)
from conferences.models import Conference
from conferences.services.conferences import cancel_undoable, conference_delete_blockers
from conferences.views.base import ConferenceMixin, add_form_errors, back, flash_errors
from conferences.workflow import CONFERENCE_FLOW
from core.permissions import RoleRequiredMixin, check


class ConferenceListView(View):
    def get(self, request):
        # Checked in get(): a POST is 405 for everyone (the security sweep's row).
        check(request.user, None, predicate=permissions.can_view)
        upcoming, past = selectors.upcoming_and_past(list(selectors.conference_list()))
        return render(
            request,
            "conferences/index.html",
            {
                "upcoming": upcoming,
                "past": past,
                "can_manage": permissions.can_manage(request.user),
            },
        )


class ConferenceCreateView(RoleRequiredMixin, View):
    template = "conferences/conference_form.html"
    allowed_roles = permissions.MANAGERS

    def get(self, request):
        form = ConferenceForm(initial={"fika": True, "lunch": True, "retention_days": 30})
        return render(request, self.template, {"form": form})

    def post(self, request):
        form = ConferenceForm(request.POST)
        if form.is_valid():
            try:
                conference = services.conference_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Konferensen är skapad."))
                return back(conference)
        return render(request, self.template, {"form": form})


class ConferenceUpdateView(ConferenceMixin, View):
    template = "conferences/conference_form.html"

    def get(self, request, slug):
        form = ConferenceForm(instance=self.conference)
        return render(request, self.template, {"form": form, "conference": self.conference})

    def post(self, request, slug):
        form = ConferenceForm(request.POST, instance=Conference.objects.get(pk=self.conference.pk))
        if form.is_valid():
            try:
                services.conference_update(
                    conference=self.conference, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Ändringarna är sparade."))
                return back(self.conference)
        return render(request, self.template, {"form": form, "conference": self.conference})


class ConferenceDetailView(ConferenceMixin, View):
    predicate = staticmethod(permissions.can_view)

    def get(self, request, slug):
        conference = selectors.conference_with_counts(slug)
        can_manage = permissions.can_manage(request.user)
        editable = CONFERENCE_FLOW.allows("andra", conference.status)
        context = {
            "conference": conference,
            "can_edit": can_manage and editable,
            "programme": list(conference.programme.all()),
            "pre_meetings": list(conference.pre_meetings.all()),
            "documents": list(conference.documents.all()),
            "counts": selectors.conference_counts(conference),
            "can_manage": can_manage,
            "can_link_evidence": permissions.can_link_evidence(request.user),
            "invitations": list(selectors.invitation_list(conference)) if can_manage else [],
            "status_choices": [
                (t.target, Conference.Status(t.target).label)
                for t in CONFERENCE_FLOW.actions_from(conference.status)
                if t.target in (Conference.Status.GENOMFORD, Conference.Status.INSTALLD)
            ],
            # Registration opens when the invitation is sent, or here without one.
            "can_open_registration": can_manage
            and conference.status == Conference.Status.PLANERAD
            and CONFERENCE_FLOW.allows(Conference.Status.INBJUDAN_SKICKAD, conference.status)
            and conference.date is not None,
            "programme_form": ProgrammeItemForm(prefix="program"),
            "pre_meeting_form": PreMeetingForm(prefix="formote"),
            "document_form": DocumentForm(prefix="dokument"),
            "editable": editable,
            "cancel_undoable": cancel_undoable(conference),
            "can_delete": can_manage and not conference_delete_blockers(conference),
            "can_see_needs": permissions.can_see_needs(request.user),
        }
        return render(request, "conferences/detail.html", context)


class ConferenceStatusView(ConferenceMixin, View):
    def post(self, request, slug):
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Välj en giltig status."))
            return back(self.conference)
        status = form.cleaned_data["status"]
        if status == Conference.Status.INSTALLD:
            # Cancelling asks first (how many are told, a message, undo).
            return redirect("conferences:cancel_conference", slug=self.conference.slug)
        try:
            services.conference_set_status(
                conference=self.conference, status=status, actor=request.user
            )
            if status == Conference.Status.INBJUDAN_SKICKAD:
                messages.success(request, _("Anmälan är öppen."))
            else:
                messages.success(request, _("Konferensen är markerad som genomförd."))
        except ValidationError as error:
            flash_errors(request, error)
        return back(self.conference)


class _AddView(ConferenceMixin, View):
    form_class = None
    prefix = ""
    success = ""

    def create(self, form):
        raise NotImplementedError

    def post(self, request, slug):
        form = self.form_class(request.POST, request.FILES, prefix=self.prefix)
        if form.is_valid():
            try:
                self.create(form)
            except ValidationError as error:
                flash_errors(request, error)
            else:
                messages.success(request, self.success)
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
        return redirect(f"{self.conference_url()}#{self.prefix}")

    def conference_url(self):
        from django.urls import reverse

        return reverse("conferences:detail", args=[self.conference.slug])


class ProgrammeItemAddView(_AddView):
    form_class = ProgrammeItemForm
    prefix = "program"

    def create(self, form):
        self.success = _("Programpunkten är tillagd.")
        services.programme_item_add(
            conference=self.conference, actor=self.request.user, **form.cleaned_data
        )


class PreMeetingAddView(_AddView):
    form_class = PreMeetingForm
    prefix = "formote"

    def create(self, form):
        self.success = _("Förmötet är tillagt.")
        services.pre_meeting_add(
            conference=self.conference, actor=self.request.user, **form.cleaned_data
        )


class DocumentAddView(_AddView):
    form_class = DocumentForm
    prefix = "dokument"

    def create(self, form):
        self.success = _("Dokumentet är uppladdat.")
        services.document_add(
            conference=self.conference,
            actor=self.request.user,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )


class ProgrammeItemDeleteView(ConferenceMixin, View):
    def post(self, request, slug, pk):
        item = get_object_or_404(self.conference.programme, pk=pk)
        try:
            services.programme_item_delete(item=item, actor=request.user)
            messages.success(request, _("Programpunkten är borttagen."))
        except ValidationError as error:
            flash_errors(request, error)
        return back(self.conference)


class PreMeetingDeleteView(ConferenceMixin, View):
    def post(self, request, slug, pk):
        meeting = get_object_or_404(self.conference.pre_meetings, pk=pk)
        services.pre_meeting_delete(meeting=meeting, actor=request.user)
        messages.success(request, _("Förmötet är borttaget."))
        return back(self.conference)


class DocumentDownloadView(ConferenceMixin, View):
    predicate = staticmethod(permissions.can_view)

    def get(self, request, slug, pk):
        document = get_object_or_404(self.conference.documents, pk=pk)
        name = document.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


class DocumentDeleteView(ConferenceMixin, View):
    def post(self, request, slug, pk):
        document = get_object_or_404(self.conference.documents, pk=pk)
        services.document_delete(document=document, actor=request.user)
        messages.success(request, _("Dokumentet är borttaget."))
        return back(self.conference)
