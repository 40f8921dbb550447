"""Every overview page makes the same number of queries at small and at large data sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from implementation.models import (
    Level,
    MembershipRole,
    Progress,
    ProgressLog,
    Responsibility,
    Status,
    Unit,
    UnitMembership,
)

pytestmark = pytest.mark.django_db

STATUSES = [Status.KLAR, Status.PAGAR, Status.HINDER, Status.EJ_AKTUELLT, Status.EJ_PABORJAD]


def grow(forvaltning, lead, *, verksamheter: int, make_user) -> None:
    """Add verksamheter with leads, a progress row per item and a log entry per row."""
    units = Unit.objects.bulk_create(
        [
            Unit(
                party=forvaltning.party,
                parent=forvaltning,
                level=Level.VERKSAMHET,
                name=f"Verksamhet {n} {forvaltning.pk}",
                slug=slugify(f"verksamhet-{n}-{forvaltning.pk}"),
            )
            for n in range(verksamheter)
        ]
    )
    items = list(Responsibility.objects.filter(level=Level.VERKSAMHET))
    rows = Progress.objects.bulk_create(
        [
            Progress(unit=u, responsibility=i, status=STATUSES[(u.pk + i.pk) % 5], updated_by=lead)
            for u in units
            for i in items
        ]
    )
    ProgressLog.objects.bulk_create(
        [
            ProgressLog(
                progress=p,
                unit_id=p.unit_id,
                responsibility_id=p.responsibility_id,
                responsibility_title="x",
                status_before=Status.EJ_PABORJAD,
                status_after=p.status,
                author=lead,
            )
            for p in rows
        ]
    )
    UnitMembership.objects.bulk_create(
        [UnitMembership(unit=u, user=lead, role=MembershipRole.MEMBER) for u in units[::2]]
    )


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


def pages(forvaltning, verksamhet):
    party, slug = forvaltning.party.slug, forvaltning.slug
    unit_path = reverse("implementation:unit", args=[party, slug])
    return {
        "index": reverse("implementation:index"),
        "min sida": reverse("implementation:my_page"),
        "part": reverse("implementation:party", args=[party]),
        "förvaltning": unit_path,
        "matris": reverse("implementation:matrix", args=[party, slug]),
        "verksamhet": reverse("implementation:unit", args=[party, verksamhet.slug]),
        "utan ansvarig": reverse("implementation:without_lead"),
        "faser": reverse("implementation:phases"),
        "export": reverse("implementation:unit_export", args=[party, slug]),
        "partexport": reverse("implementation:party_export", args=[party]),
    }


def test_page_queries_do_not_grow_with_data(
    client, gbg_lead, gbg_forvaltning, gbg_verksamhet, make_user
):
    client.force_login(gbg_lead)
    paths = pages(gbg_forvaltning, gbg_verksamhet)
    small = {name: queries(client, path) for name, path in paths.items()}
    grow(gbg_forvaltning, gbg_lead, verksamheter=60, make_user=make_user)
    large = {name: queries(client, path) for name, path in paths.items()}
    assert large == small
    assert max(small.values()) <= 20, small
    # Pinned, so that a page that gains a query says so. The signed-in user comes with their
    # party (accounts.backends), which the header names. The county overview reads the
    # readiness summaries; Min sida sums its units' stats from its checklist; the förvaltning
    # page reads its group and its verksamheter's leads in one query, and its verksamheter's
    # stats in two; the unit pages read their items' named files and links in one, and their
    # history (``{% historik unit %}``) reads the audit events and the row diffs (one each).
    assert small == {
        "index": 8,
        "min sida": 8,  # + bodies' actions of the user (one query)
        "part": 7,
        "förvaltning": 16,  # + the joint documents' state on related items (one query)
        "matris": 7,
        "verksamhet": 14,  # + the joint documents' state on related items (one query)
        "utan ansvarig": 5,  # + onboarding's open invitations (one query)
        "faser": 4,
        "export": 9,
        "partexport": 9,
    }, small
