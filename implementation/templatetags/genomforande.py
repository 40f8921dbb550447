"""Status badges and progress bars of implementation tracking (status as text, never colour)."""

from django import template
from django.utils.formats import localize
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from implementation import readiness
from implementation.models import NeedStatus, Status
from implementation.workflow import NEED_STATUS_CSS, STATUS_CSS

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


@register.simple_tag
def progress_bar(stats, label: str = ""):
    """The headline (``implementation.readiness``): a labelled <progress> of andel klara with
    "42 av 168 klara, 25 %" beside it, and the blocked items (which never count as progress).

    Built here rather than in an included template: the overview and the party pages show
    dozens of them, and an inclusion tag costs a template render each."""
    if not stats.applicable:
        return format_html('<span class="text-body-secondary">{}</span>\n', _("Inga ansvar"))
    aria = format_html(' aria-label="{}"', label) if label else ""
    blocked = ""
    if stats.blocked:
        blocked = format_html(
            ' <span class="status status-bad">{}</span>',
            ngettext("%(n)s hinder", "%(n)s hinder", stats.blocked)
            % {"n": localize(stats.blocked)},
        )
    return format_html(
        '<div class="ia-progress">\n  <progress max="100" value="{}"{}>{}</progress>\n'
        '  <span class="ia-progress-text">{}{}</span>\n</div>\n',
        localize(stats.done_percent),
        aria,
        readiness.done_share_text(stats),
        readiness.headline_text(stats),
        blocked,
    )


@register.simple_tag
def weighted_text(stats) -> str:
    """Viktad framdrift as a percentage ("–" when nothing applies)."""
    from implementation.readiness.definition import weighted_text as text

    return text(stats)


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
    """The headline as text: "42 av 168 klara, 25 %"."""
    if stats is None or not stats.applicable:
        return _("inga ansvar")
    return readiness.headline_text(stats)


@register.filter
def allowed_statuses(status: str) -> list[tuple[str, str]]:
    from implementation.forms import allowed_status_choices

    return allowed_status_choices(status)


class _RowParts:
    """What every checklist row of a page shares, built once per page render."""

    def __init__(self, unit, can_edit: bool):
        from django.urls import reverse

        self.link = escape(
            reverse("implementation:progress", args=[unit.party.slug, unit.slug, "x"])[:-2]
        )
        self.change = (
            str(format_html('<span class="ia-change-text">{}</span>', _("Ändra status")))
            if can_edit
            else ""
        )
        self.fulfilled = str(format_html('<span class="status status-ok">{}</span>', _("Uppfyllt")))
        self.supporting = str(
            format_html('<span class="status status-neutral">{}</span>', _("Underlag"))
        )
        self.late = str(format_html(' <span class="status status-bad">{}</span>', _("Försenat")))
        self.file_label = escape(_("fil"))
        self.reason_label = escape(_("Orsak:"))
        self.labels = {
            key: escape(text)
            for key, text in (
                ("due", _("Klart senast")),
                ("status", _("Status")),
                ("next", _("Nästa steg")),
                ("changed", _("Senast ändrad")),
            )
        }
        self.badges = {status: str(status_badge(status)) for status in Status.values}
        self.dates: dict = {}

    def date(self, value) -> str:
        from core.templatetags.portal import isodatum

        if value not in self.dates:
            self.dates[value] = escape(isodatum(value))
        return self.dates[value]


def _portal_lines(parts: _RowParts, lines) -> str:
    if not lines:
        return ""
    return (
        '<ul class="ia-evidence">'
        + "".join(
            "<li>"
            + (parts.fulfilled if line.done else parts.supporting)
            + " "
            + (
                f'<a href="{escape(line.url)}">{escape(line.text)}</a>'
                if line.url
                else escape(line.text)
            )
            + "</li>"
            for line in lines
        )
        + "</ul>"
    )


def _kept_lines(parts: _RowParts, base: str, kept) -> str:
    """The item's own named files and links."""
    if not kept:
        return ""
    html = []
    for entry in kept:
        if entry.file:
            html.append(
                f'<li><a href="{base}underlag/{entry.pk}/">{escape(entry.name)}</a>'
                f' <span class="small">({parts.file_label})</span></li>'
            )
        else:
            html.append(f'<li><a href="{escape(entry.url)}">{escape(entry.name)}</a></li>')
    return '<ul class="ia-evidence">' + "".join(html) + "</ul>"


@register.simple_tag(takes_context=True)
def checklist_rows(context, rows, unit, evidence, can_edit: bool, today, kept=None):
    """The <tr>s of a unit's checklist table (the unit page), built in Python.

    Every row has the same shape: one reverse for the page's item links (codes are slugs),
    labels, badges and dates formatted once per page, the row's own text escaped, instead of
    a dozen template nodes per row. On a phone each row is a card (portal.css): the cells
    carry their column's name, the status with a blocker's reason beside it, and the link
    that changes the status."""
    from django.template.defaultfilters import linebreaksbr

    key = ("implementation.checklist_rows", unit.pk, bool(can_edit))
    parts = context.render_context.get(key)
    if parts is None:
        parts = context.render_context[key] = _RowParts(unit, can_edit)
    link, labels = parts.link, parts.labels
    html = []
    for row in rows:
        item, progress = row.item, row.progress
        code = escape(item.code)
        base = f"{link}{code}/"
        extra = _portal_lines(parts, evidence.get(item.pk) if evidence else None)
        extra += _kept_lines(parts, base, kept.get(item.pk) if kept else None)
        reason = ""
        if progress and row.status == Status.HINDER and progress.blocker_reason:
            reason = (
                f'<p class="ia-reason small mb-0"><span class="fw-semibold">'
                f"{parts.reason_label}</span> {escape(progress.blocker_reason)}</p>"
            )
        if progress:
            changed = parts.date(progress.updated_at)
            if progress.updated_by_id:
                changed += f'<br><span class="small">{escape(progress.updated_by)}</span>'
            next_step = linebreaksbr(progress.next_step or "–", autoescape=True)
        else:
            changed, next_step = "–", "–"
        change = (
            f'<a class="btn btn-sm btn-outline-primary ia-change" href="{base}">{parts.change}'
            f'<span class="visually-hidden">: {escape(item.title)}</span></a>'
            if parts.change
            else ""
        )
        html.append(
            f'<tr id="ansvar-{code}" class="ia-card">\n<th scope="row" class="fw-normal ia-card-title">\n'
            f'<a href="{base}">{escape(item.title)}</a>\n{extra}\n</th>\n'
            f'<td class="ia-card-due" data-label="{labels["due"]}">'
            f"{parts.date(item.due_date) or '–'}"
            f"{parts.late if row.is_overdue(today) else ''}</td>\n"
            f'<td class="ia-card-status" data-label="{labels["status"]}">'
            f"{parts.badges[row.status]}{reason}{change}</td>\n"
            f'<td data-label="{labels["next"]}">{next_step}</td>\n'
            f'<td class="text-nowrap" data-label="{labels["changed"]}">{changed}</td>\n</tr>\n'
        )
    return mark_safe("".join(html))  # every value above is escaped or built by format_html


@register.simple_tag
def log_items(entries):
    """The <li>s of a unit's recent log (the unit page), built in Python."""
    from django.utils import timezone

    from core.templatetags.portal import isodatumtid

    system, comment_only = _("Systemet"), _("(kommentar)")
    html = []
    for entry in entries:
        created = entry.created_at
        if entry.changed_status:
            change = format_html(
                "{} → {}", status_badge(entry.status_before), status_badge(entry.status_after)
            )
        else:
            change = comment_only
        html.append(
            format_html(
                '<li><time datetime="{}">{}</time> – {}: <strong>{}</strong>\n{}\n{}</li>\n',
                timezone.localtime(created).replace(microsecond=0).isoformat(),
                isodatumtid(created),
                entry.author or system,
                entry.responsibility_title,
                change,
                format_html("<br>{}", entry.comment) if entry.comment else "",
            )
        )
    return format_html_join("", "{}", ((item,) for item in html))


@register.simple_tag
def quick_row_id(section, row) -> str:
    """The id of a quick-status row on Min sida: section, unit and item."""
    return f"{section}-{row.unit.pk}-{row.item.pk}"


@register.simple_tag
def quick_error(row, section, row_unit, row_item, row_section, errors) -> list[str]:
    """The errors of the quick status change that failed, when it was this row's (the same
    unit, item and section): shown at the row, with the chosen status and comment kept."""
    if not errors or row_unit is None or row_item is None:
        return []
    if (row.unit.pk, row.item.pk) != (row_unit.pk, row_item.pk):
        return []
    if row_section and row_section != section:
        return []
    return errors
