"""Status badges and progress bars of implementation tracking (status as text, never colour)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from implementation.models import NEED_STATUS_CSS, STATUS_CSS, NeedStatus, Status

register = template.Library()


@register.simple_tag
def status_badge(status: str):
    return format_html(
        '<span class="status {}">{}</span>', STATUS_CSS.get(status, ""), Status(status).label
    )


@register.simple_tag
def need_badge(status: str):
    return format_html(
        '<span class="status {}">{}</span>',
        NEED_STATUS_CSS.get(status, ""),
        NeedStatus(status).label,
    )


@register.inclusion_tag("implementation/_progress.html")
def progress_bar(stats, label: str = ""):
    """A labelled <progress> with the numbers as text beside it."""
    return {"stats": stats, "label": label}


@register.filter
def overdue(row, today) -> bool:
    return row.is_overdue(today)


@register.simple_tag
def count_label(done: int, applicable: int) -> str:
    return _("%(done)s av %(total)s klara") % {"done": done, "total": applicable}


@register.filter
def dictkey(mapping, key):
    """mapping[key] in a template (None when missing)."""
    return mapping.get(key) if mapping else None


@register.filter
def stats_text(stats) -> str:
    from core.templatetags.portal import procent

    if stats is None or not stats.applicable:
        return _("inga ansvar")
    return _("%(progress)s, %(done)s av %(total)s klara") % {
        "progress": procent(stats.progress),
        "done": stats.done,
        "total": stats.applicable,
    }


@register.filter
def allowed_statuses(status: str) -> list[tuple[str, str]]:
    from implementation.forms import allowed_status_choices

    return allowed_status_choices(status)
