"""The breadcrumb trail of the bodies pages, for ``partials/breadcrumbs.html``:
``{% bodies_trail body meeting as crumbs %}``."""

from django import template
from django.utils.translation import gettext as _

from core.templatetags.portal import isodatum
from core.views import crumbs

register = template.Library()


@register.simple_tag
def bodies_trail(body=None, meeting=None) -> list[tuple[str, str]]:
    trail = [("bodies:index", _("Gemensamma organ"))]
    if body:
        trail.append((("bodies:body", [body.slug]), str(body)))
    if meeting:
        trail.append((("bodies:meeting", [meeting.pk]), isodatum(meeting.date)))
    return crumbs(*trail)
