"""Status badges and progress bars of implementation tracking (status as text, never colour)."""

from django import template
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from implementation.models import NEED_STATUS_CSS, STATUS_CSS, NeedStatus, Status

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
    """A labelled <progress> with the numbers as text beside it.

    Built here rather than in an included template: the overview and the party pages show
    dozens of them, and an inclusion tag costs a template render each."""
    from core.templatetags.portal import procent

    if not stats.applicable:
        return format_html('<span class="text-body-secondary">{}</span>\n', _("Inga ansvar"))
    share = procent(stats.progress)
    aria = format_html(' aria-label="{}"', label) if label else ""
    blocked = ""
    if stats.blocked:
        blocked = ", " + ngettext("%(n)s hinder", "%(n)s hinder", stats.blocked) % {
            "n": localize(stats.blocked)
        }
    return format_html(
        '<div class="ia-progress">\n  <progress max="100" value="{}"{}>{}</progress>\n'
        '  <span class="ia-progress-text"><strong>{}</strong> '
        '<span class="text-body-secondary">({}{})</span></span>\n</div>\n',
        localize(stats.percent),
        aria,
        share,
        share,
        count_label(stats.done, stats.applicable),
        blocked,
    )


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
    from core.templatetags.portal import procent

    if stats is None or not stats.applicable:
        return _("inga ansvar")
    return _("%(progress)s, %(done)s av %(total)s klara") % {
        "progress": procent(stats.progress),
        "done": stats.done,
        "total": stats.applicable,
    }


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
        self.report = (
            str(format_html('<span class="visually-hidden"> – {}</span>', _("rapportera")))
            if can_edit
            else ""
        )
        self.fulfilled = str(format_html('<span class="status status-ok">{}</span>', _("Uppfyllt")))
        self.supporting = str(
            format_html('<span class="status status-neutral">{}</span>', _("Underlag"))
        )
        self.late = str(format_html('<br><span class="status status-bad">{}</span>', _("Försenat")))
        self.evidence_link = escape(_("Länk till underlag"))
        self.evidence_file = escape(_("Fil med underlag"))
        self.badges = {status: str(status_badge(status)) for status in Status.values}
        self.dates: dict = {}

    def date(self, value) -> str:
        from core.templatetags.portal import isodatum

        if value not in self.dates:
            self.dates[value] = escape(isodatum(value))
        return self.dates[value]


@register.simple_tag(takes_context=True)
def checklist_rows(context, rows, unit, evidence, can_edit: bool, today):
    """The <tr>s of a unit's checklist table (the unit page), built in Python.

    Every row has the same shape: one reverse for the page's item links (codes are slugs),
    labels, badges and dates formatted once per page, the row's own text escaped, instead of
    a dozen template nodes per row."""
    from django.template.defaultfilters import linebreaksbr

    key = ("implementation.checklist_rows", unit.pk, bool(can_edit))
    parts = context.render_context.get(key)
    if parts is None:
        parts = context.render_context[key] = _RowParts(unit, can_edit)
    link = parts.link
    html = []
    for row in rows:
        item, progress = row.item, row.progress
        code = escape(item.code)
        extra = ""
        lines = evidence.get(item.pk) if evidence else None
        if lines:
            extra += (
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
        if progress and (progress.evidence_url or progress.evidence_file):
            extra += '<ul class="ia-evidence">'
            if progress.evidence_url:
                extra += (
                    f'<li><a href="{escape(progress.evidence_url)}">{parts.evidence_link}</a></li>'
                )
            if progress.evidence_file:
                extra += f'<li><a href="{link}{code}/underlag/">{parts.evidence_file}</a></li>'
            extra += "</ul>"
        if progress:
            changed = parts.date(progress.updated_at)
            if progress.updated_by_id:
                changed += f'<br><span class="small">{escape(progress.updated_by)}</span>'
            next_step = linebreaksbr(progress.next_step or "–", autoescape=True)
        else:
            changed, next_step = "–", "–"
        html.append(
            f'<tr id="ansvar-{code}">\n<th scope="row" class="fw-normal">\n'
            f'<a href="{link}{code}/">{escape(item.title)}</a>{parts.report}\n{extra}\n</th>\n'
            f'<td class="text-nowrap">{parts.date(item.due_date) or "–"}'
            f"{parts.late if row.is_overdue(today) else ''}</td>\n"
            f"<td>{parts.badges[row.status]}</td>\n<td>{next_step}</td>\n"
            f'<td class="text-nowrap">{changed}</td>\n</tr>\n'
        )
    return mark_safe("".join(html))  # every value above is escaped or built by format_html


@register.simple_tag
def log_items(entries):
    """The <li>s of a unit's recent log (the unit page), built in Python."""
    from django.utils import dateformat, timezone

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
                dateformat.format(timezone.localtime(created), "c"),
                isodatumtid(created),
                entry.author or system,
                entry.responsibility_title,
                change,
                format_html("<br>{}", entry.comment) if entry.comment else "",
            )
        )
    return mark_safe("".join(html))
