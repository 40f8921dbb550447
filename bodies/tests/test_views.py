"""The pages: edits after approval refused in the view, the issue log, per capsulam, the XLSX,
the calendar feed, Min sida, and bounded query counts at 10 and 1 000 meetings."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bodies import services
from bodies.models import AgendaItem, CalendarToken, Meeting, Membership, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(secretary, body, member):
    meeting = services.meeting_create(
        actor=secretary, body=body, date=dt.date(2026, 6, 4), title="RG"
    )
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    item = services.item_add(actor=secretary, meeting=meeting, title="Dialogkonferens")
    services.meeting_transition(actor=secretary, meeting=meeting, action="hold")
    services.outcome_add(actor=secretary, item=item, kind="beslut", text="Inledare utsedda.")
    services.outcome_add(
        actor=secretary,
        item=item,
        kind="atgard",
        text='=HYPERLINK("x")',
        owner=member,
        due_date=dt.date(2026, 8, 28),
    )
    services.meeting_transition(actor=secretary, meeting=meeting, action="approve")
    return meeting


def test_edits_after_approval_are_refused_by_the_views(client_as, secretary, approved):
    client = client_as(secretary)
    item = approved.items.get()
    before = (
        Meeting.objects.get(pk=approved.pk).title,
        AgendaItem.objects.count(),
        Outcome.objects.count(),
    )
    page = client.get(reverse("bodies:meeting", args=[approved.pk])).content.decode()
    assert "Protokollet kan inte längre ändras" in page
    assert reverse("bodies:item_add", args=[approved.pk]) not in page  # no edit forms
    response = client.post(
        reverse("bodies:meeting_update", args=[approved.pk]), {"date": "2026-06-04", "title": "Ny"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("bodies:item_add", args=[approved.pk]), {"title": "Sen punkt"}, follow=True
    )
    assert "Protokollet är justerat och kan inte längre ändras." in response.content.decode()
    client.post(reverse("bodies:outcome_add", args=[item.pk]), {"kind": "information", "text": "x"})
    client.post(reverse("bodies:item_delete", args=[item.pk]))
    client.post(reverse("bodies:meeting_transition", args=[approved.pk, "call"]))
    after = (
        Meeting.objects.get(pk=approved.pk).title,
        AgendaItem.objects.count(),
        Outcome.objects.count(),
    )
    assert after == before
    assert Meeting.objects.get(pk=approved.pk).state == Meeting.State.APPROVED


def test_approving_asks_first(client_as, secretary, body):
    meeting = services.meeting_create(actor=secretary, body=body, date=dt.date(2026, 6, 4))
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    services.meeting_transition(actor=secretary, meeting=meeting, action="hold")
    client = client_as(secretary)
    page = client.get(
        reverse("bodies:meeting_transition", args=[meeting.pk, "approve"])
    ).content.decode()
    assert "går det inte längre att ändra" in page
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    client.post(reverse("bodies:meeting_transition", args=[meeting.pk, "approve"]))
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.APPROVED


def test_minutes_and_the_record_are_readable_by_every_signed_in_user(
    client_as, lead, approved, politiker
):
    for user in (lead, politiker):
        client = client_as(user)
        page = client.get(reverse("bodies:minutes", args=[approved.pk])).content.decode()
        assert "Inledare utsedda." in page and "Janette Olsson" in page
        assert client.get(reverse("bodies:issues", args=[approved.body.slug])).status_code == 403


def test_the_xlsx_holds_decisions_and_actions_as_text(client_as, lead, approved, body):
    response = client_as(lead).get(reverse("bodies:export", args=[body.slug]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Datum", "Slag", "Möte")
    texts = {row[4] for row in rows[1:]}
    assert {"Inledare utsedda.", '=HYPERLINK("x")'} <= texts
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []


def test_per_capsulam_in_sro_through_the_page(client_as, forvaltare, sro):
    a = Membership.objects.create(body=sro, name="Ordförande")
    client = client_as(forvaltare)
    url = reverse("bodies:per_capsulam", args=[sro.slug])
    bad = client.post(url, {"text": "Riktlinjen", "decided_on": "2026-09-01"})
    assert bad.status_code == 200 and "Riktlinjen" in bad.content.decode()  # kept, with an error
    client.post(url, {"text": "Riktlinjen antas", "decided_on": "2026-09-01", "agreed": [a.pk]})
    decision = Outcome.objects.get(per_capsulam=True)
    assert decision.decided_on == dt.date(2026, 9, 1)
    page = client.get(reverse("bodies:body", args=[sro.slug])).content.decode()
    assert "beslut per capsulam" in page and "Riktlinjen antas" in page


def test_the_owner_sees_the_action_on_min_sida_and_in_the_calendar(client_as, member, approved):
    client = client_as(member)
    page = client.get(reverse("implementation:my_page")).content.decode()
    assert "Åtgärder från gemensamma organ" in page and "HYPERLINK" in page
    assert client.post(reverse("bodies:calendar_address")).status_code == 302
    token = CalendarToken.objects.get(user=member).token
    client.logout()
    ics = client.get(reverse("bodies:feed", args=[token]))
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    assert b"20260828" in ics.content
    assert client.get(reverse("bodies:feed", args=["fel"])).status_code == 404


def test_a_non_member_cannot_see_a_draft_meeting(client_as, secretary, body, lead):
    meeting = services.meeting_create(actor=secretary, body=body, date=dt.date(2026, 6, 4))
    assert client_as(lead).get(reverse("bodies:meeting", args=[meeting.pk])).status_code == 404


def test_a_newline_or_formula_in_a_title_is_refused_or_kept_as_text(client_as, secretary, body):
    client = client_as(secretary)
    response = client.post(
        reverse("bodies:meeting_create", args=[body.slug]), {"date": "2026-06-04", "title": "A\nB"}
    )
    assert response.status_code == 200 and "på en rad" in response.content.decode()
    assert not Meeting.objects.exists()


def _many_meetings(body, n: int, start: int = 0):
    Meeting.objects.bulk_create(
        [
            Meeting(
                body=body, date=dt.date(2020, 1, 1) + dt.timedelta(days=start + i), state="justerad"
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("name", ["body", "minutes", "meeting", "issues", "index", "dashboard"])
def test_query_counts_hold_at_10_and_1000_meetings(
    name, client_as, forvaltare, body, steering, approved, count_queries
):
    client = client_as(forvaltare)
    urls = {
        "body": reverse("bodies:body", args=[body.slug]),
        "minutes": reverse("bodies:minutes", args=[approved.pk]),
        "meeting": reverse("bodies:meeting", args=[approved.pk]),
        "issues": reverse("bodies:issues", args=[body.slug]),
        "index": reverse("bodies:index"),
        "dashboard": reverse("dashboard:meetings") + f"?organ={body.slug}",
    }

    def get():
        assert client.get(urls[name]).status_code == 200

    _many_meetings(body, 9)
    small = count_queries(get)
    _many_meetings(body, 990, start=100)
    large = count_queries(get)
    assert small == large, (small, large)
    assert small <= 20


def test_an_action_owner_outside_the_body_reads_the_meeting_that_gave_it(
    client_as, secretary, body, lead
):
    meeting = services.meeting_create(actor=secretary, body=body, date=dt.date(2026, 6, 4))
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    item = services.item_add(actor=secretary, meeting=meeting, title="Punkt")
    client = client_as(lead)
    url = reverse("bodies:meeting", args=[meeting.pk])
    assert client.get(url).status_code == 404
    services.outcome_add(
        actor=secretary,
        item=item,
        kind="atgard",
        text="Gör",
        owner=lead,
        due_date=dt.date(2026, 7, 1),
    )
    page = client.get(url)
    assert page.status_code == 200 and "Gör" in page.content.decode()
    assert (
        client.post(reverse("bodies:item_add", args=[meeting.pk]), {"title": "X"}).status_code
        == 403
    )


def test_since_the_last_meeting_works_for_every_body(client_as, styrgrupp_user, approved):
    client = client_as(styrgrupp_user)
    page = client.get("/styrgrupp/?organ=politisk-referensgrupp").content.decode()
    assert "Sedan det senaste mötet i Referensgruppen den 4 juni 2026." in page
    assert 'name="organ" value="politisk-referensgrupp"' in page  # kept when the form is sent
    meetings = client.get("/styrgrupp/moten/?organ=politisk-referensgrupp").content.decode()
    assert (
        "2026-06-04" in meetings and "organ=politisk-referensgrupp&amp;mote=2026-06-04" in meetings
    )
