"""The dashboard shows the joint documents' figures (documents.figures), and its "since"
section counts the backing decisions made since the chosen day."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from agreements.models import Party
from documents.models import Backing
from documents.tests.conftest import final_version, guideline  # noqa: F401  (fixtures)


@pytest.mark.django_db
def test_backing_of_a_joint_document_is_on_the_dashboard(
    client,
    styrgrupp_user,
    registrator,
    final_version,  # noqa: F811
):
    from documents import services

    cache.clear()
    parties = list(Party.objects.agreement_parties().order_by("name"))
    for party in parties[:3]:
        services.backing_record(
            actor=registrator,
            version=final_version,
            party=party,
            body="Kommunstyrelsen",
            decided_on=dt.date(2026, 10, 1),
            outcome=Backing.Outcome.BACKED,
        )
    client.force_login(styrgrupp_user)
    page = client.get(reverse("dashboard:index") + "?sedan=2026-09-01").content.decode()
    assert "Gemensamma dokument" in page
    assert f"3 av {len(parties)} parter" in page
    assert "Gäller inte" in page
    assert "3 beslut om att ställa sig bakom" in page
    assert reverse("documents:backing", args=[final_version.pk]) in page
