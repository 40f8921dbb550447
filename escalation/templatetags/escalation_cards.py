"""The ladder's case cards and the case list's rows, written in Python: the overview shows up
to 50 cards, and the same markup through template tags costs more than the rest of the page.
The card needs a case that :func:`escalation.selectors.decorate` has prepared. Built with
``format_html``: every value is escaped."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.templatetags.portal import isodatum

register = template.Library()


def _badge(css: str, label: str) -> str:
    return format_html(' <span class="status {}">{}</span>', css, label) if label else ""


@register.simple_tag
def case_card(case, case_base: str) -> str:
    """One ``<li>`` card: reference and title (a link), the parties, kind and status, the
    step's deadline with its warning, and when the case was opened."""
    state = f" esk-{case.deadline_state}" if case.deadline_state else ""
    return format_html(
        '<li class="esk-card{}">\n'
        '<a href="{}{}/" class="fw-semibold">{} {}</a>\n'
        '<div class="small">{} → {}</div>\n'
        '<div class="small">{} · <span class="status {}">{}</span></div>\n'
        '<div class="small">{} <time datetime="{}">{}</time>{}</div>\n'
        '<div class="small text-body-secondary">{} {} ({})</div>\n'
        "</li>",
        state,
        case_base,
        case.pk,
        case.reference,
        case.title,
        case.reporting_party.name,
        case.receiving_party.name,
        case.kind_label,
        case.status_class,
        case.status_label,
        _("Tidsgräns"),
        f"{case.step_deadline:%Y-%m-%d}",
        isodatum(case.step_deadline),
        _badge(case.deadline_class, case.deadline_label),
        _("Öppnat"),
        isodatum(case.opened_at),
        case.age_label,
    )


@register.simple_tag
def case_row(case, case_base: str) -> str:
    """One ``<tr>`` of the case list (a case :func:`~escalation.selectors.decorate` prepared):
    reference link and title, kind, parties, step, status, deadline with its warning, age."""
    systemic = _badge("status-info", _("Systemfel")) if case.is_systemic else ""
    return format_html(
        "<tr>\n"
        '<th scope="row"><a href="{}{}/">{}</a> {}{}</th>\n'
        "<td>{}</td>\n"
        "<td>{} → {}</td>\n"
        "<td>{}. {}</td>\n"
        '<td><span class="status {}">{}</span></td>\n'
        '<td class="text-nowrap">{}{}</td>\n'
        '<td class="text-nowrap">{}</td>\n'
        "</tr>",
        case_base,
        case.pk,
        case.reference,
        case.title,
        systemic,
        case.kind_label,
        str(case.reporting_party),
        str(case.receiving_party),
        case.step_order,
        case.current_step.name,
        case.status_class,
        case.status_label,
        isodatum(case.step_deadline),
        _badge(case.deadline_class, case.deadline_label),
        case.age_label,
    )
