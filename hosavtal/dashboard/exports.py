"""The whole dashboard as XLSX: one sheet per section, the same figures as the page."""

from django.utils.translation import gettext as _

from conferences.figures import column_label
from core.exports import Sheet
from hosavtal.dashboard.selectors import Dashboard
from implementation.readiness import headline_text


def _share(value: float | None):
    return "" if value is None else round(value, 4)


def sheets(d: Dashboard) -> list[Sheet]:
    return [
        _headline(d),
        _heat_phase(d),
        _heat_level(d),
        _trend(d),
        _since(d),
        _escalations(d),
        _conferences(d),
    ]


def _headline(d: Dashboard) -> Sheet:
    h = d.headline
    a = h.adoption
    main = a.main
    rows = [
        (_("Datum"), h.today),
        (_("Dagar kvar till ikraftträdandet"), h.days_left),
        (_("Ikraftträdande"), h.entry_date),
        (_("Kommuner som antagit huvudavtalet"), main.adopted if main else 0),
        (_("Kommuner totalt"), a.municipalities_total),
        (_("Kommuner som antagit hela avtalspaketet"), a.package_adopted),
        (_("Villkoret för ikraftträdande uppfyllt"), a.condition_met),
        (_("Andel klara ansvar i hela länet"), _share(h.readiness.done_share)),
        (_("Klara ansvar i hela länet"), headline_text(h.readiness)),
        (_("Ansvar med hinder i hela länet"), h.readiness.blocked),
        (_("Enheter utan implementeringsansvarig"), h.without_lead),
        (_("Aktiva eskaleringsärenden"), h.cases.active),
        (_("Försenade eskaleringsärenden"), h.cases.overdue),
    ]
    if h.next_conference:
        c = h.next_conference.conference
        rows += [
            (_("Nästa konferens"), c.title),
            (_("Nästa konferens, datum"), c.date),
            (_("Nästa konferens, platser tagna"), h.next_conference.held),
            (_("Nästa konferens, antal platser"), c.capacity or ""),
        ]
    return Sheet(_("Översikt"), [_("Uppgift"), _("Värde")], rows)


def _heat_rows(d: Dashboard, columns, getter):
    rows = []
    for group in d.groups:
        for row in [*group.rows, group.total]:
            line = [group.title, row.label]
            for column in columns:
                stats = getter(row, column)
                line += [
                    stats.done if stats else 0,
                    stats.applicable if stats else 0,
                    _share(stats.done_share if stats else None),
                ]
            line += [row.total.done, row.total.applicable, _share(row.total.done_share)]
            rows.append(line)
    return rows


def _heat_headers(names) -> list[str]:
    headers = [_("Grupp"), _("Part eller förvaltning")]
    for name in [*names, _("Totalt")]:
        headers += [
            _("%(col)s: klara") % {"col": name},
            _("%(col)s: tillämpliga") % {"col": name},
            _("%(col)s: andel klara") % {"col": name},
        ]
    return headers


def _heat_phase(d: Dashboard) -> Sheet:
    phases = d.county.phases
    rows = _heat_rows(d, phases, lambda row, p: row.by_phase.get(p.pk))
    return Sheet(_("Beredskap per fas"), _heat_headers([p.short_name for p in phases]), rows)


def _heat_level(d: Dashboard) -> Sheet:
    levels = d.levels
    rows = _heat_rows(d, levels, lambda row, lv: row.by_level.get(lv[0]))
    return Sheet(_("Beredskap per nivå"), _heat_headers([label for _v, label in levels]), rows)


def _trend(d: Dashboard) -> Sheet:
    t = d.trend
    series = [t.county, *t.series]
    headers = [_("Vecka (måndag)"), *(s.label for s in series)]
    rows = [
        [monday, *(_share(s.points[i].done_share) for s in series)]
        for i, monday in enumerate(t.weeks)
    ]
    return Sheet(_("Trend"), headers, rows)


def _since(d: Dashboard) -> Sheet:
    s = d.since
    rows = []
    for decision in s.decisions:
        rows.append(
            [
                _("Beslut"),
                decision.decided_on,
                decision.party_name,
                f"{decision.agreement_short_title}: {decision.outcome_label}",
            ]
        )
    for row in s.completed_by_party:
        rows.append(
            [
                _("Klarmarkerade ansvar"),
                s.since,
                row["unit__party__name"],
                _("%(n)s ansvar klara") % {"n": row["n"]},
            ]
        )
    for item in s.overdue:
        rows.append(
            [
                _("Försenade ansvar"),
                item.item.due_date,
                item.item.title,
                _("%(open)s av %(units)s enheter har inte klarat det")
                % {"open": item.overdue_units, "units": item.units},
            ]
        )
    for event in s.case_events:
        rows.append(
            [
                _("Eskalering: %(kind)s") % {"kind": event.get_kind_display()},
                event.created_at,
                event.case.reference,
                event.case.title,
            ]
        )
    for reg in s.registrations:
        rows.append(
            [
                _("Anmälningar"),
                reg["conference__date"],
                reg["conference__title"],
                _("%(n)s nya anmälningar, %(cancelled)s avbokade")
                % {"n": reg["n"], "cancelled": reg["cancelled"]},
            ]
        )
    headers = [_("Slag"), _("Datum"), _("Vem eller vad"), _("Beskrivning")]
    title = _("Sedan %(date)s") % {"date": s.since.isoformat()}
    return Sheet(title, headers, rows)


def _escalations(d: Dashboard) -> Sheet:
    e = d.escalations
    headers = [
        _("Steg"),
        _("Ärenden"),
        _("Aktiva"),
        _("Lösta"),
        _("Avslutade"),
        _("Mediantid på steget (dagar)"),
    ]
    rows = [
        [
            f"{r.step.order}. {r.step.name}",
            r.total,
            r.active,
            r.resolved,
            r.closed,
            "" if r.median_days is None else r.median_days,
        ]
        for r in e.steps
    ]
    rows.append([])
    rows.append([_("Andel lösta på första steget"), _share(e.first_step_share)])
    rows.append([_("Systemfel"), e.counts.systemic])
    rows.append([])
    rows.append([_("Överenskommelse"), _("Ärenden"), _("Aktiva"), _("Systemfel")])
    for row in e.per_agreement:
        rows.append([row["agreement__short_title"], row["total"], row["active"], row["systemic"]])
    return Sheet(_("Eskalering"), headers, rows)


def _conferences(d: Dashboard) -> Sheet:
    c = d.conferences
    columns = c.federations
    names = [column_label(col) for col in columns]
    headers = [_("Konferens"), _("Datum"), _("Platser"), _("Bekräftade"), _("Väntelista")]
    headers += [_("Närvarande")]
    for name in names:
        headers += [
            _("%(col)s: anmälda") % {"col": name},
            _("%(col)s: närvarande") % {"col": name},
        ]
    headers += [_("Kommuner utan anmälda")]
    rows = []
    for row in c.rows:
        conf = row.conference
        line = [conf.title, conf.date, conf.capacity or "", row.held, conf.waiting, conf.attended]
        for col in columns:
            registered, attended = row.per_federation.get(col, (0, 0))
            line += [registered, attended]
        line.append(", ".join(p.name for p in row.missing))
        rows.append(line)
    return Sheet(_("Konferenser"), headers, rows)
