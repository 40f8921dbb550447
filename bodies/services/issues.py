"""Writes of the issue log (frågelogg, ``ISSUE_FLOW``) and of a user's calendar-feed token."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from agreements.models import JointBody
from bodies.audit import CalendarAction, IssueAction
from bodies.models import CalendarToken, Issue, IssueMove
from bodies.permissions import Action
from bodies.services._common import changes, need, save
from bodies.workflow import ISSUE_FLOW, ISSUE_OPEN
from core.audit import audit_actor, record

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
    need(actor, body, Action.RAISE)
    issue = Issue(body=body, created_by=actor, raised_by=fields.pop("raised_by", None) or actor)
    changes(issue, ISSUE_FIELDS, fields)
    _check_economic(issue)
    save(actor, issue)
    record(
        actor=actor,
        action=IssueAction.RAISED,
        obj=issue,
        data={"body": body.slug, "economic": issue.economic},
    )
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


def _refuse_answered(issue: Issue, message: str) -> None:
    if not ISSUE_FLOW.allows("edit", issue.status):
        raise ValidationError(message, code="answered")


@transaction.atomic
def issue_update(*, actor, issue: Issue, status: str | None = None, **fields) -> Issue:
    need(actor, issue.body, Action.EDIT)
    _refuse_answered(issue, _("Frågan är besvarad och kan inte ändras."))
    data = changes(issue, ISSUE_FIELDS, fields)
    if status is not None:
        if status not in ISSUE_OPEN:  # answering has its own step (and mail)
            raise ValidationError(_("Använd Besvara för att besvara frågan."))
        if status != issue.status:
            data["status"] = [issue.status, status]
        issue.status = status
    _check_economic(issue)
    save(actor, issue)
    record(actor=actor, action=IssueAction.UPDATED, obj=issue, data=data)
    return issue


@transaction.atomic
def issue_move(*, actor, issue: Issue, to_body: JointBody, note: str = "") -> IssueMove:
    need(actor, issue.body, Action.EDIT)
    if to_body.pk == issue.body_id:
        raise ValidationError(
            {"to_body": _("Frågan ligger redan hos %(body)s.") % {"body": to_body}}
        )
    _refuse_answered(issue, _("Frågan är besvarad och kan inte flyttas."))
    move = IssueMove(
        issue=issue, from_body=issue.body, to_body=to_body, note=note.strip(), moved_by=actor
    )
    save(actor, move)
    before = (issue.body.slug, issue.status)
    issue.body = to_body
    issue.status = ISSUE_FLOW.target("move", issue.status)
    save(actor, issue)
    record(
        actor=actor,
        action=IssueAction.MOVED,
        obj=issue,
        data={
            "body": [before[0], to_body.slug],
            "status": [before[1], issue.status],
            "note": move.note,
        },
    )
    return move


@transaction.atomic
def issue_answer(*, actor, issue: Issue, answer: str) -> Issue:
    """Answer an issue and feed the answer back to the one who raised it (outbox, once)."""
    need(actor, issue.body, Action.EDIT)
    if not ISSUE_FLOW.allows("answer", issue.status):
        raise ValidationError(_("Frågan är redan besvarad."), code="answered")
    if not answer.strip():
        raise ValidationError({"answer": _("Skriv svaret.")})
    before = issue.status
    issue.answer = answer.strip()
    issue.status = ISSUE_FLOW.target("answer", before)
    issue.answered_at = timezone.now()
    _check_economic(issue)
    save(actor, issue)
    record(
        actor=actor, action=IssueAction.ANSWERED, obj=issue, data={"status": [before, issue.status]}
    )
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
def calendar_token(*, actor, renew: bool = False) -> CalendarToken:
    """The actor's calendar-feed token (created on first use; ``renew`` revokes the old one)."""
    token = CalendarToken.objects.select_for_update().filter(user=actor).first()
    if token is None:
        token = CalendarToken(user=actor, token=secrets.token_urlsafe(32))
    elif renew:
        token.token = secrets.token_urlsafe(32)
        token.created_at = timezone.now()
    else:
        return token
    with audit_actor(actor):
        token.save()
    record(actor=actor, action=CalendarAction.TOKEN, obj=token, data={"renewed": renew})
    return token
