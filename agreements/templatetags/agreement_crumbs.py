"""The breadcrumb trail above the agreements pages, for ``partials/breadcrumbs.html``."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def agreement_crumbs(board=False, party=None) -> list[tuple[str, str]]:
    """Avtal, then (those asked for) the board and a party's page."""
    trail = [(reverse("agreements:index"), _("Avtal"))]
    if board:
        trail.append((reverse("agreements:board"), _("Parternas beslut")))
    if party is not None:
        trail.append((reverse("agreements:party_detail", args=[party.slug]), party.name))
    return trail
