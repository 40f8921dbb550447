"""The import `make bench` measures (bench/pages.py adds it to its jobs): a party's organisation
of 2 000 units (100 förvaltningar × 19 verksamheter) with a lead each, checked (dry run) and
confirmed, then rolled back so that the data set stays the same."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from agreements.models import Party
from core.exports import Sheet, xlsx_bytes
from onboarding import services

FORVALTNINGAR, PER = 100, 19  # 100 + 1 900 = 2 000 units


class _Rollback(Exception):
    pass


def rows() -> list[tuple]:
    out = []
    for f in range(FORVALTNINGAR):
        name = f"Bänkförvaltning {f}"
        out.append(
            ("Förvaltning", name, "", "Förnamn", f"F{f}", f"bank-f{f}@bench.test", "Ansvarig")
        )
        for v in range(PER):
            out.append(
                (
                    "Verksamhet",
                    f"Bänkverksamhet {f}.{v}",
                    name,
                    "Förnamn",
                    f"V{f}.{v}",
                    f"bank-v{f}-{v}@bench.test",
                    "Ansvarig",
                )
            )
    return out


def import_2000_units() -> None:
    party = Party.objects.municipalities().order_by("name").last()
    actor = User.objects.get(username="admin")
    data = xlsx_bytes([Sheet("Organisation", list(services.COLUMNS), rows())])
    try:
        with transaction.atomic():
            upload = SimpleUploadedFile("bank.xlsx", data)
            checked = services.check_import(party=party, upload=upload)
            assert checked.report.ok, checked.report.lines()[:5]
            batch = services.store_batch(party=party, actor=actor, upload=upload, checked=checked)
            counts = services.apply_import(batch=batch, actor=actor)
            assert counts["units"] == FORVALTNINGAR * (PER + 1), counts
            raise _Rollback
    except _Rollback:
        pass


def bench_jobs() -> list[tuple[str, Callable[[], None], Callable[[], int]]]:
    return [
        (
            "organisation: import av 2 000 enheter med ansvariga (kontroll + bekräftelse)",
            import_2000_units,
            lambda: FORVALTNINGAR * (PER + 1),
        )
    ]
