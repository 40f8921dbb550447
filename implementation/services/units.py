"""Unit writes: create, rename and move units (one or a whole organisation's import), and
appoint or end the leads and members of a unit's implementation group.

Appointments are recorded on the unit, so the unit's page and its members page show them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import audit_actor, record, record_many
from implementation.audit import UnitAction, stored
from implementation.models import Level, MembershipRole, Unit, UnitMembership

_UNSET = object()


def _unique_slug(party_id: int, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "enhet"
    slug, number = base, 2
    taken = Unit.all_objects.filter(party_id=party_id).exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_parent(*, party, level: str, parent: Unit | None) -> None:
    if level == Level.VERKSAMHET:
        if parent is None:
            raise ValidationError(_("En verksamhet måste höra till en förvaltning."))
        if parent.level != Level.FORVALTNING or parent.party_id != party.pk:
            raise ValidationError(_("En verksamhet måste höra till en förvaltning hos samma part."))
    elif parent is not None:
        raise ValidationError(_("Bara verksamheter hör till en förvaltning."))


def _created_data(unit: Unit) -> dict:
    data = {"namn": unit.name, "nivå": stored(Level(unit.level).label)}
    if unit.parent_id:
        data["förvaltning"] = unit.parent.name
    return data


def unit_create(*, party, level: str, name: str, actor, parent: Unit | None = None) -> Unit:
    name = name.strip()
    _check_parent(party=party, level=level, parent=parent)
    with transaction.atomic(), audit_actor(actor):
        unit = Unit(
            party=party,
            level=level,
            name=name,
            parent=parent,
            slug=_unique_slug(party.pk, name),
        )
        unit.full_clean()
        unit.save()
        record(actor=actor, action=UnitAction.CREATED, obj=unit, data=_created_data(unit))
    return unit


def unit_update(*, unit: Unit, actor, name: str, parent: Unit | None = _UNSET) -> Unit:
    with transaction.atomic(), audit_actor(actor):
        before = {"namn": unit.name, "förvaltning": unit.parent.name if unit.parent_id else ""}
        unit.name = name.strip()
        if parent is not _UNSET:
            _check_parent(party=unit.party, level=unit.level, parent=parent)
            unit.parent = parent
        unit.full_clean()
        unit.save()
        after = {"namn": unit.name, "förvaltning": unit.parent.name if unit.parent_id else ""}
        data = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        record(actor=actor, action=UnitAction.UPDATED, obj=unit, data=data)
    return unit


def membership_appoint(*, unit: Unit, user, role: str, actor) -> UnitMembership:
    """Appoint a lead or group member (re-activating an earlier appointment)."""
    if role not in MembershipRole.values:
        raise ValidationError(_("Okänd roll."))
    if user.party_id != unit.party_id:
        raise ValidationError(
            _("%(user)s hör inte till %(party)s och kan inte utses för enheten.")
            % {"user": user, "party": unit.party}
        )
    with transaction.atomic(), audit_actor(actor):
        membership = UnitMembership.objects.select_for_update().filter(unit=unit, user=user).first()
        if membership is None:
            membership = UnitMembership(unit=unit, user=user)
        membership.role = role
        membership.is_active = True
        membership.full_clean(validate_unique=False)
        membership.save()
        record(
            actor=actor,
            action=UnitAction.MEMBER_APPOINTED,
            obj=unit,
            data={"person": str(user), "roll": stored(MembershipRole(role).label)},
        )
    return membership


def membership_end(*, membership: UnitMembership, actor) -> UnitMembership:
    with transaction.atomic(), audit_actor(actor):
        membership.is_active = False
        membership.save()
        record(
            actor=actor,
            action=UnitAction.MEMBER_ENDED,
            obj=membership.unit,
            data={
                "person": str(membership.user),
                "roll": stored(MembershipRole(membership.role).label),
            },
        )
    return membership


# --- many units at once (issue #19: an organisation's import) --------------------------------
def units_create_many(*, party, units: list[tuple[str, str, Unit | None]], actor) -> list[Unit]:
    """Create many units of one party (level, name, parent) with the rules of unit_create,
    in a few queries: slugs from one read of the party's slugs, one insert per 500 units, one
    audit event each (``UnitAction.IMPORTED``, one INSERT). Parents must exist already (create
    förvaltningar first)."""
    taken = set(Unit.all_objects.filter(party=party).values_list("slug", flat=True))
    new = []
    for level, name, parent in units:
        name = name.strip()
        _check_parent(party=party, level=level, parent=parent)
        base = slugify(name)[:100] or "enhet"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        unit = Unit(party=party, level=level, name=name, parent=parent, slug=slug)
        # The party and parents are the caller's saved rows; slugs are unique by the set above.
        unit.full_clean(
            exclude=["party", "parent"], validate_unique=False, validate_constraints=False
        )
        new.append(unit)
    with transaction.atomic():
        created = Unit.objects.bulk_create(new, batch_size=500)
        record_many(actor=actor, action=UnitAction.IMPORTED, objs=created, data=_created_data)
    return created
