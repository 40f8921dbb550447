"""The cheaper reads behind Min sida and the unit pages give what the plain reads gave."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from implementation import evidence, selectors
from implementation.models import Progress, ProgressLog, Responsibility, Status
from implementation.services import NewEvidence, progress_update, responsibility_set_active
from implementation.tests.conftest import set_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(tree, gbg_verksamhet2, forvaltare):
    """The shared tree, plus a retired item with progress: it counts nowhere."""
    set_progress(gbg_verksamhet2, "p2-verksamhet-lokalt-inforande", Status.KLAR, forvaltare)
    responsibility_set_active(
        item=Responsibility.objects.get(code="p2-verksamhet-lokalt-inforande"),
        actor=forvaltare,
        active=False,
    )
    return tree


def test_stats_from_checklist_rows_equal_the_database_roll_up(tree):
    units = list(tree)
    ids = [u.pk for u in units]
    from_rows = selectors.rows_stats(selectors.checklist(units), ids)
    assert from_rows == selectors.unit_stats(ids, {u.pk: u.level for u in units})
    f, v1, v2 = (from_rows[u.pk] for u in units)
    assert (v1.total, v1.done, v1.excluded, v1.in_progress, v1.points) == (18, 1, 1, 0, 100)
    assert (v2.total, v2.done, v2.blocked, v2.points) == (18, 0, 1, 0)  # Hinder counts nothing
    assert (f.total, f.done, f.points) == (19, 1, 100)


def test_forvaltning_roll_up_with_the_pages_own_stats(tree):
    forvaltning, v1, v2 = tree
    plain = selectors.forvaltning_rollup(forvaltning)
    own = selectors.total(g.stats for g in selectors.unit_checklist_by_phase(forvaltning))
    assert selectors.forvaltning_rollup(forvaltning, own=own) == plain
    children, stats, rollup = plain
    assert children == [v1, v2] and stats[forvaltning.pk] == own
    assert (rollup.total, rollup.done, rollup.excluded, rollup.blocked) == (55, 2, 1, 1)


def test_recent_log_is_the_newest_entries_over_all_units(tree, forvaltare):
    forvaltning, v1, v2 = tree
    start = timezone.now() - dt.timedelta(days=30)
    for n, entry in enumerate(ProgressLog.objects.order_by("pk")):
        # Interleave the units in time; two entries share a timestamp (ties go to the higher id).
        entry.created_at = start + dt.timedelta(hours=[5, 2, 5, 1, 7, 3][n])
        entry.save(update_fields=["created_at"])
    ids = [forvaltning.pk, v1.pk, v2.pk]
    expected = list(ProgressLog.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert len(expected) == 6
    for limit in (1, 3, 10):
        got = [e.pk for e in selectors.recent_log(ids, limit=limit)]
        assert got == expected[:limit]
    only_v1 = [e.pk for e in selectors.recent_log([v1.pk], limit=10)]
    assert only_v1 == [pk for pk in expected if ProgressLog.objects.get(pk=pk).unit_id == v1.pk]


def test_unit_page_checklist_rows_escape_and_link(client, gbg_lead, gbg_verksamhet, v_item):
    progress_update(
        unit=gbg_verksamhet,
        responsibility=v_item,
        actor=gbg_lead,
        status=Status.PAGAR,
        comment="ok",
        next_step="Steg <ett>\nSteg två & tre",
        add_evidence=(NewEvidence(name="Rutin", url="https://example.se/rutin?a=1&b=2"),),
    )

    def provider(unit_ids, item_ids):
        return {
            (gbg_verksamhet.pk, v_item.pk): [
                evidence.EvidenceLine("Konferens <maj>", "/k/?x=1&y=2", done=True),
                evidence.EvidenceLine("Anmäld utan länk"),
            ]
        }

    evidence.register(provider)
    try:
        client.force_login(gbg_lead)
        page = client.get(
            reverse("implementation:unit", args=[gbg_verksamhet.party.slug, gbg_verksamhet.slug])
        ).content.decode()
    finally:
        evidence.unregister(provider)
    progress_url = reverse(
        "implementation:progress",
        args=[gbg_verksamhet.party.slug, gbg_verksamhet.slug, v_item.code],
    )
    assert f'<tr id="ansvar-{v_item.code}" class="ia-card">' in page
    assert f'<a href="{progress_url}">{v_item.title}</a>' in page
    assert (
        f'<a class="btn btn-sm btn-outline-primary ia-change" href="{progress_url}">'
        f'<span class="ia-change-text">Ändra status</span>'
        f'<span class="visually-hidden">: {v_item.title}</span></a>'
    ) in page
    assert "Steg &lt;ett&gt;<br>Steg två &amp; tre" in page
    assert '<a href="https://example.se/rutin?a=1&amp;b=2">Rutin</a>' in page
    assert (
        '<span class="status status-ok">Uppfyllt</span> <a href="/k/?x=1&amp;y=2">'
        "Konferens &lt;maj&gt;</a>"
    ) in page
    assert '<span class="status status-neutral">Underlag</span> Anmäld utan länk' in page
    assert (
        '<td class="ia-card-status" data-label="Status"><span class="status status-info">'
        "Pågår</span><a class"
    ) in page
    assert Progress.objects.get().status == Status.PAGAR
    # The recent log: the change, with its author, and the comment escaped.
    assert (
        f"{gbg_lead}: <strong>{v_item.title}</strong>\n"
        '<span class="status status-neutral">Ej påbörjad</span> → '
        '<span class="status status-info">Pågår</span>\n<br>ok</li>'
    ) in page
    # Every active verksamhet item has its row, once.
    active = Responsibility.objects.filter(level=v_item.level, is_active=True)
    assert page.count('<tr id="ansvar-') == active.count()


def test_units_without_lead_page_lists_and_links_them(
    client, gbg_lead, gbg_forvaltning, gbg_verksamhet, boras_verksamhet
):
    gbg_verksamhet.name = "Vård & <omsorg>"
    gbg_verksamhet.save()
    client.force_login(gbg_lead)
    page = client.get(reverse("implementation:without_lead")).content.decode()
    party, unit = gbg_verksamhet.party, gbg_verksamhet
    unit_url = reverse("implementation:unit", args=[party.slug, unit.slug])
    party_url = reverse("implementation:party", args=[party.slug])
    assert (
        f'<tr><td><a href="{party_url}">{party.name}</a></td><th scope="row">'
        f'<a href="{unit_url}">Vård &amp; &lt;omsorg&gt;</a></th><td>Verksamhet</td>'
        f"<td>{gbg_forvaltning.name}</td></tr>"
    ) in page
    # The Göteborg förvaltning has a lead (the fixture's), so it is not listed.
    forvaltning_url = reverse("implementation:unit", args=[party.slug, gbg_forvaltning.slug])
    assert f'href="{forvaltning_url}"' not in page
    boras_url = reverse(
        "implementation:unit", args=[boras_verksamhet.party.slug, boras_verksamhet.slug]
    )
    assert boras_url in page
    only_gbg = client.get(reverse("implementation:without_lead") + f"?part={party.slug}")
    assert unit_url in only_gbg.content.decode() and boras_url not in only_gbg.content.decode()
