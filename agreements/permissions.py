"""Who may see or change what in the agreements app.

Every logged-in user may read agreements, the register and the board. Förvaltare and
registrators record and correct decisions and manage agreement documents. A registrator who
belongs to a municipality may record decisions only for that municipality; one at VGR, VästKom
or a kommunalförbund (no party, or the region) may record for any party.
"""

from core.roles import Role, has_role

RECORDING_ROLES = (Role.FORVALTARE, Role.REGISTRATOR)


def can_view(user, obj=None) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_record_decisions(user) -> bool:
    """May the user record decisions at all (for some party)?"""
    return has_role(user, *RECORDING_ROLES)


def can_record_decision_for(user, party) -> bool:
    """May the user record or correct a decision of ``party``?"""
    if not can_record_decisions(user):
        return False
    if has_role(user, Role.FORVALTARE):
        return True
    own = getattr(user, "party", None)
    return own is None or own.is_region or own.pk == party.pk


def can_change_decision(user, decision) -> bool:
    return can_record_decision_for(user, decision.party)


def can_manage_documents(user) -> bool:
    return has_role(user, *RECORDING_ROLES)
