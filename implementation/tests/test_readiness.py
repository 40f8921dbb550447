"""One definition of progress (``implementation.readiness``), shown the same everywhere.

A hand-made unit: the party page, the overview, the steering group's dashboard (its drill-down
cell and its heatmap) and the XLSX export must show the same andel klara and the same
viktad framdrift, computed here by hand; Hinder never counts as progress."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from implementation import readiness
from implementation.models import Level, Responsibility, Status
from implementation.readiness import summaries
from implementation.services import progress_update

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def _set(unit, items, status, actor):
    for item in items:
        progress_update(unit=unit, responsibility=item, actor=actor, status=status, comment="Orsak")


@pytest.fixture
def hand_made(gbg_forvaltning, gbg_lead):
    """Göteborg's only unit: 19 items; 5 Klar, 3 Pågår, 2 Hinder, 1 Ej aktuellt, 8 untouched."""
    items = list(
        Responsibility.objects.filter(level=Level.FORVALTNING, is_active=True).order_by("code")
    )
    assert len(items) == 19
    _set(gbg_forvaltning, items[:5], Status.KLAR, gbg_lead)
    _set(gbg_forvaltning, items[5:8], Status.PAGAR, gbg_lead)
    _set(gbg_forvaltning, items[8:10], Status.PAGAR, gbg_lead)
    _set(gbg_forvaltning, items[8:10], Status.HINDER, gbg_lead)
    _set(gbg_forvaltning, items[10:11], Status.EJ_AKTUELLT, gbg_lead)
    return gbg_forvaltning


def test_the_definition_by_hand():
    stats = readiness.Stats(total=19)
    for status, n in ((Status.KLAR, 5), (Status.PAGAR, 3), (Status.HINDER, 2)):
        stats.add_status(status, n)
    stats.add_status(Status.EJ_AKTUELLT)
    assert (stats.applicable, stats.done, stats.blocked, stats.not_started) == (18, 5, 2, 8)
    assert stats.done_share == pytest.approx(5 / 18)
    assert stats.weighted == pytest.approx((5 * 100 + 3 * 50) / 1800)
    assert readiness.headline_text(stats) == f"5 av 18 klara, 28{NBSP}%"
    blocked = readiness.Stats(total=19)
    blocked.add_status(Status.HINDER)
    pending = readiness.Stats(total=19)
    pending.add_status(Status.PAGAR)
    untouched = readiness.Stats(total=19)
    # Hinder never counts as progress: blocking an item raises neither figure.
    assert blocked.done_share == untouched.done_share == 0
    assert blocked.weighted == untouched.weighted == 0 < pending.weighted


def test_party_overview_dashboard_and_export_show_the_same_numbers(
    client, hand_made, styrgrupp_user
):
    headline = f"5 av 18 klara, 28{NBSP}%"
    weighted = f"36{NBSP}%"  # (5 × 100 + 3 × 50) / 1 800
    client.force_login(styrgrupp_user)
    party = client.get(reverse("implementation:party", args=["goteborg"])).content.decode()
    assert headline in party.split('id="part-andel"')[1].split("</div>")[0]
    assert f'<span id="part-viktad">{weighted}</span>' in party
    assert str(readiness.WEIGHTED_EXPLANATION) in party
    overview = client.get(reverse("implementation:index")).content.decode()
    assert headline in overview.split('id="andel-goteborg"')[1].split("</td>")[0]
    cell = client.get(reverse("dashboard:cell"), {"omrade": "part-goteborg"}).content.decode()
    assert f'<span id="cell-andel">{headline}</span>' in cell
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    row = dashboard.split(">Göteborg</a>")[1].split("</tr>")[0]
    assert row.endswith(
        '<span class="db-cell-value">28 %</span><span class="db-cell-detail" '
        'aria-hidden="true">5/18</span><span class="visually-hidden"> 5 av 18 klara</span>'
        "</a></td>"
    )
    export = client.get(reverse("implementation:party_export", args=["goteborg"]))
    sheet = load_workbook(io.BytesIO(export.content))["Sammanställning"]
    header, values = ([c.value for c in row] for row in sheet.iter_rows(max_row=2))
    got = dict(zip(header, values, strict=True))
    assert (got["Tillämpliga"], got["Klara"], got["Hinder"], got["Ej aktuellt"]) == (18, 5, 2, 1)
    assert got["Andel klara (%)"] == 28 and got["Klara av tillämpliga"] == headline
    assert got["Viktad framdrift (%)"] == 36
    # The maintained summaries the overview and dashboard read agree with the rows.
    assert summaries.stored_counts() == summaries.computed_counts()


def test_a_status_change_adds_its_deltas_by_hand():
    """The log's deltas (summed per week for the trends) by hand: Klar adds one done and 100
    points, Ej aktuellt one excluded, Pågår 50 points; Hinder adds nothing."""
    from implementation.readiness.definition import log_deltas

    assert log_deltas(Status.EJ_PABORJAD, Status.KLAR) == (1, 0, 100)
    assert log_deltas(Status.PAGAR, Status.KLAR) == (1, 0, 50)
    assert log_deltas(Status.KLAR, Status.HINDER) == (-1, 0, -100)
    assert log_deltas(Status.PAGAR, Status.HINDER) == (0, 0, -50)
    assert log_deltas(Status.EJ_PABORJAD, Status.HINDER) == (0, 0, 0)
    assert log_deltas(Status.PAGAR, Status.EJ_AKTUELLT) == (0, 1, -50)
    assert log_deltas(Status.EJ_AKTUELLT, Status.EJ_AKTUELLT) == (0, 0, 0)


@pytest.mark.parametrize("before", Status.values)
@pytest.mark.parametrize("after", Status.values)
def test_the_log_entry_counts_as_the_definition_says(before, after):
    from implementation.models import ProgressLog
    from implementation.readiness.definition import log_deltas

    entry = ProgressLog(status_before=before, status_after=after)
    entry.set_deltas()
    assert (entry.done_delta, entry.excluded_delta, entry.points_delta) == log_deltas(before, after)


def test_a_forvaltning_rolls_up_its_verksamheter_by_hand():
    from implementation.readiness.counts import with_verksamheter

    own = readiness.Stats(total=4, done=1, excluded=1, points=100)
    first = readiness.Stats(total=3, done=3, points=300)
    second = readiness.Stats(total=3, in_progress=1, blocked=1, points=50)
    rollup = with_verksamheter(own, [first, second])
    assert (rollup.total, rollup.applicable, rollup.done, rollup.blocked) == (10, 9, 4, 1)
    assert rollup.done_share == pytest.approx(4 / 9)
    assert rollup.weighted == pytest.approx(450 / 900)
