import pytest

from agreements.models import Party
from implementation.models import Level, MembershipRole, Responsibility, Unit, UnitMembership


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
