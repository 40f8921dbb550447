import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_accounts_once():
    for _ in range(2):
        call_command("seed_demo", stdout=io.StringIO())
    from accounts.demo import DEMO_ACCOUNTS

    named = [account[0] for account in DEMO_ACCOUNTS]
    roles = dict(User.objects.filter(username__in=named).values_list("username", "role"))
    assert User.objects.filter(username__in=named, is_demo=True).count() == len(named)
    assert roles == {
        "admin": "forvaltare",
        "registrator": "registrator",
        "styrgrupp": "styrgrupp",
        "ia-goteborg": "implementeringsansvarig",
        "ia-boras": "implementeringsansvarig",
        "ia-sahlgrenska": "implementeringsansvarig",
        "samordnare-boras": "samordnare",
    }
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="ia-boras").party.name == "Borås"


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_wants_a_shared_cache_for_the_public_form_limit(tmp_path):
    """The public-POST limit counts in the cache: a process-local cache (the development
    default) is a deploy warning, a shared one is clean."""
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 20 + "x8Jq2!vL0#pZr7@wNs4$eY1%uT6^iO3&aQ9*dF5(gH0)jK",
        "ALLOWED_HOSTS": "hos.example.se",
        "AXES_PROXY_COUNT": "1",
        "SITE_URL": "https://hos.example.se",
        "VAR_DIR": str(tmp_path),
    }
    check = ("check", "--deploy", "--fail-level", "WARNING")
    local = _manage(*check, env={**production, "CACHE_URL": "locmemcache://hos"})
    assert local.returncode != 0
    assert "core.W001" in local.stderr + local.stdout
    shared = _manage(*check, env={**production, "CACHE_URL": "redis://127.0.0.1:6379/1"})
    assert shared.returncode == 0, shared.stdout + shared.stderr
    assert "no issues" in shared.stdout


def test_production_refuses_to_start_without_site_url(tmp_path):
    """Every link in e-mail and calendar files is built from SITE_URL: production has no
    default (a development var/site_url file is not read there either)."""
    (tmp_path / "site_url").write_text("http://127.0.0.1:8301\n")
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 20 + "x8Jq2!vL0#pZr7@wNs4$eY1%uT6^iO3&aQ9*dF5(gH0)jK",
        "ALLOWED_HOSTS": "hos.example.se",
        "AXES_PROXY_COUNT": "1",
        "SITE_URL": "",
        "VAR_DIR": str(tmp_path),
    }
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "SITE_URL must be set in production" in result.stderr


def test_make_run_s_base_address_reaches_later_commands(tmp_path):
    """`make run` writes VAR_DIR/site_url; a manage.py command started later without SITE_URL
    in its environment builds its links from it."""
    (tmp_path / "site_url").write_text("http://127.0.0.1:8301\n")
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = _manage("shell", "-c", code, env={"VAR_DIR": str(tmp_path), "SITE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8301"
    result = _manage(
        "shell",
        "-c",
        code,
        env={"VAR_DIR": str(tmp_path), "SITE_URL": "https://hos.example.se/"},
    )
    assert result.stdout.strip().splitlines()[-1] == "https://hos.example.se"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "",
        "ALLOWED_HOSTS": "x",
        "VAR_DIR": str(tmp_path),
    }
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_missing_migrations():
    result = _manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr


def test_translations_are_compiled_and_current():
    from core.i18n_compile import stale_catalogues

    assert stale_catalogues() == []


def test_every_package_with_tests_is_in_the_suite():
    """`make test` runs pytest's testpaths: a new app's tests must not be left out of it."""
    import configparser

    root = Path(__file__).resolve().parents[2]
    config = configparser.ConfigParser()
    config.read(root / "pytest.ini")
    listed = set(config["pytest"]["testpaths"].split())
    with_tests = {path.parent.parent.name for path in root.glob("*/tests/__init__.py")}
    assert with_tests - listed == set()
