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

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementDocument,
    Decision,
    Federation,
    Milestone,
    Party,
)

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


def _long_date(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


# --- agreements -----------------------------------------------------------------------------
def agreements_overview() -> dict[str, list[Agreement]]:
    """The main agreements (new, then old), each with its sub-agreements prefetched."""
    mains = (
        Agreement.objects.filter(parent__isnull=True)
        .prefetch_related(
            Prefetch("sub_agreements", queryset=Agreement.objects.order_by("order")),
        )
        .order_by("-generation", "order")
    )
    result: dict[str, list[Agreement]] = {"new": [], "old": []}
    for agreement in mains:
        result["new" if agreement.is_new else "old"].append(agreement)
    return result


def agreement_detail(slug: str) -> Agreement:
    """One agreement with its parent, sub-agreements, documents and the agreements it
    replaces or is replaced by. Raises Agreement.DoesNotExist."""
    return (
        Agreement.objects.select_related("parent", "replaces")
        .prefetch_related(
            Prefetch("sub_agreements", queryset=Agreement.objects.order_by("order")),
            Prefetch("replaced_by", queryset=Agreement.objects.order_by("order")),
            Prefetch(
                "documents",
                queryset=AgreementDocument.objects.select_related("added_by").order_by("title"),
            ),
        )
        .get(slug=slug)
    )


def milestones() -> list[Milestone]:
    """The dated timeline of the decision process and the implementation."""
    return list(Milestone.objects.order_by("date", "slug"))


def new_agreements() -> list[Agreement]:
    """The new agreement first, then its överenskommelser: what parties decide on."""
    return list(
        Agreement.objects.filter(generation=Agreement.Generation.NEW).order_by("parent_id", "order")
    )


def agreement_state(agreement: Agreement, *, today: dt.date, condition_met: bool) -> str:
    """The agreement's validity in words, e.g. "Gäller till och med 31 december 2026."."""
    if agreement.is_new:
        return _new_agreement_state(agreement, today=today, condition_met=condition_met)
    return _old_agreement_state(agreement, today=today)


def _new_agreement_state(agreement: Agreement, *, today: dt.date, condition_met: bool) -> str:
    start = agreement.valid_from
    if start is None:
        return _("Datum för ikraftträdande är inte bestämt.")
    if today >= start:
        return _("Gäller sedan %(date)s.") % {"date": _long_date(start)}
    if condition_met:
        return _("Träder i kraft %(date)s. Samtliga kommuner har antagit avtalet.") % {
            "date": _long_date(start)
        }
    return _("Träder i kraft %(date)s om samtliga kommuner antar avtalet.") % {
        "date": _long_date(start)
    }


def _old_agreement_state(agreement: Agreement, *, today: dt.date) -> str:
    end = agreement.valid_to
    if end is None:
        return _("Gäller tills vidare.")
    if today > end:
        return _("Upphörde att gälla efter %(date)s.") % {"date": _long_date(end)}
    text = _("Gäller till och med %(date)s.") % {"date": _long_date(end)}
    if agreement.terminated_on:
        text += " " + _("Uppsagt av Västra Götalandsregionen %(date)s.") % {
            "date": _long_date(agreement.terminated_on)
        }
    return text


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
        if self.decision is None:
            return _("Inget beslut registrerat")
        return self.decision.get_outcome_display()

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
    """The status a latest decision (or none) gives, with lateness as the module says."""
    if decision is not None and decision.outcome in FINAL_OUTCOMES:
        return Status(agreement, decision, late=False)
    deadline = agreement.decision_deadline
    if deadline is None or today <= deadline:
        return Status(agreement, decision, late=False)
    planned = decision.planned_date if decision else None
    if planned and planned >= today:
        return Status(agreement, decision, late=False)
    if planned:
        reason = _("Det planerade beslutsdatumet %(date)s har passerat.") % {
            "date": _long_date(planned)
        }
    else:
        reason = _("Inget beslut efter %(date)s och inget planerat beslutsdatum.") % {
            "date": _long_date(deadline)
        }
    return Status(agreement, decision, late=True, late_reason=reason)


def latest_decisions(
    *, agreements: list[Agreement], parties: QuerySet | None = None
) -> dict[tuple[int, int], Decision]:
    """The latest decision per (party id, agreement id), in one query at any size."""
    later = Decision.objects.filter(
        party=OuterRef("party"),
        agreement=OuterRef("agreement"),
        decided_on__gt=OuterRef("decided_on"),
    )
    decisions = Decision.objects.filter(agreement__in=agreements).filter(~Exists(later))
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
    agreements = new_agreements()
    parties = list(
        Party.objects.agreement_parties()
        .select_related("federation", "delregion")
        .order_by("kind", "name")
    )
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
    missing, late = [], []
    for row in rows:
        status = row.statuses[agreement_index]
        by_outcome[status.key] = by_outcome.get(status.key, 0) + 1
        if not status.adopted:
            missing.append(row.party)
        if status.late:
            late.append(row.party)
    return AgreementCount(agreement, len(rows), by_outcome, missing, late)


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


def _summarise(
    today: dt.date, agreements: list[Agreement], rows: list[PartyStatuses]
) -> AdoptionSummary:
    municipalities = [row for row in rows if not row.party.is_region]
    region = next((row for row in rows if row.party.is_region), None)
    per_agreement = [_count(i, a, municipalities) for i, a in enumerate(agreements)]
    package = sum(1 for row in municipalities if row.package_adopted)
    return AdoptionSummary(
        today=today,
        main=per_agreement[0] if per_agreement else None,
        per_agreement=per_agreement,
        region=region,
        municipalities_total=len(municipalities),
        package_adopted=package,
        condition_met=bool(municipalities) and package == len(municipalities),
        missing=[row for row in municipalities if not row.package_adopted],
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
    return _summarise(today, agreements, rows)


# --- the board ------------------------------------------------------------------------------
@dataclass
class BoardGroup:
    title: str
    rows: list[PartyStatuses]


@dataclass
class Board:
    agreements: list[Agreement]
    groups: list[BoardGroup]
    summary: AdoptionSummary
    shown: int


REGION_FILTER = "vgr"


def adoption_board(
    *,
    today: dt.date,
    federation: str = "",
    delregion: str = "",
    outcome: str = "",
    agreement: str = "",
    late_only: bool = False,
) -> Board:
    """The 50 parties grouped by kommunalförbund (VGR first), with their status on each new
    agreement. ``federation`` is a federation slug or "vgr"; ``delregion`` a delregion slug;
    ``outcome`` an outcome key (or "inget") matched against ``agreement`` (a slug; the main
    agreement if empty). The summary always covers all parties, whatever the filters."""
    agreements, rows = party_statuses(today)
    summary = _summarise(today, agreements, rows)
    index = next((i for i, a in enumerate(agreements) if a.slug == agreement), 0)
    shown = [
        row
        for row in rows
        if _matches(row, index, federation, delregion, outcome, late_only=late_only)
    ]
    return Board(agreements, _group(shown), summary, len(shown))


def _matches(
    row: PartyStatuses, index: int, federation: str, delregion: str, outcome: str, *, late_only
) -> bool:
    party = row.party
    if federation == REGION_FILTER and not party.is_region:
        return False
    federation_slug = party.federation.slug if party.federation else None
    if federation and federation != REGION_FILTER and federation_slug != federation:
        return False
    if delregion and (party.delregion is None or party.delregion.slug != delregion):
        return False
    if outcome and row.statuses and row.statuses[index].key != outcome:
        return False
    return not late_only or row.late


def _group(rows: list[PartyStatuses]) -> list[BoardGroup]:
    region_rows = [row for row in rows if row.party.is_region]
    groups = [BoardGroup(_("Västra Götalandsregionen"), region_rows)] if region_rows else []
    by_federation: dict[Federation, list[PartyStatuses]] = {}
    for row in rows:
        if row.party.federation:
            by_federation.setdefault(row.party.federation, []).append(row)
    for federation in sorted(by_federation, key=lambda f: (f.order, f.name)):
        groups.append(BoardGroup(federation.name, by_federation[federation]))
    return groups


# --- one party ------------------------------------------------------------------------------
@dataclass
class PartyOverview:
    party: Party
    statuses: list[Status]
    decisions: list[Decision]
    history: list[LogEntry]


def party_overview(party: Party, *, today: dt.date) -> PartyOverview:
    """A party's current status per new agreement, all its decisions (newest first) and the
    audit trail of its decisions, including decisions later removed."""
    agreements = new_agreements()
    decisions = list(
        Decision.objects.filter(party=party)
        .select_related("agreement", "recorded_by")
        .order_by("-decided_on", "agreement__parent_id", "agreement__order")
    )
    latest: dict[int, Decision] = {}
    for decision in decisions:  # newest first: the first one seen is the latest
        latest.setdefault(decision.agreement_id, decision)
    statuses = [status_for(latest.get(a.pk), agreement=a, today=today) for a in agreements]
    history = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Decision),
            additional_data__party_id=party.pk,
        )
        .select_related("actor")
        .order_by("-timestamp")[:200]
    )
    return PartyOverview(party, statuses, decisions, history)


# --- the register and changes -----------------------------------------------------------------
def decision_register() -> QuerySet[Decision]:
    """Every registered decision, by party and agreement, for exports."""
    return Decision.objects.select_related(
        "party__federation", "party__delregion", "agreement", "recorded_by"
    ).order_by(
        "party__kind", "party__name", "agreement__parent_id", "agreement__order", "decided_on"
    )


def decisions_since(since: dt.date, *, until: dt.date | None = None) -> list[Decision]:
    """Decisions taken (decision date) or recorded (registration date) on or after ``since``
    (and on or before ``until`` if given), newest registration first. Answers the steering
    group's "what changed since our last meeting?" in one query."""
    taken = Decision.objects.filter(decided_on__gte=since)
    recorded = Decision.objects.filter(recorded_at__date__gte=since)
    if until is not None:
        taken = taken.filter(decided_on__lte=until)
        recorded = recorded.filter(recorded_at__date__lte=until)
    return list(
        (taken | recorded)
        .select_related("party", "agreement", "recorded_by")
        .order_by("-recorded_at", "party__name")
    )
