"""The registrar's participant list: each row's content, escaping and cancel form."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from agreements.models import Party
from conferences.models import Registration
from conferences.tests.factories import RegistrationFactory


def _row(page: str, name: str) -> str:
    start = page.rindex("<tr>", 0, page.index(name))
    return page[start : page.index("</tr>", start)]


def test_rows_show_person_organisation_status_and_a_working_cancel_form(
    client, conference, registrator
):
    ale = Party.objects.get(slug="ale")
    confirmed = RegistrationFactory(
        conference=conference, name="Åsa <Öberg>", party=ale, title="Chef & samordnare"
    )
    offered = RegistrationFactory(
        conference=conference,
        name="Erbjuden Person",
        status=Registration.Status.ERBJUDEN,
        offer_expires_at=timezone.make_aware(dt.datetime(2026, 12, 1, 12, 0)),
        attended=True,
    )
    client.force_login(registrator)
    page = client.get(reverse("conferences:participants", args=[conference.slug])).content
    page = page.decode()

    row = _row(page, "Åsa &lt;Öberg&gt;")
    assert '<th scope="row" class="fw-normal">Åsa &lt;Öberg&gt;<div class="small">' in row
    assert f"{confirmed.email}</div>" in row
    assert '<div class="small text-body-secondary">Chef &amp; samordnare</div>' in row
    assert '<td>Ale<div class="small text-body-secondary">GR</div></td>' in row
    assert '<td><span class="status status-ok">Bekräftad</span></td>' in row
    assert "–</td>" in row  # not attended
    action = f"/konferenser/{conference.slug}/deltagare/{confirmed.pk}/avboka/"
    # A link to the confirmation page (issue 17), which posts with its own CSRF token.
    assert f'<a class="btn btn-sm btn-outline-danger" href="{action}">' in row
    confirm = client.get(action).content.decode()
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]{20,}"', confirm)
    assert '<span class="visually-hidden"> Åsa &lt;Öberg&gt;</span>' in row

    other = _row(page, "Erbjuden Person")
    assert "Testorganisationen" in other
    assert '<div class="small">till 2026-12-01' in other
    assert '<span class="status status-ok">Närvarade</span>' in other
    assert offered.get_status_display() in other

    response = client.post(action)
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == Registration.Status.AVBOKAD
