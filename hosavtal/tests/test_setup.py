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


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 20 + "x8Jq2!vL0#pZr7@wNs4$eY1%uT6^iO3&aQ9*dF5(gH0)jK",
            "ALLOWED_HOSTS": "hos.example.se",
            "VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
