"""Units and the people on them: leads, members, the units a user leads or writes for."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from implementation.models import MembershipRole, Unit, UnitMembership
from implementation.readiness.county import has_lead

User = get_user_model()


def leads_for_units(unit_ids: Iterable[int]) -> dict[int, list]:
    """Active leads of each unit (empty list: no lead). One query."""
    unit_ids = list(unit_ids)
    result: dict[int, list] = {uid: [] for uid in unit_ids}
    memberships = (
        UnitMembership.objects.filter(
            unit_id__in=unit_ids, role=MembershipRole.LEAD, is_active=True
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    for membership in memberships:
        result[membership.unit_id].append(membership.user)
    return result


def members_for_units(unit_ids: Iterable[int]) -> dict[int, list[UnitMembership]]:
    """Active memberships (leads first) of each unit, with their users. One query."""
    unit_ids = list(unit_ids)
    result: dict[int, list] = {uid: [] for uid in unit_ids}
    for membership in (
        UnitMembership.objects.filter(unit_id__in=unit_ids, is_active=True)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name")
    ):
        result[membership.unit_id].append(membership)
    return result


def units_led_by(user) -> QuerySet[Unit]:
    """Units the user leads, including the verksamheter under a förvaltning the user leads."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    led = UnitMembership.objects.filter(
        user=user, role=MembershipRole.LEAD, is_active=True, unit__party_id=user.party_id
    ).values("unit_id")
    return (
        Unit.objects.filter(Q(pk__in=led) | Q(parent_id__in=led))
        .select_related("party", "parent")
        .order_by("parent__name", "name")
    )


def units_of_user(user) -> QuerySet[Unit]:
    """Units whose progress the user writes: led units, their verksamheter, and member units."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    mine = UnitMembership.objects.filter(user=user, is_active=True, unit__party_id=user.party_id)
    led = mine.filter(role=MembershipRole.LEAD).values("unit_id")
    return (
        Unit.objects.filter(Q(pk__in=mine.values("unit_id")) | Q(parent_id__in=led))
        .select_related("party", "parent")
        .order_by("party__name", "parent__name", "name")
    )


def units_without_lead(*, party=None) -> QuerySet[Unit]:
    """Units (of one party, or all) that have no active lead. One query."""
    units = Unit.objects.annotate(has_lead=has_lead()).filter(has_lead=False)
    if party is not None:
        units = units.filter(party=party)
    return units.select_related("party", "parent").order_by("party__name", "level", "name")


def units_without_lead_count_by_party() -> dict[int, int]:
    rows = (
        Unit.objects.annotate(has_lead=has_lead())
        .filter(has_lead=False)
        .values("party_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["party_id"]: r["n"] for r in rows}


def lead_candidates(unit: Unit) -> QuerySet:
    """Active users of the unit's party, for appointing leads and members."""
    return User.objects.filter(party_id=unit.party_id, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def unit_for_page(*, party_slug: str, unit_slug: str) -> Unit:
    # Retired units too: old links show them read-only (the write predicates refuse them).
    return get_object_or_404(
        Unit.all_objects.select_related("party", "party__federation", "parent"),
        party__slug=party_slug,
        slug=unit_slug,
    )


def parties_with_units(party_ids: Iterable[int]):
    from agreements.models import Party

    return Party.objects.filter(pk__in=list(party_ids))
