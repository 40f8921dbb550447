"""XLSX exports, the bulk-update template and the validation of an uploaded template."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.exports import Sheet, xlsx_bytes
from core.tabular import RowReport, TableError, read_table
from implementation import permissions, readiness
from implementation.models import Level, Progress, Responsibility, Status, Unit
from implementation.selectors import ChecklistRow, Stats, checklist, leads_for_units, unit_stats
from implementation.services import BulkRow, check_applies, check_transition

# Column names of the bulk template (lower case: read_table normalises headers).
COL_UNIT = "enhet"
COL_UNIT_NAME = "enhetens namn"
COL_CODE = "kod"
COL_TITLE = "ansvar"
COL_DUE = "klart senast"
COL_STATUS = "status"
COL_COMMENT = "kommentar"
COL_NEXT = "nästa steg"
REQUIRED = [COL_UNIT, COL_CODE, COL_STATUS]
OPTIONAL = [COL_UNIT_NAME, COL_TITLE, COL_DUE, COL_COMMENT, COL_NEXT]
TEMPLATE_HEADERS = [
    COL_UNIT,
    COL_UNIT_NAME,
    COL_CODE,
    COL_TITLE,
    COL_DUE,
    COL_STATUS,
    COL_COMMENT,
    COL_NEXT,
]


def units_of_template(unit: Unit) -> list[Unit]:
    """A unit's template covers the unit; a förvaltning's also its verksamheter."""
    units = [unit]
    if unit.level == Level.FORVALTNING:
        units += list(unit.children.select_related("party").order_by("name"))
    return units


def template_bytes(unit: Unit) -> bytes:
    rows = [
        [
            row.unit.slug,
            row.unit.name,
            row.item.code,
            row.item.title,
            row.item.due_date,
            row.status_label,
            "",
            row.progress.next_step if row.progress else "",
        ]
        for row in checklist(units_of_template(unit))
    ]
    instructions = [
        [_("Ändra kolumnerna status, kommentar och nästa steg. Ändra inte enhet och kod.")],
        [
            _("Tillåtna värden i kolumnen status: %(values)s.")
            % {"values": ", ".join(str(label) for label in Status.labels)}
        ],
        [_("Hinder och Ej aktuellt kräver en kommentar.")],
        [_("Rader du inte ändrar lämnas orörda: de får inget nytt datum och ingen loggrad.")],
        [_("Inget sparas förrän alla rader är rätt ifyllda.")],
    ]
    return xlsx_bytes(
        [
            Sheet(
                _("Ansvar"),
                TEMPLATE_HEADERS,
                rows,
                choices={COL_STATUS: [str(label) for label in Status.labels]},
            ),
            Sheet(_("Instruktioner"), [_("Så fyller du i mallen")], instructions),
        ]
    )


def _status_from(text: str) -> str | None:
    wanted = " ".join(text.lower().split())
    for value, label in Status.choices:
        if wanted in {value, str(label).lower()}:
            return value
    return None


@dataclass
class BulkResult:
    rows: list[BulkRow] = field(default_factory=list)
    report: RowReport = field(default_factory=RowReport)
    file_error: str = ""
    unchanged: int = 0  # rows that change nothing (left alone)

    @property
    def ok(self) -> bool:
        return not self.file_error and self.report.ok


def validate_upload(upload, *, unit: Unit, user) -> BulkResult:
    """Read and check every row; the result holds the rows to apply or the errors."""
    result = BulkResult()
    try:
        table = read_table(upload, required=REQUIRED, optional=OPTIONAL)
    except TableError as error:
        result.file_error = str(error)
        return result
    units = {u.slug: u for u in units_of_template(unit)}
    codes = [row.values.get(COL_CODE, "") for row in table]
    items = {r.code: r for r in Responsibility.objects.filter(code__in=codes)}
    current = {
        (p.unit_id, p.responsibility_id): p
        for p in Progress.objects.filter(unit__in=units.values(), responsibility__in=items.values())
    }
    seen: set[tuple[int, int]] = set()
    for row in table:
        checked = _check_row(row, units, items, current, seen, user, result.report)
        if checked is None:
            continue
        if _unchanged(checked, current.get((checked.unit.pk, checked.responsibility.pk))):
            result.unchanged += 1
        else:
            result.rows.append(checked)
    return result


def _text(value: str | None) -> str:
    """Text as compared: line endings and trailing spaces as a spreadsheet may alter them."""
    return "\n".join(
        line.rstrip() for line in (value or "").replace("\r\n", "\n").split("\n")
    ).strip()


def _unchanged(row: BulkRow, progress: Progress | None) -> bool:
    """True when the row would write nothing: same status, no comment, same next step."""
    status = progress.status if progress else Status.EJ_PABORJAD
    next_step = progress.next_step if progress else ""
    return (
        row.status == status
        and not row.comment.strip()
        and (row.next_step is None or _text(row.next_step) == _text(next_step))
    )


def _where(values: dict, unit: Unit | None = None, item: Responsibility | None = None) -> str:
    """The row's item and unit as the error names them: "”Rutin för …” (Angered)"."""
    title = item.title if item else values.get(COL_TITLE) or values.get(COL_CODE) or "–"
    unit_name = unit.name if unit else values.get(COL_UNIT_NAME) or values.get(COL_UNIT) or "–"
    return _("”%(item)s” (%(unit)s)") % {"item": title, "unit": unit_name}


class _NamedReport:
    """Adds the row's item and unit in front of every message about it."""

    def __init__(self, report: RowReport, values: dict):
        self.report, self.values = report, values
        self.unit = self.item = None

    def add(self, number: int, message: str) -> None:
        self.report.add(number, f"{_where(self.values, self.unit, self.item)}: {message}")


def _check_row(row, units, items, current, seen, user, report: RowReport) -> BulkRow | None:
    values = row.values
    report = _NamedReport(report, values)
    report.unit = units.get(values.get(COL_UNIT, ""))
    report.item = items.get(values.get(COL_CODE, ""))
    unit = units.get(values.get(COL_UNIT, ""))
    if unit is None:
        report.add(
            row.number,
            _("Enheten ”%(unit)s” hör inte till den här mallen.") % {"unit": values.get(COL_UNIT)},
        )
        return None
    if not permissions.can_edit_progress(user, unit):
        report.add(row.number, _("Du får inte ändra %(unit)s.") % {"unit": unit.name})
        return None
    item = items.get(values.get(COL_CODE, ""))
    if item is None:
        report.add(
            row.number, _("Okänd kod för ansvar: ”%(code)s”.") % {"code": values.get(COL_CODE)}
        )
        return None
    if (unit.pk, item.pk) in seen:
        report.add(row.number, _("Ansvaret finns redan på en tidigare rad för samma enhet."))
        return None
    seen.add((unit.pk, item.pk))
    status = _status_from(values.get(COL_STATUS, ""))
    if status is None:
        report.add(
            row.number,
            _("Okänd status: ”%(status)s”. Tillåtna värden: %(values)s.")
            % {
                "status": values.get(COL_STATUS),
                "values": ", ".join(str(label) for label in Status.labels),
            },
        )
        return None
    progress = current.get((unit.pk, item.pk))
    comment = values.get(COL_COMMENT, "")
    try:
        check_applies(unit=unit, responsibility=item)
        check_transition(
            before=progress.status if progress else Status.EJ_PABORJAD,
            after=status,
            comment=comment,
        )
    except ValidationError as error:
        for message in error.messages:
            report.add(row.number, message)
        return None
    next_step = values.get(COL_NEXT) if COL_NEXT in values else None
    return BulkRow(row.number, unit, item, status, comment, next_step)


# --- exports ---------------------------------------------------------------------------------
CHECKLIST_HEADERS = [
    "Part",
    "Förvaltning",
    "Enhet",
    "Nivå",
    "Fas",
    "Kod",
    "Ansvar",
    "Klart senast",
    "Status",
    "Orsak till hinder",
    "Nästa steg",
    "Senast ändrad",
    "Ändrad av",
]


def _checklist_rows(rows: list[ChecklistRow]) -> list[list]:
    out = []
    for row in rows:
        progress = row.progress
        unit = row.unit
        forvaltning = unit.parent.name if unit.parent_id else unit.name
        out.append(
            [
                unit.party.name,
                forvaltning if unit.level != Level.REGIONOVERGRIPANDE else "",
                unit.name,
                unit.get_level_display(),
                row.item.phase.short_name,
                row.item.code,
                row.item.title,
                row.item.due_date,
                row.status_label,
                progress.blocker_reason if progress and row.status == Status.HINDER else "",
                progress.next_step if progress else "",
                progress.updated_at if progress else None,
                (str(progress.updated_by) if progress and progress.updated_by else ""),
            ]
        )
    return out


SUMMARY_HEADERS = [
    "Förvaltning",
    "Enhet",
    "Nivå",
    "Implementeringsansvariga",
    "Antal ansvar",
    "Ej aktuellt",
    "Tillämpliga",
    "Klara",
    "Pågår",
    "Hinder",
    "Ej påbörjade",
    "Andel klara (%)",
    "Klara av tillämpliga",
    "Viktad framdrift (%)",
]


def _pct(value: float | None):
    return "" if value is None else round(value * 100)


def _summary_row(u: Unit, stats: Stats, leads: dict[int, list]) -> list:
    return [
        u.parent.name if u.parent_id else ("" if u.level != Level.FORVALTNING else u.name),
        u.name,
        u.get_level_display(),
        ", ".join(str(p) for p in leads.get(u.pk, [])) or _("Saknas"),
        stats.total,
        stats.excluded,
        stats.applicable,
        stats.done,
        stats.in_progress,
        stats.blocked,
        stats.not_started,
        _pct(stats.done_share),
        readiness.headline_text(stats),
        _pct(stats.weighted),
    ]


def _explanation() -> list[list]:
    return [
        [_("Andel klara: ansvar med status Klar av de tillämpliga ansvaren.")],
        [_("Tillämpliga: alla ansvar för enhetens nivå utom de som är Ej aktuellt.")],
        [_("Hinder räknas aldrig som framsteg.")],
        [str(readiness.WEIGHTED_EXPLANATION)],
    ]


def export_units(units: list[Unit]) -> bytes:
    """Summary per unit and the full checklist of the units. A fixed number of queries."""
    ids = [u.pk for u in units]
    stats = unit_stats(ids, {u.pk: u.level for u in units})
    leads = leads_for_units(ids)
    rows = checklist(units, with_users=True)
    return xlsx_bytes(
        [
            Sheet(
                "Sammanställning",
                SUMMARY_HEADERS,
                [_summary_row(u, stats[u.pk], leads) for u in units],
            ),
            Sheet("Checklista", CHECKLIST_HEADERS, _checklist_rows(rows)),
            Sheet(_("Förklaring"), [_("Så räknas siffrorna")], _explanation()),
        ]
    )


def export_filename(*parts: str) -> str:
    from django.utils.text import slugify

    stem = "-".join(slugify(p) for p in parts if p)
    return f"genomforande-{stem}-{dt.date.today().isoformat()}.xlsx"
