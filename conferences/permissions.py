"""Who may see and change what in the conferences app.

Conferences are joint (VGR and VästKom): every Registrator and Förvaltare manages them, the
Styrgrupp reads the overview and the counts, nobody else sees anything. Participants change their
own registration only through their signed personal link.
"""

from core.roles import Role, has_role

MANAGERS = (Role.REGISTRATOR, Role.FORVALTARE)
READERS = (Role.REGISTRATOR, Role.FORVALTARE, Role.STYRGRUPP)

# The rule table: action -> the roles allowed. Public actions (register, confirm, change,
# cancel, decline) need no account but the signed personal link sent to the address.
RULES: dict[str, tuple] = {
    "view": READERS,  # the overview, a conference's page and counts
    "manage": MANAGERS,  # edit, invitations, participants, cancel, delete, check-in
    "see_participants": MANAGERS,  # names and addresses
    "see_needs": MANAGERS,  # accessibility needs per person (health data): organisers only
    "catering": MANAGERS,  # aggregates only
    "link_evidence": (Role.FORVALTARE,),
    "open_checkin_early": (Role.FORVALTARE,),  # before the conference day, logged
}


# The predicates below are ``rule(user, obj=None) -> bool``, the shape core.permissions' view
# helpers call (``PermissionRequiredForMixin.predicate``); views name them, nothing else.
def allowed(user, action: str) -> bool:
    return has_role(user, *RULES[action])


def can_see_needs(user, conference=None) -> bool:
    return allowed(user, "see_needs")


def can_open_checkin_early(user, conference=None) -> bool:
    return allowed(user, "open_checkin_early")


def can_view(user, conference=None) -> bool:
    return has_role(user, *READERS)


def can_manage(user, conference=None) -> bool:
    return has_role(user, *MANAGERS)


def can_link_evidence(user, conference=None) -> bool:
    return has_role(user, Role.FORVALTARE)


def can_manage_invitation(user, invitation) -> bool:
    return can_manage(user, invitation.conference)
