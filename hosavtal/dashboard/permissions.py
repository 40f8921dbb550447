"""Who may see the dashboard and keep the meeting dates."""

from core.roles import Role, has_role

# A politiker reads the dashboard too (issue #21); the case figures they see are only the cases
# escalation lets them see (none, unless party to one), so never a case's text.
VIEW_ROLES = (Role.STYRGRUPP, Role.FORVALTARE, Role.POLITIKER)
MANAGE_ROLES = (Role.FORVALTARE,)


def can_view_dashboard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *VIEW_ROLES)


def can_manage_meetings(user) -> bool:
    """Kept for callers; per body the rule is ``bodies.permissions`` (edit_dates)."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *MANAGE_ROLES)
