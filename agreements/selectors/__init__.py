"""Reads of the agreements and the adoption register (a package: agreements, adoption, board).

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

from agreements.selectors.adoption import (
    FINAL_OUTCOMES,
    NO_DECISION,
    STATUS_CSS,
    AdoptionSummary,
    AgreementCount,
    FederationCount,
    PartyStatuses,
    Status,
    adoption_summary,
    adoption_summary_of,
    latest_decisions,
    outcome_choices,
    party_statuses,
    party_statuses_of,
    status_for,
)
from agreements.selectors.agreements import (
    agreement_detail,
    agreement_state,
    agreements_overview,
    milestones,
    new_agreements,
)
from agreements.selectors.board import (
    REGION_FILTER,
    Board,
    BoardGroup,
    DecisionLine,
    PartyOverview,
    adoption_board,
    decision_lines_since,
    decision_list,
    decision_register,
    decisions_since,
    party_overview,
)

__all__ = [
    "FINAL_OUTCOMES",
    "NO_DECISION",
    "REGION_FILTER",
    "STATUS_CSS",
    "AdoptionSummary",
    "AgreementCount",
    "Board",
    "BoardGroup",
    "FederationCount",
    "PartyOverview",
    "PartyStatuses",
    "Status",
    "adoption_board",
    "adoption_summary",
    "adoption_summary_of",
    "agreement_detail",
    "agreement_state",
    "agreements_overview",
    "DecisionLine",
    "decision_lines_since",
    "decision_list",
    "decision_register",
    "decisions_since",
    "latest_decisions",
    "milestones",
    "new_agreements",
    "outcome_choices",
    "party_overview",
    "party_statuses",
    "party_statuses_of",
    "status_for",
]
