"""Public POSTs are rate-limited per client address and view (core.middleware)."""

import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import Party
from conferences.models import Registration
from conferences.tests.factories import ConferenceFactory
from core.models import AccessibilityReport

pytestmark = pytest.mark.django_db


def _report(client, n: int):
    return client.post(
        reverse("accessibility"), {"description": f"Knappen saknar etikett ({n})"}, follow=False
    )


def test_past_the_rate_a_public_form_answers_429_in_swedish_and_saves_nothing(settings):
    settings.PUBLIC_POST_RATE = "3/10m"
    client = Client()
    assert [_report(client, n).status_code for n in range(3)] == [302, 302, 302]
    refused = _report(client, 4)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    text = refused.content.decode()
    assert "För många försök på kort tid" in text and "sparades inte" in text
    assert AccessibilityReport.objects.count() == 3


def test_another_address_keeps_its_own_count(settings):
    settings.PUBLIC_POST_RATE = "2/10m"
    first, second = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="198.51.100.8")
    assert [_report(first, n).status_code for n in range(3)] == [302, 302, 429]
    assert _report(second, 9).status_code == 302
    assert AccessibilityReport.objects.count() == 3


def test_behind_the_proxy_the_real_client_is_counted(settings):
    """One trusted proxy: the address it adds on the right of X-Forwarded-For is the client;
    what a client writes further left is not believed, so it cannot dodge the count."""
    settings.PUBLIC_POST_RATE = "2/10m"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    alice = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert [_report(alice, n).status_code for n in range(2)] == [302, 302]
    dodging = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert _report(dodging, 3).status_code == 429
    bob = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert _report(bob, 4).status_code == 302


def test_the_public_conference_registration_is_limited_and_writes_nothing_past_it(
    settings, reference_data
):
    settings.PUBLIC_POST_RATE = "2/10m"
    conference = ConferenceFactory()
    url = reverse("conferences:register", args=[conference.slug])
    ale = str(Party.objects.get(slug="ale").pk)
    client = Client()

    def register(n):
        return client.post(
            url,
            {
                "name": f"Person {n}",
                "email": f"person{n}@ale.se",
                "party": ale,
                "role": "tjansteperson",
                "title": "Enhetschef",
                "consent": "on",
            },
        )

    assert [register(n).status_code for n in range(3)] == [302, 302, 429]
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        "person0@ale.se",
        "person1@ale.se",
    ]


def test_signed_in_forms_and_public_pages_read_with_get_are_not_counted(settings, forvaltare):
    settings.PUBLIC_POST_RATE = "1/10m"
    client = Client()
    assert [client.get(reverse("accessibility")).status_code for _ in range(3)] == [200] * 3
    client.force_login(forvaltare)
    # A signed-in person's POSTs to public views (the language choice, a report) are not
    # counted: they are known and accountable.
    statuses = [
        client.post(reverse("set_language"), {"language": "sv", "next": "/"}).status_code
        for _ in range(3)
    ] + [_report(client, n).status_code for n in range(3)]
    assert statuses == [302] * 6
    assert AccessibilityReport.objects.count() == 3
    client.logout()
    assert [_report(client, n).status_code for n in range(2)] == [302, 429]


def test_one_address_cannot_be_flooded_with_password_resets_or_reports(settings):
    """Per target e-mail, whatever the client address (core.ratelimit): five an hour."""
    settings.PUBLIC_POST_RATE = "1000/10m"
    url = reverse("accounts:password_reset")
    codes = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(url, {"email": "Offer@Kommun.test"}).status_code
        for n in range(6)
    ]
    assert codes == [302] * 5 + [429]
    # Another address is not affected.
    assert Client().post(url, {"email": "annan@kommun.test"}).status_code == 302

    def report(n, email):
        return Client(REMOTE_ADDR=f"203.0.113.{n}").post(
            reverse("accessibility"), {"description": f"Fel {n}", "email": email}
        )

    assert [report(n, "rapportor@kommun.test").status_code for n in range(6)] == [302] * 5 + [429]
    # Reports without an address are only limited per client address.
    assert [report(n, "").status_code for n in range(7)] == [302] * 7
    assert AccessibilityReport.objects.count() == 12
