"""The Förvaltare's changes to an account (role, party, förbund scope, title, active flag)."""

from django.db import transaction

from accounts.models import User
from core.audit import audit_actor, record
from onboarding.audit import UserAction

FIELDS = ("role", "party", "federation", "title", "is_active")
# The stored column of each field (ids for the foreign keys: JSON in the audit event).
COLUMNS = {name: f"{name}_id" if name in ("party", "federation") else name for name in FIELDS}


def user_update(*, user: User, actor) -> User:
    """Save the account's FIELDS (audited: the before/after of each changed field)."""
    with transaction.atomic(), audit_actor(actor):
        before = User.objects.filter(pk=user.pk).values(*COLUMNS.values()).first() or {}
        user.full_clean(exclude=["password", "username"])
        user.save(update_fields=list(FIELDS))
        changes = {
            name: [before.get(column), getattr(user, column)]
            for name, column in COLUMNS.items()
            if before.get(column) != getattr(user, column)
        }
        record(actor=actor, action=UserAction.UPDATED, obj=user, data=changes)
    return user
