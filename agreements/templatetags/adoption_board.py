"""The adoption board's status cells, written in Python: 50 parties × 5 agreements are 250
cells, and the same markup through template tags costs more than the rest of the page."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from agreements.selectors import PartyStatuses
from agreements.selectors.adoption import body_label
from core.templatetags.portal import isodatum

register = template.Library()


@register.simple_tag
def status_cells(row: PartyStatuses) -> str:
    """One ``<td>`` per agreement: the status badge, "Försenad" if late, the planned date.
    Every text is escaped here (``html.escape``, as the template's autoescape would)."""
    late = f' <span class="status status-bad">{escape(_("Försenad"))}</span>'
    cells = []
    for status in row.statuses:
        planned = status.planned_date
        cells.append(
            f'<td><span class="status {status.css}">{escape(status.label)}</span>'
            + (late if status.late else "")
            + (
                '<br><span class="small">'
                + escape(_("planerat %(date)s") % {"date": isodatum(planned)})
                + "</span>"
                if planned
                else ""
            )
            + "</td>"
        )
    return mark_safe("\n".join(cells))  # every text above is escaped


@register.simple_tag
def latest_decision_cell(row: PartyStatuses) -> str:
    """The ``<td>`` with the latest decision on the main agreement: date, body, reference."""
    decision = row.main.decision
    if decision is None:
        return mark_safe('<td class="latest-decision">–</td>')
    reference = (
        f'<br><span class="small">{escape(decision.reference)}</span>' if decision.reference else ""
    )
    return mark_safe(  # every text is escaped
        f'<td class="latest-decision"><span class="text-nowrap">{isodatum(decision.decided_on)}'
        f'</span><br><span class="small">{escape(body_label(decision))}</span>{reference}</td>'
    )
