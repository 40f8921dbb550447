"""The breadcrumb trail of the reminders pages, for ``partials/breadcrumbs.html``:
``{% reminders_trail as crumbs %}``."""

from django import template
from django.utils.translation import gettext as _

from core.views import crumbs

register = template.Library()


@register.simple_tag
def reminders_trail() -> list[tuple[str, str]]:
    return crumbs(("reminders:index", _("Mina påminnelser")))
