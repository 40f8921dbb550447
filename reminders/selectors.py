"""Reads for the reminder pages, each in a fixed number of queries."""

from django.db.models import Count, Q, QuerySet

from reminders.models import Message, MessageStatus, Reminder


def reminders_for_user(user) -> QuerySet[Reminder]:
    """The user's reminders, newest send day first, with the message that carried them."""
    return (
        Reminder.objects.filter(recipient=user)
        .select_related("message")
        .order_by("-send_on", "due_date", "-pk")
    )


def messages_for_user(user) -> QuerySet[Message]:
    return (
        Message.objects.filter(recipient=user)
        .annotate(count=Count("reminders"))
        .order_by("-day", "-created_at", "-pk")
    )


def send_log(*, status: str = "", query: str = "") -> QuerySet[Message]:
    """Every message, newest first, with its recipient and number of reminders."""
    messages = Message.objects.select_related("recipient").annotate(count=Count("reminders"))
    if status:
        messages = messages.filter(status=status)
    if query:
        messages = messages.filter(
            Q(email__icontains=query)
            | Q(recipient__username__icontains=query)
            | Q(recipient__last_name__icontains=query)
        )
    return messages.order_by("-day", "-created_at", "-pk")


def status_counts() -> dict[str, int]:
    """Messages per status (one query), every status present."""
    counts = dict(
        Message.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in MessageStatus.values}


def message_with_reminders(pk: int) -> Message | None:
    return (
        Message.objects.select_related("recipient")
        .prefetch_related("reminders")
        .filter(pk=pk)
        .first()
    )
