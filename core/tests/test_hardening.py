"""Issue 13, items 3–5: sign-in behind a proxy, health details, cache headers, control
characters in forms, masked logs, production-only refusals."""

import datetime as dt
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD
from core.logmask import MaskSecretsFilter, mask_secrets
from core.signin import client_ip

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/konto/logga-in/"
PROXY = "10.0.0.2"


def _login(client, username, password, *, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# --- the client's address behind the proxy ---------------------------------------------------
@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy configured: the header is the client's own word
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a client-written entry is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_lockout_behind_the_proxy_is_keyed_on_the_real_client(settings, lead, other_lead):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, colleague = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, lead.username, "fel", forwarded="6.6.6.6, 203.0.113.5")
    locked = _login(attacker, lead.username, TEST_PASSWORD, forwarded="203.0.113.5")
    assert locked.status_code == 429
    # The lead, from their own address through the same proxy, still gets in.
    own = _login(colleague, lead.username, TEST_PASSWORD, forwarded="198.51.100.7")
    assert own.status_code == 302 and own["Location"] == "/"
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


@pytest.mark.django_db
def test_32_guesses_across_8_usernames_from_one_address_are_throttled(settings, make_user):
    settings.TRUSTED_PROXY_COUNT = 1
    users = [make_user(username=f"gissad-{n}") for n in range(8)]
    attacker = Client()
    refused = 0
    for user in users:
        for _ in range(4):  # under the per-username limit of 5
            response = _login(attacker, user.username, "fel", forwarded="203.0.113.66")
            refused += response.status_code == 429
    assert refused >= 32 - settings.AXES_ADDRESS_FAILURE_LIMIT
    # The address is refused even with a right password; another address is not.
    innocent = make_user(username="oskyldig")
    assert (
        _login(Client(), innocent.username, TEST_PASSWORD, forwarded="203.0.113.66").status_code
        == 429
    )
    other = _login(Client(), innocent.username, TEST_PASSWORD, forwarded="198.51.100.8")
    assert other.status_code == 302


# --- /halsa/ ----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "forwarded", "count", "allowed", "details"),
    [
        ("127.0.0.1", None, 0, [], True),
        ("::1", None, 0, [], True),
        ("203.0.113.9", None, 0, [], False),
        ("203.0.113.9", None, 0, ["203.0.113.9"], True),
        (PROXY, "127.0.0.1, 203.0.113.9", 1, [], False),  # a spoofed loopback is not trusted
        (PROXY, "192.0.2.10", 1, ["192.0.2.10"], True),
    ],
)
def test_health_details_only_to_loopback_and_listed_addresses(
    client, settings, remote, forwarded, count, allowed, details
):
    settings.TRUSTED_PROXY_COUNT = count
    settings.HEALTH_DETAIL_IPS = allowed
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.get(reverse("health"), **extra)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    if details:
        assert body["database"] == "ok" and "heartbeats" in body
    else:
        assert body == {"status": "ok"}


@pytest.mark.django_db
def test_health_without_details_is_still_503_when_something_is_down(client, monkeypatch):
    from core import views

    monkeypatch.setattr(views, "_broker_ok", lambda: False)
    response = client.get(reverse("health"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503
    assert response.json() == {"status": "fel"}


# --- Cache-Control and Permissions-Policy -----------------------------------------------------
@pytest.mark.django_db
def test_signed_in_pages_and_exports_are_not_stored(client, forvaltare):
    client.force_login(forvaltare)
    for url in [
        "/",
        reverse("agreements:register"),
        reverse("agreements:register_xlsx"),
        reverse("agreements:register_csv"),
        reverse("accounts:profile"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "camera=()" in response["Permissions-Policy"], url


@pytest.mark.django_db
def test_public_pages_are_not_stored_either(client):
    for url in [LOGIN, reverse("accessibility"), reverse("health")]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "geolocation=()" in response["Permissions-Policy"], url


def test_static_files_keep_their_own_cache(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- control characters in form fields ----------------------------------------------------------
@pytest.mark.django_db
def test_control_characters_are_stripped_from_form_fields(client, forvaltare):
    response = client.post(
        reverse("accessibility"),
        {"description": "Knappen\x00 syns\x1f inte.\r\nRad två\tmed tabb.", "page_url": "/a\x00v/"},
    )
    assert response.status_code == 302
    from core.models import AccessibilityReport

    report = AccessibilityReport.objects.get()
    assert report.description == "Knappen syns inte.\r\nRad två\tmed tabb."
    assert report.page_url == "/av/"


@pytest.mark.django_db
def test_control_characters_in_a_login_attempt_are_not_a_server_error(client, lead):
    response = client.post(LOGIN, {"username": lead.username + "\x00", "password": "x\x00"})
    assert response.status_code == 200


# --- log masking --------------------------------------------------------------------------------
SECRET_LINES = [
    ("GET /eskalering/kalender/Zk3-abcDEF_123.ics HTTP/1.1", "Zk3-abcDEF_123"),
    ("GET /konferenser/avanmalan/IjEyMyI:1kX2aB:abcdefghijklmnopqrstuvwxyz01/ HTTP/1.1", "IjEyMyI"),
    ("POST /konferenser/avanmalan/IjEyMyI:1kX2aB:abcdefghijklmnopqrstuvw/avboka/", "1kX2aB"),
    ("GET /konferenser/dialog/anmalan/?inbjudan=MTIz:1kX2aB:c2lnbmF0dXJlLXZhbHVl&x=1", "MTIz"),
    ("GET /konto/losenord/aterstall/MQ/cd3f5g-0123456789abcdef/ HTTP/1.1", "cd3f5g"),
    ("GET /konto/sso/svar/?code=hemlig-kod&state=hemligt-tillstand", "hemlig"),
    ("https://hos.example.se/x/?signature=abcdef0123", "abcdef0123"),
]


@pytest.mark.parametrize(("line", "secret"), SECRET_LINES)
def test_mask_secrets_hides_tokens(line, secret):
    masked = mask_secrets(line)
    assert secret not in masked
    assert "***" in masked


def test_mask_secrets_keeps_ordinary_lines():
    line = "GET /avtal/beslut/?forbund=gr&utfall=antaget&page=2 HTTP/1.1"
    assert mask_secrets(line) == line


def _gunicorn_access_line(path: str, query: str = "", referer: str = "-") -> str:
    from gunicorn.config import Config

    from hosavtal import gunicorn_conf

    config = Config()
    config.set("accesslog", "-")
    logger = gunicorn_conf.MaskingLogger(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.access_log.handlers = [handler]

    class Response:
        status = "200 OK"
        sent = 12
        headers = [("Content-Type", "text/calendar")]

    raw = path + ("?" + query if query else "")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Kalender/1.0",
    }
    logger.access(Response(), [("REFERER", referer)], environ, dt.timedelta(milliseconds=5))
    return stream.getvalue()


def test_gunicorn_access_log_masks_calendar_tokens_and_signed_links():
    line = _gunicorn_access_line("/eskalering/kalender/Zk3-abcDEF_123.ics")
    assert "/eskalering/kalender/***.ics" in line
    assert "Zk3-abcDEF_123" not in line
    line = _gunicorn_access_line(
        "/konferenser/dialog/anmalan/",
        "inbjudan=MTIz:1kX2aB:c2lnbmF0dXJlLXZhbHVl",
        referer="https://hos.example.se/konferenser/avanmalan/IjEyMyI:1kX2aB:abcdefghijklmnopqrstu/",
    )
    assert "inbjudan=***" in line
    assert "c2lnbmF0dXJl" not in line and "abcdefghijklmnopqrstu" not in line
    assert " 200 " in line and "Kalender/1.0" in line


def test_portal_log_records_are_masked_too(settings):
    assert "mask_secrets" in settings.LOGGING["handlers"]["console"]["filters"]
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s",
        ("/eskalering/kalender/Zk3-abcDEF_123.ics",), None,
    )  # fmt: skip
    assert MaskSecretsFilter().filter(record) is True
    assert record.getMessage() == "Not Found: /eskalering/kalender/***.ics"


# --- production-only rules --------------------------------------------------------------------
@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    from accounts.models import User

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="produktion"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(is_demo=True).exists()


# The variables README's production list documents as required.
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "p" * 20 + "x8Jq2!vL0#pZr7@wNs4$eY1%uT6^iO3&aQ9*dF5(gH0)jK",
    "ALLOWED_HOSTS": "hos.example.se",
    "SITE_URL": "https://hos.example.se",
    "CSRF_TRUSTED_ORIGINS": "https://hos.example.se",
    "DATABASE_URL": "postgres://hos@127.0.0.1:5432/hosavtal",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:pw@smtp.example.se:587",
    "AXES_PROXY_COUNT": "1",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def _run(args: list[str], env: dict, tmp_path) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECURE_", "AXES_"))
        and k not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "CACHE_URL"}
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "hosavtal.settings",
            "VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_the_proxy_count(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AXES_PROXY_COUNT"}
    result = _run(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "AXES_PROXY_COUNT must be set in production" in result.stderr


def test_production_cookies_carry_the_host_prefix(tmp_path):
    script = (
        "import json, django; from django.conf import settings; django.setup(); print(json.dumps("
        "[settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_PATH,"
        " settings.CSRF_COOKIE_PATH, settings.SESSION_COOKIE_DOMAIN, settings.CSRF_COOKIE_DOMAIN,"
        " settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.TRUSTED_PROXY_COUNT]))"
    )
    result = _run(["-c", script], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "__Host-sessionid", "__Host-csrftoken", "/", "/", None, None, True, True, 1,
    ]  # fmt: skip


@pytest.mark.django_db
def test_host_prefixed_cookies_are_set_as_the_prefix_requires(settings, client, lead):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get(LOGIN)
    response = client.post(LOGIN, {"username": lead.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"], name
