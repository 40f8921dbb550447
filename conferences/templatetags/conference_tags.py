"""Small presentation helpers for the conference templates."""

from django import template

register = template.Library()

CONFERENCE_STATUS = {
    "planerad": "status-neutral",
    "inbjudan_skickad": "status-info",
    "fullbokad": "status-warn",
    "genomford": "status-ok",
    "installd": "status-bad",
}
REGISTRATION_STATUS = {
    "bekraftad": "status-ok",
    "vantelista": "status-warn",
    "erbjuden": "status-info",
    "avbokad": "status-neutral",
    "utgatt": "status-neutral",
}
RECIPIENT_STATUS = {
    "vantar": "status-neutral",
    "koad": "status-info",
    "skickas": "status-info",
    "skickad": "status-ok",
    "misslyckad": "status-bad",
    "saknar_adress": "status-warn",
}


@register.filter
def status_class(obj) -> str:
    """The badge class of a conference, registration or recipient status."""
    name = type(obj).__name__
    table = {
        "Conference": CONFERENCE_STATUS,
        "Registration": REGISTRATION_STATUS,
        "Recipient": RECIPIENT_STATUS,
    }.get(name, {})
    return table.get(getattr(obj, "status", ""), "status-neutral")


@register.simple_tag
def seats_left(conference) -> int | None:
    if conference.capacity is None:
        return None
    taken = getattr(conference, "confirmed", 0) + getattr(conference, "offered", 0)
    return max(conference.capacity - taken, 0)
