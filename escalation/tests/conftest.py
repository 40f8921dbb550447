import datetime as dt

import pytest
from django.utils import timezone

from agreements.models import Agreement, Party
from escalation import services
from escalation.models import Case
from implementation.models import Level, Unit

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def parties(reference_data):
    return {p.slug: p for p in Party.objects.filter(slug__in=["vgr", "boras", "goteborg", "mark"])}


@pytest.fixture
def agreement(reference_data):
    return Agreement.objects.get(slug="ok-betalningsansvar-2027")


@pytest.fixture
def units(parties):
    boras = Unit.objects.create(
        party=parties["boras"],
        level=Level.FORVALTNING,
        name="Vård- och äldreförvaltningen",
        slug="vof",
    )
    hemsjukvard = Unit.objects.create(
        party=parties["boras"],
        level=Level.VERKSAMHET,
        name="Hemsjukvården",
        slug="hsv",
        parent=boras,
    )
    sahlgrenska = Unit.objects.get(party=parties["vgr"], slug="sahlgrenska-universitetssjukhuset")
    return {"boras": boras, "hemsjukvard": hemsjukvard, "sahlgrenska": sahlgrenska}


@pytest.fixture
def boras_lead(make_user, parties):
    return make_user(username="t-esk-boras", role="implementeringsansvarig", party=parties["boras"])


@pytest.fixture
def vgr_lead(make_user, parties):
    """VGR's ärendeansvarig: takes VGR's side in cases that name no VGR unit."""
    from escalation.models import CaseContact

    user = make_user(username="t-esk-vgr", role="implementeringsansvarig", party=parties["vgr"])
    CaseContact.objects.create(party=parties["vgr"], user=user)
    return user


@pytest.fixture
def category(reference_data):
    from escalation.models import Category

    return Category.objects.get(slug="lakaransvar")


@pytest.fixture
def resolve_both(boras_lead, vgr_lead):
    """Resolve a Borås–VGR case the only way a party can: Borås proposes, VGR confirms."""

    def resolve(case, outcome="Parterna är överens.", when=None):
        services.case_propose(case=case, actor=boras_lead, outcome=outcome, when=when)
        services.case_answer(case=case, actor=vgr_lead, accept=True, when=when)
        case.refresh_from_db()
        return case

    return resolve


@pytest.fixture
def gbg_lead(make_user, parties):
    return make_user(
        username="t-esk-gbg", role="implementeringsansvarig", party=parties["goteborg"]
    )


@pytest.fixture
def open_case(boras_lead, parties, agreement):
    def make(actor=None, **overrides) -> Case:
        data = {
            "actor": actor or boras_lead,
            "kind": Case.Kind.AVVIKELSE,
            "title": "Utskrivningsmeddelande kom sent",
            "description": "Meddelandet om utskrivning nådde hemsjukvården efter hemgång.",
            "agreement": agreement,
            "reporting_party": parties["boras"],
            "receiving_party": parties["vgr"],
        }
        data.update(overrides)
        return services.case_open(**data)

    return make


@pytest.fixture
def now():
    return timezone.now()
