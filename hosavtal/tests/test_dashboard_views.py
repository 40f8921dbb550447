"""The dashboard's pages: access, drill-down, sorting, the "since" choice, the XLSX export,
the meeting dates (Förvaltare) and a constant number of queries at small and large data."""

import datetime as dt
import io

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement, Decision, Party
from bodies.tests.factories import SteeringMeeting
from conferences.models import Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from escalation import services as escalation_services
from escalation.models import Case
from implementation import services as implementation_services
from implementation.models import Level, Responsibility, Status, Unit

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
INDEX = "/styrgrupp/"


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- access -------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, reference_data):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [INDEX, "/styrgrupp/export.xlsx", "/styrgrupp/beredskap/?omrade=lan", "/styrgrupp/moten/"],
)
def test_implementation_lead_and_registrar_get_403(client_as, lead, registrator, url):
    assert client_as(lead).get(url).status_code == 403
    assert client_as(registrator).get(url).status_code == 403


def test_styrgrupp_and_forvaltare_see_the_dashboard(client_as, styrgrupp_user, forvaltare):
    for user in (styrgrupp_user, forvaltare):
        response = client_as(user).get(INDEX)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<h1") == 1
        assert "Styrgruppens översikt" in html
        for heading in ("Läget just nu", "Beredskap per fas och nivå", "Eskaleringstrappan"):
            assert heading in html
        assert 'style="' not in html


# --- drill-down and sorting ---------------------------------------------------------------------
def _goteborg_units():
    party = Party.objects.get(slug="goteborg")
    forvaltning = Unit.objects.create(
        party=party, level=Level.FORVALTNING, name="Äldreförvaltningen", slug="aldre"
    )
    verksamhet = Unit.objects.create(
        party=party, level=Level.VERKSAMHET, name="Hemsjukvården", slug="hsv", parent=forvaltning
    )
    return forvaltning, verksamhet


def test_heatmap_cell_links_to_the_list_behind_it(client_as, styrgrupp_user):
    forvaltning, verksamhet = _goteborg_units()
    item = Responsibility.objects.filter(level=Level.FORVALTNING, phase__code="p1").first()
    implementation_services.progress_update(
        unit=forvaltning, responsibility=item, actor=styrgrupp_user, status=Status.KLAR
    )
    client = client_as(styrgrupp_user)
    html = client.get(INDEX).content.decode()
    assert "/styrgrupp/beredskap/?omrade=part-goteborg&amp;fas=p1" in html
    response = client.get("/styrgrupp/beredskap/", {"omrade": "part-goteborg", "fas": "p1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Äldreförvaltningen" in page and "Hemsjukvården" in page
    # Fas 1: 5 förvaltning items + 2 verksamhet items, one done.
    drill = response.context["drill"]
    assert (drill.total.done, drill.total.applicable) == (1, 7)
    assert reverse("implementation:unit", args=["goteborg", "aldre"]) in page


def test_drill_down_by_level_and_unknown_scope(client_as, styrgrupp_user):
    _goteborg_units()
    client = client_as(styrgrupp_user)
    response = client.get(
        "/styrgrupp/beredskap/", {"omrade": "part-goteborg", "niva": "verksamhet"}
    )
    assert [r.unit.slug for r in response.context["drill"].units] == ["hsv"]
    assert client.get("/styrgrupp/beredskap/", {"omrade": "part-finns-inte"}).status_code == 404
    assert client.get("/styrgrupp/beredskap/", {"omrade": "lan", "niva": "x"}).status_code == 404
    assert client.get("/styrgrupp/beredskap/", {"omrade": "lan", "fas": "x"}).status_code == 404


def test_heatmap_sorts_by_a_phase_column_server_side(client_as, styrgrupp_user):
    forvaltning, _v = _goteborg_units()
    items = Responsibility.objects.filter(level=Level.FORVALTNING, phase__code="p1")
    for item in items[:3]:
        implementation_services.progress_update(
            unit=forvaltning, responsibility=item, actor=styrgrupp_user, status=Status.KLAR
        )
    boras = Unit.objects.create(
        party=Party.objects.get(slug="ale"), level=Level.FORVALTNING, name="Ale VOF", slug="vof"
    )
    implementation_services.progress_update(
        unit=boras, responsibility=items[0], actor=styrgrupp_user, status=Status.KLAR
    )
    client = client_as(styrgrupp_user)
    response = client.get(INDEX, {"sortera": "p1", "ordning": "fallande"})
    gr = next(g for g in response.context["d"].groups if g.title == "Göteborgsregionen")
    assert [r.label for r in gr.rows[:2]] == ["Göteborg", "Ale"]
    # Parties without units sort last whatever the direction.
    assert not gr.rows[-1].has_units
    response = client.get(INDEX, {"sortera": "p1", "ordning": "stigande"})
    gr = next(g for g in response.context["d"].groups if g.title == "Göteborgsregionen")
    assert [r.label for r in gr.rows[:2]] == ["Ale", "Göteborg"]
    assert 'aria-sort="ascending"' in response.content.decode()


def test_grouping_by_delregion(client_as, styrgrupp_user):
    response = client_as(styrgrupp_user).get(INDEX, {"gruppering": "delregion"})
    titles = [g.title for g in response.context["d"].groups]
    assert "SIMBA" in titles or any("SIMBA" in t for t in titles)
    assert "Göteborgsregionen" not in titles


# --- since ----------------------------------------------------------------------------------------
def test_since_defaults_to_the_previous_meeting_and_can_be_chosen(client_as, styrgrupp_user):
    SteeringMeeting.objects.create(date=dt.date(2026, 10, 1), title="Möte 3")
    SteeringMeeting.objects.create(date=dt.date(2026, 11, 5), title="Möte 4")
    SteeringMeeting.objects.create(date=dt.date(2026, 12, 3), title="Möte 5")
    client = client_as(styrgrupp_user)
    assert client.get(INDEX).context["d"].since.since == dt.date(2026, 11, 5)
    chosen = client.get(INDEX, {"mote": "2026-10-01"})
    assert chosen.context["d"].since.since == dt.date(2026, 10, 1)
    typed = client.get(INDEX, {"mote": "2026-10-01", "sedan": "2026-09-15"})
    assert typed.context["d"].since.since == dt.date(2026, 9, 15)


def test_bad_since_date_says_so_and_keeps_the_default(client_as, styrgrupp_user):
    SteeringMeeting.objects.create(date=dt.date(2026, 11, 5))
    response = client_as(styrgrupp_user).get(INDEX, {"sedan": "2027-05-01"})
    assert response.context["d"].since.since == dt.date(2026, 11, 5)
    html = response.content.decode()
    assert "Välj ett datum som inte ligger i framtiden." in html
    assert 'value="2027-05-01"' in html
    garbage = client_as(styrgrupp_user).get(INDEX, {"sedan": "inte-ett-datum"})
    assert garbage.status_code == 200
    assert "Fyll i ett giltigt datum." in garbage.content.decode()


def test_without_meetings_the_last_four_weeks_are_shown(client_as, styrgrupp_user):
    response = client_as(styrgrupp_user).get(INDEX)
    assert response.context["d"].since.since == dt.date(2026, 10, 23)


# --- export ---------------------------------------------------------------------------------------
def test_xlsx_has_one_sheet_per_section_with_the_page_figures(client_as, styrgrupp_user):
    forvaltning, _v = _goteborg_units()
    item = Responsibility.objects.filter(level=Level.FORVALTNING, phase__code="p1").first()
    implementation_services.progress_update(
        unit=forvaltning, responsibility=item, actor=styrgrupp_user, status=Status.KLAR
    )
    SteeringMeeting.objects.create(date=dt.date(2026, 11, 5))
    response = client_as(styrgrupp_user).get("/styrgrupp/export.xlsx")
    assert response.status_code == 200
    assert "styrgruppens-oversikt-2026-11-20.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Översikt",
        "Beredskap per fas",
        "Beredskap per nivå",
        "Trend",
        "Sedan 2026-11-05",
        "Eskalering",
        "Konferenser",
    ]
    overview = {row[0]: row[1] for row in book["Översikt"].iter_rows(min_row=2, values_only=True)}
    assert overview["Dagar kvar till ikraftträdandet"] == 42
    assert overview["Kommuner totalt"] == 49
    phase_rows = list(book["Beredskap per fas"].iter_rows(values_only=True))
    goteborg = next(r for r in phase_rows if r[1] == "Göteborg")
    # Group, name, then (done, applicable, share) for Steg 1, Fas 1, …: Fas 1 is columns 5–7.
    assert goteborg[5:8] == (1, 7, round(1 / 7, 4))
    since_rows = list(book["Sedan 2026-11-05"].iter_rows(min_row=2, values_only=True))
    assert ("Klarmarkerade ansvar", dt.datetime(2026, 11, 5), "Göteborg", "1 ansvar klara") in [
        tuple(r) for r in since_rows
    ]


# --- meetings -------------------------------------------------------------------------------------
def test_forvaltare_records_edits_and_deletes_a_meeting_with_audit(client_as, forvaltare):
    client = client_as(forvaltare)
    response = client.post(
        "/styrgrupp/moten/nytt/", {"date": "2026-12-03", "title": "Möte 5", "note": "Budget"}
    )
    assert response.status_code == 302
    meeting = SteeringMeeting.objects.get()
    assert (meeting.date, meeting.title, meeting.created_by) == (
        dt.date(2026, 12, 3),
        "Möte 5",
        forvaltare,
    )
    entry = LogEntry.objects.get_for_object(meeting).get()
    assert entry.actor == forvaltare and entry.action == LogEntry.Action.CREATE
    client.post(f"/styrgrupp/moten/{meeting.pk}/andra/", {"date": "2026-12-04", "title": "Möte 5"})
    meeting.refresh_from_db()
    assert meeting.date == dt.date(2026, 12, 4)
    update = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes_dict["date"] == ["2026-12-03", "2026-12-04"]
    page = client.get(f"/styrgrupp/moten/{meeting.pk}/andra/").content.decode()
    assert "Ändringshistorik" in page
    client.post(f"/styrgrupp/moten/{meeting.pk}/ta-bort/")
    assert not SteeringMeeting.objects.exists()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, actor=forvaltare).exists()


def test_duplicate_or_missing_date_is_refused_and_keeps_the_input(client_as, forvaltare):
    SteeringMeeting.objects.create(date=dt.date(2026, 12, 3))
    client = client_as(forvaltare)
    response = client.post("/styrgrupp/moten/nytt/", {"date": "2026-12-03", "title": "Dubbel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Styrgruppen har redan ett möte det datumet." in html
    assert 'value="Dubbel"' in html
    assert SteeringMeeting.objects.count() == 1
    response = client.post("/styrgrupp/moten/nytt/", {"date": "", "title": "Utan datum"})
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert SteeringMeeting.objects.count() == 1


def test_styrgrupp_keeps_its_own_meeting_dates_but_a_lead_may_not(
    client_as, styrgrupp_user, lead, reference_data
):
    # Issue #19 point 5: a steering-group member adds and edits the group's meeting dates.
    meeting = SteeringMeeting.objects.create(date=dt.date(2026, 11, 5))
    client = client_as(styrgrupp_user)
    page = client.get("/styrgrupp/moten/").content.decode()
    assert "2026-11-05" in page and "Lägg till möte" in page
    assert client.get("/styrgrupp/moten/nytt/").status_code == 200
    assert client.post("/styrgrupp/moten/nytt/", {"date": "2026-12-01"}).status_code == 302
    assert SteeringMeeting.objects.count() == 2
    assert client_as(lead).post(f"/styrgrupp/moten/{meeting.pk}/andra/").status_code == 403
    assert client_as(lead).post(f"/styrgrupp/moten/{meeting.pk}/ta-bort/").status_code == 403
    assert SteeringMeeting.objects.filter(date=dt.date(2026, 11, 5)).exists()


# --- a constant number of queries ------------------------------------------------------------------
def _add_data(size: int, actor) -> None:
    """Units with progress, decisions, cases and registrations: ``size`` of each kind."""
    parties = list(Party.objects.municipalities().order_by("name"))
    items = list(Responsibility.objects.filter(level=Level.FORVALTNING, is_active=True)[:3])
    agreement = Agreement.objects.get(slug="ok-betalningsansvar-2027")
    conference = ConferenceFactory(capacity=500)
    for index in range(size):
        party = parties[index % len(parties)]
        unit = Unit.objects.create(
            party=party, level=Level.FORVALTNING, name=f"F {index}", slug=f"f-{index}"
        )
        Unit.objects.create(
            party=party, level=Level.VERKSAMHET, name=f"V {index}", slug=f"v-{index}", parent=unit
        )
        for item in items:
            implementation_services.progress_update(
                unit=unit, responsibility=item, actor=actor, status=Status.KLAR
            )
        Decision.objects.create(
            party=party,
            agreement=agreement,
            decided_on=dt.date(2026, 11, 10),
            body=Decision.Body.KOMMUNFULLMAKTIGE,
            outcome=Decision.Outcome.ADOPTED,
        )
        case = escalation_services.case_open(
            actor=actor,
            kind=Case.Kind.AVVIKELSE,
            title=f"Ärende {index}",
            description="Avidentifierad beskrivning.",
            agreement=agreement,
            reporting_party=party,
            receiving_party=Party.objects.get(slug="vgr"),
            notify=False,
        )
        if index % 2:
            escalation_services.case_escalate(
                case=case, actor=actor, reason="Ej löst", notify=False
            )
        RegistrationFactory(conference=conference, party=party, organisation_other="")


# A render from scratch, which must not grow: session, user and layout (3), the data version
# (1), meetings, readiness from the summaries (5), trends (1), escalations (3),
# since-last-meeting (8 with overdue items, 1 for the blockers that arose and were resolved)
# and the agreements and conferences selectors the page composes (5); the joint documents'
# figures (documents.figures: open remiss rounds, the latest final versions and their backing,
# dispatches without receipts and what happened since the day: 7).
DASHBOARD_QUERIES = 32
# The same page while no data has changed: session, user and layout, and the data version.
DASHBOARD_CACHED_QUERIES = 4


def _queries(client, count_queries) -> int:
    cache.clear()
    return count_queries(lambda: client.get(INDEX, {"sortera": "p1"}))


def test_query_count_is_the_same_at_small_and_large_data(
    client_as, forvaltare, count_queries, django_assert_max_num_queries
):
    client = client_as(forvaltare)
    client.get(INDEX)  # warm up (content types, sessions)
    SteeringMeeting.objects.create(date=dt.date(2026, 11, 5))
    _add_data(2, forvaltare)
    small = _queries(client, count_queries)
    more = 40
    _add_data_more(1000, more, forvaltare)
    large = _queries(client, count_queries)
    assert small == large, (small, large)
    assert small <= DASHBOARD_QUERIES, small
    cache.clear()
    with django_assert_max_num_queries(small):
        client.get(INDEX)
    with django_assert_max_num_queries(DASHBOARD_CACHED_QUERIES):
        again = client.get(INDEX)
    assert again.status_code == 200
    assert Unit.objects.filter(party__kind="kommun").count() == 2 * (2 + more)
    assert Registration.objects.count() == 2 + more


def _add_data_more(offset: int, size: int, actor) -> None:
    parties = list(Party.objects.municipalities().order_by("name"))
    items = list(Responsibility.objects.filter(level=Level.FORVALTNING, is_active=True)[:3])
    agreement = Agreement.objects.get(slug="ok-betalningsansvar-2027")
    conference = ConferenceFactory(capacity=None)
    for index in range(offset, offset + size):
        party = parties[index % len(parties)]
        unit = Unit.objects.create(
            party=party, level=Level.FORVALTNING, name=f"F {index}", slug=f"f-{index}"
        )
        Unit.objects.create(
            party=party, level=Level.VERKSAMHET, name=f"V {index}", slug=f"v-{index}", parent=unit
        )
        implementation_services.progress_update(
            unit=unit, responsibility=items[index % 3], actor=actor, status=Status.PAGAR
        )
        escalation_services.case_open(
            actor=actor,
            kind=Case.Kind.TVIST,
            title=f"Ärende {index}",
            description="Avidentifierad beskrivning.",
            agreement=agreement,
            reporting_party=party,
            receiving_party=Party.objects.get(slug="vgr"),
            notify=False,
            when=timezone.now() - dt.timedelta(days=index % 30),
        )
        Decision.objects.create(
            party=party,
            agreement=agreement,
            decided_on=dt.date(2026, 10, 1) + dt.timedelta(days=index % 40),
            body=Decision.Body.KOMMUNFULLMAKTIGE,
            outcome=Decision.Outcome.POSTPONED,
            planned_date=dt.date(2026, 12, 15),
        )
        RegistrationFactory(conference=conference, party=party, organisation_other="")


def test_demo_meetings_are_seeded_once_around_today(reference_data):
    from core.refdata import LoadReport
    from hosavtal.dashboard import demo, figures

    demo.seed(scale="small", password="x", report=LoadReport())
    demo.seed(scale="small", password="x", report=LoadReport())
    meetings = figures.meetings()
    assert len(meetings) == 4 and all(m.is_demo for m in meetings)
    today = timezone.localdate()
    assert figures.default_since(meetings, today) == today - dt.timedelta(days=14)
    assert figures.next_meeting(meetings, today).date == today + dt.timedelta(days=21)


def test_dashboard_speaks_english_when_chosen(client_as, styrgrupp_user, settings):
    SteeringMeeting.objects.create(date=dt.date(2026, 11, 5))
    client = client_as(styrgrupp_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(INDEX).content.decode()
    assert "Steering group overview" in html
    assert "Readiness per phase and level" in html
    assert "Changed since" in html
    assert "Styrgruppens översikt" not in html


def test_cell_and_meeting_pages_make_a_constant_number_of_queries(
    client_as, forvaltare, count_queries
):
    client = client_as(forvaltare)
    cell = "/styrgrupp/beredskap/?omrade=forbund-gr&fas=p1&sortera=andel"
    client.get(cell)  # warm up
    SteeringMeeting.objects.create(date=dt.date(2026, 11, 5))
    _add_data(2, forvaltare)
    small = (
        count_queries(lambda: client.get(cell)),
        count_queries(lambda: client.get("/styrgrupp/moten/")),
    )
    _add_data_more(2000, 30, forvaltare)
    for day in range(1, 20):
        SteeringMeeting.objects.create(date=dt.date(2025, 1, day))
    large = (
        count_queries(lambda: client.get(cell)),
        count_queries(lambda: client.get("/styrgrupp/moten/")),
    )
    assert small == large, (small, large)
    response = client.get(cell)
    assert len(response.context["drill"].units) > 10
