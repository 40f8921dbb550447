"""Who may see and change what in the conferences app.

Conferences are joint (VGR and VästKom): every Registrator and Förvaltare manages them, the
Styrgrupp reads the overview and the counts, nobody else sees anything. Participants change their
own registration only through their signed personal link.
"""

from core.roles import Role, has_role

MANAGERS = (Role.REGISTRATOR, Role.FORVALTARE)
READERS = (Role.REGISTRATOR, Role.FORVALTARE, Role.STYRGRUPP)


def can_view(user) -> bool:
    return has_role(user, *READERS)


def can_manage(user, conference=None) -> bool:
    return has_role(user, *MANAGERS)


def can_see_participants(user, conference=None) -> bool:
    """Names and addresses of participants: only those who manage the conference."""
    return can_manage(user, conference)


def can_link_evidence(user) -> bool:
    return has_role(user, Role.FORVALTARE)


def can_manage_invitation(user, invitation) -> bool:
    return can_manage(user, invitation.conference)
