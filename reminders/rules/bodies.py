"""Actions of the joint bodies (bodies.Outcome of kind "åtgärd"): told to the owner ONCE in the
next daily digest after the action is given, then reminded like a checklist deadline — N and M
days before the due date, and every K days while overdue (the checklist's lead times in
ReminderSettings). A done action is reminded no more.

Two queries, whatever the number of actions: the open actions narrowed by date in SQL (with
their owners), and nothing more per action.
"""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models import Outcome
from reminders.models import Kind
from reminders.rules import Candidate, Window, register
from reminders.rules.checklist import firings

FROM_CHECKLIST = {
    Kind.CHECKLIST_FIRST: Kind.BODY_ACTION_FIRST,
    Kind.CHECKLIST_SECOND: Kind.BODY_ACTION_SECOND,
    Kind.CHECKLIST_OVERDUE: Kind.BODY_ACTION_OVERDUE,
}


def first_digest_day(created: dt.datetime, send_hour: int) -> dt.date:
    """The day of the first digest sent after ``created`` (same day before the send hour)."""
    local = timezone.localtime(created)
    return local.date() if local.hour < send_hour else local.date() + dt.timedelta(days=1)


@register("bodies")
def collect(window: Window) -> list[Candidate]:
    cfg = window.config
    horizon = window.today + dt.timedelta(days=cfg.checklist_first_days)
    new_since = timezone.make_aware(
        dt.datetime.combine(window.start - dt.timedelta(days=1), dt.time.min)
    )
    actions = list(
        Outcome.objects.filter(
            kind=Outcome.Kind.ACTION,
            done_at__isnull=True,
            owner__is_active=True,
            due_date__isnull=False,
        )
        .exclude(owner__email="")
        .filter(Q(due_date__lte=horizon) | Q(created_at__gte=new_since))
        .select_related("owner", "body", "item__meeting")
        .order_by("due_date", "pk")
    )
    source = _("Gemensamma organ")
    result = []
    for action in actions:
        url = reverse("bodies:meeting", args=[action.item.meeting_id]) if action.item_id else ""
        title = _("%(body)s: %(text)s") % {"body": action.body, "text": action.text[:200]}
        new_day = first_digest_day(action.created_at, cfg.send_hour)
        fired = []
        if window.contains(new_day):
            fired.append((Kind.BODY_ACTION_NEW, new_day, 0))
        for firing in firings(action.due_date, window):
            kind = FROM_CHECKLIST.get(firing.kind)
            if kind is not None and firing.send_on > new_day:
                fired.append((kind, firing.send_on, firing.occurrence))
        for kind, send_on, occurrence in fired:
            result.append(
                Candidate(
                    kind=kind,
                    model=Outcome,
                    object_id=action.pk,
                    due_date=action.due_date,
                    send_on=send_on,
                    occurrence=occurrence,
                    source=source,
                    title=title,
                    url=url,
                    recipient=action.owner,
                    email=action.owner.email,
                    created_at=action.created_at,
                )
            )
    return result
