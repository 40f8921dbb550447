"""The issue log (frågelogg) of a body: the list, raising, reading, editing, moving and
answering an issue (``ISSUE_FLOW``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bodies import forms, selectors, services
from bodies.models import Issue
from bodies.permissions import Action, allowed, can_read_issue, may
from bodies.views._common import PAGE_SIZE, form_errors, load_body, load_issue, refused
from bodies.workflow import ISSUE_FLOW
from core.permissions import permission_required_for

SEE_BODY = may(Action.VIEW)
EDIT = may(Action.EDIT)


@require_safe
@permission_required_for(may(Action.READ_ALL), load=load_body, see=SEE_BODY)
def issues(request, body):
    page = Paginator(selectors.issues_of(body), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bodies/issues.html",
        {"body": body, "page": page, "can_raise": allowed(request.user, body, Action.RAISE)},
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.RAISE), load=load_body, see=SEE_BODY)
def issue_create(request, body):
    form = forms.IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_raise(actor=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Frågan är registrerad i frågeloggen."))
            return redirect("bodies:issue", pk=issue.pk)
    return render(request, "bodies/issue_form.html", {"body": body, "form": form, "issue": None})


@require_safe
@permission_required_for(load=load_issue, see=can_read_issue)
def issue_detail(request, issue):
    editable = allowed(request.user, issue.body, Action.EDIT) and ISSUE_FLOW.allows(
        "edit", issue.status
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
@permission_required_for(EDIT, load=load_issue, see=can_read_issue)
def issue_update(request, issue):
    pk = issue.pk
    form = forms.IssueForm(
        request.POST or None, instance=issue, with_status=True, submit=_("Spara frågan")
    )
    if request.method == "POST" and form.is_valid():
        fresh = Issue.objects.select_related("body").get(pk=pk)
        try:
            services.issue_update(actor=request.user, issue=fresh, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Frågan är sparad."))
            return redirect("bodies:issue", pk=pk)
    return render(
        request, "bodies/issue_form.html", {"body": issue.body, "form": form, "issue": issue}
    )


@require_POST
@permission_required_for(EDIT, load=load_issue, see=can_read_issue)
def issue_move(request, issue):
    form = forms.IssueMoveForm(request.POST)
    back = reverse("bodies:issue", args=[issue.pk])
    if not form.is_valid():
        messages.error(request, _("Välj vart frågan ska flyttas."))
        return redirect(back)
    try:
        services.issue_move(actor=request.user, issue=issue, **form.cleaned_data)
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(
        request, _("Frågan är flyttad till %(body)s.") % {"body": form.cleaned_data["to_body"]}
    )
    return redirect(back)


@require_POST
@permission_required_for(EDIT, load=load_issue, see=can_read_issue)
def issue_answer(request, issue):
    form = forms.IssueAnswerForm(request.POST)
    back = reverse("bodies:issue", args=[issue.pk])
    if not form.is_valid():
        messages.error(request, _("Skriv svaret."))
        return redirect(back)
    try:
        services.issue_answer(actor=request.user, issue=issue, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        return refused(request, error, back)
    messages.success(request, _("Frågan är besvarad och den som väckte den har fått svaret."))
    return redirect(back)
