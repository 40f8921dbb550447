"""Who may do what in onboarding: ONE table (``RULES``), applied by :func:`may`.

Scopes:
- ``forvaltare``: everything, every party.
- ``samordnare``: a samordnare (``User.role``) whose ``party`` is the object's party and who has
  no ``federation`` (a party coordinator): manages that party's units, leads and invitations.
- ``forbund_samordnare``: a samordnare with ``federation`` set: READS the organisation of the
  förbund's member municipalities, writes nothing.
- ``forvaltning_lead``: the active lead of a förvaltning (implementation): invites people to
  that förvaltning and its verksamheter (nothing else here).
- ``verksamhet_owner``: the active lead of the förvaltning a verksamhet belongs to (may retire
  that verksamhet).
- ``registrator``: keeps the function addresses of parties, kommunalförbund and joint bodies.

Retiring a unit: the Förvaltare, the party's samordnare, the förvaltning's lead for its own
verksamheter. Restoring one: the Förvaltare only.

A samordnare of Borås can change nothing of Göteborg's (the party must match).
"""

from core.roles import Role, has_role
from implementation import permissions as unit_permissions
from implementation.models import Level

FORVALTARE = "forvaltare"
SAMORDNARE = "samordnare"
FORBUND_SAMORDNARE = "forbund_samordnare"
FORVALTNING_LEAD = "forvaltning_lead"
REGISTRATOR = "registrator"
VERKSAMHET_OWNER = "verksamhet_owner"
SIGNED_IN = "signed_in"

# action → the scopes allowed
RULES: dict[str, tuple[str, ...]] = {
    "view_hub": (SIGNED_IN,),
    "view_party": (FORVALTARE, SAMORDNARE, FORBUND_SAMORDNARE),
    "manage_units": (FORVALTARE, SAMORDNARE),
    "retire_unit": (FORVALTARE, SAMORDNARE, VERKSAMHET_OWNER),
    "restore_unit": (FORVALTARE,),
    "manage_members": (FORVALTARE, SAMORDNARE),
    "import": (FORVALTARE, SAMORDNARE),
    "invite": (FORVALTARE, SAMORDNARE, FORVALTNING_LEAD),
    "manage_invitation": (FORVALTARE, SAMORDNARE),
    "manage_users": (FORVALTARE,),
    "view_addresses": (FORVALTARE, REGISTRATOR),
    "edit_addresses": (FORVALTARE, REGISTRATOR),
    "search_people": (FORVALTARE, SAMORDNARE, REGISTRATOR, FORVALTNING_LEAD),
}


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_party_coordinator(user, party=None) -> bool:
    if not (_active(user) and user.role == Role.SAMORDNARE and not user.federation_id):
        return False
    return user.party_id is not None and (party is None or user.party_id == party.pk)


def is_federation_coordinator(user, party=None) -> bool:
    if not (_active(user) and user.role == Role.SAMORDNARE and user.federation_id):
        return False
    if party is None:
        return True
    return party.federation_id == user.federation_id


def _in_scope(user, scope: str, party=None, unit=None) -> bool:
    if scope == SIGNED_IN:
        return True
    if scope == FORVALTARE:
        return has_role(user, Role.FORVALTARE)
    if scope == REGISTRATOR:
        return has_role(user, Role.REGISTRATOR)
    if scope == SAMORDNARE:
        return is_party_coordinator(user, party)
    if scope == FORBUND_SAMORDNARE:
        return is_federation_coordinator(user, party)
    if scope == FORVALTNING_LEAD:
        if unit is None:
            return False
        return unit_permissions.can_manage_members(user, unit)
    if scope == VERKSAMHET_OWNER:
        return (
            unit is not None
            and unit.level == Level.VERKSAMHET
            and user.party_id == unit.party_id
            and unit_permissions.leads_parent(user, unit)
        )
    raise KeyError(scope)


def may(user, action: str, *, party=None, unit=None) -> bool:
    """``party``: the object's party (None: any/none); ``unit`` for unit-level rules."""
    if not _active(user):
        return False
    if unit is not None and party is None:
        party = unit.party
    return any(_in_scope(user, scope, party, unit) for scope in RULES[action])


# --- predicates for core.permissions.permission_required_for (predicate(user, obj)) ---------
def can_retire_unit(user, unit) -> bool:
    return may(user, "retire_unit", unit=unit)


def can_restore_unit(user, unit) -> bool:
    return may(user, "restore_unit", unit=unit)


def can_manage_members_of(user, membership) -> bool:
    return may(user, "manage_members", party=membership.unit.party)


def can_manage_invitation(user, invitation) -> bool:
    return may(user, "manage_invitation", party=invitation.party)


def can_confirm_import(user, batch) -> bool:
    return may(user, "import", party=batch.party)
