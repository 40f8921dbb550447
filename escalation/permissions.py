"""Who may do what with the ladder and its cases.

Seeing a case is decided by :func:`escalation.selectors.cases_visible_to` alone; views fetch
cases through it, so a case a user may not see is a 404, never a 403. The rules below decide
what a user who *can* see a case may do with it.
"""

from core.roles import Role, has_role


def can_manage_ladder(user) -> bool:
    return has_role(user, Role.FORVALTARE)


def can_open_case(user) -> bool:
    """Any user who belongs to a party may raise a case on its behalf; a förvaltare may
    register one for any party."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.party_id) or has_role(user, Role.FORVALTARE)


def may_report_for_any_party(user) -> bool:
    return has_role(user, Role.FORVALTARE)


def is_involved(user, case) -> bool:
    return bool(user.party_id) and user.party_id in (
        case.reporting_party_id,
        case.receiving_party_id,
    )


def can_act_on_case(user, case, *, current_handler_ids: set[int] | frozenset = frozenset()) -> bool:
    """Escalate, resolve, reopen or close: the two parties, the handlers of the current step
    and the förvaltare. Styrgrupp and handlers of earlier steps follow the case, but the move
    belongs to the parties and the body now handling it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        has_role(user, Role.FORVALTARE) or is_involved(user, case) or user.pk in current_handler_ids
    )


def can_edit_case_details(user, case, *, current_handler_ids=frozenset()) -> bool:
    """Diarienummer and systemfel: the same people who may act on the case."""
    return can_act_on_case(user, case, current_handler_ids=current_handler_ids)
