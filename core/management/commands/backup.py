"""manage.py backup <fil>: every row and every uploaded file in one ZIP archive (docs/backup.md)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Säkerhetskopierar all data (alla appars tabeller, användare med lösenordshashar, "
        "behörigheter, granskningslogg) och alla uppladdade filer till en ZIP-fil med manifest. "
        "Se docs/backup.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Fil att skriva, t.ex. hosportalen-2026-11-23.zip")
        parser.add_argument("--force", action="store_true", help="Skriv över en befintlig fil.")

    def handle(self, *args, file: str, force: bool, **options) -> None:
        path = Path(file)
        if path.exists() and not force:
            raise CommandError(f"{path} finns redan. Välj ett annat namn eller ange --force.")
        if path.is_dir():
            raise CommandError(f"{path} är en katalog; ange ett filnamn.")
        started = time.monotonic()
        try:
            result = write_backup(path)
        except BackupError as error:
            raise CommandError(f"Säkerhetskopieringen avbröts: {error}") from error
        manifest = result.manifest
        for label, info in manifest["models"].items():
            links = f" (+{info['m2m_links']} kopplingar)" if info["m2m_links"] else ""
            self.stdout.write(f"  {label}: {info['rows']} rader{links}")
        rows = sum(info["rows"] for info in manifest["models"].values())
        self.stdout.write(f"  uppladdade filer: {len(manifest['media'])}")
        for name in result.missing_files:
            self.stderr.write(f"  Varning: filen {name} saknas i lagringen och kom inte med.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Säkerhetskopian är skriven: {path} ({path.stat().st_size / 1e6:.1f} MB, "
                f"{rows} rader, {time.monotonic() - started:.1f} s)."
            )
        )
