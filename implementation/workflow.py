"""The status tables of implementation tracking, one :class:`core.workflow.Workflow` each.

Services ask these tables whether a status change is allowed (``check_move``); forms and views
ask them which statuses to offer (``moves_from``). The statuses themselves are the models'
choices (``implementation.models.Status`` and ``NeedStatus``); a unit's lifecycle
(``UNIT_LIFECYCLE``) sits next to the Unit model.
"""

from core.workflow import Workflow
from implementation.models import NeedStatus, Status

# An item's status in a unit (the user picks the next status; keeping the same status with a
# comment is always allowed).
PROGRESS_FLOW = Workflow.from_moves(
    "framsteg",
    {
        Status.EJ_PABORJAD: {Status.PAGAR, Status.HINDER, Status.KLAR, Status.EJ_AKTUELLT},
        Status.PAGAR: {Status.EJ_PABORJAD, Status.HINDER, Status.KLAR, Status.EJ_AKTUELLT},
        Status.HINDER: {Status.PAGAR, Status.KLAR, Status.EJ_AKTUELLT},
        Status.KLAR: {Status.PAGAR, Status.HINDER, Status.EJ_AKTUELLT},
        Status.EJ_AKTUELLT: {Status.EJ_PABORJAD, Status.PAGAR},
    },
    labels=dict(Status.choices),
)

# Statuses that need a comment saying why (when an item moves to them).
COMMENT_REQUIRED = frozenset({Status.HINDER, Status.EJ_AKTUELLT})

# A development need (utvecklingsbehov).
NEED_FLOW = Workflow.from_moves(
    "utvecklingsbehov",
    {
        NeedStatus.IDENTIFIERAT: {NeedStatus.PAGAR, NeedStatus.HANTERAT, NeedStatus.AVSLUTAT},
        NeedStatus.PAGAR: {NeedStatus.IDENTIFIERAT, NeedStatus.HANTERAT, NeedStatus.AVSLUTAT},
        NeedStatus.HANTERAT: {NeedStatus.PAGAR},
        NeedStatus.AVSLUTAT: {NeedStatus.IDENTIFIERAT},
    },
    labels=dict(NeedStatus.choices),
)

# The tone of each status's badge (``partials/status_badge.html``; always shown with its text).
STATUS_TONE: dict[str, str] = {
    Status.EJ_PABORJAD: "neutral",
    Status.PAGAR: "info",
    Status.HINDER: "bad",
    Status.KLAR: "ok",
    Status.EJ_AKTUELLT: "neutral",
}
NEED_STATUS_TONE: dict[str, str] = {
    NeedStatus.IDENTIFIERAT: "warn",
    NeedStatus.PAGAR: "info",
    NeedStatus.HANTERAT: "ok",
    NeedStatus.AVSLUTAT: "neutral",
}
# The same as CSS classes (``.status-ok`` …), for markup built around a status.
STATUS_CSS: dict[str, str] = {status: f"status-{tone}" for status, tone in STATUS_TONE.items()}
NEED_STATUS_CSS: dict[str, str] = {
    status: f"status-{tone}" for status, tone in NEED_STATUS_TONE.items()
}

# Read-only view of PROGRESS_FLOW as {status: next statuses}, for the load test's setup and the
# demo data (derived: the table above is the only one).
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(PROGRESS_FLOW.moves_from(status)) for status in Status.values
}


def allowed_statuses(current: str) -> list[tuple[str, str]]:
    """The current status and those the table allows from it, in the choices' order."""
    allowed = {current, *PROGRESS_FLOW.moves_from(current)}
    return [(value, label) for value, label in Status.choices if value in allowed]
