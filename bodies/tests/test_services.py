"""The meeting's life (one transition table), locked minutes, outcomes, per capsulam, the issue
log with its answer fed back, and the audit trail."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from bodies import services
from bodies.models import Issue, Meeting, Membership, Outcome
from core.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(secretary, body):
    return services.meeting_create(
        actor=secretary, body=body, date=dt.date(2026, 6, 4), title="Referensgruppen"
    )


def test_a_new_meeting_calls_the_current_members_and_is_audited(meeting, secretary):
    names = set(meeting.participants.values_list("name", flat=True))
    assert {"Janette Olsson", "Adam Johansson", "Sara Sekr"} <= names
    entry = LogEntry.objects.get_for_object(meeting).get()
    assert entry.actor == secretary
    assert meeting.state == Meeting.State.DRAFT


def test_the_meeting_moves_through_the_transition_table_only(meeting, secretary):
    with pytest.raises(ValidationError):
        services.meeting_transition(actor=secretary, meeting=meeting, action="approve")
    for action in ("call", "hold", "approve"):
        services.meeting_transition(actor=secretary, meeting=meeting, action=action)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.APPROVED
    assert meeting.approved_by == secretary and meeting.approved_at
    with pytest.raises(ValidationError):
        services.meeting_transition(actor=secretary, meeting=meeting, action="call")


def test_approved_minutes_refuse_every_edit(meeting, secretary, forvaltare):
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    item = services.item_add(actor=secretary, meeting=meeting, title="Aktuellt")
    services.meeting_transition(actor=secretary, meeting=meeting, action="hold")
    outcome = services.outcome_add(actor=secretary, item=item, kind="beslut", text="Beslutat.")
    services.meeting_transition(actor=secretary, meeting=meeting, action="approve")
    participant = meeting.participants.first()
    refused = [
        lambda: services.meeting_update(actor=forvaltare, meeting=meeting, title="Ny"),
        lambda: services.item_add(actor=secretary, meeting=meeting, title="Sent"),
        lambda: services.item_update(actor=secretary, item=item, title="Ändrad"),
        lambda: services.item_delete(actor=secretary, item=item),
        lambda: services.item_move(actor=secretary, item=item, up=True),
        lambda: services.outcome_add(actor=secretary, item=item, kind="information", text="x"),
        lambda: services.outcome_delete(actor=secretary, outcome=outcome),
        lambda: services.participant_add(actor=secretary, meeting=meeting, name="Sen gäst"),
        lambda: services.participant_remove(actor=secretary, participant=participant),
        lambda: services.attendance_set(
            actor=secretary, meeting=meeting, attendance={participant.pk: "forhinder"}
        ),
        lambda: services.meeting_delete(actor=forvaltare, meeting=meeting),
    ]
    before = LogEntry.objects.count()
    for call in refused:
        with pytest.raises(ValidationError) as info:
            call()
        assert "justerat" in " ".join(info.value.messages) or info.value.code == "locked"
    assert LogEntry.objects.count() == before
    item.refresh_from_db()
    assert item.title == "Aktuellt" and Outcome.objects.filter(pk=outcome.pk).exists()


def test_only_the_secretary_or_forvaltare_edits(meeting, member, styrgrupp_user):
    with pytest.raises(PermissionDenied):
        services.item_add(actor=member, meeting=meeting, title="X")
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=styrgrupp_user, meeting=meeting, title="X")


def test_steering_group_members_keep_their_own_meeting_dates(steering, styrgrupp_user):
    meeting = services.meeting_create(
        actor=styrgrupp_user, body=steering, date=dt.date(2026, 11, 5), title="Möte", place="X"
    )
    assert meeting.place == ""  # only date, title and notes
    services.meeting_update(actor=styrgrupp_user, meeting=meeting, note="Förmöte kl. 9")
    meeting.refresh_from_db()
    assert meeting.note == "Förmöte kl. 9"
    with pytest.raises(PermissionDenied):
        services.meeting_transition(actor=styrgrupp_user, meeting=meeting, action="call")


def test_one_meeting_per_body_and_day(meeting, secretary, body):
    with pytest.raises(ValidationError) as info:
        services.meeting_create(actor=secretary, body=body, date=dt.date(2026, 6, 4))
    assert "redan ett möte" in str(info.value)


def test_an_action_needs_owner_and_date_and_tells_the_owner_once(meeting, secretary, member):
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    item = services.item_add(actor=secretary, meeting=meeting, title="Dialogkonferens")
    with pytest.raises(ValidationError):
        services.outcome_add(actor=secretary, item=item, kind="atgard", text="Manus")
    action = services.outcome_add(
        actor=secretary,
        item=item,
        kind="atgard",
        text="Manus",
        owner=member,
        due_date=dt.date(2026, 8, 28),
    )
    mail = OutboxMessage.objects.get(key=f"bodies:action:{action.pk}:owner:{member.pk}")
    assert mail.to == [member.email]
    assert "/organ/moten/" in mail.text
    services.action_complete(actor=member, outcome=action)
    action.refresh_from_db()
    assert action.done_at is not None


@time_machine.travel(dt.datetime(2026, 9, 2, 12, 0), tick=False)
def test_per_capsulam_decision_records_date_and_members(sro, forvaltare):
    a = Membership.objects.create(body=sro, name="A")
    b = Membership.objects.create(body=sro, name="B")
    with pytest.raises(ValidationError):
        services.per_capsulam_decide(
            actor=forvaltare, body=sro, text="Riktlinjen", decided_on=dt.date(2026, 9, 1), agreed=[]
        )
    decision = services.per_capsulam_decide(
        actor=forvaltare, body=sro, text="Riktlinjen", decided_on=dt.date(2026, 9, 1), agreed=[a, b]
    )
    assert decision.per_capsulam and decision.item is None and decision.date == dt.date(2026, 9, 1)
    assert set(decision.agreed.all()) == {a, b}


def test_issue_moves_between_bodies_and_the_answer_goes_back(
    body, secretary, member, reference_data
):
    from agreements.models import JointBody

    arbetsgrupp = JointBody.objects.get(slug="arbetsgrupp")
    Membership.objects.create(body=arbetsgrupp, user=secretary, name="S", mandate="sekreterare")
    Membership.objects.create(body=arbetsgrupp, user=member, name="L")
    issue = services.issue_raise(
        actor=member,
        body=arbetsgrupp,
        title="Läkemedelskostnader",
        raised_by_label="Arbetsgruppen",
        economic=True,
    )
    assert issue.raised_by == member and issue.status == Issue.Status.NEW
    services.issue_move(actor=secretary, issue=issue, to_body=body, note="Till referensgruppen")
    issue.refresh_from_db()
    assert issue.body == body
    assert [(m.from_body.slug, m.to_body.slug) for m in issue.moves.all()] == [
        ("arbetsgrupp", "politisk-referensgrupp")
    ]
    with pytest.raises(ValidationError) as info:  # economic: both perspectives first
        services.issue_answer(actor=secretary, issue=issue, answer="Svar")
    assert "perspektivet" in str(info.value)
    issue = Issue.objects.get(pk=issue.pk)
    services.issue_update(
        actor=secretary,
        issue=issue,
        municipal_perspective="Kommunalt",
        regional_perspective="Regionalt",
    )
    services.issue_answer(actor=secretary, issue=issue, answer="Kostnaden delas.")
    mail = OutboxMessage.objects.get(key=f"bodies:issue:{issue.pk}:answer:{member.pk}")
    assert "Kostnaden delas." in mail.text
    with pytest.raises(ValidationError):
        services.issue_answer(actor=secretary, issue=issue, answer="Igen")
    assert OutboxMessage.objects.filter(key__startswith=f"bodies:issue:{issue.pk}").count() == 1


def test_a_double_click_records_an_item_and_an_outcome_once(meeting, secretary):
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    first = services.item_add(actor=secretary, meeting=meeting, title="Aktuellt")
    assert services.item_add(actor=secretary, meeting=meeting, title="Aktuellt ") == first
    a = services.outcome_add(actor=secretary, item=first, kind="beslut", text="Beslutat.")
    assert services.outcome_add(actor=secretary, item=first, kind="beslut", text="Beslutat.") == a
    assert meeting.items.count() == 1 and Outcome.objects.filter(item=first).count() == 1
