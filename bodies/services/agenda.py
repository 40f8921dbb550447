"""Writes of a meeting's agenda and its outcomes (decisions, actions, notes), following up
actions, and decisions taken per capsulam (without a meeting)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from agreements.models import JointBody
from bodies.audit import BodyAction, IssueAction, MeetingAction, OutcomeAction
from bodies.models import AgendaItem, Issue, Meeting, Membership, Outcome
from bodies.permissions import Action, can_complete
from bodies.services._common import check_edit, need, save
from bodies.workflow import ISSUE_FLOW
from core.audit import audit_actor, record


@transaction.atomic
def item_add(
    *, actor, meeting: Meeting, title: str, description: str = "", issue: Issue | None = None
) -> AgendaItem:
    check_edit(actor, meeting, "agenda")
    twin = meeting.items.filter(title=title.strip(), issue=issue).first()
    if twin is not None:  # a double click: the same item once
        return twin
    last = meeting.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem(
        meeting=meeting,
        order=last + 1,
        title=title.strip(),
        description=description.strip(),
        issue=issue,
    )
    save(actor, item)
    record(
        actor=actor,
        action=MeetingAction.ITEM_ADDED,
        obj=meeting,
        data={"title": item.title, "issue": issue.pk if issue else None},
    )
    if issue is not None and ISSUE_FLOW.allows("put_on_agenda", issue.status):
        before = issue.status
        issue.status = ISSUE_FLOW.target("put_on_agenda", before)
        save(actor, issue)
        record(
            actor=actor,
            action=IssueAction.ON_AGENDA,
            obj=issue,
            data={"status": [before, issue.status], "meeting": meeting.pk},
        )
    return item


@transaction.atomic
def item_update(*, actor, item: AgendaItem, title: str, description: str = "") -> AgendaItem:
    check_edit(actor, item.meeting, "agenda")
    data = {}
    if item.title != title.strip():
        data["title"] = [item.title, title.strip()]
    if item.description != description.strip():
        data["description"] = [item.description, description.strip()]
    item.title, item.description = title.strip(), description.strip()
    save(actor, item)
    record(actor=actor, action=MeetingAction.ITEM_UPDATED, obj=item.meeting, data=data)
    return item


@transaction.atomic
def item_move(*, actor, item: AgendaItem, up: bool) -> None:
    check_edit(actor, item.meeting, "agenda")
    items = list(item.meeting.items.order_by("order", "pk"))
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    moved = 0
    with audit_actor(actor):
        for order, row in enumerate(items, start=1):
            if row.order != order:
                row.order = order
                row.save(update_fields=["order"])
                moved += 1
    if moved:
        record(
            actor=actor,
            action=MeetingAction.ITEM_MOVED,
            obj=item.meeting,
            data={"title": item.title, "up": up},
        )


@transaction.atomic
def item_delete(*, actor, item: AgendaItem) -> None:
    check_edit(actor, item.meeting, "agenda")
    record(
        actor=actor, action=MeetingAction.ITEM_DELETED, obj=item.meeting, data={"title": item.title}
    )
    with audit_actor(actor):
        item.delete()


@transaction.atomic
def outcome_add(
    *, actor, item: AgendaItem, kind: str, text: str, owner=None, due_date: dt.date | None = None
) -> Outcome:
    meeting = item.meeting
    check_edit(actor, meeting, "outcomes")
    if kind == Outcome.Kind.ACTION and (owner is None or due_date is None):
        raise ValidationError(
            {"owner": _("En åtgärd behöver en ansvarig och ett datum när den ska vara klar.")}
        )
    if kind != Outcome.Kind.ACTION:
        owner, due_date = None, None
    twin = Outcome.objects.filter(
        item=item, kind=kind, text=text.strip(), owner=owner, due_date=due_date
    ).first()
    if twin is not None:  # a double click: the same outcome once
        return twin
    outcome = Outcome(
        body=meeting.body,
        item=item,
        kind=kind,
        text=text.strip(),
        owner=owner,
        due_date=due_date,
        created_by=actor,
    )
    save(actor, outcome)
    record(
        actor=actor,
        action=MeetingAction.OUTCOME_ADDED,
        obj=meeting,
        data={
            "item": item.title,
            "kind": kind,
            "owner": str(owner) if owner else None,
            "due_date": due_date.isoformat() if due_date else None,
        },
    )
    if kind == Outcome.Kind.ACTION:
        _tell_owner(outcome)
    return outcome


@transaction.atomic
def outcome_delete(*, actor, outcome: Outcome) -> None:
    if outcome.item_id is None:
        raise ValidationError(_("Ett beslut per capsulam kan inte tas bort."))
    check_edit(actor, outcome.item.meeting, "outcomes")
    record(
        actor=actor,
        action=MeetingAction.OUTCOME_DELETED,
        obj=outcome.item.meeting,
        data={"item": outcome.item.title, "kind": outcome.kind, "text": outcome.text[:200]},
    )
    with audit_actor(actor):
        outcome.delete()


@transaction.atomic
def action_complete(*, actor, outcome: Outcome, done: bool = True) -> Outcome:
    """The owner (or the body's secretary) marks an action done (or not done again). Allowed
    after approval too: following up an action is not editing the minutes."""
    if not can_complete(actor, outcome):
        raise PermissionDenied(_("Bara den ansvarige eller sekreteraren kan markera åtgärden."))
    was_done = outcome.done_at is not None
    outcome.done_at = timezone.now() if done else None
    save(actor, outcome)
    record(
        actor=actor,
        action=OutcomeAction.DONE if done else OutcomeAction.REOPENED,
        obj=outcome,
        data={"done": [was_done, done]},
    )
    return outcome


@transaction.atomic
def per_capsulam_decide(
    *, actor, body: JointBody, text: str, decided_on: dt.date, agreed: list[Membership]
) -> Outcome:
    """Record a decision taken without a meeting: date, the members who agreed, and the
    statement "beslut per capsulam"."""
    need(actor, body, Action.EDIT)
    if not agreed:
        raise ValidationError({"agreed": _("Ange vilka ledamöter som har instämt i beslutet.")})
    if any(m.body_id != body.pk for m in agreed):
        raise ValidationError({"agreed": _("Alla ledamöter måste höra till organet.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("Beslutsdatumet kan inte ligga i framtiden.")})
    twin = Outcome.objects.filter(
        body=body, per_capsulam=True, decided_on=decided_on, text=text.strip()
    ).first()
    if twin is not None:  # a double click: the same decision once
        return twin
    outcome = Outcome(
        body=body,
        kind=Outcome.Kind.DECISION,
        text=text.strip(),
        per_capsulam=True,
        decided_on=decided_on,
        created_by=actor,
    )
    save(actor, outcome)
    with audit_actor(actor):
        outcome.agreed.set(agreed)
    record(
        actor=actor,
        action=BodyAction.PER_CAPSULAM,
        obj=body,
        data={
            "outcome": outcome.pk,
            "decided_on": decided_on.isoformat(),
            "text": outcome.text[:200],
            "agreed": [m.name for m in agreed],
        },
    )
    return outcome


def _tell_owner(outcome: Outcome) -> None:
    """Tell an action's owner at once (the digest repeats it once more)."""
    from core.outbox import outbox_enqueue

    owner = outcome.owner
    if not owner or not owner.email or not owner.is_active:
        return
    url = settings.SITE_URL + reverse("bodies:meeting", args=[outcome.item.meeting_id])
    with override("sv"):
        outbox_enqueue(
            key=f"bodies:action:{outcome.pk}:owner:{owner.pk}",
            to=[owner.email],
            subject=_("Ny åtgärd för dig från %(body)s") % {"body": outcome.body},
            template="bodies/emails/action_assigned",
            context={"outcome": outcome, "user": owner, "url": url, "body": str(outcome.body)},
            kind="bodies_action",
            related=outcome,
        )
