"""manage.py restore <fil>: an archive from manage.py backup into an empty database."""

import time
import zipfile

from auditlog.context import disable_auditlog
from django.core.exceptions import SuspiciousFileOperation
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from core.backup import (
    BackupError,
    check_archive,
    non_empty_models,
    read_manifest,
    restore_archive,
)


class Command(BaseCommand):
    help = (
        "Återställer en säkerhetskopia från manage.py backup till en TOM databas: kontrollerar "
        "filen, migrerar vid behov, läser in allt i en transaktion, återställer filerna och "
        "jämför antalet rader per modell med manifestet. Se docs/backup.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Säkerhetskopian (ZIP-fil från manage.py backup)")

    def handle(self, *args, file: str, **options) -> None:
        started = time.monotonic()
        try:
            with zipfile.ZipFile(file) as archive:
                manifest = read_manifest(archive)
                self.stdout.write(f"Säkerhetskopia från {manifest['created_at']}; kontrollerar…")
                check_archive(archive, manifest)
                occupied = non_empty_models()
                if occupied:
                    raise BackupError(
                        "Databasen innehåller redan data (" + ", ".join(occupied[:8]) + "). "
                        "Återställning görs bara till en tom databas; inget har ändrats."
                    )
                self._migrate()
                with disable_auditlog():
                    result = restore_archive(archive, manifest)
        except (BackupError, zipfile.BadZipFile, OSError, SuspiciousFileOperation) as error:
            raise CommandError(f"Återställningen avbröts: {error}") from error
        for label, (expected, actual) in result.counts.items():
            self.stdout.write(f"  {label}: {actual} av {expected} rader – stämmer")
        self.stdout.write(f"  uppladdade filer: {result.media_files}")
        total = sum(actual for _, actual in result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Återställningen är klar: {total} rader i {len(result.counts)} modeller, "
                f"{time.monotonic() - started:.1f} s."
            )
        )

    def _migrate(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.stdout.write(f"Databasen migreras ({len(plan)} migreringar)…")
            call_command("migrate", interactive=False, verbosity=0)
