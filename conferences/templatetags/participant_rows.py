"""The registrar's participant list rows, written in Python: a page has 50 rows of seven cells
and a cancel form each, and the same markup through template tags costs more than the rest of
the page. A row needs a registration that ``views.participants._decorate`` prepared."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.templatetags.portal import isodatumtid

register = template.Library()

NOT_CANCELLABLE = ("avbokad", "utgatt")


@register.simple_tag(takes_context=True)
def participant_row(context, r, list_url: str) -> str:
    """One ``<tr>``: name, e-mail and title; organisation, unit and kommunalförbund; role;
    status (with the offer's expiry); registration time; attendance; the cancel form. Every
    text is escaped."""
    name = escape(r.name)
    title = f'<div class="small text-body-secondary">{escape(r.title)}</div>' if r.title else ""
    unit = f'<div class="small">{escape(r.unit.name)}</div>' if r.unit_id else ""
    federation = (
        f'<div class="small text-body-secondary">{escape(r.party.federation.short_name)}</div>'
        if r.party_id and r.party.federation_id
        else ""
    )
    offer = (
        '<div class="small">'
        + escape(_("till %(when)s") % {"when": isodatumtid(r.offer_expires_at)})
        + "</div>"
        if r.status == "erbjuden"
        else ""
    )
    attended = (
        f'<span class="status status-ok">{escape(_("Närvarade"))}</span>' if r.attended else "–"
    )
    cancel = ""
    if r.status not in NOT_CANCELLABLE:
        # A link to the confirmation page (cancelling hands the seat on: it asks first).
        cancel = (
            f'<a class="btn btn-sm btn-outline-danger" href="{escape(list_url)}{r.pk}/avboka/">'
            f'{escape(_("Avboka"))}<span class="visually-hidden"> {name}</span></a>'
        )
    return mark_safe(  # every text above is escaped
        "<tr>\n"
        f'<th scope="row" class="fw-normal">{name}<div class="small">{escape(r.email)}</div>'
        f"{title}</th>\n"
        f"<td>{escape(r.organisation)}{unit}{federation}</td>\n"
        f"<td>{escape(r.role_label)}</td>\n"
        f'<td><span class="status {r.status_css}">{escape(r.status_label)}</span>{offer}</td>\n'
        f'<td class="text-nowrap">{isodatumtid(r.joined_at)}</td>\n'
        f"<td>{attended}</td>\n"
        f"<td>{cancel}</td>\n"
        "</tr>"
    )
