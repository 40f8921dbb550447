"""Who may see the dashboard and keep the meeting dates."""

from core.roles import Role, has_role

VIEW_ROLES = (Role.STYRGRUPP, Role.FORVALTARE)
MANAGE_ROLES = (Role.FORVALTARE,)


def can_view_dashboard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *VIEW_ROLES)


def can_manage_meetings(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *MANAGE_ROLES)
