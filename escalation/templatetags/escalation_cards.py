"""The ladder's case cards, written in Python: the overview shows up to 50 cards, and the same
markup through template tags costs more than the rest of the page. The card needs a case that
:func:`escalation.selectors.decorate` has prepared."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.templatetags.portal import isodatum

register = template.Library()


@register.simple_tag
def case_card(case, case_base: str) -> str:
    """One ``<li>`` card: reference and title (a link), the parties, kind and status, the
    step's deadline with its warning, and when the case was opened. Every text is escaped."""
    state = f" esk-{case.deadline_state}" if case.deadline_state else ""
    warning = (
        f' <span class="status {case.deadline_class}">{escape(case.deadline_label)}</span>'
        if case.deadline_label
        else ""
    )
    return mark_safe(  # every text below is escaped
        f'<li class="esk-card{state}">\n'
        f'<a href="{escape(case_base)}{case.pk}/" class="fw-semibold">'
        f"{escape(case.reference)} {escape(case.title)}</a>\n"
        f'<div class="small">{escape(case.reporting_party.name)} → '
        f"{escape(case.receiving_party.name)}</div>\n"
        f'<div class="small">{escape(case.kind_label)} · '
        f'<span class="status {case.status_class}">{escape(case.status_label)}</span></div>\n'
        f'<div class="small">{escape(_("Tidsgräns"))} '
        f'<time datetime="{case.step_deadline:%Y-%m-%d}">{isodatum(case.step_deadline)}</time>'
        f"{warning}</div>\n"
        f'<div class="small text-body-secondary">{escape(_("Öppnat"))} '
        f"{isodatum(case.opened_at)} ({escape(case.age_label)})</div>\n"
        "</li>"
    )


@register.simple_tag
def case_row(case, case_base: str) -> str:
    """One ``<tr>`` of the case list (a case :func:`~escalation.selectors.decorate` prepared):
    reference link and title, kind, parties, step, status, deadline with its warning, age."""
    systemic = (
        f' <span class="status status-info">{escape(_("Systemfel"))}</span>'
        if case.is_systemic
        else ""
    )
    warning = (
        f' <span class="status {case.deadline_class}">{escape(case.deadline_label)}</span>'
        if case.deadline_label
        else ""
    )
    return mark_safe(  # every text below is escaped
        "<tr>\n"
        f'<th scope="row"><a href="{escape(case_base)}{case.pk}/">{escape(case.reference)}</a> '
        f"{escape(case.title)}{systemic}</th>\n"
        f"<td>{escape(case.kind_label)}</td>\n"
        f"<td>{escape(str(case.reporting_party))} → {escape(str(case.receiving_party))}</td>\n"
        f"<td>{case.step_order}. {escape(case.current_step.name)}</td>\n"
        f'<td><span class="status {case.status_class}">{escape(case.status_label)}</span></td>\n'
        f'<td class="text-nowrap">{isodatum(case.step_deadline)}{warning}</td>\n'
        f'<td class="text-nowrap">{escape(case.age_label)}</td>\n'
        "</tr>"
    )
