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
    "obekraftad": "status-neutral",
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


@register.filter
def status_tone(obj) -> str:
    """The tone (ok, warn, bad, neutral, info) of ``partials/status_badge.html`` for a
    conference, registration or recipient status."""
    return status_class(obj).removeprefix("status-")


@register.simple_tag
def seats_left(conference) -> int | None:
    if conference.capacity is None:
        return None
    taken = getattr(conference, "confirmed", 0) + getattr(conference, "offered", 0)
    return max(conference.capacity - taken, 0)


ANSWER_CSS = {
    "inte_svarat": "status-neutral",
    "anmald": "status-ok",
    "vantelista": "status-warn",
    "avbojt": "status-info",
    "avbokat": "status-neutral",
}


@register.simple_tag
def answer_label(recipient):
    """The invitee's answer as a badge (``answer`` from selectors.with_answers)."""
    from django.utils.html import format_html

    from conferences.selectors import ANSWERS

    answer = getattr(recipient, "answer", "")
    if not answer:
        return "–"
    return format_html(
        '<span class="status {}">{}</span>',
        ANSWER_CSS.get(answer, "status-neutral"),
        ANSWERS[answer],
    )


@register.simple_tag
def dict_get(mapping, key):
    return mapping.get(key, 0)


@register.simple_tag
def diet_labels(registration) -> str:
    """The chosen diets as text ("Vegetariskt, Glutenfritt"), or a dash."""
    from conferences.models import Registration

    labels = dict(Registration.Diet.choices)
    codes = [c for c in registration.diet_choices.split(",") if c in labels]
    return ", ".join(str(labels[c]) for c in codes) or "–"


@register.simple_tag
def conference_crumbs(conference=None, invitation=None) -> list[tuple[str, str]]:
    """The trail above a conference page for ``partials/breadcrumbs.html``: the overview, the
    conference, the invitation (those given)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    trail = [(reverse("conferences:index"), _("Konferenser"))]
    if conference:
        trail.append((reverse("conferences:detail", args=[conference.slug]), conference.title))
    if invitation:
        trail.append((reverse("conferences:invitation", args=[invitation.pk]), _("Inbjudan")))
    return trail
