"""Reads of onboarding, each with a bounded number of queries."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from agreements.models import Party
from implementation.models import Progress, Unit, UnitMembership
from onboarding.models import Invitation, InvitedRole


def open_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(used_at=None, revoked_at=None)


def party_units(party: Party) -> QuerySet[Unit]:
    """The party's units with their active leads/members and open invitations (prefetched:
    three queries for a page whatever its length)."""
    return (
        Unit.objects.filter(party=party)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=UnitMembership.objects.filter(is_active=True).select_related("user"),
                to_attr="active_memberships",
            ),
            Prefetch(
                "invited_roles",
                queryset=InvitedRole.objects.filter(
                    invitation__used_at=None, invitation__revoked_at=None
                ).select_related("invitation"),
                to_attr="open_invited",
            ),
        )
        .order_by("parent__name", "level", "name")
    )


def not_signed_in(party: Party) -> QuerySet[User]:
    return User.objects.filter(party=party, last_login=None, is_active=True)


def party_people(party: Party) -> QuerySet[User]:
    return User.objects.filter(party=party).order_by("first_name", "last_name", "username")


def invitations_of(party: Party | None = None, q: str = "") -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related("party").prefetch_related(
        Prefetch("roles", queryset=InvitedRole.objects.select_related("unit"))
    )
    if party is not None:
        invitations = invitations.filter(party=party)
    if q:
        invitations = invitations.filter(
            Q(email__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    return invitations.order_by("used_at", "-created_at")


def users(q: str = "", party: str = "", role: str = "") -> QuerySet[User]:
    found = User.objects.select_related("party", "federation")
    if q:
        for word in q.split()[:5]:
            found = found.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
    if party:
        found = found.filter(party__slug=party)
    if role:
        found = found.filter(role=role)
    return found.order_by("first_name", "last_name", "username")


def open_invitation_count(party: Party) -> int:
    return open_invitations().filter(party=party, expires_at__gt=timezone.now()).count()


def retired_units(party: Party) -> QuerySet[Unit]:
    """The party's retired units, newest first (for the Förvaltare's undo)."""
    return (
        Unit.all_objects.filter(party=party)
        .retired()
        .select_related("parent", "retired_by")
        .order_by("-retired_at", "name")
    )


def retire_preview(unit: Unit) -> dict:
    """What retiring ``unit`` would end or keep (the confirm page). Three queries."""
    return {
        "memberships": list(
            UnitMembership.objects.filter(unit=unit, is_active=True)
            .select_related("user")
            .order_by("role", "user__first_name")
        ),
        "invited": InvitedRole.objects.filter(
            unit=unit, invitation__used_at=None, invitation__revoked_at=None
        ).count(),
        "progress": Progress.objects.filter(unit=unit).count(),
    }
