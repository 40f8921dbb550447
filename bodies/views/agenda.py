"""Action POSTs on a meeting: agenda items, outcomes, following up an action, who is called
and who attended. Each answers with a redirect back to the meeting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodies import forms, services
from bodies.permissions import Action, can_complete, can_read_meeting, can_see_meeting_of, may
from bodies.views._common import (
    load_action,
    load_item,
    load_meeting,
    load_meeting_outcome,
    load_participant,
    refused,
)
from core.permissions import permission_required_for

EDIT = may(Action.EDIT)


def _form_refused(request, prefix: str, form, back: str):
    messages.error(
        request, prefix + " ".join(str(e) for errs in form.errors.values() for e in errs)
    )
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_meeting, see=can_read_meeting)
def item_add(request, meeting):
    form = forms.ItemForm(request.POST, body=meeting.body)
    back = reverse("bodies:meeting", args=[meeting.pk]) + "#dagordning"
    if not form.is_valid():
        return _form_refused(request, _("Punkten sparades inte: "), form, back)
    try:
        services.item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(request, _("Punkten är tillagd."))
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_item, see=can_see_meeting_of)
def item_move(request, item):
    back = reverse("bodies:meeting", args=[item.meeting_id]) + "#dagordning"
    try:
        services.item_move(actor=request.user, item=item, up=request.POST.get("riktning") == "upp")
    except ValidationError as error:
        return refused(request, error, back)
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_item, see=can_see_meeting_of)
def item_delete(request, item):
    back = reverse("bodies:meeting", args=[item.meeting_id]) + "#dagordning"
    try:
        services.item_delete(actor=request.user, item=item)
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(request, _("Punkten är borttagen."))
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_item, see=can_see_meeting_of)
def outcome_add(request, item):
    back = reverse("bodies:meeting", args=[item.meeting_id]) + f"#punkt-{item.pk}"
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, _("Utfallet sparades inte: "), form, back)
    try:
        services.outcome_add(actor=request.user, item=item, **form.cleaned_data)
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(request, _("Utfallet är sparat."))
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_meeting_outcome, see=can_see_meeting_of)
def outcome_delete(request, outcome):
    back = reverse("bodies:meeting", args=[outcome.item.meeting_id])
    try:
        services.outcome_delete(actor=request.user, outcome=outcome)
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(request, _("Utfallet är borttaget."))
    return redirect(back)


@require_POST
@permission_required_for(load=load_action, see=can_complete)
def action_done(request, outcome):
    services.action_complete(
        actor=request.user, outcome=outcome, done=request.POST.get("klar") != "nej"
    )
    messages.success(request, _("Åtgärden är uppdaterad."))
    if request.POST.get("nasta", "") == "mina":
        return redirect("bodies:my_actions")
    return redirect("bodies:meeting", pk=outcome.item.meeting_id)


@require_POST
@permission_required_for(EDIT, load=load_meeting, see=can_read_meeting)
def participant_add(request, meeting):
    back = reverse("bodies:meeting", args=[meeting.pk]) + "#kallade"
    form = forms.ParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ange ett namn på en rad."))
        return redirect(back)
    try:
        services.participant_add(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(request, _("Den kallade är tillagd."))
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_meeting, see=can_read_meeting)
def attendance(request, meeting):
    back = reverse("bodies:meeting", args=[meeting.pk]) + "#kallade"
    values = {}
    for p in meeting.participants.all():
        values[p.pk] = request.POST.get(f"narvaro-{p.pk}", p.attendance)
    try:
        services.attendance_set(actor=request.user, meeting=meeting, attendance=values)
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(request, _("Närvaron är sparad."))
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_participant, see=can_see_meeting_of)
def participant_remove(request, row):
    back = reverse("bodies:meeting", args=[row.meeting_id]) + "#kallade"
    try:
        services.participant_remove(actor=request.user, participant=row)
    except ValidationError as error:
        return refused(request, error, back)
    return redirect(back)
