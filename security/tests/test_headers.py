"""Security headers on every kind of response, and the production transport settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse

from security.tests.world import PDF

ROOT = Path(__file__).resolve().parents[2]
ONE_YEAR = 365 * 24 * 60 * 60


@pytest.fixture
def pages(db, make_user):
    """A logged-in client and one URL of each kind: a normal page, a public page, an error
    page (404), a file download and a public calendar file."""
    from agreements.models import Agreement, AgreementDocument
    from conferences.tests.factories import ConferenceFactory

    agreement = Agreement.objects.create(
        slug="s-avtal", kind="avtal", generation="ny", title="Avtal", short_title="Avtal"
    )
    document = AgreementDocument(agreement=agreement, title="Avtalstext")
    document.file.save("avtal.pdf", ContentFile(PDF), save=True)
    conference = ConferenceFactory()
    client = Client()
    client.force_login(make_user(username="s-huvud", role="forvaltare"))
    return client, {
        "normal": reverse("accounts:profile"),
        "public": reverse("accessibility"),
        "error": "/finns-inte/",
        "download": reverse("agreements:document_download", args=[document.pk]),
        "public-file": reverse("conferences:ics", args=[conference.slug]),
    }


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


EXPECTED_STATUS = {"normal": 200, "public": 200, "error": 404, "download": 200, "public-file": 200}


@pytest.mark.parametrize("kind", list(EXPECTED_STATUS))
def test_security_headers_on_every_kind_of_response(pages, kind):
    client, urls = pages
    response = client.get(urls[kind])
    assert response.status_code == EXPECTED_STATUS[kind]
    csp = csp_directives(response["Content-Security-Policy"])
    scripts = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "*" not in scripts and "data:" not in scripts
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_and_csrf_cookies_are_httponly(db, make_user):
    make_user(username="s-kaka")
    client = Client()
    client.get(reverse("accounts:login"))
    assert client.cookies["csrftoken"]["httponly"]
    client.post(
        reverse("accounts:login"), {"username": "s-kaka", "password": "losenord-for-test-123"}
    )
    assert client.cookies["sessionid"]["httponly"]


# --- production ------------------------------------------------------------------------------
PRODUCTION_NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
]


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory):
    """The security settings as hosavtal.settings computes them under DJANGO_ENV=production
    (loaded in a subprocess with the environment a deployment sets)."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {PRODUCTION_NAMES!r}}}))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))},
        "DJANGO_SETTINGS_MODULE": "hosavtal.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "s" * 20 + "x8Jq2!vL0#pZr7@wNs4$eY1%uT6^iO3&aQ9*dF5(gH0)jK",
        "ALLOWED_HOSTS": "testserver",
        "AXES_PROXY_COUNT": "1",
        "SITE_URL": "https://testserver",
        "VAR_DIR": str(tmp_path_factory.mktemp("var")),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_are_strict(production_settings):
    values = production_settings
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for name in [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
    ]:
        assert values[name] is True, name


def test_production_redirects_http_and_sends_hsts_over_https(production_settings, db, make_user):
    make_user(username="s-prod")
    with override_settings(**production_settings):
        client = Client()
        plain = client.get(reverse("accounts:login"))
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://testserver/")
        assert "Strict-Transport-Security" not in plain

        # Behind the proxy: the request arrived over HTTPS.
        https = {"HTTP_X_FORWARDED_PROTO": "https"}
        page = client.get(reverse("accounts:login"), **https)
        assert page.status_code == 200
        hsts = dict(
            (part.strip().split("=") + [""])[:2]
            for part in page["Strict-Transport-Security"].split(";")
        )
        assert int(hsts["max-age"]) >= ONE_YEAR
        assert "includeSubDomains" in hsts
        assert production_settings["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
        assert client.cookies["__Host-csrftoken"]["secure"]

        client.post(
            reverse("accounts:login"),
            {"username": "s-prod", "password": "losenord-for-test-123"},
            **https,
        )
        assert production_settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
        session = client.cookies["__Host-sessionid"]
        assert session["secure"] and session["httponly"]
