import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View

from core.permissions import PermissionRequiredForMixin, permission_required_for


class Thing:
    def __init__(self, owner):
        self.owner = owner


def owns(user, obj):
    return obj.owner == user


def sees(user, obj):
    return user in ("alice", "bob")


@permission_required_for(owns, load=lambda request, name: Thing(name), see=sees)
def edit(request, thing):
    return HttpResponse(thing.owner)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_decorator_loads_checks_and_passes_the_object():
    assert edit(_request("alice"), name="alice").content == b"alice"
    with pytest.raises(PermissionDenied):
        edit(_request("bob"), name="alice")
    with pytest.raises(Http404):
        edit(_request("mallory"), name="alice")


class User(str):
    is_authenticated = True


class _Loads:
    def get_object(self, queryset=None):
        return Thing("alice")


class OwnedView(PermissionRequiredForMixin, _Loads, View):
    predicate = owns
    see = sees

    def get(self, request):
        return HttpResponse(self.object.owner)


def test_mixin_checks_the_loaded_object():
    view = OwnedView.as_view()
    assert view(_request(User("alice"))).content == b"alice"
    with pytest.raises(PermissionDenied):
        view(_request(User("bob")))
    with pytest.raises(Http404):
        view(_request(User("mallory")))
