"""Who may see or change what in implementation tracking (object level).

Every logged-in user reads everything (transparency between the parties). Writes:
- Förvaltare: everything (units, phases, items, leads, progress).
- A unit's lead or group member: the progress and development needs of that unit.
- A förvaltning's lead: also its verksamheter — their progress, needs and leads — and may add
  and edit verksamheter under it.
A user never writes another party's unit (memberships are tied to the user's party).
"""

from core.roles import Role, has_role
from implementation.models import Level, MembershipRole, Unit, UnitMembership


def is_forvaltare(user) -> bool:
    return has_role(user, Role.FORVALTARE)


def _memberships(user) -> dict[int, str]:
    """unit id -> role of the user's active memberships, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_implementation_memberships", None)
    if cached is None:
        cached = dict(
            UnitMembership.objects.filter(
                user=user, is_active=True, unit__party_id=user.party_id
            ).values_list("unit_id", "role")
        )
        user._implementation_memberships = cached
    return cached


def forget(user) -> None:
    """Drop the cached memberships (after appointing or removing someone)."""
    if hasattr(user, "_implementation_memberships"):
        del user._implementation_memberships


def can_view(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def leads_unit(user, unit: Unit) -> bool:
    return _memberships(user).get(unit.pk) == MembershipRole.LEAD


def leads_parent(user, unit: Unit) -> bool:
    return unit.parent_id is not None and _memberships(user).get(unit.parent_id) == (
        MembershipRole.LEAD
    )


def can_edit_progress(user, unit: Unit) -> bool:
    if unit.retired_at:  # a retired unit is read-only, for everyone (issue #19)
        return False
    if is_forvaltare(user):
        return True
    if not can_view(user) or user.party_id != unit.party_id:
        return False
    return unit.pk in _memberships(user) or leads_parent(user, unit)


def can_manage_unit(user, unit: Unit) -> bool:
    """Edit the unit itself (name, parent)."""
    if unit.retired_at:  # a retired unit is read-only, for everyone (issue #19)
        return False
    if is_forvaltare(user):
        return True
    return (
        unit.level == Level.VERKSAMHET
        and user.party_id == unit.party_id
        and leads_parent(user, unit)
    )


def can_add_verksamhet(user, forvaltning: Unit) -> bool:
    if forvaltning.retired_at:  # a retired unit is read-only, for everyone (issue #19)
        return False
    if is_forvaltare(user):
        return True
    return (
        forvaltning.level == Level.FORVALTNING
        and user.party_id == forvaltning.party_id
        and leads_unit(user, forvaltning)
    )


def can_manage_members(user, unit: Unit) -> bool:
    """Appoint or remove leads and group members of the unit."""
    if unit.retired_at:  # a retired unit is read-only, for everyone (issue #19)
        return False
    if is_forvaltare(user):
        return True
    if not can_view(user) or user.party_id != unit.party_id:
        return False
    return leads_unit(user, unit) or leads_parent(user, unit)


def can_manage_catalogue(user) -> bool:
    """Phases, checklist items and units of any party."""
    return is_forvaltare(user)


def has_units(user) -> bool:
    """True if the user is appointed to at least one unit (Min sida has something to show)."""
    return bool(_memberships(user))


# --- predicates of the views (``core.permissions.permission_required_for``): (user, object) ----
def can_add_unit(user, party) -> bool:
    """Add a unit (a förvaltning or a regionövergripande unit) to a party."""
    return can_manage_catalogue(user)


def can_change_catalogue(user, obj=None) -> bool:
    """Change a phase or a checklist item."""
    return can_manage_catalogue(user)


def can_end_membership(user, membership: UnitMembership) -> bool:
    return can_manage_members(user, membership.unit)


def can_edit_need(user, need) -> bool:
    """A development need is written by those who write its unit's progress."""
    return can_edit_progress(user, need.unit)


def can_download_evidence(user, evidence) -> bool:
    """Evidence files are read by every logged-in user, like the rest of the tracking."""
    return can_view(user)
