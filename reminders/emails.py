"""The reminder e-mail: one person's reminders grouped by area, with absolute links."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import build_email
from reminders.models import Kind, Message, MessageKind, Reminder


@dataclass
class Line:
    reminder: Reminder
    kind_label: str
    link: str
    overdue: bool
    due_text: str


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def grouped(reminders: list[Reminder], *, today: dt.date) -> list[tuple[str, list[Line]]]:
    """(area, lines) in a stable order: areas alphabetically, lines by due date."""
    groups: dict[str, list[Line]] = defaultdict(list)
    texts: dict[tuple[dt.date, bool], str] = {}  # a digest repeats few dates: format each once
    labels = {k.value: str(k.label) for k in Kind}
    for r in reminders:
        overdue = r.due_date < today
        key = (r.due_date, overdue)
        if key not in texts:
            texts[key] = _due_text(r.due_date, overdue)
        groups[r.source].append(Line(r, labels[r.kind], absolute(r.url), overdue, texts[key]))
    return [
        (source, sorted(lines, key=lambda x: (x.reminder.due_date, x.reminder.pk)))
        for source, lines in sorted(groups.items())
    ]


def _due_text(due: dt.date, overdue: bool) -> str:
    date = date_format(due, "j F Y")
    if overdue:
        return _("Tidsgränsen var %(date)s.") % {"date": date}
    return _("Tidsgräns %(date)s.") % {"date": date}


def subject_for(message: Message, count: int) -> str:
    day = date_format(message.day, "j F Y")
    if message.kind == MessageKind.IMMEDIATE:
        return _("Tidsgräns i eskaleringen – %(day)s") % {"day": day}
    return ngettext(
        "Din påminnelse %(day)s (%(count)s sak)",
        "Dina påminnelser %(day)s (%(count)s saker)",
        count,
    ) % {"day": day, "count": count}


def build_message_email(message: Message, reminders: list[Reminder]):
    """The HTML + text e-mail for a message, always in Swedish."""
    with translation.override("sv"):
        today = timezone.localdate()
        context = {
            "message": message,
            "recipient": message.recipient,
            "groups": grouped(reminders, today=today),
            "count": len(reminders),
            "today": today,
            "preferences_url": absolute("/paminnelser/val/"),
            "index_url": absolute("/paminnelser/"),
        }
        return build_email(
            to=[message.email],
            subject=subject_for(message, len(reminders)),
            template="reminders/emails/digest",
            context=context,
        )
