"""What the onboarding views share: loading a party, paging, the rule check."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from agreements.models import Party
from core.views import crumbs
from onboarding.permissions import may

PER_PAGE = 100


def _require(request, action: str, **objects) -> None:
    """For role-level pages (no object) and the party pages: 403 unless ``may``."""
    if not may(request.user, action, **objects):
        raise PermissionDenied


def _party(slug: str) -> Party:
    return get_object_or_404(Party, slug=slug)


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _party_crumbs(party) -> list:
    """The trail above a party's pages: Organisation › the party."""
    return crumbs(
        ("onboarding:index", _("Organisation")), (("onboarding:party", [party.slug]), party.name)
    )
