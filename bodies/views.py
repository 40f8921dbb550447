"""Thin views of the joint bodies. Every object is checked against the rule table
(``bodies.permissions``) and every write goes through ``bodies.services``."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from agreements.models import JointBody
from bodies import forms, selectors, services
from bodies.models import (
    AgendaItem,
    CalendarToken,
    Issue,
    Meeting,
    Membership,
    Outcome,
    Participant,
)
from bodies.permissions import Action, actions, allowed, can_complete, can_see_meeting
from core.exports import Sheet, xlsx_response
from core.ics import IcsEvent, ics_bytes
from core.roles import Role, has_role

PAGE_SIZE = 25


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def _body(slug: str, user, action: Action = Action.VIEW) -> JointBody:
    body = get_object_or_404(JointBody, slug=slug)
    if not allowed(user, body, action):
        if allowed(user, body, Action.VIEW):
            raise PermissionDenied
        raise Http404
    return body


def _meeting(request, pk: int, *, action: Action | None = None) -> Meeting:
    try:
        meeting = selectors.meeting_detail(pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error
    if not can_see_meeting(request.user, meeting) and not _owns_an_action(request.user, meeting):
        raise Http404
    if action is not None and not allowed(request.user, meeting.body, action):
        raise PermissionDenied
    return meeting


def _owns_an_action(user, meeting) -> bool:
    """An action's owner reads the meeting that gave it (the e-mail and Min sida link to it),
    even without being a member of the body."""
    return any(o.owner_id == user.pk for item in meeting.items.all() for o in item.outcomes.all())


def _refused(request, error: ValidationError, back: str):
    messages.error(request, " ".join(error.messages))
    return redirect(back)


# --- bodies ----------------------------------------------------------------------------------
@require_safe
def index(request):
    rows = [(b, actions(request.user, b)) for b in selectors.bodies_with_counts()]
    return render(
        request,
        "bodies/index.html",
        {
            "rows": [(b, Action.READ_ALL in acts) for b, acts in rows if Action.VIEW in acts],
            "can_dashboard": has_role(
                request.user, Role.POLITIKER, Role.STYRGRUPP, Role.FORVALTARE
            ),
        },
    )


@require_safe
def body_detail(request, slug: str):
    body = _body(slug, request.user)
    acts = actions(request.user, body)
    page = Paginator(selectors.visible_meetings(request.user, body), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "bodies/body.html",
        {
            "body": body,
            "acts": acts,
            "can": {a.value: a in acts for a in Action},
            "members": selectors.current_members(body),
            "page": page,
            "decisions": selectors.decisions_of(body, limit=20)
            if Action.READ_RECORD in acts
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
def member_edit(request, slug: str, pk: int | None = None):
    body = _body(slug, request.user, Action.MEMBERS)
    member = get_object_or_404(Membership, pk=pk, body=body) if pk else None
    form = forms.MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        original = Membership.objects.get(pk=pk) if pk else None
        try:
            services.member_save(
                actor=request.user, body=body, member=original, **form.cleaned_data
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Ledamoten är sparad."))
            return redirect("bodies:body", slug=body.slug)
    return render(
        request, "bodies/member_form.html", {"body": body, "form": form, "member": member}
    )


@require_http_methods(["GET", "POST"])
def per_capsulam(request, slug: str):
    body = _body(slug, request.user, Action.EDIT)
    members = selectors.current_members(body)
    form = forms.PerCapsulamForm(request.POST or None, body=body, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.per_capsulam_decide(
                actor=request.user,
                body=body,
                text=form.cleaned_data["text"],
                decided_on=form.cleaned_data["decided_on"],
                agreed=list(form.cleaned_data["agreed"]),
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Beslutet per capsulam är registrerat."))
            return redirect("bodies:body", slug=body.slug)
    return render(request, "bodies/per_capsulam.html", {"body": body, "form": form})


@require_safe
def decisions_export(request, slug: str):
    body = _body(slug, request.user, Action.READ_RECORD)
    rows = []
    for o in selectors.export_rows(body):
        rows.append(
            [
                o.date,
                o.get_kind_display(),
                str(services.PER_CAPSULAM_LABEL)
                if o.per_capsulam
                else (o.item.meeting.title or _("Möte")),
                o.item.title if o.item_id else "",
                o.text,
                (o.owner.get_full_name() or o.owner.username) if o.owner_id else "",
                o.due_date,
                o.done_at,
                ", ".join(m.name for m in o.agreed.all()) if o.per_capsulam else "",
            ]
        )
    headers = [
        _("Datum"),
        _("Slag"),
        _("Möte"),
        _("Punkt"),
        _("Text"),
        _("Ansvarig"),
        _("Klart senast"),
        _("Klar"),
        _("Ledamöter som instämt"),
    ]
    filename = f"beslut-och-atgarder-{body.slug}-{timezone.localdate().isoformat()}.xlsx"
    return xlsx_response(filename, [Sheet(_("Beslut och åtgärder"), headers, rows)])


# --- meetings ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def meeting_create(request, slug: str):
    body = _body(slug, request.user, Action.EDIT_DATES)
    dates_only = not allowed(request.user, body, Action.EDIT)
    form = forms.MeetingForm(
        request.POST or None, dates_only=dates_only, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Mötet är skapat som utkast. Lägg till dagordningen."))
            return redirect("bodies:meeting", pk=meeting.pk)
    return render(
        request, "bodies/meeting_form.html", {"body": body, "form": form, "meeting": None}
    )


@require_safe
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
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
            "outcomes_open": editable and meeting.state in services.EDITS["outcomes"],
            "transitions": [
                (name, services.TRANSITION_LABELS[name])
                for name, (sources, _target) in services.TRANSITIONS.items()
                if meeting.state in sources
            ]
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
def meeting_update(request, pk: int):
    meeting = _meeting(request, pk, action=Action.EDIT_DATES)
    if meeting.is_locked:
        messages.error(request, _("Protokollet är justerat och kan inte längre ändras."))
        return redirect("bodies:meeting", pk=meeting.pk)
    dates_only = not allowed(request.user, meeting.body, Action.EDIT)
    form = forms.MeetingForm(request.POST or None, instance=meeting, dates_only=dates_only)
    if request.method == "POST" and form.is_valid():
        fresh = Meeting.objects.select_related("body").get(pk=pk)
        try:
            services.meeting_update(actor=request.user, meeting=fresh, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Mötet är sparat."))
            return redirect("bodies:meeting", pk=pk)
    return render(
        request,
        "bodies/meeting_form.html",
        {"body": meeting.body, "form": form, "meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def meeting_transition(request, pk: int, action: str):
    """GET asks first (an irreversible step, e.g. approving the minutes); POST does it."""
    meeting = _meeting(request, pk, action=Action.EDIT)
    if action not in services.TRANSITIONS:
        raise Http404
    if request.method == "POST":
        try:
            services.meeting_transition(actor=request.user, meeting=meeting, action=action)
        except ValidationError as error:
            return _refused(request, error, reverse("bodies:meeting", args=[pk]))
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
            "label": services.TRANSITION_LABELS[action],
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_delete(request, pk: int):
    meeting = _meeting(request, pk, action=Action.EDIT_DATES)
    if request.method == "POST":
        try:
            services.meeting_delete(actor=request.user, meeting=meeting)
        except ValidationError as error:
            return _refused(request, error, reverse("bodies:meeting", args=[pk]))
        messages.success(request, _("Mötet är borttaget."))
        return redirect("bodies:body", slug=meeting.body.slug)
    return render(
        request,
        "bodies/confirm.html",
        {"meeting": meeting, "body": meeting.body, "action": "delete", "label": _("Ta bort mötet")},
    )


@require_POST
def item_add(request, pk: int):
    meeting = _meeting(request, pk, action=Action.EDIT)
    form = forms.ItemForm(request.POST, body=meeting.body)
    back = reverse("bodies:meeting", args=[pk]) + "#dagordning"
    if not form.is_valid():
        messages.error(
            request,
            _("Punkten sparades inte: ")
            + " ".join(str(e) for errs in form.errors.values() for e in errs),
        )
        return redirect(back)
    try:
        services.item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(request, _("Punkten är tillagd."))
    return redirect(back)


def _item(request, pk: int) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__body"), pk=pk)
    if not can_see_meeting(request.user, item.meeting):
        raise Http404
    if not allowed(request.user, item.meeting.body, Action.EDIT):
        raise PermissionDenied
    return item


@require_POST
def item_move(request, pk: int):
    item = _item(request, pk)
    back = reverse("bodies:meeting", args=[item.meeting_id]) + "#dagordning"
    try:
        services.item_move(actor=request.user, item=item, up=request.POST.get("riktning") == "upp")
    except ValidationError as error:
        return _refused(request, error, back)
    return redirect(back)


@require_POST
def item_delete(request, pk: int):
    item = _item(request, pk)
    back = reverse("bodies:meeting", args=[item.meeting_id]) + "#dagordning"
    try:
        services.item_delete(actor=request.user, item=item)
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(request, _("Punkten är borttagen."))
    return redirect(back)


@require_POST
def outcome_add(request, pk: int):
    item = _item(request, pk)
    back = reverse("bodies:meeting", args=[item.meeting_id]) + f"#punkt-{item.pk}"
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Utfallet sparades inte: ")
            + " ".join(str(e) for errs in form.errors.values() for e in errs),
        )
        return redirect(back)
    try:
        services.outcome_add(actor=request.user, item=item, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(request, _("Utfallet är sparat."))
    return redirect(back)


@require_POST
def outcome_delete(request, pk: int):
    outcome = get_object_or_404(
        Outcome.objects.select_related("item__meeting__body"), pk=pk, item__isnull=False
    )
    if not can_see_meeting(request.user, outcome.item.meeting):
        raise Http404
    if not allowed(request.user, outcome.body, Action.EDIT):
        raise PermissionDenied
    back = reverse("bodies:meeting", args=[outcome.item.meeting_id])
    try:
        services.outcome_delete(actor=request.user, outcome=outcome)
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(request, _("Utfallet är borttaget."))
    return redirect(back)


@require_POST
def action_done(request, pk: int):
    outcome = get_object_or_404(
        Outcome.objects.select_related("body", "item__meeting"), pk=pk, kind=Outcome.Kind.ACTION
    )
    if not can_complete(request.user, outcome):
        raise Http404
    services.action_complete(
        actor=request.user, outcome=outcome, done=request.POST.get("klar") != "nej"
    )
    messages.success(request, _("Åtgärden är uppdaterad."))
    nxt = request.POST.get("nasta", "")
    if nxt == "mina":
        return redirect("bodies:my_actions")
    return redirect("bodies:meeting", pk=outcome.item.meeting_id)


@require_POST
def participant_add(request, pk: int):
    meeting = _meeting(request, pk, action=Action.EDIT)
    back = reverse("bodies:meeting", args=[pk]) + "#kallade"
    form = forms.ParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ange ett namn på en rad."))
        return redirect(back)
    try:
        services.participant_add(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(request, _("Den kallade är tillagd."))
    return redirect(back)


@require_POST
def attendance(request, pk: int):
    meeting = _meeting(request, pk, action=Action.EDIT)
    back = reverse("bodies:meeting", args=[pk]) + "#kallade"
    values = {}
    for p in meeting.participants.all():
        values[p.pk] = request.POST.get(f"narvaro-{p.pk}", p.attendance)
    try:
        services.attendance_set(actor=request.user, meeting=meeting, attendance=values)
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(request, _("Närvaron är sparad."))
    return redirect(back)


@require_POST
def participant_remove(request, pk: int):
    row = get_object_or_404(Participant.objects.select_related("meeting__body"), pk=pk)
    if not can_see_meeting(request.user, row.meeting):
        raise Http404
    if not allowed(request.user, row.meeting.body, Action.EDIT):
        raise PermissionDenied
    back = reverse("bodies:meeting", args=[row.meeting_id]) + "#kallade"
    try:
        services.participant_remove(actor=request.user, participant=row)
    except ValidationError as error:
        return _refused(request, error, back)
    return redirect(back)


@require_safe
def minutes(request, pk: int):
    """The minutes as an A4 page (print it, or save it as PDF, for each party's diarium)."""
    meeting = _meeting(request, pk)
    return render(request, "bodies/minutes.html", {"meeting": meeting, "body": meeting.body})


# --- issue log -----------------------------------------------------------------------------
@require_safe
def issues(request, slug: str):
    body = _body(slug, request.user, Action.READ_ALL)
    page = Paginator(selectors.issues_of(body), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bodies/issues.html",
        {"body": body, "page": page, "can_raise": allowed(request.user, body, Action.RAISE)},
    )


@require_http_methods(["GET", "POST"])
def issue_create(request, slug: str):
    body = _body(slug, request.user, Action.RAISE)
    form = forms.IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_raise(actor=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Frågan är registrerad i frågeloggen."))
            return redirect("bodies:issue", pk=issue.pk)
    return render(request, "bodies/issue_form.html", {"body": body, "form": form, "issue": None})


def _issue(request, pk: int, action: Action = Action.READ_ALL) -> Issue:
    try:
        issue = selectors.issue_detail(pk)
    except Issue.DoesNotExist as error:
        raise Http404 from error
    readable = (
        allowed(request.user, issue.body, Action.READ_ALL) or issue.raised_by_id == request.user.pk
    )
    if not readable:
        raise Http404
    if action != Action.READ_ALL and not allowed(request.user, issue.body, action):
        raise PermissionDenied
    return issue


@require_safe
def issue_detail(request, pk: int):
    issue = _issue(request, pk)
    editable = (
        allowed(request.user, issue.body, Action.EDIT) and issue.status != Issue.Status.ANSWERED
    )
    return render(
        request,
        "bodies/issue.html",
        {
            "issue": issue,
            "body": issue.body,
            "editable": editable,
            "move_form": forms.IssueMoveForm() if editable else None,
            "answer_form": forms.IssueAnswerForm() if editable else None,
        },
    )


@require_http_methods(["GET", "POST"])
def issue_update(request, pk: int):
    issue = _issue(request, pk, Action.EDIT)
    form = forms.IssueForm(
        request.POST or None, instance=issue, with_status=True, submit=_("Spara frågan")
    )
    if request.method == "POST" and form.is_valid():
        fresh = Issue.objects.select_related("body").get(pk=pk)
        data = dict(form.cleaned_data)
        try:
            services.issue_update(actor=request.user, issue=fresh, **data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Frågan är sparad."))
            return redirect("bodies:issue", pk=pk)
    return render(
        request, "bodies/issue_form.html", {"body": issue.body, "form": form, "issue": issue}
    )


@require_POST
def issue_move(request, pk: int):
    issue = _issue(request, pk, Action.EDIT)
    form = forms.IssueMoveForm(request.POST)
    back = reverse("bodies:issue", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Välj vart frågan ska flyttas."))
        return redirect(back)
    try:
        services.issue_move(actor=request.user, issue=issue, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(
        request, _("Frågan är flyttad till %(body)s.") % {"body": form.cleaned_data["to_body"]}
    )
    return redirect(back)


@require_POST
def issue_answer(request, pk: int):
    issue = _issue(request, pk, Action.EDIT)
    form = forms.IssueAnswerForm(request.POST)
    back = reverse("bodies:issue", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Skriv svaret."))
        return redirect(back)
    try:
        services.issue_answer(actor=request.user, issue=issue, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        return _refused(request, error, back)
    messages.success(request, _("Frågan är besvarad och den som väckte den har fått svaret."))
    return redirect(back)


# --- my actions and the calendar -------------------------------------------------------------
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
    record = CalendarToken.objects.select_related("user").filter(token=token).first()
    if record is None or not record.user.is_active:
        raise Http404
    events = []
    for o in selectors.actions_for(record.user):
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
