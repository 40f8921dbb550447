"""The adoption board's status cells, written in Python: 50 parties × 5 agreements are 250
cells, and the same markup through template tags costs more than the rest of the page. Built
with ``format_html`` / ``format_html_join``: every value is escaped."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from agreements.selectors import PartyStatuses
from agreements.selectors.adoption import body_label
from core.templatetags.portal import isodatum

register = template.Library()


def _cell(status, late: str) -> tuple:
    planned = (
        format_html(
            '<br><span class="small">{}</span>',
            _("planerat %(date)s") % {"date": isodatum(status.planned_date)},
        )
        if status.planned_date
        else ""
    )
    return status.css, status.label, late if status.late else "", planned


@register.simple_tag
def status_cells(row: PartyStatuses) -> str:
    """One ``<td>`` per agreement: the status badge, "Försenad" if late, the planned date."""
    late = format_html(' <span class="status status-bad">{}</span>', _("Försenad"))
    return format_html_join(
        "\n",
        '<td><span class="status {}">{}</span>{}{}</td>',
        (_cell(status, late) for status in row.statuses),
    )


@register.simple_tag
def latest_decision_cell(row: PartyStatuses) -> str:
    """The ``<td>`` with the latest decision on the main agreement: date, body, reference."""
    decision = row.main.decision
    if decision is None:
        return format_html('<td class="latest-decision">{}</td>', "–")
    reference = (
        format_html('<br><span class="small">{}</span>', decision.reference)
        if decision.reference
        else ""
    )
    return format_html(
        '<td class="latest-decision"><span class="text-nowrap">{}</span>'
        '<br><span class="small">{}</span>{}</td>',
        isodatum(decision.decided_on),
        body_label(decision),
        reference,
    )
