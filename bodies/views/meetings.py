"""A meeting's pages: create, read, edit, its moves (``MEETING_FLOW``), delete and the
minutes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bodies import forms, selectors, services
from bodies.models import Meeting, Participant
from bodies.permissions import Action, actions, allowed, can_read_meeting, may
from bodies.views._common import form_errors, load_body, load_meeting, refused, url_arg
from bodies.workflow import MEETING_EDITS, MEETING_FLOW
from core.permissions import permission_required_for


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.EDIT_DATES), load=load_body, see=may(Action.VIEW))
def meeting_create(request, body):
    dates_only = not allowed(request.user, body, Action.EDIT)
    form = forms.MeetingForm(
        request.POST or None, dates_only=dates_only, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Mötet är skapat som utkast. Lägg till dagordningen."))
            return redirect("bodies:meeting", pk=meeting.pk)
    return render(
        request, "bodies/meeting_form.html", {"body": body, "form": form, "meeting": None}
    )


@require_safe
@permission_required_for(load=load_meeting, see=can_read_meeting)
def meeting_detail(request, meeting):
    acts = actions(request.user, meeting.body)
    editable = Action.EDIT in acts and not meeting.is_locked
    return render(
        request,
        "bodies/meeting.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "acts": acts,
            "editable": editable,
            "can_dates": Action.EDIT_DATES in acts and not meeting.is_locked,
            "outcomes_open": editable and MEETING_EDITS.allows("outcomes", meeting.state),
            "transitions": [(t.action, t.label) for t in MEETING_FLOW.actions_from(meeting.state)]
            if Action.EDIT in acts
            else [],
            "item_form": forms.ItemForm(body=meeting.body) if editable else None,
            "outcome_form": forms.OutcomeForm() if editable else None,
            "participant_form": forms.ParticipantForm() if editable else None,
            "attendance_choices": Participant.Attendance.choices,
            "owners": selectors.action_owner_candidates(meeting.body) if editable else [],
            "user_id": request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.EDIT_DATES), load=load_meeting, see=can_read_meeting)
def meeting_update(request, meeting):
    pk = meeting.pk
    if meeting.is_locked:
        messages.error(request, _("Protokollet är justerat och kan inte längre ändras."))
        return redirect("bodies:meeting", pk=pk)
    dates_only = not allowed(request.user, meeting.body, Action.EDIT)
    form = forms.MeetingForm(request.POST or None, instance=meeting, dates_only=dates_only)
    if request.method == "POST" and form.is_valid():
        fresh = Meeting.objects.select_related("body").get(pk=pk)
        try:
            services.meeting_update(actor=request.user, meeting=fresh, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Mötet är sparat."))
            return redirect("bodies:meeting", pk=pk)
    return render(
        request,
        "bodies/meeting_form.html",
        {"body": meeting.body, "form": form, "meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.EDIT), load=load_meeting, see=can_read_meeting)
def meeting_transition(request, meeting):
    """GET asks first (an irreversible step, e.g. approving the minutes); POST does it."""
    action, pk = url_arg(request, "action"), meeting.pk
    if action not in MEETING_FLOW:
        raise Http404
    if request.method == "POST":
        try:
            services.meeting_transition(actor=request.user, meeting=meeting, action=action)
        except ValidationError as error:
            return refused(request, error, reverse("bodies:meeting", args=[pk]))
        messages.success(
            request, _("Mötet har nu status %(state)s.") % {"state": meeting.get_state_display()}
        )
        return redirect("bodies:meeting", pk=pk)
    return render(
        request,
        "bodies/confirm.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "action": action,
            "label": MEETING_FLOW[action].label,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.EDIT_DATES), load=load_meeting, see=can_read_meeting)
def meeting_delete(request, meeting):
    pk = meeting.pk
    if request.method == "POST":
        try:
            services.meeting_delete(actor=request.user, meeting=meeting)
        except ValidationError as error:
            return refused(request, error, reverse("bodies:meeting", args=[pk]))
        messages.success(request, _("Mötet är borttaget."))
        return redirect("bodies:body", slug=meeting.body.slug)
    return render(
        request,
        "bodies/confirm.html",
        {"meeting": meeting, "body": meeting.body, "action": "delete", "label": _("Ta bort mötet")},
    )


@require_safe
@permission_required_for(load=load_meeting, see=can_read_meeting)
def minutes(request, meeting):
    """The minutes as an A4 page (print it, or save it as PDF, for each party's diarium)."""
    return render(request, "bodies/minutes.html", {"meeting": meeting, "body": meeting.body})
