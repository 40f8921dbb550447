"""Who may see or change what among reminders.

Every user sees their own reminders and messages and sets their own preferences. Förvaltare
see the send log of everyone, retry failed messages and edit the lead times.
"""

from core.roles import Role, has_role
from reminders.models import Message, MessageStatus


def can_manage(user) -> bool:
    return has_role(user, Role.FORVALTARE)


def can_view_message(user, message: Message) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return can_manage(user) or (
        message.recipient_id is not None and message.recipient_id == user.pk
    )


def can_retry(user, message: Message) -> bool:
    return can_manage(user) and message.status == MessageStatus.FAILED


def manages(user, _obj=None) -> bool:
    """As a predicate for ``core.permissions`` (the object does not matter: förvaltare)."""
    return can_manage(user)
