"""The case page's actions, each a POST: the helper (``core.permissions``) finds the case
(404 if the user may not see it) and asks the rule table (403, before any form is read, so
nothing is written); the form, one service call, a message and a redirect — or the service's
Swedish error back on the case page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import permission_required_for
from escalation import forms, permissions, services
from escalation.models import Case
from escalation.permissions import Action, may
from escalation.views.case import detail_context, load_case


def _action(predicate):
    """A case action view: POST only, the case loaded and the predicate checked."""

    def decorate(view):
        return require_POST(
            permission_required_for(predicate, load=load_case, see=permissions.can_view)(view)
        )

    return decorate


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def _act(request, case: Case, action: str, form, call, success):
    """The shape of every action: the service's Swedish error back on the form, a message
    and a redirect on success."""
    if form.is_valid():
        try:
            result = call(case, form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            message = success(result) if callable(success) else success
            messages.success(request, message)
            return redirect("escalation:detail", pk=case.pk)
    case = load_case(request, case.pk)  # fresh: the failed service may have locked it
    context = detail_context(request, case, **{action: form})
    context["open_action"] = action
    context["action_errors"] = form.non_field_errors()
    return render(request, "escalation/case_detail.html", context, status=400)


def _files(request, name: str = "file") -> list:
    return request.FILES.getlist(name)


@_action(may(Action.COMMENT))
def case_comment(request, case: Case):
    return _act(
        request,
        case,
        Action.COMMENT,
        forms.CommentForm(request.POST, request.FILES),
        lambda case, d: services.case_comment(
            case=case, actor=request.user, text=d["text"], files=_files(request)
        ),
        _("Kommentaren är sparad."),
    )


@_action(may(Action.ATTACH))
def case_attach(request, case: Case):
    return _act(
        request,
        case,
        Action.ATTACH,
        forms.AttachForm(request.POST, request.FILES),
        lambda case, d: services.case_attach(case=case, actor=request.user, files=_files(request)),
        _("Filen är bifogad."),
    )


@_action(may(Action.ESCALATE))
def case_escalate(request, case: Case):
    return _act(
        request,
        case,
        Action.ESCALATE,
        forms.EscalateForm(request.POST),
        lambda case, d: services.case_escalate(
            case=case, actor=request.user, reason=d["text"], expected_step_id=d["step"]
        ),
        _("Ärendet är eskalerat till nästa steg och dess handläggare har fått besked."),
    )


@_action(may(Action.PROPOSE))
def case_propose(request, case: Case):
    return _act(
        request,
        case,
        Action.PROPOSE,
        forms.ProposeForm(request.POST),
        lambda case, d: services.case_propose(case=case, actor=request.user, outcome=d["outcome"]),
        _("Förslaget är skickat. Ärendet blir löst när den andra parten har bekräftat det."),
    )


@_action(may(Action.ANSWER))
def case_answer(request, case: Case):
    def success(proposal):
        if proposal.status == proposal.Status.CONFIRMED:
            return _("Ni har bekräftat lösningen. Ärendet är löst.")
        return _("Ni har avvisat förslaget. Ärendet fortsätter på samma steg.")

    return _act(
        request,
        case,
        Action.ANSWER,
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


@_action(may(Action.DECIDE))
def case_decide(request, case: Case):
    return _act(
        request,
        case,
        Action.DECIDE,
        forms.DecideForm(request.POST),
        lambda case, d: services.case_resolve(
            case=case, actor=request.user, outcome=d["outcome"], decision=d["decision"]
        ),
        _("Beslutet är registrerat och ärendet är löst."),
    )


@_action(may(Action.PAUSE))
def case_pause(request, case: Case):
    return _act(
        request,
        case,
        Action.PAUSE,
        forms.PauseForm(request.POST),
        lambda case, d: services.case_pause(case=case, actor=request.user, reason=d["text"]),
        _("Ärendet är vilande. Tidsgränsen står still tills någon startar klockan igen."),
    )


@_action(may(Action.RESUME))
def case_resume(request, case: Case):
    return _act(
        request,
        case,
        Action.RESUME,
        forms.ResumeForm(request.POST),
        lambda case, d: services.case_resume(case=case, actor=request.user),
        lambda case: (
            _("Klockan går igen. Ny tidsgräns: %(date)s.")
            % {"date": services.long_date(case.step_deadline)}
        ),
    )


@_action(may(Action.REOPEN))
def case_reopen(request, case: Case):
    return _act(
        request,
        case,
        Action.REOPEN,
        forms.ReopenForm(request.POST),
        lambda case, d: services.case_reopen(case=case, actor=request.user, reason=d["text"]),
        lambda case: (
            _("Ärendet är återupptaget. Ny tidsgräns: %(date)s.")
            % {"date": services.long_date(case.step_deadline)}
        ),
    )


@_action(permissions.can_close)
def case_close(request, case: Case):
    return _act(
        request,
        case,
        Action.CLOSE if case.status == Case.Status.RESOLVED else Action.CANCEL,
        forms.CloseForm(request.POST, required=False),
        lambda case, d: services.case_close(case=case, actor=request.user, reason=d["text"]),
        _("Ärendet är avslutat."),
    )


@_action(may(Action.EDIT_DETAILS))
def case_details(request, case: Case):
    return _act(
        request,
        case,
        Action.EDIT_DETAILS,
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
