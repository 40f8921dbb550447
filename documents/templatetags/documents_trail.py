"""The breadcrumb trail of the documents pages, for ``partials/breadcrumbs.html``:
``{% documents_trail document as crumbs %}``."""

from django import template
from django.utils.translation import gettext as _

from core.views import crumbs

register = template.Library()


@register.simple_tag
def documents_trail(document=None) -> list[tuple[str, str]]:
    trail = [("documents:index", _("Dokument"))]
    if document:
        trail.append((("documents:detail", [document.pk]), document.title))
    return crumbs(*trail)
