"""The adoption register as XLSX and CSV (Swedish headers, ISO dates)."""

import datetime as dt

from django.utils.translation import gettext as _

from agreements.selectors import decision_register, party_statuses
from core.exports import Sheet, csv_response, xlsx_response


def _register_headers() -> list[str]:
    return [
        _("Part"),
        _("Kommunalförbund"),
        _("Delregion"),
        _("Avtal"),
        _("Beslutsdatum"),
        _("Beslutande organ"),
        _("Utfall"),
        _("Planerat beslutsdatum"),
        _("Protokoll eller diarienummer"),
        _("Anteckning"),
        _("Registrerat av"),
        _("Registrerat"),
    ]


def _register_rows():
    for d in decision_register().iterator(chunk_size=2000):
        yield [
            d.party.name,
            d.party.federation.name if d.party.federation else "",
            d.party.delregion.name if d.party.delregion else "",
            d.agreement.title,
            d.decided_on,
            d.body_label,
            d.get_outcome_display(),
            d.planned_date,
            d.reference,
            d.note,
            (d.recorded_by.get_full_name() or d.recorded_by.username) if d.recorded_by else "",
            d.recorded_at,
        ]


def _status_sheet(today: dt.date) -> Sheet:
    agreements, parties = party_statuses(today)
    rows = [
        [
            row.party.name,
            row.party.federation.name if row.party.federation else "",
            *[status.label for status in row.statuses],
            _("Ja") if row.package_adopted else _("Nej"),
            _("Ja") if row.late else _("Nej"),
        ]
        for row in parties
    ]
    headers = [
        _("Part"),
        _("Kommunalförbund"),
        *[str(agreement) for agreement in agreements],
        _("Har antagit hela avtalspaketet"),
        _("Försenad"),
    ]
    return Sheet(_("Aktuell status"), headers, rows)


def register_xlsx(today: dt.date):
    return xlsx_response(
        f"beslutsregister-{today.isoformat()}.xlsx",
        [
            _status_sheet(today),
            Sheet(_("Alla beslut"), _register_headers(), _register_rows()),
        ],
    )


def register_csv(today: dt.date):
    return csv_response(
        f"beslutsregister-{today.isoformat()}.csv", _register_headers(), _register_rows()
    )
