"""Shared pieces of the staff views: loading the conference and checking the role."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect

from conferences import permissions
from conferences.models import Conference


class ConferenceMixin:
    """Loads ``self.conference`` from the slug and refuses users without the right role."""

    manage = True  # False: Styrgrupp may read too

    def dispatch(self, request, *args, **kwargs):
        allowed = permissions.can_manage if self.manage else permissions.can_view
        if not allowed(request.user):
            raise PermissionDenied
        self.conference = self.get_conference(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_conference(self, kwargs):
        return get_object_or_404(Conference, slug=kwargs["slug"])


def error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for values in error.message_dict.values() for m in values]
    return list(error.messages)


def flash_errors(request, error: ValidationError) -> None:
    for message in error_messages(error):
        messages.error(request, message)


def add_form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def back(conference, name="conferences:detail"):
    return redirect(name, slug=conference.slug)
