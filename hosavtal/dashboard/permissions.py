"""Who may see the dashboard and keep the meeting dates."""

from core.roles import Role

# A politiker reads the dashboard too (issue #21); the case figures they see are only the cases
# escalation lets them see (none, unless party to one), so never a case's text.
VIEW_ROLES = (Role.STYRGRUPP, Role.FORVALTARE, Role.POLITIKER)
MANAGE_ROLES = (Role.FORVALTARE,)
