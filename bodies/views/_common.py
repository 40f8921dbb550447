"""What the views of the bodies app share: loading an object for ``permission_required_for``
(each loader raises 404 itself when there is no such object) and showing a refused write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from agreements.models import JointBody
from bodies import selectors
from bodies.models import AgendaItem, Issue, Meeting, Membership, Outcome, Participant

PAGE_SIZE = 25


def form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def refused(request, error: ValidationError, back: str):
    messages.error(request, " ".join(error.messages))
    return redirect(back)


def url_arg(request, name: str):
    """A URL argument the object loader did not consume (e.g. the transition's name)."""
    return request.resolver_match.kwargs.get(name)


# --- loaders ---------------------------------------------------------------------------------
def load_body(request, slug: str) -> JointBody:
    return get_object_or_404(JointBody, slug=slug)


def load_member(request, slug: str, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("body"), pk=pk, body__slug=slug)


def load_meeting(request, pk: int, **_rest) -> Meeting:
    try:
        return selectors.meeting_detail(pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error


def load_item(request, pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting__body"), pk=pk)


def load_meeting_outcome(request, pk: int) -> Outcome:
    return get_object_or_404(
        Outcome.objects.select_related("item__meeting__body"), pk=pk, item__isnull=False
    )


def load_action(request, pk: int) -> Outcome:
    return get_object_or_404(
        Outcome.objects.select_related("body", "item__meeting"), pk=pk, kind=Outcome.Kind.ACTION
    )


def load_participant(request, pk: int) -> Participant:
    return get_object_or_404(Participant.objects.select_related("meeting__body"), pk=pk)


def load_issue(request, pk: int) -> Issue:
    try:
        return selectors.issue_detail(pk)
    except Issue.DoesNotExist as error:
        raise Http404 from error
