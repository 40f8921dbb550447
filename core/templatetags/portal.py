"""Template filters for Swedish dates and times (domain.md §7) and shared partials.

Loaded as a builtin: every template can use them without ``{% load %}``.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from core.audit import history_for

register = template.Library()


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def datum(value) -> str:
    """'15 oktober 2026' — for running text."""
    if not value:
        return ""
    return date_format(_local(value), "DATE_FORMAT")


@register.filter
def isodatum(value) -> str:
    """'2026-10-15' — for tables. ISO 8601 in every language (SHORT_DATE_FORMAT is "Y-m-d" in
    core/formats, tested), written directly: long tables call this thousands of times."""
    if not value:
        return ""
    value = _local(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


@register.filter
def klockslag(value) -> str:
    """'kl. 09.00'."""
    if not value:
        return ""
    return _("kl. %(time)s") % {"time": time_format(_local(value), "TIME_FORMAT")}


@register.filter
def datumtid(value) -> str:
    """'15 oktober 2026 kl. 09.00'."""
    if not value:
        return ""
    return date_format(_local(value), "DATETIME_FORMAT")


@register.filter
def isodatumtid(value) -> str:
    """'2026-10-15 09.00' — for tables and logs."""
    if not value:
        return ""
    return date_format(_local(value), "SHORT_DATETIME_FORMAT")


@register.simple_tag
def tidsspann(start, end) -> str:
    """'kl. 09.00–15.00'."""
    if not start:
        return ""
    first = time_format(_local(start), "TIME_FORMAT")
    if not end:
        return _("kl. %(time)s") % {"time": first}
    last = time_format(_local(end), "TIME_FORMAT")
    return _("kl. %(start)s–%(end)s") % {"start": first, "end": last}


@register.filter
def procent(value, decimals: int = 0) -> str:
    """A share 0..1 as '42 %' (Swedish spacing)."""
    if value is None:
        return "–"
    number = round(float(value) * 100, int(decimals))
    text = f"{number:.{int(decimals)}f}".replace(".", ",") if decimals else f"{int(number)}"
    return f"{text}\xa0%"


@register.filter(is_safe=True)
def sidtitel(value) -> str:
    """The <title>: "Logga in – HoS-portalen" (WCAG 2.4.2: the page first, then the site);
    just the portal's name when a page gives no title of its own."""
    from django.conf import settings

    portal = getattr(settings, "PORTAL_NAME", "HoS-portalen")
    title = " ".join(str(value).split())
    if not title or title == portal:
        return portal
    return f"{title} – {portal}"


@register.inclusion_tag("core/_history.html")
def historik(obj, title: str = ""):
    """The audit trail of one object as a table (who, when, what before/after)."""
    return {"entries": history_for(obj), "title": title}
