"""The registrar's participant list rows, written in Python: a page has 50 rows of seven cells
and a cancel form each, and the same markup through template tags costs more than the rest of
the page. A row needs a registration that ``views.participants._decorate`` prepared. Built with
``format_html``: every value is escaped."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.templatetags.portal import isodatumtid

register = template.Library()

NOT_CANCELLABLE = ("avbokad", "utgatt")


@register.simple_tag(takes_context=True)
def participant_row(context, r, list_url: str) -> str:
    """One ``<tr>``: name, e-mail and title; organisation, unit and kommunalförbund; role;
    status (with the offer's expiry); registration time; attendance; the cancel form."""
    title = (
        format_html('<div class="small text-body-secondary">{}</div>', r.title) if r.title else ""
    )
    unit = format_html('<div class="small">{}</div>', r.unit.name) if r.unit_id else ""
    federation = (
        format_html(
            '<div class="small text-body-secondary">{}</div>', r.party.federation.short_name
        )
        if r.party_id and r.party.federation_id
        else ""
    )
    offer = (
        format_html(
            '<div class="small">{}</div>',
            _("till %(when)s") % {"when": isodatumtid(r.offer_expires_at)},
        )
        if r.status == "erbjuden"
        else ""
    )
    attended = (
        format_html('<span class="status status-ok">{}</span>', _("Närvarade"))
        if r.attended
        else "–"
    )
    cancel = ""
    if r.status not in NOT_CANCELLABLE:
        # A link to the confirmation page (cancelling hands the seat on: it asks first).
        cancel = format_html(
            '<a class="btn btn-sm btn-outline-danger" href="{}{}/avboka/">'
            '{}<span class="visually-hidden"> {}</span></a>',
            list_url,
            r.pk,
            _("Avboka"),
            r.name,
        )
    return format_html(
        "<tr>\n"
        '<th scope="row" class="fw-normal">{}<div class="small">{}</div>{}</th>\n'
        "<td>{}{}{}</td>\n"
        "<td>{}</td>\n"
        '<td><span class="status {}">{}</span>{}</td>\n'
        '<td class="text-nowrap">{}</td>\n'
        "<td>{}</td>\n"
        "<td>{}</td>\n"
        "</tr>",
        r.name,
        r.email,
        title,
        r.organisation,
        unit,
        federation,
        r.role_label,
        r.status_css,
        r.status_label,
        offer,
        isodatumtid(r.joined_at),
        attended,
        cancel,
    )
