"""The bodies app's share of the security sweep (issue #21): joint bodies, members, meetings,
agenda, outcomes, per-capsulam decisions, the issue log, minutes, the XLSX and the calendar.

The sweep's meeting is the joint steering group's (``o.meeting``, the dashboard's too), called:
the styrgrupp reads it and keeps its date and notes, nobody else of the base actors but the
förvaltare sees it (404). The minutes and the XLSX are SRO's (approved: every signed-in user).
The issue log is the reference group's: its secretary and the förvaltare.

The extra actor ``politiker`` (Role.POLITIKER, no party) reads bodies, decisions, approved
minutes and the dashboard, never a case: it is answered like ``other`` (a lead of another
party, who sees no case either) except on the dashboard's pages (main table, explicit codes).
"""

import datetime as dt

from django.urls import reverse

from security.tests.rules import (
    ALL_LOGGED_IN,
    PUBLIC,
    READ,
    READ_POST,
    TEXT,
    ExtraActor,
    Rule,
)

EXTRA_ACTORS = (ExtraActor("politiker", like="other"),)

POST_ONLY = "L 405 405 405 405 405"
# The steering meeting: styrgrupp and förvaltare; the own lead owns an action of it and so
# reads it (never edits it).
SEEN_GET = "L 200 404 404 200 200"
OWNER_SEES_GET = "L 403 404 404 200 200"
EDIT_POST = "L 404 404 404 403 ok"  # the secretary's (here: förvaltare's) edits
MEETING_EDIT_POST = "L 403 404 404 403 ok"
DATES_POST = "L 403 404 404 ok ok"  # date and notes: styrgrupp too
ISSUE_GET = "L 404 404 404 404 200"
ISSUE_POST = "L 404 404 404 404 ok"
BODY_ADMIN_GET = "L 403 403 403 403 200"
BODY_ADMIN_POST = "L 403 403 403 403 ok"

PREMEETING_SECRET = "Sweep-förmöte"
ISSUE_SECRET = "Sweep-frågelogg"


def build(o, users, t: str) -> None:
    from accounts.tests.factories import UserFactory
    from agreements.models import JointBody
    from bodies.models import (
        AgendaItem,
        CalendarToken,
        Issue,
        IssueMove,
        Meeting,
        Membership,
        Outcome,
        Participant,
    )
    from core.roles import Role

    users["politiker"] = UserFactory(username="sweep-politiker", role=Role.POLITIKER, party=None)
    o.ref_body = JointBody.objects.get(slug="politisk-referensgrupp")
    o.sro_body = JointBody.objects.get(slug="sro")
    o.steering_body = JointBody.objects.get(slug="gemensam-styrgrupp")
    o.meeting.state = Meeting.State.CALLED
    o.meeting.premeeting_notes = PREMEETING_SECRET + t
    o.meeting.save()
    o.member = Membership.objects.create(body=o.ref_body, name="Ledamot" + t, represents="GR" + t)
    o.sro_member = Membership.objects.create(body=o.sro_body, name="SRO-ledamot" + t)
    o.participant = Participant.objects.create(meeting=o.meeting, name="Kallad" + t)
    o.agenda_item = AgendaItem.objects.create(meeting=o.meeting, title="Punkt" + t, order=1)
    o.action = Outcome.objects.create(
        body=o.steering_body,
        item=o.agenda_item,
        kind=Outcome.Kind.ACTION,
        text="Åtgärd" + t,
        owner=users["own"],
        due_date=dt.date(2026, 12, 20),
    )
    o.sro_meeting = Meeting.objects.create(
        body=o.sro_body, date=dt.date(2026, 9, 1), title="SRO" + t, state=Meeting.State.APPROVED
    )
    sro_item = AgendaItem.objects.create(meeting=o.sro_meeting, title="Riktlinje" + t, order=1)
    Outcome.objects.create(
        body=o.sro_body, item=sro_item, kind=Outcome.Kind.DECISION, text="Beslut" + t
    )
    o.issue = Issue.objects.create(
        body=o.ref_body,
        title=ISSUE_SECRET + t,
        raised_by_label="Arbetsgruppen" + t,
        raised_by=users["forvaltare"],
        municipal_perspective="Kommunalt" + t,
        regional_perspective="Regionalt" + t,
    )
    IssueMove.objects.create(
        issue=o.issue, from_body=o.sro_body, to_body=o.ref_body, note="Flyttad" + t
    )
    o.body_token = CalendarToken.objects.create(user=users["own"], token="sweep-organ-kalender")


def _issue_form(o) -> dict:
    return {"title": TEXT, "raised_by_label": "Arbetsgruppen", "status": "beredning"}


ACCESS = {
    "bodies:index": Rule(READ, READ_POST),
    "bodies:my_actions": Rule(READ, READ_POST),
    "bodies:calendar_address": Rule(POST_ONLY, ALL_LOGGED_IN),
    # The address is the secret (the own lead's token): whoever holds it reads the feed.
    "bodies:feed": Rule(PUBLIC, "405 405 405 405 405 405"),
    "bodies:body": Rule(READ, READ_POST),
    "bodies:member_create": Rule(
        BODY_ADMIN_GET, BODY_ADMIN_POST, {"name": "Ny ledamot", "mandate": "ledamot"}
    ),
    "bodies:member_update": Rule(
        BODY_ADMIN_GET, BODY_ADMIN_POST, {"name": "Ändrad ledamot", "mandate": "ledamot"}
    ),
    "bodies:meeting_create": Rule(
        "L 403 403 403 200 200", "L 403 403 403 ok ok", {"date": "2027-02-01", "title": TEXT}
    ),
    "bodies:per_capsulam": Rule(
        BODY_ADMIN_GET,
        BODY_ADMIN_POST,
        lambda o: {"text": TEXT, "decided_on": "2026-09-01", "agreed": [o.sro_member.pk]},
    ),
    "bodies:export": Rule(READ, READ_POST),
    "bodies:issues": Rule(BODY_ADMIN_GET, READ_POST),
    "bodies:issue_create": Rule(
        BODY_ADMIN_GET, BODY_ADMIN_POST, {"title": TEXT, "raised_by_label": "Arbetsgruppen"}
    ),
    "bodies:meeting": Rule(SEEN_GET, POST_ONLY),
    "bodies:meeting_update": Rule(
        OWNER_SEES_GET, DATES_POST, {"date": "2026-12-11", "title": TEXT}
    ),
    "bodies:meeting_delete": Rule(OWNER_SEES_GET, DATES_POST),
    "bodies:meeting_transition": Rule("L 403 404 404 403 200", MEETING_EDIT_POST),
    "bodies:item_add": Rule(POST_ONLY, MEETING_EDIT_POST, {"title": TEXT}),
    "bodies:participant_add": Rule(POST_ONLY, MEETING_EDIT_POST, {"name": "Gäst"}),
    "bodies:attendance": Rule(
        POST_ONLY, MEETING_EDIT_POST, lambda o: {f"narvaro-{o.participant.pk}": "forhinder"}
    ),
    "bodies:minutes": Rule(READ, READ_POST),
    "bodies:item_move": Rule(POST_ONLY, EDIT_POST, {"riktning": "ned"}),
    "bodies:item_delete": Rule(POST_ONLY, EDIT_POST),
    "bodies:outcome_add": Rule(POST_ONLY, EDIT_POST, {"kind": "information", "text": TEXT}),
    "bodies:outcome_delete": Rule(POST_ONLY, EDIT_POST),
    # The action's owner (the own lead) and the förvaltare.
    "bodies:action_done": Rule(POST_ONLY, "L ok 404 404 404 ok"),
    "bodies:participant_remove": Rule(POST_ONLY, EDIT_POST),
    "bodies:issue": Rule(ISSUE_GET, POST_ONLY),
    "bodies:issue_update": Rule(ISSUE_GET, ISSUE_POST, _issue_form),
    "bodies:issue_move": Rule(POST_ONLY, ISSUE_POST, lambda o: {"to_body": o.sro_body.pk}),
    "bodies:issue_answer": Rule(POST_ONLY, ISSUE_POST, {"answer": TEXT}),
}

SECRETS = {
    PREMEETING_SECRET: {"styrgrupp", "forvaltare"},  # an action owner reads the meeting, not this
    ISSUE_SECRET: {"forvaltare"},
}


def url_for(name: str, o) -> str | None:
    if not name.startswith("bodies:"):
        return None
    short = name.split(":", 1)[1]
    by_slug = {
        "body": o.ref_body.slug,
        "member_create": o.ref_body.slug,
        "meeting_create": o.steering_body.slug,
        "per_capsulam": o.sro_body.slug,
        "export": o.sro_body.slug,
        "issues": o.ref_body.slug,
        "issue_create": o.ref_body.slug,
    }
    if short in by_slug:
        return reverse(name, kwargs={"slug": by_slug[short]})
    pk = {
        "meeting": o.meeting.pk,
        "meeting_update": o.meeting.pk,
        "meeting_delete": o.meeting.pk,
        "item_add": o.meeting.pk,
        "participant_add": o.meeting.pk,
        "attendance": o.meeting.pk,
        "minutes": o.sro_meeting.pk,
        "item_move": o.agenda_item.pk,
        "item_delete": o.agenda_item.pk,
        "outcome_add": o.agenda_item.pk,
        "outcome_delete": o.action.pk,
        "action_done": o.action.pk,
        "participant_remove": o.participant.pk,
        "issue": o.issue.pk,
        "issue_update": o.issue.pk,
        "issue_move": o.issue.pk,
        "issue_answer": o.issue.pk,
    }
    if short == "member_update":
        return reverse(name, kwargs={"slug": o.ref_body.slug, "pk": o.member.pk})
    if short == "meeting_transition":
        return reverse(name, kwargs={"pk": o.meeting.pk, "action": "hold"})
    if short == "feed":
        return reverse(name, kwargs={"token": o.body_token.token})
    if short in pk:
        return reverse(name, kwargs={"pk": pk[short]})
    return None
