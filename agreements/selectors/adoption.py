"""Reads of the agreements and the adoption register.

The *current status* of a party for an agreement is its latest decision (by decision date).
"Late" (försenad) means: the agreement's decision deadline (``Agreement.decision_deadline``,
editable data; 31 May 2026 for the new agreements) has passed, the party has no final decision
(antaget or avslaget), and it has no planned decision date today or later.

The condition for entry into force (villkoret för ikraftträdande) counts the whole package:
it is met when every one of the 49 municipalities has adopted the main agreement *and* each of
the four överenskommelser. The summary also reports the main agreement alone and each
överenskommelse separately.

The steering-group dashboard composes :func:`adoption_summary` and :func:`decisions_since`.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    Decision,
    Party,
)
from agreements.selectors.agreements import new_agreements
from agreements.selectors.requirements import lateness, tally

NO_DECISION = "inget"
FINAL_OUTCOMES = frozenset({Decision.Outcome.ADOPTED, Decision.Outcome.REJECTED})
STATUS_CSS = {
    Decision.Outcome.ADOPTED: "status-ok",
    Decision.Outcome.REJECTED: "status-bad",
    Decision.Outcome.POSTPONED: "status-warn",
    Decision.Outcome.PENDING: "status-neutral",
    NO_DECISION: "status-neutral",
}


def outcome_choices() -> list[tuple[str, str]]:
    """The outcomes a board can be filtered by, including "no decision registered"."""
    return [*Decision.Outcome.choices, (NO_DECISION, _("Inget beslut registrerat"))]


_LABELS: dict[str | None, dict[str, str]] = {}


def _outcome_labels() -> dict[str, str]:
    """The outcome labels in the active language, translated once per language (a board has
    250 status cells; ``get_outcome_display`` per cell costs more than the rest of the page)."""
    language = get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = {key: str(label) for key, label in outcome_choices()}
    return labels


def body_label(decision: Decision) -> str:
    """``decision.body_label`` with the body's name translated once per language."""
    if decision.body == Decision.Body.OTHER and decision.body_other:
        return decision.body_other
    language = get_language()
    labels = _BODY_LABELS.get(language)
    if labels is None:
        labels = _BODY_LABELS[language] = {k: str(v) for k, v in Decision.Body.choices}
    return labels.get(decision.body, decision.body)


_BODY_LABELS: dict[str | None, dict[str, str]] = {}


def _long_date(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


# --- statuses -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Status:
    """A party's current status for one agreement."""

    agreement: Agreement
    decision: Decision | None
    late: bool
    late_reason: str = ""

    @property
    def key(self) -> str:
        return self.decision.outcome if self.decision else NO_DECISION

    @property
    def label(self) -> str:
        return _outcome_labels()[self.key]

    @property
    def css(self) -> str:
        return STATUS_CSS[self.key]

    @property
    def adopted(self) -> bool:
        return self.key == Decision.Outcome.ADOPTED

    @property
    def planned_date(self) -> dt.date | None:
        return self.decision.planned_date if self.decision else None


def status_for(decision: Decision | None, *, agreement: Agreement, today: dt.date) -> Status:
    """The status a latest decision (or none) gives, with lateness as the module says
    (computed by the shared :func:`agreements.selectors.requirements.lateness`)."""
    found = lateness(
        final=decision is not None and decision.outcome in FINAL_OUTCOMES,
        deadline=agreement.decision_deadline,
        planned=decision.planned_date if decision else None,
        today=today,
    )
    return Status(agreement, decision, late=found.late, late_reason=found.reason)


STATUS_FIELDS = (
    "party_id",
    "agreement_id",
    "decided_on",
    "body",
    "body_other",
    "outcome",
    "planned_date",
    "reference",
)


def latest_decisions(
    *, agreements: list[Agreement], parties: QuerySet | None = None
) -> dict[tuple[int, int], Decision]:
    """The latest decision per (party id, agreement id), in one query at any size. Loads the
    fields a status shows (outcome, dates, body, reference); the others (note, who recorded it
    and when) are deferred: read them from :func:`party_overview` or the register."""
    later = Decision.objects.filter(
        party=OuterRef("party"),
        agreement=OuterRef("agreement"),
        decided_on__gt=OuterRef("decided_on"),
    )
    decisions = (
        Decision.objects.filter(agreement__in=agreements)
        .filter(~Exists(later))
        .only(*STATUS_FIELDS)
    )
    if parties is not None:
        decisions = decisions.filter(party__in=parties)
    return {(d.party_id, d.agreement_id): d for d in decisions}


@dataclass
class PartyStatuses:
    party: Party
    statuses: list[Status]

    @property
    def main(self) -> Status:
        return self.statuses[0]

    @property
    def package_adopted(self) -> bool:
        return all(status.adopted for status in self.statuses)

    @property
    def late(self) -> bool:
        return any(status.late for status in self.statuses)

    @property
    def late_reason(self) -> str:
        return next((status.late_reason for status in self.statuses if status.late), "")

    @property
    def not_adopted(self) -> list[Agreement]:
        return [status.agreement for status in self.statuses if not status.adopted]


def party_statuses(today: dt.date) -> tuple[list[Agreement], list[PartyStatuses]]:
    """The new agreements and every party's status on each (VGR first), in three queries."""
    parties = list(
        Party.objects.agreement_parties()
        .select_related("federation", "delregion")
        .order_by("kind", "name")
    )
    return party_statuses_of(today, parties)


def party_statuses_of(
    today: dt.date, parties: list[Party]
) -> tuple[list[Agreement], list[PartyStatuses]]:
    """:func:`party_statuses` for parties the caller has already loaded (every agreement party,
    with ``federation`` and ``delregion``), in two queries."""
    agreements = new_agreements()
    latest = latest_decisions(agreements=agreements)
    rows = [
        PartyStatuses(
            party,
            [
                status_for(latest.get((party.pk, a.pk)), agreement=a, today=today)
                for a in agreements
            ],
        )
        for party in parties
    ]
    rows.sort(key=lambda row: (not row.party.is_region, row.party.name))
    return agreements, rows


# --- summary --------------------------------------------------------------------------------
@dataclass
class AgreementCount:
    """How the 49 municipalities stand on one agreement."""

    agreement: Agreement
    total: int
    by_outcome: dict[str, int]
    missing: list[Party]
    late: list[Party]

    @property
    def adopted(self) -> int:
        return self.by_outcome.get(Decision.Outcome.ADOPTED, 0)

    @property
    def all_adopted(self) -> bool:
        return self.total > 0 and self.adopted == self.total

    @property
    def share(self) -> float:
        return self.adopted / self.total if self.total else 0.0

    @property
    def outcome_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.by_outcome.get(key, 0)) for key, label in outcome_choices()]


@dataclass
class FederationCount:
    title: str
    total: int
    adopted_main: int
    adopted_package: int


@dataclass
class AdoptionSummary:
    """Everything the board and the dashboard say about the adoption (see the module)."""

    today: dt.date
    main: AgreementCount | None
    per_agreement: list[AgreementCount]
    region: PartyStatuses | None
    municipalities_total: int
    package_adopted: int
    condition_met: bool
    missing: list[PartyStatuses]
    late: list[PartyStatuses]
    per_federation: list[FederationCount] = field(default_factory=list)


def _count(agreement_index: int, agreement: Agreement, rows: list[PartyStatuses]):
    by_outcome: dict[str, int] = {}
    for row in rows:
        key = row.statuses[agreement_index].key
        by_outcome[key] = by_outcome.get(key, 0) + 1
    counted = tally(
        rows,
        done=lambda row: row.statuses[agreement_index].adopted,
        late=lambda row: row.statuses[agreement_index].late,
    )
    return AgreementCount(
        agreement,
        counted.total,
        by_outcome,
        [row.party for row in counted.missing],
        [row.party for row in counted.late],
    )


def _federation_counts(municipalities: list[PartyStatuses]) -> list[FederationCount]:
    groups: dict[int | None, list[PartyStatuses]] = {}
    for row in municipalities:
        groups.setdefault(row.party.federation_id, []).append(row)
    result = []
    federations = sorted(
        {row.party.federation for row in municipalities if row.party.federation},
        key=lambda f: (f.order, f.name),
    )
    for federation in federations:
        rows = groups[federation.pk]
        result.append(
            FederationCount(
                federation.name,
                len(rows),
                sum(1 for row in rows if row.main.adopted),
                sum(1 for row in rows if row.package_adopted),
            )
        )
    return result


def summarise(
    today: dt.date, agreements: list[Agreement], rows: list[PartyStatuses]
) -> AdoptionSummary:
    municipalities = [row for row in rows if not row.party.is_region]
    region = next((row for row in rows if row.party.is_region), None)
    per_agreement = [_count(i, a, municipalities) for i, a in enumerate(agreements)]
    package = tally(municipalities, done=lambda row: row.package_adopted, late=lambda row: False)
    return AdoptionSummary(
        today=today,
        main=per_agreement[0] if per_agreement else None,
        per_agreement=per_agreement,
        region=region,
        municipalities_total=len(municipalities),
        package_adopted=package.done_count,
        condition_met=package.met,
        missing=package.missing,
        late=[row for row in rows if row.late],
        per_federation=_federation_counts(municipalities),
    )


def adoption_summary(today: dt.date) -> AdoptionSummary:
    """Where the adoption stands on ``today``, in a fixed number of queries.

    - ``main``: the main agreement — ``main.adopted`` of ``main.total`` ("46 av 49"),
      ``main.by_outcome`` (counts per outcome key, "inget" for no decision), ``main.missing``;
    - ``per_agreement``: the same for the main agreement and each överenskommelse;
    - ``region``: VGR's statuses; ``package_adopted``: municipalities that adopted all five;
    - ``condition_met``: all 49 municipalities adopted the main agreement and all four
      överenskommelser; ``missing``: the municipalities that have not (with what they lack);
    - ``late``: parties late on at least one agreement (VGR included);
    - ``per_federation``: per kommunalförbund, how many adopted the main agreement and the
      whole package.
    """
    agreements, rows = party_statuses(today)
    return summarise(today, agreements, rows)


def adoption_summary_of(today: dt.date, parties: list[Party]) -> AdoptionSummary:
    """:func:`adoption_summary` for the agreement parties the caller has already loaded (all
    of them, with ``federation`` and ``delregion``): one query fewer."""
    agreements, rows = party_statuses_of(today, parties)
    return summarise(today, agreements, rows)
