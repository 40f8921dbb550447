"""The adoption board, a party's decisions, the register and what changed since a date."""

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    Decision,
    Federation,
    Party,
)
from agreements.selectors.adoption import (
    AdoptionSummary,
    PartyStatuses,
    Status,
    party_statuses,
    status_for,
    summarise,
)
from agreements.selectors.agreements import new_agreements
from core.audit import HistoryRow, merge_history
from core.models import AuditEvent


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
    summary = summarise(today, agreements, rows)
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
    history: list[HistoryRow]


def party_overview(party: Party, *, today: dt.date) -> PartyOverview:
    """A party's current status per new agreement, all its decisions (newest first) and the
    audit trail of its decisions, including decisions later removed."""
    agreements = new_agreements()
    decisions = list(
        Decision.objects.filter(party=party)
        .select_related("agreement", "recorded_by")
        .order_by("-decided_on", F("agreement__parent").asc(nulls_first=True), "agreement__order")
    )
    latest: dict[int, Decision] = {}
    for decision in decisions:  # newest first: the first one seen is the latest
        latest.setdefault(decision.agreement_id, decision)
    statuses = [status_for(latest.get(a.pk), agreement=a, today=today) for a in agreements]
    decision_type = ContentType.objects.get_for_model(Decision)
    history = merge_history(
        AuditEvent.objects.filter(content_type=decision_type, data__party_id=party.pk)
        .select_related("actor")
        .order_by("-at")[:200],
        LogEntry.objects.filter(content_type=decision_type, additional_data__party_id=party.pk)
        .select_related("actor")
        .order_by("-timestamp")[:200],
        200,
    )
    return PartyOverview(party, statuses, decisions, history)


# --- the register and changes -----------------------------------------------------------------
def decision_register() -> QuerySet[Decision]:
    """Every registered decision, by party and agreement, for exports."""
    return Decision.objects.select_related(
        "party__federation", "party__delregion", "agreement", "recorded_by"
    ).order_by(
        "party__kind",
        "party__name",
        F("agreement__parent").asc(nulls_first=True),
        "agreement__order",
        "decided_on",
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


@dataclass(frozen=True)
class DecisionLine:
    """One decision as plain values (no model instances): what a list of many decisions
    shows. ``outcome_label`` is the outcome's display text in the active language."""

    pk: int
    party_id: int
    party_slug: str
    party_name: str
    agreement_id: int
    agreement_short_title: str
    decided_on: dt.date
    outcome: str
    outcome_label: str
    recorded_at: dt.datetime


def decision_lines_since(since: dt.date, *, until: dt.date | None = None) -> list[DecisionLine]:
    """The decisions of :func:`decisions_since` (same filter, same order) as plain values: one
    query, no model instances — for pages that list hundreds of them."""
    taken = Q(decided_on__gte=since)
    recorded = Q(recorded_at__date__gte=since)
    if until is not None:
        taken &= Q(decided_on__lte=until)
        recorded &= Q(recorded_at__date__lte=until)
    labels = {value: str(label) for value, label in Decision.Outcome.choices}
    rows = (
        Decision.objects.filter(taken | recorded)
        .order_by("-recorded_at", "party__name")
        .values_list(
            "pk",
            "party_id",
            "party__slug",
            "party__name",
            "agreement_id",
            "agreement__short_title",
            "decided_on",
            "outcome",
            "recorded_at",
        )
    )
    return [DecisionLine(*row[:8], labels.get(row[7], row[7]), row[8]) for row in rows]


def decision_list(
    *,
    federation: str = "",
    agreement: str = "",
    outcome: str = "",
    since: dt.date | None = None,
) -> QuerySet[Decision]:
    """The register, newest decision first, filtered like the board (``federation`` a slug or
    "vgr", ``agreement`` a slug, ``outcome`` an outcome key) and to decisions taken or
    recorded on or after ``since``. Lazy: the page paginates it."""
    decisions = Decision.objects.select_related(
        "party__federation", "agreement", "recorded_by"
    ).order_by(
        "-decided_on",
        "party__name",
        F("agreement__parent").asc(nulls_first=True),
        "agreement__order",
    )
    if federation == REGION_FILTER:
        decisions = decisions.filter(party__kind=Party.Kind.REGION)
    elif federation:
        decisions = decisions.filter(party__federation__slug=federation)
    if agreement:
        decisions = decisions.filter(agreement__slug=agreement)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    if since:
        decisions = decisions.filter(Q(decided_on__gte=since) | Q(recorded_at__date__gte=since))
    return decisions
