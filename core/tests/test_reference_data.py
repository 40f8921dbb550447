import io

import pytest
from django.core.management import call_command

from agreements.models import Agreement, Delregion, Federation, JointBody, Milestone, Party
from implementation.models import Level, Unit


def load_twice():
    for _ in range(2):
        call_command("load_reference_data", stdout=io.StringIO())


@pytest.mark.django_db
def test_reference_data_is_exactly_the_brief_and_idempotent():
    load_twice()
    parties = Party.objects.agreement_parties()
    assert parties.count() == 50
    assert parties.filter(kind=Party.Kind.REGION).get().slug == "vgr"
    assert parties.filter(kind=Party.Kind.KOMMUN).count() == 49
    counts = {
        f.short_name: f.members.filter(is_agreement_party=True).count()
        for f in Federation.objects.all()
    }
    assert counts == {"GR": 12, "Fyrbodal": 14, "Boråsregionen": 8, "Skaraborg": 15}
    kungsbacka = Party.objects.get(name="Kungsbacka")
    assert kungsbacka.federation.short_name == "GR"
    assert kungsbacka.is_agreement_party is False
    assert Agreement.objects.filter(generation="ny").count() == 5
    assert Agreement.objects.filter(generation="gammalt").count() == 5
    assert JointBody.objects.filter(slug="vastkom").exists()
    assert Delregion.objects.count() == 6
    assert Milestone.objects.filter(date="2027-01-01").exists()


@pytest.mark.django_db
def test_every_municipality_has_a_delregion_and_assumptions_are_flagged():
    load_twice()
    municipalities = Party.objects.municipalities()
    assert not municipalities.filter(delregion__isnull=True).exists()
    uncertain = set(municipalities.filter(delregion_uncertain=True).values_list("name", flat=True))
    assert uncertain == {"Lilla Edet", "Lerum"}
    assert Party.objects.get(name="Lilla Edet").delregion.slug == "fyrbodal"


@pytest.mark.django_db
def test_agreements_dates_and_links():
    load_twice()
    new = Agreement.objects.get(slug="hos-avtal-2027")
    old = Agreement.objects.get(slug="hos-avtal-2017")
    assert str(new.valid_from) == "2027-01-01"
    assert new.replaces == old
    assert str(old.valid_to) == "2026-12-31"
    assert str(old.terminated_on) == "2025-11-04"
    assert new.sub_agreements.count() == 4
    assert old.sub_agreements.count() == 4


@pytest.mark.django_db
def test_reload_never_overwrites_what_a_forvaltare_edited():
    load_twice()
    Party.objects.filter(slug="ale").update(registry_email="registrator@ale.se")
    Delregion.objects.filter(slug="samla").update(name="SAMLA (ändrad)")
    call_command("load_reference_data", stdout=io.StringIO())
    assert Party.objects.get(slug="ale").registry_email == "registrator@ale.se"
    assert Delregion.objects.get(slug="samla").name == "SAMLA (ändrad)"


@pytest.mark.django_db
def test_vgr_forvaltningar_are_reference_units():
    load_twice()
    forvaltningar = Unit.objects.filter(party__slug="vgr", level=Level.FORVALTNING)
    assert forvaltningar.count() == 9
    assert forvaltningar.filter(name="Sahlgrenska Universitetssjukhuset").exists()
    siv = Unit.objects.get(name="Sjukhusen i väster")
    assert set(siv.children.values_list("name", flat=True)) == {
        "Alingsås lasarett",
        "Kungälvs sjukhus",
        "Angereds Närsjukhus",
        "Frölunda Specialistsjukhus",
    }
