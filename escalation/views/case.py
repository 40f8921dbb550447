"""One case: opening it, its page (everything the user may see and the actions they may
take now) and its files. A case the user may not see is a 404 everywhere."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.permissions import permission_required_for
from core.views import crumbs
from escalation import forms, permissions, selectors, services
from escalation.models import Case, LadderStep
from escalation.permissions import Action
from escalation.workflow import CASE_FLOW


def load_case(request, pk: int) -> Case:
    """The case with its page's data and its facts (``case.facts``), or 404 when the user may
    not see it (the rule table: ``escalation.selectors.case_detail``)."""
    case = selectors.case_detail(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return case


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


def _actions(user, case: Case, proposals: list) -> tuple[set[str], frozenset, object]:
    """(what ``user`` may do now: the workflow's actions from the case's status that the rule
    table allows, the rule table's actions, the pending proposal)."""
    facts = case.facts
    may = permissions.actions_for(permissions.relations(user, case, facts))
    actions = {t.action for t in CASE_FLOW.actions_from(case.status) if t.action in may}
    pending = next((p for p in proposals if p.status == p.Status.PENDING), None)
    sides = permissions.sides(user, case, facts)
    if pending or len(sides) != 1:
        actions.discard(Action.PROPOSE)
    if not pending or len(sides) != 1 or pending.proposing_party_id in sides:
        actions.discard(Action.ANSWER)
    reopen_until = services.reopen_deadline(case)
    if Action.REOPEN in actions and reopen_until and timezone.now() > reopen_until:
        actions.discard(Action.REOPEN)
    return actions, may, pending


def _forms(case: Case, pending, bound: dict) -> dict:
    """The page's action forms, the one that failed bound (``bound``: action -> form)."""
    details = {
        "diarienummer": case.diarienummer,
        "is_systemic": case.is_systemic,
        "category": case.category_id,
    }
    return {
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
        "close_form": bound.get("close") or bound.get("cancel") or forms.CloseForm(required=False),
        "details_form": bound.get("edit_details") or forms.DetailsForm(initial=details),
    }


def detail_context(request, case: Case, **bound) -> dict:
    user = request.user
    proposals = list(case.proposals.all())
    actions, may, pending = _actions(user, case, proposals)
    today = timezone.localdate()
    selectors.decorate([case], today)
    periods = list(case.periods.all())
    current = next((p for p in periods if p.ended_at is None), None)
    return {
        "case": case,
        "crumbs": crumbs(("escalation:index", _("Eskaleringstrappan"))),
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
        "can_act": bool(actions - {Action.VIEW, Action.DOWNLOAD}),
        "can_download": Action.DOWNLOAD in may,
        "next_step": services.next_step(case) if Action.ESCALATE in actions else None,
        "reopen_until": services.reopen_deadline(case),
        "is_handler": user.pk in case.facts.current_handlers,
        **_forms(case, pending, bound),
        "today": today,
        "now": timezone.now(),
    }


@require_GET
@permission_required_for(load=load_case, see=permissions.can_view)
def case_detail(request, case: Case):
    return render(request, "escalation/case_detail.html", detail_context(request, case))


def load_attachment(request, pk: int, attachment_pk: int):
    """An attachment of a case the user may see (404 otherwise), with its case's facts."""
    attachment = selectors.attachment_for(user=request.user, case_pk=pk, pk=attachment_pk)
    if attachment is None:
        raise Http404
    attachment.case.facts = selectors.case_facts(attachment.case)
    return attachment


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@permission_required_for(load=load_attachment, see=permissions.can_download)
def attachment_download(request, attachment):
    """A case's file, only for those who may read the case (404 for everyone else)."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=CONTENT_TYPES.get(attachment.kind, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
