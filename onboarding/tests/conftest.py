import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Party
from core.exports import Sheet, xlsx_bytes
from onboarding.services import COLUMNS


@pytest.fixture
def goteborg(reference_data):
    return Party.objects.get(slug="goteborg")


@pytest.fixture
def boras(reference_data):
    return Party.objects.get(slug="boras")


@pytest.fixture
def coordinator(make_user, goteborg):
    return make_user(username="t-samordnare-gbg", role="samordnare", party=goteborg)


@pytest.fixture
def other_coordinator(make_user, boras):
    return make_user(username="t-samordnare-boras", role="samordnare", party=boras)


def xlsx_upload(rows, name="organisation.xlsx", headers=COLUMNS):
    data = xlsx_bytes([Sheet("Organisation", list(headers), rows)])
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def org_rows(n_forvaltningar=4, per=9, leads=True):
    """n förvaltningar with `per` verksamheter each; a lead per unit; every förvaltning also
    gets a member (so people > units)."""
    rows = []
    for f in range(1, n_forvaltningar + 1):
        fname = f"Förvaltning {f}"
        rows.append(("Förvaltning", fname, "", f"Fia{f}", "Ek", f"fia{f}@gbg.test", "Ansvarig"))
        rows.append(("Förvaltning", fname, "", f"Mats{f}", "Al", f"mats{f}@gbg.test", "Medlem"))
        for v in range(1, per + 1):
            person = (
                (f"Vera{f}x{v}", "Ask", f"vera{f}x{v}@gbg.test", "Ansvarig")
                if leads
                else (
                    "",
                    "",
                    "",
                    "",
                )
            )
            rows.append(("Verksamhet", f"Verksamhet {f}.{v}", fname, *person))
    return rows
