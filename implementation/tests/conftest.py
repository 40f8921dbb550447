import pytest

from agreements.models import Party
from implementation.models import (
    Level,
    MembershipRole,
    Responsibility,
    Status,
    Unit,
    UnitMembership,
)
from implementation.services import progress_update


def make_unit(party_slug: str, name: str, level: str = Level.FORVALTNING, parent=None) -> Unit:
    from django.utils.text import slugify

    return Unit.objects.create(
        party=Party.objects.get(slug=party_slug),
        name=name,
        slug=slugify(name),
        level=level,
        parent=parent,
    )


def appoint(unit: Unit, user, role: str = MembershipRole.LEAD) -> UnitMembership:
    return UnitMembership.objects.create(unit=unit, user=user, role=role)


@pytest.fixture
def gbg_forvaltning(reference_data):
    return make_unit("goteborg", "Äldre samt vård- och omsorgsförvaltningen")


@pytest.fixture
def gbg_verksamhet(gbg_forvaltning):
    return make_unit("goteborg", "Hemsjukvård Centrum", Level.VERKSAMHET, gbg_forvaltning)


@pytest.fixture
def gbg_verksamhet2(gbg_forvaltning):
    return make_unit("goteborg", "Korttidsboende Hisingen", Level.VERKSAMHET, gbg_forvaltning)


@pytest.fixture
def boras_forvaltning(reference_data):
    return make_unit("boras", "Vård- och äldreförvaltningen")


@pytest.fixture
def boras_verksamhet(boras_forvaltning):
    return make_unit("boras", "Hemsjukvård Borås", Level.VERKSAMHET, boras_forvaltning)


@pytest.fixture
def gbg_lead(lead, gbg_forvaltning):
    """The Göteborg lead, appointed lead of the förvaltning (and so of its verksamheter)."""
    appoint(gbg_forvaltning, lead)
    return lead


@pytest.fixture
def boras_lead(other_lead, boras_forvaltning):
    appoint(boras_forvaltning, other_lead)
    return other_lead


@pytest.fixture
def v_item(reference_data):
    return Responsibility.objects.get(code="p2-verksamhet-rutiner-eskaleringstrappan")


@pytest.fixture
def f_item(reference_data):
    return Responsibility.objects.get(code="p2-forvaltning-dialogkonferenser")


def set_progress(unit, code, status, actor, comment="ok"):
    """One progress write through the service, by item code."""
    item = Responsibility.objects.get(code=code)
    return progress_update(
        unit=unit, responsibility=item, actor=actor, status=status, comment=comment
    )


@pytest.fixture
def tree(gbg_forvaltning, gbg_verksamhet, gbg_verksamhet2, forvaltare):
    """Verksamhet 1: 1 Klar, 1 Pågår, 1 Ej aktuellt. Verksamhet 2: 1 Hinder. Förvaltning: 1 Klar."""
    set_progress(gbg_verksamhet, "p1-verksamhet-eskaleringstrappan", Status.KLAR, forvaltare)
    set_progress(gbg_verksamhet, "p2-verksamhet-lokalt-inforande", Status.PAGAR, forvaltare)
    set_progress(gbg_verksamhet, "p2-verksamhet-utvecklingsbehov", Status.EJ_AKTUELLT, forvaltare)
    set_progress(gbg_verksamhet2, "p2-verksamhet-nya-arbetsrutiner", Status.HINDER, forvaltare)
    set_progress(gbg_forvaltning, "p1-forvaltning-roller", Status.KLAR, forvaltare)
    return gbg_forvaltning, gbg_verksamhet, gbg_verksamhet2
