"""The one way a view enforces who may see and do what.

Each app writes its rules once, in its ``permissions.py``, as predicates ``rule(user, obj) ->
bool`` (and role-only rules with :class:`RoleRequiredMixin`). A view only names them:

* a function view: ``@permission_required_for(can_edit, load=load_case, see=can_see)``
  loads the object from the URL's arguments, checks the rules and calls the view with it;
* a class view: ``PermissionRequiredForMixin`` with ``predicate`` (and ``see``) checks the
  object that ``get_object()`` returns.

The answer to a refusal is the same everywhere: **404** when the user may not even know the
object exists (``see`` fails), **403** when they may see it but not do this.
"""

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.roles import has_role

Predicate = Callable[[object, object], bool]


def check(user, obj, *, predicate: Predicate | None = None, see: Predicate | None = None):
    """Raise 404 unless ``see(user, obj)``, 403 unless ``predicate(user, obj)``."""
    if see is not None and not see(user, obj):
        raise Http404
    if predicate is not None and not predicate(user, obj):
        raise PermissionDenied


def permission_required_for(
    predicate: Predicate | None = None,
    *,
    load: Callable[..., object],
    see: Predicate | None = None,
):
    """Decorate a function view ``view(request, obj, **rest)``: ``load(request, **kwargs)``
    finds the object (raising 404 itself when there is none), the rules are checked, and the
    view receives the object in place of the URL arguments ``load`` consumed."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            obj = load(request, *args, **kwargs)
            check(request.user, obj, predicate=predicate, see=see)
            return view(request, obj)

        wrapped.permission_predicate = predicate
        wrapped.permission_see = see
        return wrapped

    return decorate


def _plain(cls, name: str):
    """A predicate declared on a class (``predicate = can_edit`` or a staticmethod), unbound."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            value = klass.__dict__[name]
            return value.__func__ if isinstance(value, staticmethod) else value
    return None


class PermissionRequiredForMixin:
    """For class views with ``get_object()``: check ``see`` (404) and ``predicate`` (403) on
    the loaded object, once per request (the object is kept as ``self.object``)."""

    predicate: Predicate | None = None
    see: Predicate | None = None

    def get_object(self, queryset=None):
        if getattr(self, "_checked_object", None) is None:
            obj = super().get_object(queryset)
            check(
                self.request.user,
                obj,
                predicate=_plain(type(self), "predicate"),
                see=_plain(type(self), "see"),
            )
            self._checked_object = obj
        return self._checked_object

    def dispatch(self, request, *args, **kwargs):
        self._checked_object = None
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)


class RoleRequiredMixin:
    """Refuse (403) a logged-in user who has none of ``allowed_roles``."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
