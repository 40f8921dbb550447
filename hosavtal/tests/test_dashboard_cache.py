"""The dashboard's content is cached per data version: every audited write shows at once."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from agreements.models import Agreement, Party
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from core import fragments
from core.roles import Role
from escalation import selectors as escalation_selectors
from escalation import services as escalation_services
from escalation.models import Case
from hosavtal.dashboard import permissions
from hosavtal.dashboard import services as dashboard_services

# The dashboard tests' clock (the autouse fixture pins it for this module too) and address.
from hosavtal.tests.test_dashboard_views import INDEX, NOW, _pinned  # noqa: F401
from implementation import services as implementation_services
from implementation.models import Level, Responsibility, Status, Unit


@pytest.fixture
def viewer(client, styrgrupp_user):
    client.force_login(styrgrupp_user)
    return client


def _page(client, **params) -> str:
    """The page's main content (the layout around it carries a fresh CSRF token each time)."""
    response = client.get(INDEX, params)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _readiness(response_html: str) -> str:
    """The headline's "N av M klara, P %" sentence."""
    start = response_html.index('id="lanet-andel">') + len('id="lanet-andel">')
    return response_html[start : response_html.index("<", start)]


def test_a_repeat_visit_is_served_from_the_cache(viewer, count_queries):
    first = _page(viewer)
    queries = count_queries(lambda: viewer.get(INDEX))
    assert queries <= 4, queries  # session, user, layout, data version
    assert _page(viewer) == first


def test_a_progress_change_shows_on_the_next_visit(viewer, styrgrupp_user):
    party = Party.objects.get(slug="goteborg")
    unit = Unit.objects.create(party=party, level=Level.FORVALTNING, name="Äldre", slug="aldre")
    before = _readiness(_page(viewer))
    item = Responsibility.objects.filter(level=Level.FORVALTNING).first()
    implementation_services.progress_update(
        unit=unit, responsibility=item, actor=styrgrupp_user, status=Status.KLAR
    )
    after = _readiness(_page(viewer))
    assert before.startswith("0 av ")
    assert after.startswith("1 av "), after


def test_a_new_case_and_a_registration_show_on_the_next_visit(viewer, forvaltare):
    html = _page(viewer)
    assert "Inga försenade" in html
    assert "1 aktivt" not in html
    escalation_services.case_open(
        actor=forvaltare,
        kind=Case.Kind.AVVIKELSE,
        title="Ett nytt ärende",
        description="Beskrivning.",
        agreement=Agreement.objects.first(),
        reporting_party=Party.objects.get(slug="boras"),
        receiving_party=Party.objects.get(slug="vgr"),
        notify=False,
    )
    assert "1 aktivt" in _page(viewer)

    conference = ConferenceFactory(date=dt.date(2026, 12, 3), title="Dialogkonferens Skaraborg")
    seen = _page(viewer)
    assert "Dialogkonferens Skaraborg" in seen
    RegistrationFactory(conference=conference, party=Party.objects.get(slug="skovde"))
    assert _page(viewer) != seen


def test_a_new_meeting_moves_since_to_it(viewer, forvaltare):
    assert "2026-11-05" not in _page(viewer)
    dashboard_services.meeting_create(actor=forvaltare, date=dt.date(2026, 11, 5))
    assert 'value="2026-11-05"' in _page(viewer)


def test_the_next_day_renders_anew(viewer, styrgrupp_user):
    assert "Läget den 20 november 2026." in _page(viewer)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        viewer.force_login(styrgrupp_user)  # yesterday's session has expired
        assert "Läget den 21 november 2026." in _page(viewer)


def test_query_string_and_language_are_part_of_the_key(viewer):
    swedish = _page(viewer)
    assert 'lang="sv"' in swedish or "Styrgruppens översikt" in swedish
    weeks = _page(viewer, veckor="4")
    assert weeks != swedish
    viewer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _page(viewer)
    assert "Styrgruppens översikt" not in english
    assert "steering group" in english.lower()
    del viewer.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert _page(viewer) == swedish


def test_every_role_that_sees_the_dashboard_sees_every_case(make_user, reference_data):
    """The cached content is shared by all viewers: that holds only while every role that may
    see the dashboard also sees every escalation case. A politiker (issue #21) sees only their
    own cases and gets a content cached apart (``DashboardView``)."""
    shared = set(permissions.VIEW_ROLES) - {Role.POLITIKER}
    assert shared <= {Role.STYRGRUPP, Role.FORVALTARE}
    everything = Case.objects.all()
    for role in shared:
        user = make_user(username=f"t-{role}", role=role, party=Party.objects.get(slug="vgr"))
        visible = escalation_selectors.cases_visible_to(user)
        assert str(visible.query) == str(everything.query)
    assert not escalation_selectors.cases_visible_to(AnonymousUser()).exists()


def test_the_version_is_the_newest_audit_entry(reference_data, forvaltare):
    before = fragments.data_version()
    dashboard_services.meeting_create(actor=forvaltare, date=dt.date(2026, 10, 1))
    assert fragments.data_version() > before
