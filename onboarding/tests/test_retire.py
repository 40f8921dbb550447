"""Retiring and restoring a unit (issue #19): who may, the preconditions, what leaves the
current lists and figures, what stays readable, and the audit trail both ways."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from implementation.models import Level, MembershipRole, Responsibility, Unit, UnitMembership
from implementation.readiness import summaries
from implementation.readiness.county import county_readiness
from implementation.services import membership_appoint, progress_update, unit_create
from onboarding import services
from onboarding.forms import party_units
from onboarding.models import Invitation, InvitedRole

from .conftest import xlsx_upload


@pytest.fixture
def org(goteborg, forvaltare, make_user):
    """A förvaltning with two verksamheter; a lead of the förvaltning and one of "Hemtjänst"."""
    forv = unit_create(party=goteborg, level=Level.FORVALTNING, name="Socialförv", actor=None)
    home = unit_create(
        party=goteborg, level=Level.VERKSAMHET, name="Hemtjänst", parent=forv, actor=None
    )
    other = unit_create(
        party=goteborg, level=Level.VERKSAMHET, name="Boende", parent=forv, actor=None
    )
    forv_lead = make_user(username="t-forv-lead", party=goteborg)
    home_lead = make_user(username="t-home-lead", party=goteborg)
    membership_appoint(unit=forv, user=forv_lead, role=MembershipRole.LEAD, actor=forvaltare)
    membership_appoint(unit=home, user=home_lead, role=MembershipRole.LEAD, actor=forvaltare)
    return {
        "forv": forv,
        "home": home,
        "other": other,
        "forv_lead": forv_lead,
        "home_lead": home_lead,
    }


def _retire_url(unit):
    return reverse("onboarding:unit_retire", args=[unit.party.slug, unit.slug])


def _restore_url(unit):
    return reverse("onboarding:unit_restore", args=[unit.party.slug, unit.slug])


def test_coordinator_retires_a_verksamhet_and_it_leaves_everything_current(
    client, coordinator, goteborg, org, forvaltare
):
    home = org["home"]
    item = Responsibility.objects.filter(level=Level.VERKSAMHET, is_active=True).first()
    progress_update(unit=home, responsibility=item, actor=forvaltare, status="klar")
    invitation = services.invite(
        actor=coordinator,
        email="ny@gbg.test",
        first_name="Ny",
        last_name="Person",
        party=goteborg,
        unit=home,
    ).invitation
    before = county_readiness(party=goteborg).rollup(lambda *cell: "all")["all"]
    client.force_login(coordinator)
    page = client.get(_retire_url(home))
    assert page.status_code == 200
    assert str(org["home_lead"]) in page.content.decode()  # whose appointment ends

    response = client.post(_retire_url(home), {"reason": "Sammanslagen med Boende"})

    assert response.status_code == 302
    home = Unit.all_objects.get(pk=home.pk)
    assert home.retired_at and home.retired_by == coordinator
    assert home.retired_reason == "Sammanslagen med Boende"
    assert not Unit.objects.filter(pk=home.pk).exists()
    assert home not in party_units(goteborg)
    assert not UnitMembership.objects.filter(unit=home, is_active=True).exists()
    assert not InvitedRole.objects.filter(unit=home).exists()
    assert Invitation.objects.get(pk=invitation.pk).is_open  # the person is still invited
    # The figures: the unit's items leave the denominator, its Klar leaves the numerator.
    after = county_readiness(party=goteborg).rollup(lambda *cell: "all")["all"]
    assert after.done == before.done - 1
    assert after.total < before.total
    assert summaries.stored_counts() == summaries.computed_counts()
    assert summaries.stored_weeks() == summaries.computed_weeks()
    # Audited: the retirement, each ended appointment, each invitation that lost the unit.
    event = AuditEvent.objects.get(action="onboarding.unit.retired")
    assert event.actor == coordinator and event.object_pk == str(home.pk)
    assert event.data["skäl"] == "Sammanslagen med Boende"
    assert event.data["avslutade uppdrag"] == f"{org['home_lead']} (Implementeringsansvarig)"
    assert event.data["inbjudningar utan enheten"] == "ny@gbg.test"
    ended = AuditEvent.objects.filter(action="onboarding.membership.ended_by_retirement")
    assert ended.count() == 1 and ended.get().actor == coordinator
    assert AuditEvent.objects.filter(action="onboarding.invitation.role_dropped").count() == 1
    # The party page no longer lists it; the retired page does.
    party_page = client.get(reverse("onboarding:party", args=[goteborg.slug])).content.decode()
    assert '<th scope="row">Hemtjänst</th>' not in party_page
    assert '<th scope="row">Boende</th>' in party_page
    assert "1 avvecklad enhet" in party_page
    # Its lead's appointment ended, yet it is no unit "without a lead": it is gone.
    without = client.get(reverse("implementation:without_lead")).content.decode()
    assert "Boende" in without and "Hemtjänst" not in without
    retired = client.get(reverse("onboarding:retired", args=[goteborg.slug])).content.decode()
    assert "Hemtjänst" in retired and "Sammanslagen med Boende" in retired


def test_an_old_link_shows_the_retired_unit_read_only_with_its_history(
    client, coordinator, org, forvaltare
):
    home = services.unit_retire(unit=org["home"], actor=coordinator, reason="Nedlagd")
    client.force_login(forvaltare)
    page = client.get(reverse("implementation:unit", args=[home.party.slug, home.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Avvecklad " in text and "kan inte ändras" in text
    assert "Enheten avvecklades" in text  # the history shows the event's label
    item = Responsibility.objects.filter(level=Level.VERKSAMHET, is_active=True).first()
    edit = reverse("implementation:progress", args=[home.party.slug, home.slug, item.code])
    assert client.post(edit, {"status": "klar"}).status_code == 403
    members = reverse("implementation:members", args=[home.party.slug, home.slug])
    assert client.post(members, {}).status_code == 403


def test_a_forvaltning_with_current_verksamheter_is_refused_naming_them(client, coordinator, org):
    client.force_login(coordinator)
    page = client.get(_retire_url(org["forv"])).content.decode()
    assert "Boende" in page and "Hemtjänst" in page
    assert "Avveckla enheten</button>" not in page
    response = client.post(_retire_url(org["forv"]), {"reason": "Omorganisation"})
    assert response.status_code == 200
    assert Unit.all_objects.get(pk=org["forv"].pk).retired_at is None
    with pytest.raises(Exception, match="Boende, Hemtjänst"):
        services.unit_retire(unit=org["forv"], actor=coordinator, reason="Omorganisation")
    assert not AuditEvent.objects.filter(action="onboarding.unit.retired").exists()
    # Once its verksamheter are retired, the förvaltning may go too.
    for unit in (org["home"], org["other"]):
        services.unit_retire(unit=unit, actor=coordinator, reason="Nedlagd")
    services.unit_retire(unit=org["forv"], actor=coordinator, reason="Nedlagd")
    assert Unit.all_objects.get(pk=org["forv"].pk).retired_at


def test_a_second_click_on_confirm_is_told_so_and_records_nothing_more(client, coordinator, org):
    client.force_login(coordinator)
    first = client.post(_retire_url(org["home"]), {"reason": "Nedlagd"})
    second = client.post(_retire_url(org["home"]), {"reason": "Nedlagd"}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "redan avvecklad" in second.content.decode()
    assert AuditEvent.objects.filter(action="onboarding.unit.retired").count() == 1
    with pytest.raises(Exception, match="redan avvecklad"):
        services.unit_retire(unit=org["home"], actor=coordinator, reason="Igen")


def test_who_may_retire_and_restore(client, coordinator, other_coordinator, org, lead, make_user):
    home, forv = org["home"], org["forv"]
    client.force_login(other_coordinator)  # Borås changes nothing of Göteborg's
    assert client.get(_retire_url(home)).status_code == 403
    assert client.post(_retire_url(home), {"reason": "x"}).status_code == 403
    client.force_login(lead)  # a Göteborg lead without this förvaltning
    assert client.post(_retire_url(home), {"reason": "x"}).status_code == 403
    client.logout()
    assert client.get(_retire_url(home)).status_code == 302  # to the login page
    # The förvaltning's lead: its own verksamheter, not the förvaltning itself.
    client.force_login(org["forv_lead"])
    assert client.post(_retire_url(forv), {"reason": "x"}).status_code == 403
    response = client.post(_retire_url(home), {"reason": "Nedlagd"})
    assert response.status_code == 302
    assert response.url == reverse("implementation:unit", args=[forv.party.slug, forv.slug])
    # Only the Förvaltare restores.
    for user in (coordinator, org["forv_lead"]):
        client.force_login(user)
        assert client.post(_restore_url(home)).status_code == 403
    assert Unit.all_objects.get(pk=home.pk).retired_at


def test_forvaltare_restores_a_retired_unit(client, forvaltare, coordinator, goteborg, org):
    services.unit_retire(unit=org["home"], actor=coordinator, reason="Misstag")
    client.force_login(forvaltare)
    assert client.get(_restore_url(org["home"])).status_code == 200
    response = client.post(_restore_url(org["home"]))
    assert response.status_code == 302
    home = Unit.objects.get(pk=org["home"].pk)
    assert home.retired_at is None and home.retired_reason == ""
    event = AuditEvent.objects.get(action="onboarding.unit.restored")
    assert event.actor == forvaltare and event.data["avvecklad"][1] is None
    assert summaries.stored_counts() == summaries.computed_counts()
    # The appointments stay ended (appoint anew).
    assert not UnitMembership.objects.filter(unit=home, is_active=True).exists()


def test_a_verksamhet_is_restored_only_after_its_forvaltning(forvaltare, coordinator, org):
    for unit in (org["home"], org["other"], org["forv"]):
        services.unit_retire(unit=unit, actor=coordinator, reason="Nedlagd")
    with pytest.raises(Exception, match="Socialförv är avvecklad"):
        services.unit_restore(unit=org["home"], actor=forvaltare)
    services.unit_restore(unit=org["forv"], actor=forvaltare)
    services.unit_restore(unit=org["home"], actor=forvaltare)
    assert Unit.objects.filter(pk=org["home"].pk).exists()


def test_an_import_naming_a_retired_unit_says_so_with_the_row(goteborg, coordinator, org):
    services.unit_retire(unit=org["home"], actor=coordinator, reason="Nedlagd")
    rows = [
        ("Förvaltning", "Socialförv", "", "", "", "", ""),
        ("Verksamhet", "Hemtjänst", "Socialförv", "Ann", "Ek", "ann@gbg.test", "Ansvarig"),
    ]
    checked = services.check_import(party=goteborg, upload=xlsx_upload(rows))
    lines = checked.report.lines()
    assert not checked.report.ok
    assert any("3" in line and "Enheten ”Hemtjänst” är avvecklad" in line for line in lines), lines


def test_a_new_unit_may_take_a_retired_units_name(goteborg, coordinator, org):
    services.unit_retire(unit=org["home"], actor=coordinator, reason="Nedlagd")
    again = unit_create(
        party=goteborg, level=Level.VERKSAMHET, name="Hemtjänst", parent=org["forv"], actor=None
    )
    assert again.slug != org["home"].slug
