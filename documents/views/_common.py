"""What the views of the documents app share: the role check, form errors, file downloads,
signed personal links and the message of a reminder round."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404

from core.permissions import RoleRequiredMixin
from documents import permissions


def _require(rule, user) -> None:
    """A rule for one method of a view (e.g. the POST of a page every user reads)."""
    if not rule(user):
        raise PermissionDenied


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _file_response(field, name: str | None = None):
    filename = name or field.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=filename)


# The rules are by role (documents.permissions; every signed-in user reads documents, which
# the login middleware already ensures): core.permissions.RoleRequiredMixin checks them in
# ``dispatch``, before anything is loaded and before the method is looked at (a GET by others
# to a POST-only action is 403, not 405).
class ManagerOnly(RoleRequiredMixin):
    """Registrator and förvaltare: change documents, send remiss and dispatches."""

    allowed_roles = permissions.MANAGERS


class ReaderOnly(RoleRequiredMixin):
    """Registrator, förvaltare and styrgrupp: read remiss rounds, answers and dispatches.
    These pages only read: another method is 405 for everyone, before the role."""

    allowed_roles = permissions.READERS

    def dispatch(self, request, *args, **kwargs):
        if not hasattr(self, request.method.lower()):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class Loaded:
    """Load the view's object (``load(**url_kwargs)``, 404 when missing) after the role check:
    list it after the role mixin."""

    def load(self, **kwargs) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)


def _remind(request, send, *, sent: str, none: str) -> None:
    """Send a reminder round (``send()`` returns how many) and say what happened."""
    try:
        count = send()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    if count:
        messages.success(request, sent % {"n": count})
    else:
        messages.info(request, none)


def _signed(loader, token):
    try:
        return loader(token)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise Http404 from error
