"""Backup and restore of the whole portal: every row of every app plus the uploaded files.

The archive is one ZIP file (see docs/backup.md for why):

- ``manifest.json``: format version, created-at, Django version, the schema state (every applied
  migration), per model the entry name and row count (and the number of many-to-many links), per
  uploaded file its size and SHA-256.
- ``data/<app_label>.<model>.jsonl``: the rows of one model in Django's JSON Lines serialization,
  primary keys kept. References to content types and permissions are written as natural keys,
  because those two tables are not in the archive: ``migrate`` creates them in the target, with
  other ids.
- ``media/<name>``: every file a FileField refers to, under its storage name.

Writing streams model by model (``QuerySet.iterator``); reading streams line by line. Neither
holds a whole table in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, reset_queries, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone

FORMAT = "hosportalen-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 500

# Not in the archive, and why:
EXCLUDED = {
    "contenttypes.contenttype",  # made by migrate; referred to by natural key
    "auth.permission",  # made by migrate; referred to by natural key
    "sessions.session",  # logins are not data; users log in again after a restore
    "axes.accessattempt",  # live lock-out counters (minutes); the login history is kept
    "axes.accessattemptexpiration",  # belongs to the lock-out counters
    "core.heartbeat",  # liveness of the running worker/beat, rewritten every minute
}
# Targets of references written as natural keys (their ids differ between databases).
NATURAL_KEY_MODELS = (ContentType, Permission)


class BackupError(Exception):
    """The archive cannot be written or restored; the message is Swedish, for the operator."""


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model of every installed app, except EXCLUDED, in INSTALLED_APPS order."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]


def auto_m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    """Many-to-many fields whose link table has no model of its own (they travel with ``model``)."""
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def entry_name(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def schema_state(using: str = "default") -> list[list[str]]:
    """Every migration recorded as applied in the database, as sorted [app, name] pairs."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def schema_differences(applied: Iterable[Iterable[str]]) -> tuple[list[str], list[str]]:
    """Compare a backup's applied migrations with the migrations in this code.

    Returns (missing, unknown): migrations of the code that were not applied in the backed-up
    database (the backup is older than the code), and migrations the backup had that the code
    does not know (the backup is newer than the code).
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = {tuple(pair) for pair in applied}
    known = set(loader.disk_migrations)
    missing = sorted(f"{a}.{n}" for a, n in set(loader.graph.nodes) - applied)
    unknown = sorted(
        f"{a}.{n}" for a, n in applied if a in loader.migrated_apps and (a, n) not in known
    )
    return missing, unknown


# --- writing ------------------------------------------------------------------------------
class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep their microseconds (it cuts them to
    milliseconds, after ECMA-262: a restore would not give back the same values)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(jsonl.Serializer):
    """JSON Lines with natural keys only for references to content types and permissions."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, NATURAL_KEY_MODELS)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, NATURAL_KEY_MODELS)
        super().handle_m2m_field(obj, field)


def _queryset(model: type[models.Model], using: str) -> models.QuerySet:
    """All rows in pk order; natural-key targets joined and links prefetched (no query per row)."""
    queryset = model._base_manager.using(using).order_by("pk")
    natural = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and issubclass(f.related_model, NATURAL_KEY_MODELS)
    ]
    if natural:
        queryset = queryset.select_related(*natural)
    lookups = []
    for f in auto_m2m_fields(model):
        related = f.related_model._base_manager.using(using)
        if f.related_model is Permission:  # written as natural key: codename + content type
            related = related.select_related("content_type")
        else:
            related = related.only("pk")
        lookups.append(Prefetch(f.name, queryset=related))
    if lookups:
        queryset = queryset.prefetch_related(*lookups)
    return queryset


class _Counted:
    """Passes objects through and counts them and their many-to-many links."""

    def __init__(self, objects: Iterable[models.Model], m2m: list[models.ManyToManyField]):
        self.objects, self.m2m, self.rows, self.links = objects, m2m, 0, 0

    def __iter__(self) -> Iterator[models.Model]:
        for obj in self.objects:
            self.rows += 1
            cache = getattr(obj, "_prefetched_objects_cache", {})
            self.links += sum(len(cache.get(f.name, ())) for f in self.m2m)
            yield obj


def _copy_hashed(source, target) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(1024 * 1024):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    missing_files: list[str] = field(default_factory=list)


def write_backup(path: Path, *, using: str = "default") -> BackupResult:
    """Write the archive to ``path`` atomically (a temporary file beside it, then a rename)."""
    path = Path(path)
    check_schema(
        schema_state(using),
        subject="Databasens schema",
        advice="Kör manage.py migrate först, eller säkerhetskopiera med den version av portalen "
        "som databasen hör till.",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(temp_name, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            result = _write_archive(archive, using)
        with open(temp_name, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    result.path = path
    return result


def _write_archive(archive: zipfile.ZipFile, using: str) -> BackupResult:
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, so that counts and relations agree with each other.
            # (SQLite gets that from the transaction itself.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "django_version": django.get_version(),
            "database_vendor": connection.vendor,
            "migrations": schema_state(using),
            "latest_migrations": {},  # per app, for people reading the manifest
            "models": {},
            "media": [],
        }
        for app, name in manifest["migrations"]:
            manifest["latest_migrations"][app] = max(
                name, manifest["latest_migrations"].get(app, "")
            )
        files: set[tuple[str, str]] = set()  # (model.field, storage name)
        for model in backed_up_models():
            m2m = auto_m2m_fields(model)
            counted = _Counted(_queryset(model, using).iterator(chunk_size=2000), m2m)
            with (
                archive.open(entry_name(model), "w", force_zip64=True) as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text,
            ):
                _Serializer().serialize(counted, stream=text, cls=_Encoder)
            manifest["models"][model._meta.label_lower] = {
                "entry": entry_name(model),
                "rows": counted.rows,
                "m2m_links": counted.links,
            }
            for file_field in file_fields(model):
                label = f"{model._meta.label_lower}.{file_field.name}"
                names = (
                    model._base_manager.using(using)
                    .exclude(**{file_field.attname: ""})
                    .values_list(file_field.attname, flat=True)
                )
                for name in names.iterator():
                    files.add((label, name))
    missing = []
    for label, name in sorted(files):
        model_label, field_name = label.rsplit(".", 1)
        storage = apps.get_model(model_label)._meta.get_field(field_name).storage
        if not storage.exists(name):
            missing.append(name)
            continue
        with storage.open(name, "rb") as source, archive.open(f"media/{name}", "w") as target:
            size, sha256 = _copy_hashed(source, target)
        manifest["media"].append({"field": label, "name": name, "size": size, "sha256": sha256})
    manifest["missing_media"] = missing
    archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupResult(path=Path(), manifest=manifest, missing_files=missing)


# --- reading ------------------------------------------------------------------------------
def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError(f"Filen saknar en läsbar manifest.json: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError("Filen är ingen säkerhetskopia från HoS-portalen.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Säkerhetskopian har formatversion {manifest.get('format_version')}; "
            f"den här versionen av portalen läser version {FORMAT_VERSION}."
        )
    return manifest


def check_schema(applied: Iterable[Iterable[str]], *, subject: str, advice: str) -> None:
    """Refuse unless ``applied`` is exactly the code's migrations."""
    missing, unknown = schema_differences(applied)
    if missing or unknown:
        lines = [f"{subject} stämmer inte med koden."]
        if missing:
            lines.append("Migreringar i koden som inte är körda:")
            lines += [f"  {name}" for name in missing[:20]]
        if unknown:
            lines.append("Körda migreringar som koden inte känner till:")
            lines += [f"  {name}" for name in unknown[:20]]
        lines.append(advice)
        raise BackupError("\n".join(lines))


def check_archive(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Check, before anything is written, that the archive holds what its manifest says."""
    check_schema(
        manifest["migrations"],
        subject="Säkerhetskopians databasschema",
        advice="Återställ med den version av portalen som tog säkerhetskopian.",
    )
    expected = {m._meta.label_lower for m in backed_up_models()}
    if set(manifest["models"]) != expected:
        extra = sorted(set(manifest["models"]) - expected)
        absent = sorted(expected - set(manifest["models"]))
        raise BackupError(
            f"Säkerhetskopians modeller stämmer inte med koden (okända: {extra}, saknas: {absent})."
        )
    try:
        for label, info in manifest["models"].items():
            with archive.open(info["entry"]) as entry:
                rows = sum(1 for line in entry if line.strip())
            if rows != info["rows"]:
                raise BackupError(
                    f"Säkerhetskopian är skadad eller ändrad: {label} har {rows} rader i filen "
                    f"men {info['rows']} enligt manifestet."
                )
        for item in manifest["media"]:
            with archive.open(f"media/{item['name']}") as entry:
                size, sha256 = _copy_hashed(entry, _Discard())
            if (size, sha256) != (item["size"], item["sha256"]):
                raise BackupError(
                    f"Säkerhetskopian är skadad eller ändrad: filen {item['name']} stämmer inte "
                    "med manifestet."
                )
    except (KeyError, zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"Säkerhetskopian är skadad: {error}") from error


class _Discard:
    def write(self, data: bytes) -> None:
        pass


def non_empty_models(using: str = "default") -> list[str]:
    """Backed-up models whose table exists and already holds rows."""
    tables = set(connections[using].introspection.table_names())
    return [
        model._meta.label_lower
        for model in backed_up_models()
        if model._meta.db_table in tables and model._base_manager.using(using).exists()
    ]


def _insert(model: type[models.Model], objects: list[models.Model], using: str) -> None:
    """Insert rows as they are (raw: no save(), no signals, auto_now fields kept)."""
    fields = model._meta.local_concrete_fields
    # The same insert Model.save_base(raw=True) makes, i.e. loaddata, but batched.
    model._base_manager.using(using)._insert(objects, fields=fields, using=using, raw=True)


def _load_entry(archive, model, using: str) -> None:
    m2m = {f.name: f for f in auto_m2m_fields(model)}
    batch: list = []
    links: dict[str, list] = {name: [] for name in m2m}

    def flush() -> None:
        if batch:
            _insert(model, batch, using)
            batch.clear()
            reset_queries()  # with DEBUG on, Django would keep the last 9 000 large INSERTs
        for name, rows in links.items():
            if rows:
                m2m[name].remote_field.through._base_manager.using(using).bulk_create(rows)
                rows.clear()

    with (
        archive.open(entry_name(model)) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text,
    ):
        for item in jsonl.Deserializer(text, using=using, ignorenonexistent=False):
            obj = item.object
            if type(obj) is not model:
                raise BackupError(f"{entry_name(model)} innehåller rader av en annan modell.")
            batch.append(obj)
            for name, values in (item.m2m_data or {}).items():
                through, f = m2m[name].remote_field.through, m2m[name]
                source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
                links[name] += [
                    through(**{f"{source}_id": obj.pk, f"{target}_id": value}) for value in values
                ]
            if len(batch) >= BATCH:
                flush()
    flush()


def _count_links(model, using: str) -> int:
    return sum(
        f.remote_field.through._base_manager.using(using).count() for f in auto_m2m_fields(model)
    )


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, tuple[int, int]]  # label -> (rows in manifest, rows in database)
    media_files: int


def restore_archive(
    archive: zipfile.ZipFile,
    manifest: dict,
    *,
    using: str = "default",
    progress: Callable[[str], None] = lambda line: None,
) -> RestoreResult:
    """Load every row and file in one transaction; verify counts; roll back on any difference."""
    connection = connections[using]
    written: list[tuple] = []
    counts: dict[str, tuple[int, int]] = {}
    try:
        with transaction.atomic(using=using):
            loaded = []
            for model in backed_up_models():
                _load_entry(archive, model, using)
                loaded.append(model)
                progress(f"{model._meta.label_lower}: inläst")
            tables = [m._meta.db_table for m in loaded]
            try:
                connection.check_constraints(table_names=tables)
            except Exception as error:  # IntegrityError, with the backend's own message
                raise BackupError(f"Säkerhetskopiens relationer är inte hela: {error}") from error
            through = [f.remote_field.through for m in loaded for f in auto_m2m_fields(m)]
            statements = connection.ops.sequence_reset_sql(no_style(), loaded + through)
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
            wrong = []
            for model in loaded:
                label = model._meta.label_lower
                info = manifest["models"][label]
                rows = model._base_manager.using(using).count()
                counts[label] = (info["rows"], rows)
                if rows != info["rows"] or _count_links(model, using) != info["m2m_links"]:
                    wrong.append(label)
            if wrong:
                raise BackupError(
                    "Antalet rader efter återställningen stämmer inte med manifestet för: "
                    + ", ".join(wrong)
                )
            _restore_media(archive, manifest, written)
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return RestoreResult(manifest=manifest, counts=counts, media_files=len(manifest["media"]))


def _restore_media(archive, manifest: dict, written: list) -> None:
    for item in manifest["media"]:
        model_label, field_name = item["field"].rsplit(".", 1)
        storage = apps.get_model(model_label)._meta.get_field(field_name).storage
        name = item["name"]
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                if _copy_hashed(existing, _Discard())[1] == item["sha256"]:
                    continue
            raise BackupError(
                f"Filen {name} finns redan i lagringen med annat innehåll; flytta undan den först."
            )
        with archive.open(f"media/{name}") as source, tempfile.TemporaryFile() as buffer:
            shutil.copyfileobj(source, buffer)
            buffer.seek(0)
            saved = storage.save(name, File(buffer, name=name))
        written.append((storage, saved))
        if saved != name:
            raise BackupError(f"Filen {name} sparades som {saved}; lagringen ändrade namnet.")
