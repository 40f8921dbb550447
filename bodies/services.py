"""Every write of the bodies app: keyword-only, explicit actor, atomic, validated, audited.

A meeting moves through ONE transition table (``TRANSITIONS``: action -> (from states, to
state)); which edits a state allows is ``EDITS``. Approved (justerade) minutes allow nothing:
every edit service checks :func:`_check_edit` and refuses. Who may act is
``bodies.permissions.RULES``.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from agreements.models import JointBody
from bodies.models import (
    PER_CAPSULAM,
    AgendaItem,
    Issue,
    IssueMove,
    Meeting,
    Membership,
    Outcome,
    Participant,
)
from bodies.permissions import Action, allowed, can_complete
from core.audit import audit_actor

State = Meeting.State
PER_CAPSULAM_LABEL = PER_CAPSULAM

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "call": (frozenset({State.DRAFT}), State.CALLED),
    "hold": (frozenset({State.CALLED}), State.HELD),
    "approve": (frozenset({State.HELD}), State.APPROVED),
    "back_to_draft": (frozenset({State.CALLED}), State.DRAFT),
}
TRANSITION_LABELS = {
    "call": gettext_lazy("Markera som kallat"),
    "hold": gettext_lazy("Markera som genomfört"),
    "approve": gettext_lazy("Justera protokollet"),
    "back_to_draft": gettext_lazy("Tillbaka till utkast"),
}
OPEN = frozenset({State.DRAFT, State.CALLED, State.HELD})
# edit -> states in which it exists at all (none in justerad)
EDITS: dict[str, frozenset[str]] = {
    "details": OPEN,
    "agenda": OPEN,
    "participants": OPEN,
    "outcomes": frozenset({State.CALLED, State.HELD}),
    "delete": frozenset({State.DRAFT, State.CALLED}),  # a called meeting may be cancelled
}


def _need(actor, body: JointBody, action: Action) -> None:
    if not allowed(actor, body, action):
        raise PermissionDenied(
            _("Du har inte behörighet att göra det här i %(body)s.") % {"body": body}
        )


def _check_edit(actor, meeting: Meeting, edit: str, action: Action = Action.EDIT) -> None:
    _need(actor, meeting.body, action)
    # Re-read the state under a row lock: a concurrent approval wins, the edit is refused.
    state = Meeting.objects.select_for_update().values_list("state", flat=True).get(pk=meeting.pk)
    meeting.state = state
    if state not in EDITS[edit]:
        if state == State.APPROVED:
            raise ValidationError(
                _("Protokollet är justerat och kan inte längre ändras."), code="locked"
            )
        raise ValidationError(
            _("Det går inte i mötets nuvarande status (%(state)s).")
            % {"state": meeting.get_state_display()},
            code="state",
        )


def _save(actor, obj) -> None:
    obj.full_clean()
    with audit_actor(actor):
        obj.save()


def _unique_date(body: JointBody, date: dt.date, exclude_pk: int | None = None) -> None:
    if Meeting.objects.filter(body=body, date=date).exclude(pk=exclude_pk).exists():
        raise ValidationError(
            {"date": _("%(body)s har redan ett möte det datumet.") % {"body": body}},
            code="unique",
        )


# --- members -------------------------------------------------------------------------------
MEMBER_FIELDS = (
    "user",
    "name",
    "email",
    "political_party",
    "represents",
    "mandate",
    "term_start",
    "term_end",
)


@transaction.atomic
def member_save(
    *, actor, body: JointBody, member: Membership | None = None, **fields
) -> Membership:
    _need(actor, body, Action.MEMBERS)
    member = member or Membership(body=body)
    if member.body_id != body.pk:
        raise PermissionDenied
    for name in MEMBER_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(member, name, value.strip() if isinstance(value, str) else value)
    if not member.name and member.user_id:
        member.name = member.user.get_full_name() or member.user.username
    _save(actor, member)
    return member


@transaction.atomic
def member_end(*, actor, member: Membership, on: dt.date | None = None) -> Membership:
    """End a membership's term (kept for the record, never deleted)."""
    _need(actor, member.body, Action.MEMBERS)
    on = on or timezone.localdate()
    member.term_end = max(on, member.term_start) if member.term_start else on
    _save(actor, member)
    return member


# --- meetings ------------------------------------------------------------------------------
MEETING_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "title",
    "place",
    "link",
    "premeeting_notes",
    "note",
)
DATE_FIELDS = ("date", "title", "note")  # what a steering-group member keeps


def _editable_fields(actor, body) -> tuple[str, ...]:
    if allowed(actor, body, Action.EDIT):
        return MEETING_FIELDS
    _need(actor, body, Action.EDIT_DATES)
    return DATE_FIELDS


@transaction.atomic
def meeting_create(
    *, actor, body: JointBody, date: dt.date, call_members: bool = True, **fields
) -> Meeting:
    """Create a draft meeting; the body's current members are called by default."""
    names = _editable_fields(actor, body)
    _unique_date(body, date)
    meeting = Meeting(body=body, date=date, created_by=actor)
    for name in names:
        if name in fields and name != "date":
            value = fields[name]
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    _save(actor, meeting)
    if call_members:
        from bodies.selectors import current_members

        rows = [
            Participant(
                meeting=meeting, membership=m, name=m.name, role_note=m.get_mandate_display()
            )
            for m in current_members(body, on=date)
        ]
        with audit_actor(actor):
            for row in rows:  # few rows; saved one by one so each is audited
                row.save()
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **fields) -> Meeting:
    names = _editable_fields(actor, meeting.body)
    action = Action.EDIT if names == MEETING_FIELDS else Action.EDIT_DATES
    _check_edit(actor, meeting, "details", action)
    if "date" in fields and fields["date"]:
        _unique_date(meeting.body, fields["date"], exclude_pk=meeting.pk)
    for name in names:
        if name in fields:
            value = fields[name]
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    _save(actor, meeting)
    return meeting


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting) -> None:
    _check_edit(actor, meeting, "delete", Action.EDIT_DATES)
    with audit_actor(actor):
        meeting.delete()


@transaction.atomic
def meeting_transition(*, actor, meeting: Meeting, action: str) -> Meeting:
    if action not in TRANSITIONS:
        raise ValidationError(_("Okänd åtgärd."), code="unknown")
    _need(actor, meeting.body, Action.EDIT)
    sources, target = TRANSITIONS[action]
    current = Meeting.objects.select_for_update().values_list("state", flat=True).get(pk=meeting.pk)
    if current not in sources:
        meeting.state = current
        if current == State.APPROVED:
            raise ValidationError(_("Protokollet är redan justerat."), code="locked")
        raise ValidationError(
            _("Mötet kan inte ändra status från %(state)s på det sättet.")
            % {"state": meeting.get_state_display()},
            code="state",
        )
    meeting.state = target
    if target == State.APPROVED:
        meeting.approved_at, meeting.approved_by = timezone.now(), actor
    _save(actor, meeting)
    return meeting


# --- participants --------------------------------------------------------------------------
@transaction.atomic
def participant_add(
    *, actor, meeting: Meeting, name: str, role_note: str = "", membership=None
) -> Participant:
    _check_edit(actor, meeting, "participants")
    if membership is not None and membership.body_id != meeting.body_id:
        raise ValidationError(_("Ledamoten hör till ett annat organ."))
    row = Participant(
        meeting=meeting,
        membership=membership,
        name=(name or (membership.name if membership else "")).strip(),
        role_note=role_note.strip(),
    )
    if (
        membership is not None
        and Participant.objects.filter(meeting=meeting, membership=membership).exists()
    ):
        raise ValidationError(_("%(name)s är redan kallad.") % {"name": row.name})
    _save(actor, row)
    return row


@transaction.atomic
def attendance_set(*, actor, meeting: Meeting, attendance: dict[int, str]) -> int:
    """Record who attended (participant pk -> närvarande / förhinder / '')."""
    _check_edit(actor, meeting, "participants")
    valid = set(Participant.Attendance.values)
    changed = 0
    rows = {p.pk: p for p in meeting.participants.all()}
    with audit_actor(actor):
        for pk, value in attendance.items():
            row = rows.get(pk)
            if row is None or value not in valid:
                raise ValidationError(_("Okänd deltagare eller närvaro."))
            if row.attendance != value:
                row.attendance = value
                row.save(update_fields=["attendance"])
                changed += 1
    return changed


@transaction.atomic
def participant_remove(*, actor, participant: Participant) -> None:
    _check_edit(actor, participant.meeting, "participants")
    with audit_actor(actor):
        participant.delete()


# --- agenda and outcomes -------------------------------------------------------------------
@transaction.atomic
def item_add(
    *, actor, meeting: Meeting, title: str, description: str = "", issue: Issue | None = None
) -> AgendaItem:
    _check_edit(actor, meeting, "agenda")
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
    _save(actor, item)
    if issue is not None and issue.status in (Issue.Status.NEW, Issue.Status.PREPARING):
        issue.status = Issue.Status.ON_AGENDA
        _save(actor, issue)
    return item


@transaction.atomic
def item_update(*, actor, item: AgendaItem, title: str, description: str = "") -> AgendaItem:
    _check_edit(actor, item.meeting, "agenda")
    item.title, item.description = title.strip(), description.strip()
    _save(actor, item)
    return item


@transaction.atomic
def item_move(*, actor, item: AgendaItem, up: bool) -> None:
    _check_edit(actor, item.meeting, "agenda")
    items = list(item.meeting.items.order_by("order", "pk"))
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    with audit_actor(actor):
        for order, row in enumerate(items, start=1):
            if row.order != order:
                row.order = order
                row.save(update_fields=["order"])


@transaction.atomic
def item_delete(*, actor, item: AgendaItem) -> None:
    _check_edit(actor, item.meeting, "agenda")
    with audit_actor(actor):
        item.delete()


@transaction.atomic
def outcome_add(
    *, actor, item: AgendaItem, kind: str, text: str, owner=None, due_date: dt.date | None = None
) -> Outcome:
    meeting = item.meeting
    _check_edit(actor, meeting, "outcomes")
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
    _save(actor, outcome)
    if kind == Outcome.Kind.ACTION:
        _tell_owner(outcome)
    return outcome


@transaction.atomic
def outcome_delete(*, actor, outcome: Outcome) -> None:
    if outcome.item_id is None:
        raise ValidationError(_("Ett beslut per capsulam kan inte tas bort."))
    _check_edit(actor, outcome.item.meeting, "outcomes")
    with audit_actor(actor):
        outcome.delete()


@transaction.atomic
def action_complete(*, actor, outcome: Outcome, done: bool = True) -> Outcome:
    """The owner (or the body's secretary) marks an action done (or not done again). Allowed
    after approval too: following up an action is not editing the minutes."""
    if not can_complete(actor, outcome):
        raise PermissionDenied(_("Bara den ansvarige eller sekreteraren kan markera åtgärden."))
    outcome.done_at = timezone.now() if done else None
    _save(actor, outcome)
    return outcome


@transaction.atomic
def per_capsulam_decide(
    *, actor, body: JointBody, text: str, decided_on: dt.date, agreed: list[Membership]
) -> Outcome:
    """Record a decision taken without a meeting: date, the members who agreed, and the
    statement "beslut per capsulam"."""
    _need(actor, body, Action.EDIT)
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
    _save(actor, outcome)
    with audit_actor(actor):
        outcome.agreed.set(agreed)
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


# --- issue log -----------------------------------------------------------------------------
ISSUE_FIELDS = (
    "title",
    "description",
    "raised_by_label",
    "raised_by",
    "municipal_perspective",
    "regional_perspective",
    "economic",
)


@transaction.atomic
def issue_raise(*, actor, body: JointBody, **fields) -> Issue:
    _need(actor, body, Action.RAISE)
    issue = Issue(body=body, created_by=actor, raised_by=fields.pop("raised_by", None) or actor)
    for name in ISSUE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(issue, name, value.strip() if isinstance(value, str) else value)
    _check_economic(issue)
    _save(actor, issue)
    return issue


def _check_economic(issue: Issue) -> None:
    both = issue.municipal_perspective.strip() and issue.regional_perspective.strip()
    if (
        issue.economic
        and issue.status in (Issue.Status.ON_AGENDA, Issue.Status.ANSWERED)
        and not both
    ):
        raise ValidationError(
            _(
                "En ekonomisk fråga behöver ett skriftligt underlag med både det kommunala "
                "och det regionala perspektivet innan den tas upp eller besvaras."
            ),
            code="perspectives",
        )


@transaction.atomic
def issue_update(*, actor, issue: Issue, status: str | None = None, **fields) -> Issue:
    _need(actor, issue.body, Action.EDIT)
    if issue.status == Issue.Status.ANSWERED:
        raise ValidationError(_("Frågan är besvarad och kan inte ändras."), code="answered")
    for name in ISSUE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(issue, name, value.strip() if isinstance(value, str) else value)
    if status is not None:
        if status == Issue.Status.ANSWERED:
            raise ValidationError(_("Använd Besvara för att besvara frågan."))
        issue.status = status
    _check_economic(issue)
    _save(actor, issue)
    return issue


@transaction.atomic
def issue_move(*, actor, issue: Issue, to_body: JointBody, note: str = "") -> IssueMove:
    _need(actor, issue.body, Action.EDIT)
    if to_body.pk == issue.body_id:
        raise ValidationError(
            {"to_body": _("Frågan ligger redan hos %(body)s.") % {"body": to_body}}
        )
    if issue.status == Issue.Status.ANSWERED:
        raise ValidationError(_("Frågan är besvarad och kan inte flyttas."))
    move = IssueMove(
        issue=issue, from_body=issue.body, to_body=to_body, note=note.strip(), moved_by=actor
    )
    _save(actor, move)
    issue.body = to_body
    issue.status = Issue.Status.PREPARING
    _save(actor, issue)
    return move


@transaction.atomic
def issue_answer(*, actor, issue: Issue, answer: str) -> Issue:
    """Answer an issue and feed the answer back to the one who raised it (outbox, once)."""
    _need(actor, issue.body, Action.EDIT)
    if issue.status == Issue.Status.ANSWERED:
        raise ValidationError(_("Frågan är redan besvarad."), code="answered")
    if not answer.strip():
        raise ValidationError({"answer": _("Skriv svaret.")})
    issue.answer = answer.strip()
    issue.status = Issue.Status.ANSWERED
    issue.answered_at = timezone.now()
    _check_economic(issue)
    _save(actor, issue)
    raiser = issue.raised_by
    if raiser and raiser.email and raiser.is_active:
        from core.outbox import outbox_enqueue

        url = settings.SITE_URL + reverse("bodies:issue", args=[issue.pk])
        with override("sv"):
            outbox_enqueue(
                key=f"bodies:issue:{issue.pk}:answer:{raiser.pk}",
                to=[raiser.email],
                subject=_("Svar på din fråga: %(title)s") % {"title": issue.title},
                template="bodies/emails/issue_answered",
                context={"issue": issue, "user": raiser, "url": url, "body": str(issue.body)},
                kind="bodies_issue",
                related=issue,
            )
    return issue


# --- calendar ------------------------------------------------------------------------------
@transaction.atomic
def calendar_token(*, actor, renew: bool = False):
    """The actor's calendar-feed token (created on first use; ``renew`` revokes the old one)."""
    import secrets

    from bodies.models import CalendarToken

    record = CalendarToken.objects.select_for_update().filter(user=actor).first()
    if record is None:
        record = CalendarToken(user=actor, token=secrets.token_urlsafe(32))
        with audit_actor(actor):
            record.save()
    elif renew:
        record.token = secrets.token_urlsafe(32)
        record.created_at = timezone.now()
        with audit_actor(actor):
            record.save()
    return record
