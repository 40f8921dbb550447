"""Thin views: find the case through the visibility rule, check the permission, call one
service, redirect. A case the user may not see is a 404 everywhere."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import fragments
from core.exports import Sheet, csv_response, xlsx_response
from core.ics import IcsEvent, ics_bytes
from escalation import forms, permissions, selectors, services
from escalation.models import CalendarToken, Case, CaseContact, HandlerRule, LadderStep


def _filter_form(request) -> forms.CaseFilterForm:
    return forms.CaseFilterForm(request.GET or None)


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _row_words() -> dict:
    """Words and the link prefix long case lists repeat per row, translated once."""
    return {
        "case_base": reverse("escalation:list"),
        "deadline_word": _("Tidsgräns"),
        "opened_word": _("Öppnat"),
    }


@require_GET
def index(request):
    """The ladder. Its columns are rendered once per version of the data (core.fragments: any
    audited write shows on the next visit), per day (deadline states), per query string and
    per user (what a user may see, and "the cases I handle", are the user's own)."""
    form = _filter_form(request)
    today = timezone.localdate()
    query_string = _query_string(request)

    def render_ladder() -> dict:
        columns = selectors.ladder_overview(user=request.user, filters=form.filters(), today=today)
        context = {
            "form": form,
            "columns": columns,
            "query_string": query_string,
            "total": sum(c.total for c in columns),
            **_row_words(),
        }
        return {
            "html": render_to_string("escalation/_ladder.html", context, request),
            "provisional": any(c.step.is_provisional for c in columns),
        }

    parts = (today.isoformat(), fragments.query_key(request.GET), request.user.pk)
    ladder = fragments.cached("ladder", parts, render_ladder)
    return render(
        request,
        "escalation/index.html",
        {
            "form": form,
            "ladder": mark_safe(ladder["html"]),  # our own rendered template
            "provisional": ladder["provisional"],
            "can_open": permissions.can_open_case(request.user),
        },
    )


@require_GET
def case_list(request):
    form = _filter_form(request)
    today = timezone.localdate()
    cases = selectors.case_list(user=request.user, filters=form.filters(), today=today)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.decorate(page.object_list, today)
    return render(
        request,
        "escalation/case_list.html",
        {
            "form": form,
            "page_obj": page,
            "cases": page.object_list,
            "today": today,
            "query_string": _query_string(request),
            "can_open": permissions.can_open_case(request.user),
            **_row_words(),
        },
    )


@require_GET
def export(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    form = _filter_form(request)
    headers, rows = selectors.case_export_rows(user=request.user, filters=form.filters())
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        return csv_response(f"eskaleringsarenden-{stamp}.csv", headers, rows)
    return xlsx_response(f"eskaleringsarenden-{stamp}.xlsx", [Sheet(_("Ärenden"), headers, rows)])


def case_create(request):
    if not permissions.can_open_case(request.user):
        raise PermissionDenied
    form = forms.CaseOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(actor=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Ärendet %(ref)s är öppnat på steg 1. Tidsgräns: %(deadline)s.")
                % {"ref": case.reference, "deadline": services.long_date(case.step_deadline)},
            )
            return redirect("escalation:detail", pk=case.pk)
    return render(
        request,
        "escalation/case_form.html",
        {"form": form, "first_step": LadderStep.objects.order_by("order").first()},
    )


def _visible_case(request, pk: int) -> Case:
    case = selectors.case_detail(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return case


def _detail_context(request, case: Case, **bound) -> dict:
    user = request.user
    facts = case.facts if hasattr(case, "facts") else selectors.case_facts(case)
    rels = permissions.relations(user, case, facts)
    may = permissions.actions_for(rels)
    actions = {a for a in services.allowed_actions(case) if a in may}
    proposals = list(case.proposals.all())
    pending = next((p for p in proposals if p.status == p.Status.PENDING), None)
    sides = permissions.sides(user, case, facts)
    if pending or len(sides) != 1:
        actions.discard(permissions.Action.PROPOSE)
    if not pending or len(sides) != 1 or pending.proposing_party_id in sides:
        actions.discard(permissions.Action.ANSWER)
    next_step = services.next_step(case) if "escalate" in actions else None
    reopen_until = services.reopen_deadline(case)
    if "reopen" in actions and reopen_until and timezone.now() > reopen_until:
        actions.discard("reopen")
    today = timezone.localdate()
    selectors.decorate([case], today)
    periods = list(case.periods.all())
    current = next((p for p in periods if p.ended_at is None), None)
    return {
        "case": case,
        "periods": periods,
        "current_period": current,
        "deadline_explanation": services.deadline_explanation(current) if current else "",
        "events": list(case.events.all()),
        "proposals": proposals,
        "pending": pending,
        "pauses": list(case.pauses.all()),
        "open_pause": next((p for p in case.pauses.all() if p.ended_at is None), None),
        "attachments": case.case_attachments,
        "actions": actions,
        "can_act": bool(actions - {"view", "download"}),
        "can_download": permissions.Action.DOWNLOAD in may,
        "next_step": next_step,
        "reopen_until": reopen_until,
        "is_handler": user.pk in facts.current_handlers,
        "comment_form": bound.get("comment") or forms.CommentForm(),
        "attach_form": bound.get("attach") or forms.AttachForm(),
        "escalate_form": bound.get("escalate")
        or forms.EscalateForm(initial={"step": case.current_step_id}),
        "propose_form": bound.get("propose") or forms.ProposeForm(),
        "answer_form": bound.get("answer")
        or forms.AnswerForm(initial={"proposal": pending.pk if pending else None}),
        "decide_form": bound.get("decide") or forms.DecideForm(),
        "pause_form": bound.get("pause") or forms.PauseForm(),
        "resume_form": forms.ResumeForm(),
        "reopen_form": bound.get("reopen") or forms.ReopenForm(),
        "close_form": bound.get("close") or forms.CloseForm(required=False),
        "details_form": bound.get("edit_details")
        or forms.DetailsForm(
            initial={
                "diarienummer": case.diarienummer,
                "is_systemic": case.is_systemic,
                "category": case.category_id,
            }
        ),
        "today": today,
        "now": timezone.now(),
    }


@require_GET
def case_detail(request, pk: int):
    case = _visible_case(request, pk)
    return render(request, "escalation/case_detail.html", _detail_context(request, case))


def _act(request, pk: int, action: str, form, call, success):
    """Shared shape of every action view: 404 if the user may not see the case, 403 if the
    rule table refuses the action (before any form is read, so nothing is written), the
    service's Swedish error back on the form, a message and a redirect on success."""
    case = _visible_case(request, pk)
    if not permissions.allowed(request.user, case, action, selectors.case_facts(case)):
        raise PermissionDenied
    if form.is_valid():
        try:
            result = call(case, form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    target = field if field in form.fields else None
                    for item in errors:
                        form.add_error(target, item)
            else:
                form.add_error(None, error)
        else:
            message = success(result) if callable(success) else success
            messages.success(request, message)
            return redirect("escalation:detail", pk=case.pk)
    case = _visible_case(request, pk)  # fresh: the failed service may have locked it
    context = _detail_context(request, case, **{action: form})
    context["open_action"] = action
    context["action_errors"] = form.non_field_errors()
    return render(request, "escalation/case_detail.html", context, status=400)


def _files(request, name: str = "file") -> list:
    return request.FILES.getlist(name)


@require_POST
def case_comment(request, pk: int):
    return _act(
        request,
        pk,
        "comment",
        forms.CommentForm(request.POST, request.FILES),
        lambda case, d: services.case_comment(
            case=case, actor=request.user, text=d["text"], files=_files(request)
        ),
        _("Kommentaren är sparad."),
    )


@require_POST
def case_attach(request, pk: int):
    return _act(
        request,
        pk,
        "attach",
        forms.AttachForm(request.POST, request.FILES),
        lambda case, d: services.case_attach(case=case, actor=request.user, files=_files(request)),
        _("Filen är bifogad."),
    )


@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """A case's file, only for those who may read the case (404 for everyone else)."""
    attachment = selectors.attachment_for(user=request.user, case_pk=pk, pk=attachment_pk)
    if attachment is None:
        raise Http404
    facts = selectors.case_facts(attachment.case)
    if not permissions.allowed(request.user, attachment.case, "download", facts):
        raise Http404
    content_types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=content_types.get(attachment.kind, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def case_escalate(request, pk: int):
    return _act(
        request,
        pk,
        "escalate",
        forms.EscalateForm(request.POST),
        lambda case, d: services.case_escalate(
            case=case, actor=request.user, reason=d["text"], expected_step_id=d["step"]
        ),
        _("Ärendet är eskalerat till nästa steg och dess handläggare har fått besked."),
    )


@require_POST
def case_propose(request, pk: int):
    return _act(
        request,
        pk,
        "propose",
        forms.ProposeForm(request.POST),
        lambda case, d: services.case_propose(case=case, actor=request.user, outcome=d["outcome"]),
        _("Förslaget är skickat. Ärendet blir löst när den andra parten har bekräftat det."),
    )


@require_POST
def case_answer(request, pk: int):
    def success(proposal):
        if proposal.status == proposal.Status.CONFIRMED:
            return _("Ni har bekräftat lösningen. Ärendet är löst.")
        return _("Ni har avvisat förslaget. Ärendet fortsätter på samma steg.")

    return _act(
        request,
        pk,
        "answer",
        forms.AnswerForm(request.POST),
        lambda case, d: services.case_answer(
            case=case,
            actor=request.user,
            accept=d["answer"] == "ja",
            comment=d["comment"],
            proposal_id=d["proposal"],
        ),
        success,
    )


@require_POST
def case_decide(request, pk: int):
    return _act(
        request,
        pk,
        "decide",
        forms.DecideForm(request.POST),
        lambda case, d: services.case_resolve(
            case=case, actor=request.user, outcome=d["outcome"], decision=d["decision"]
        ),
        _("Beslutet är registrerat och ärendet är löst."),
    )


@require_POST
def case_pause(request, pk: int):
    return _act(
        request,
        pk,
        "pause",
        forms.PauseForm(request.POST),
        lambda case, d: services.case_pause(case=case, actor=request.user, reason=d["text"]),
        _("Ärendet är vilande. Tidsgränsen står still tills någon startar klockan igen."),
    )


@require_POST
def case_resume(request, pk: int):
    return _act(
        request,
        pk,
        "resume",
        forms.ResumeForm(request.POST),
        lambda case, d: services.case_resume(case=case, actor=request.user),
        lambda case: (
            _("Klockan går igen. Ny tidsgräns: %(date)s.")
            % {"date": services.long_date(case.step_deadline)}
        ),
    )


@require_POST
def case_reopen(request, pk: int):
    return _act(
        request,
        pk,
        "reopen",
        forms.ReopenForm(request.POST),
        lambda case, d: services.case_reopen(case=case, actor=request.user, reason=d["text"]),
        lambda case: (
            _("Ärendet är återupptaget. Ny tidsgräns: %(date)s.")
            % {"date": services.long_date(case.step_deadline)}
        ),
    )


@require_POST
def case_close(request, pk: int):
    case = _visible_case(request, pk)
    action = "close" if case.status == Case.Status.RESOLVED else "cancel"
    return _act(
        request,
        pk,
        action,
        forms.CloseForm(request.POST, required=False),
        lambda case, d: services.case_close(case=case, actor=request.user, reason=d["text"]),
        _("Ärendet är avslutat."),
    )


@require_POST
def case_details(request, pk: int):
    return _act(
        request,
        pk,
        "edit_details",
        forms.DetailsForm(request.POST),
        lambda case, d: services.case_update_details(
            case=case,
            actor=request.user,
            diarienummer=d["diarienummer"],
            is_systemic=d["is_systemic"],
            category=d["category"],
        ),
        _("Uppgifterna är sparade."),
    )


# --- the parties' ärendeansvariga ----------------------------------------------------------
def contacts(request):
    """The förvaltare appoints each party's ärendeansvariga and function address."""
    if not permissions.can_manage_contacts(request.user):
        raise PermissionDenied
    which = request.POST.get("form") if request.method == "POST" else None
    contact_form = forms.ContactForm(request.POST if which == "contact" else None)
    mailbox_form = forms.MailboxForm(request.POST if which == "mailbox" else None)
    status = 200
    if request.method == "POST":
        form = contact_form if which == "contact" else mailbox_form
        if which in ("contact", "mailbox") and form.is_valid():
            data = form.cleaned_data
            try:
                if which == "contact":
                    services.contact_appoint(
                        actor=request.user, party=data["party"], user=data["user"]
                    )
                    message = _("%(user)s är ärendeansvarig för %(party)s.") % {
                        "user": data["user"],
                        "party": data["party"],
                    }
                else:
                    services.mailbox_set(
                        actor=request.user, party=data["party"], email=data["email"]
                    )
                    message = _("Funktionsadressen för %(party)s är sparad.") % {
                        "party": data["party"]
                    }
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, message)
                return redirect("escalation:contacts")
        status = 400
    return render(
        request,
        "escalation/contacts.html",
        {
            "rows": selectors.contacts_overview(),
            "contact_form": contact_form,
            "mailbox_form": mailbox_form,
        },
        status=status,
    )


@require_POST
def contact_remove(request, pk: int):
    if not permissions.can_manage_contacts(request.user):
        raise PermissionDenied
    contact = get_object_or_404(CaseContact.objects.select_related("user", "party"), pk=pk)
    services.contact_remove(actor=request.user, contact=contact)
    messages.success(
        request,
        _("%(user)s är inte längre ärendeansvarig för %(party)s.")
        % {"user": contact.user, "party": contact.party},
    )
    return redirect("escalation:contacts")


# --- the ladder ---------------------------------------------------------------------------
@require_GET
def ladder(request):
    return render(
        request,
        "escalation/ladder.html",
        {
            "steps": selectors.ladder_with_rules(),
            "can_manage": permissions.can_manage_ladder(request.user),
        },
    )


def ladder_step_edit(request, pk: int | None = None):
    if not permissions.can_manage_ladder(request.user):
        raise PermissionDenied
    step = get_object_or_404(LadderStep, pk=pk) if pk else None
    form = forms.LadderStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.LADDER_FIELDS}
        try:
            saved = services.ladder_step_save(
                actor=request.user, step=LadderStep.objects.get(pk=pk) if pk else None, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Steget %(step)s är sparat.") % {"step": saved})
            return redirect("escalation:ladder")
    return render(request, "escalation/ladder_step_form.html", {"form": form, "step": step})


def handler_rule_add(request, pk: int):
    if not permissions.can_manage_ladder(request.user):
        raise PermissionDenied
    step = get_object_or_404(LadderStep, pk=pk)
    form = forms.HandlerRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handler_rule_add(
                actor=request.user,
                step=step,
                kind=form.cleaned_data["kind"],
                role=form.cleaned_data["role"],
                user=form.cleaned_data["user"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Regeln är tillagd på steget %(step)s.") % {"step": step})
            return redirect(reverse("escalation:ladder") + f"#steg-{step.order}")
    return render(request, "escalation/rule_form.html", {"form": form, "step": step})


@require_POST
def handler_rule_remove(request, pk: int):
    if not permissions.can_manage_ladder(request.user):
        raise PermissionDenied
    rule = get_object_or_404(HandlerRule.objects.select_related("step"), pk=pk)
    order = rule.step.order
    services.handler_rule_remove(actor=request.user, rule=rule)
    messages.success(request, _("Regeln är borttagen."))
    return redirect(reverse("escalation:ladder") + f"#steg-{order}")


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
            **_row_words(),
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
