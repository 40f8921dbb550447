"""manage.py backup / restore: everything out, everything back into an empty database, intact.

The restore runs in a subprocess against a database of its own (a fresh SQLite file, or a fresh
PostgreSQL database in the real-services test), exactly as an operator runs it, with its own
MEDIA_ROOT. Row values, relations, passwords and files are compared with the source.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

from core.backup import EXCLUDED, backed_up_models

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hos-demo-2026"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
DOCX = b"PK\x03\x04" + os.urandom(3000)


# --- what is compared ---------------------------------------------------------------------
def _plain(value):
    """A value in a form that is the same whichever database it was read from."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value) if value is not None else None


def fingerprint() -> dict:
    """Per backed-up model: row count, and a hash over every column of every row in pk order,
    with references to content types and permissions (whose ids differ between databases) as
    natural keys, plus every many-to-many link. Runs in the test and in the restored process."""
    natural = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    perms = {
        p.pk: f"{natural[p.content_type_id]}.{p.codename}"
        for p in Permission.objects.only("content_type", "codename")
    }
    result = {}
    for model in backed_up_models():
        fields = model._meta.concrete_fields
        columns = [f.attname for f in fields]
        mapped = {
            i: natural if f.related_model is ContentType else perms
            for i, f in enumerate(fields)
            if f.is_relation and f.related_model in (ContentType, Permission)
        }
        digest = hashlib.sha256()
        count = 0
        for row in model._base_manager.order_by("pk").values_list(*columns).iterator():
            row = [
                mapped[i].get(v) if i in mapped and v is not None else v for i, v in enumerate(row)
            ]
            digest.update(json.dumps([_plain(v) for v in row]).encode())
            count += 1
        for f in model._meta.many_to_many:
            through = f.remote_field.through
            source, target = f.m2m_field_name() + "_id", f.m2m_reverse_field_name() + "_id"
            links = sorted(
                (a, perms[b] if f.related_model is Permission else b)
                for a, b in through.objects.values_list(source, target)
            )
            digest.update(json.dumps([f.name, links]).encode())
        result[model._meta.label_lower] = [count, digest.hexdigest()]
    return result


PROBE = f"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.urls import reverse
from core.tests.test_backup_restore import fingerprint, sequences_behind
state = fingerprint()  # first: the login and the new rows below change data
behind = sequences_behind() if connection.vendor == "postgresql" else None
client = Client(SERVER_NAME="localhost")
response = client.post(reverse("accounts:login"), {{"username": "admin", "password": {PASSWORD!r}}})
login = response.status_code == 302 and client.session.get("_auth_user_id") is not None
print(json.dumps({{"fingerprint": state, "login": login, "sequences": behind}}))
"""


def sequences_behind() -> dict:
    """PostgreSQL: models whose id sequence is below the highest restored id, and the ids that a
    new audit entry and a new group get (they must be above the restored ones)."""
    from auditlog.models import LogEntry

    behind = []
    with connection.cursor() as cursor:
        for model in backed_up_models():
            table, column = model._meta.db_table, model._meta.pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                continue
            cursor.execute(f'SELECT max("{column}") FROM "{table}"')
            highest = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value FROM {sequence}")
            if highest is not None and cursor.fetchone()[0] < highest:
                behind.append(model._meta.label_lower)
    top_log = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    top_group = Group.objects.order_by("-pk").values_list("pk", flat=True).first()
    group = Group.objects.create(name=f"Ny efter återställning {uuid.uuid4().hex[:6]}")
    entry = LogEntry.objects.log_create(group, action=LogEntry.Action.CREATE, changes={})
    return {
        "behind": behind,
        "new_log_above": entry.pk > top_log,
        "new_group_above": group.pk > (top_group or 0),
    }


def _run(args: list[str], env: dict, *, check: bool = True) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DJANGO_ENV": "development", **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env["DJANGO_SETTINGS_MODULE"] = "hosavtal.settings"
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=240
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def restore_in_subprocess(backup: Path, env: dict, *, check: bool = True):
    return _run(["manage.py", "restore", str(backup)], env, check=check)


def probe(env: dict) -> dict:
    return json.loads(_run(["-c", PROBE], env).stdout.strip().splitlines()[-1])


# --- building the source ------------------------------------------------------------------
@pytest.fixture(scope="module", autouse=True)
def _migrations_table(django_db_setup, django_db_blocker):
    """The test database has no django_migrations table (built without migrations); make it
    here, outside any transaction (SQLite cannot create tables inside the tests' one)."""
    with django_db_blocker.unblock():
        MigrationRecorder(connection).ensure_schema()


def record_migrations_as_applied() -> None:
    """Tests build their database from the models (--no-migrations), so nothing is recorded in
    django_migrations; record the code's migrations, as in a migrated database."""
    with override_settings(MIGRATION_MODULES={}):
        nodes = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    recorder = MigrationRecorder(connection)
    for app, name in nodes:
        recorder.record_applied(app, name)


def build_data_set(tmp_path: Path, settings) -> dict[str, bytes]:
    """Reference data and the small demo, plus uploads, audit entries, login history and a
    group with permissions. Returns the uploaded files (storage name -> bytes)."""
    from accounts.models import User
    from agreements.models import Agreement, AgreementDocument
    from conferences.models import Conference, ConferenceDocument
    from implementation.models import Evidence, Progress

    settings.MEDIA_ROOT = tmp_path / "source-media"
    call_command("seed_demo", stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    # A real hasher (the tests' MD5 is not available to the restoring process), cheap rounds.
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    admin.save(update_fields=["password"])
    group = Group.objects.create(name="Granskare")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:5])
    admin.groups.add(group)
    admin.user_permissions.add(Permission.objects.get(codename="change_party"))
    document = AgreementDocument.objects.create(
        agreement=Agreement.objects.order_by("pk").first(),
        title="Avtalstext",
        file=ContentFile(PDF, name="avtal.pdf"),
        added_by=admin,
    )
    conference_document = ConferenceDocument.objects.create(
        conference=Conference.objects.order_by("pk").first(),
        title="Manus",
        file=ContentFile(DOCX, name="manus.docx"),
        uploaded_by=admin,
    )
    progress = Progress.objects.order_by("pk").first()
    evidence = Evidence(progress=progress, name="Underlag")
    evidence.file.save("underlag.pdf", ContentFile(PDF[::-1]), save=True)
    AccessLog.objects.create(username="admin", ip_address="127.0.0.1", user_agent="test")
    LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[group], action_flag=ADDITION, change_message="Skapad"
    )
    record_migrations_as_applied()
    return {
        document.file.name: PDF,
        conference_document.file.name: DOCX,
        evidence.file.name: PDF[::-1],
    }


def sqlite_env(tmp_path: Path, name: str) -> dict:
    (tmp_path / f"{name}-media").mkdir(exist_ok=True)
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / (name + '.sqlite3')}",
        "MEDIA_ROOT": str(tmp_path / f"{name}-media"),
    }


def sqlite_counts(env: dict) -> dict[str, int]:
    """Rows per backed-up table of a subprocess's SQLite database, read directly."""
    with closing(sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))) as db:
        return {
            model._meta.db_table: db.execute(
                f'SELECT count(*) FROM "{model._meta.db_table}"'
            ).fetchone()[0]
            for model in backed_up_models()
        }


def tamper(backup: Path, target: Path, change) -> Path:
    """A copy of the archive with its manifest or one data entry changed by ``change``."""
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            copy.writestr(info.filename, data)
    return target


# --- SQLite -> SQLite ---------------------------------------------------------------------
@pytest.mark.django_db
def test_backup_and_restore_into_an_empty_database_keeps_everything(tmp_path, settings):
    files = build_data_set(tmp_path, settings)
    source = fingerprint()
    backup = tmp_path / "hos.zip"

    call_command("backup", str(backup), stdout=io.StringIO())

    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert sorted(archive.namelist()) == sorted(
            ["manifest.json"]
            + [info["entry"] for info in manifest["models"].values()]
            + [f"media/{name}" for name in files]
        )
    assert {label: info["rows"] for label, info in manifest["models"].items()} == {
        label: count for label, (count, _) in source.items()
    }
    assert not EXCLUDED & set(manifest["models"])
    assert manifest["models"]["auditlog.logentry"]["rows"] > 100
    assert manifest["models"]["accounts.user"]["m2m_links"] == 2
    assert ["agreements", "0001_initial"] in manifest["migrations"]
    assert manifest["latest_migrations"]["agreements"] >= "0003"

    # A file whose last rows point at a user that does not exist: everything is rolled back.
    env = sqlite_env(tmp_path, "target")
    last = manifest["models"]["bodies.meeting"]["entry"]

    def dangling(name, data):
        if name != last:
            return data
        lines = data.decode().splitlines()
        row = json.loads(lines[-1])
        row["fields"]["created_by"] = 999_999
        return "\n".join([*lines[:-1], json.dumps(row)]).encode()

    broken = restore_in_subprocess(
        tamper(backup, tmp_path / "broken.zip", dangling), env, check=False
    )
    assert broken.returncode != 0
    assert "Återställningen avbröts" in broken.stderr
    assert set(sqlite_counts(env).values()) == {0}
    assert not any(Path(env["MEDIA_ROOT"]).rglob("*.*"))

    done = restore_in_subprocess(backup, env)
    assert "Återställningen är klar" in done.stdout
    for label, (count, _) in source.items():
        assert f"{label}: {count} av {count} rader – stämmer" in done.stdout
    restored = probe(env)
    assert restored["fingerprint"] == source
    assert restored["login"] is True
    for name, content in files.items():
        assert (Path(env["MEDIA_ROOT"]) / name).read_bytes() == content


# --- refusals, before anything is written -------------------------------------------------
@pytest.fixture
def small_backup(reference_data, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    record_migrations_as_applied()
    backup = tmp_path / "small.zip"
    call_command("backup", str(backup), stdout=io.StringIO())
    return backup


def test_restore_refuses_a_database_that_holds_data(small_backup):
    from agreements.models import Party

    parties = Party.objects.count()
    with pytest.raises(CommandError, match="Databasen innehåller redan data"):
        call_command("restore", str(small_backup), stdout=io.StringIO())
    assert Party.objects.count() == parties


def test_restore_refuses_a_file_whose_rows_do_not_match_the_manifest(small_backup, tmp_path):
    def one_row_less(name, data):
        if name == "data/agreements.party.jsonl":
            return b"\n".join(data.splitlines()[:-1]) + b"\n"
        return data

    tampered = tamper(small_backup, tmp_path / "tampered.zip", one_row_less)
    with pytest.raises(CommandError, match="agreements.party har 50 rader i filen men 51"):
        call_command("restore", str(tampered), stdout=io.StringIO())


def test_restore_refuses_a_changed_uploaded_file(small_backup, tmp_path, settings):
    from agreements.models import Agreement, AgreementDocument

    AgreementDocument.objects.create(
        agreement=Agreement.objects.first(), title="Avtal", file=ContentFile(PDF, name="a.pdf")
    )
    backup = tmp_path / "with-file.zip"
    call_command("backup", str(backup), stdout=io.StringIO())
    tampered = tamper(
        backup, tmp_path / "t.zip", lambda n, d: d + b"x" if n.startswith("media/") else d
    )
    with pytest.raises(CommandError, match="filen avtal/.*/a.pdf stämmer inte med manifestet"):
        call_command("restore", str(tampered), stdout=io.StringIO())


def test_restore_refuses_a_backup_from_another_schema(small_backup, tmp_path, settings):
    def older(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].remove(["agreements", "0003_decision_deadline_for_new_agreements"])
        manifest["migrations"].append(["agreements", "0099_from_the_future"])
        return json.dumps(manifest).encode()

    tampered = tamper(small_backup, tmp_path / "old.zip", older)
    settings.MIGRATION_MODULES = {}  # this process's migration loader sees the real migrations
    with pytest.raises(CommandError, match="databasschema stämmer inte") as refused:
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert "agreements.0003_decision_deadline_for_new_agreements" in str(refused.value)
    assert "agreements.0099_from_the_future" in str(refused.value)


def test_backup_refuses_an_unmigrated_database_and_leaves_no_file(
    reference_data, tmp_path, settings
):
    settings.MIGRATION_MODULES = {}  # the migrations exist, none is recorded as applied
    target = tmp_path / "x.zip"
    with pytest.raises(CommandError, match="Databasens schema stämmer inte med koden"):
        call_command("backup", str(target), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_backup_refuses_to_overwrite_an_existing_file(small_backup):
    before = small_backup.read_bytes()
    with pytest.raises(CommandError, match="finns redan"):
        call_command("backup", str(small_backup), stdout=io.StringIO())
    assert small_backup.read_bytes() == before


# --- PostgreSQL ---------------------------------------------------------------------------
@pytest.fixture
def fresh_postgres_database():
    """An empty PostgreSQL database of its own (hos_backup_<random>), dropped afterwards."""
    import psycopg

    settings_db = connection.settings_dict
    name = f"hos_backup_{uuid.uuid4().hex[:10]}"
    base = f"postgres://{settings_db['USER']}@{settings_db['HOST']}:{settings_db['PORT']}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_to_sqlite_to_postgres_keeps_everything(
    real_services, fresh_postgres_database, tmp_path, settings
):
    """Both directions across engines: a PostgreSQL backup restored into SQLite, that SQLite
    database backed up and restored into an empty PostgreSQL database. Whatever either step lost
    or changed would show in the final comparison with the source."""
    files = build_data_set(tmp_path, settings)
    source = fingerprint()
    backup = tmp_path / "pg.zip"
    call_command("backup", str(backup), stdout=io.StringIO())

    lite = sqlite_env(tmp_path, "lite")
    restore_in_subprocess(backup, lite)
    from_sqlite = tmp_path / "from-sqlite.zip"
    _run(["manage.py", "backup", str(from_sqlite)], lite)

    (tmp_path / "pg-media").mkdir()
    env = {"DATABASE_URL": fresh_postgres_database, "MEDIA_ROOT": str(tmp_path / "pg-media")}
    done = restore_in_subprocess(from_sqlite, env)
    assert "Återställningen är klar" in done.stdout

    restored = probe(env)
    assert restored["fingerprint"] == source
    assert restored["login"] is True
    for name, content in files.items():
        assert (tmp_path / "pg-media" / name).read_bytes() == content
    # New rows after the restore get fresh ids: every sequence is past the restored rows.
    assert restored["sequences"] == {"behind": [], "new_log_above": True, "new_group_above": True}
