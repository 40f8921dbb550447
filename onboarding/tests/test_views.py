import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from agreements.models import Federation, JointBody
from core.models import OutboxMessage
from implementation.models import Level, MembershipRole, Unit, UnitMembership
from implementation.services import membership_appoint, unit_create
from onboarding import permissions, services
from onboarding.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def forvaltning(goteborg, forvaltare):
    return unit_create(party=goteborg, level=Level.FORVALTNING, name="Social", actor=forvaltare)


@pytest.fixture
def federation_coordinator(make_user, goteborg):
    return make_user(username="t-sam-gr", role="samordnare", federation=goteborg.federation)


# The rule table, as a table: (actor fixture, action, party slug, allowed)
TABLE = [
    ("coordinator", "manage_units", "goteborg", True),
    ("coordinator", "manage_units", "boras", False),
    ("other_coordinator", "manage_units", "goteborg", False),
    ("other_coordinator", "view_party", "goteborg", False),
    ("federation_coordinator", "view_party", "goteborg", True),
    ("federation_coordinator", "manage_units", "goteborg", False),
    ("federation_coordinator", "import", "goteborg", False),
    ("federation_coordinator", "view_party", "boras", False),
    ("forvaltare", "manage_users", None, True),
    ("coordinator", "manage_users", None, False),
    ("registrator", "edit_addresses", None, True),
    ("lead", "edit_addresses", None, False),
    ("styrgrupp_user", "view_party", "goteborg", False),
    ("lead", "import", "goteborg", False),
]


@pytest.mark.parametrize("actor,action,party,allowed", TABLE)
def test_rule_table(request, actor, action, party, allowed):
    from agreements.models import Party

    user = request.getfixturevalue(actor)
    obj = Party.objects.get(slug=party) if party else None
    assert permissions.may(user, action, party=obj) is allowed


def test_inactive_user_may_nothing(coordinator, goteborg):
    coordinator.is_active = False
    assert not permissions.may(coordinator, "view_party", party=goteborg)


def test_coordinator_manages_units_and_members(
    client, coordinator, goteborg, forvaltning, make_user
):
    client.force_login(coordinator)
    assert client.get(reverse("onboarding:party", args=["goteborg"])).status_code == 200
    response = client.post(
        reverse("onboarding:unit_create", args=["goteborg"]),
        {"name": "Hemtjänst", "level": "verksamhet", "parent": forvaltning.pk},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Hemtjänst")
    assert unit.parent == forvaltning and unit.party == goteborg
    other = unit_create(party=goteborg, level=Level.FORVALTNING, name="Skola", actor=coordinator)
    client.post(
        reverse("onboarding:unit_edit", args=["goteborg", unit.slug]),
        {"name": "Hemtjänsten", "parent": other.pk},
    )
    unit.refresh_from_db()
    assert unit.name == "Hemtjänsten" and unit.parent == other
    person = make_user(username="p1", email="p1@gbg.test", party=goteborg)
    membership = membership_appoint(
        unit=unit, user=person, role=MembershipRole.LEAD, actor=coordinator
    )
    assert client.get(reverse("onboarding:membership_end", args=[membership.pk])).status_code == 200
    client.post(reverse("onboarding:membership_end", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active


def test_boras_coordinator_changes_nothing_of_goteborg(
    client, other_coordinator, goteborg, forvaltning
):
    client.force_login(other_coordinator)
    before = (Unit.objects.count(), Invitation.objects.count())
    for name, args, data in [
        ("onboarding:unit_create", ["goteborg"], {"name": "X", "level": "forvaltning"}),
        ("onboarding:unit_edit", ["goteborg", forvaltning.slug], {"name": "X"}),
        (
            "onboarding:invite",
            ["goteborg"],
            {
                "first_name": "A",
                "last_name": "B",
                "email": "a@b.se",
                "unit": forvaltning.pk,
                "unit_role": "lead",
            },
        ),
        ("onboarding:import", ["goteborg"], {}),
    ]:
        assert client.post(reverse(name, args=args), data).status_code == 403
    assert (Unit.objects.count(), Invitation.objects.count()) == before
    assert forvaltning.name == Unit.objects.get(pk=forvaltning.pk).name


def test_forvaltning_lead_invites_to_own_units_only(
    client, lead, goteborg, forvaltning, forvaltare
):
    membership_appoint(unit=forvaltning, user=lead, role=MembershipRole.LEAD, actor=forvaltare)
    elsewhere = unit_create(party=goteborg, level=Level.FORVALTNING, name="Park", actor=forvaltare)
    client.force_login(lead)
    url = reverse("onboarding:invite", args=["goteborg"])
    page = client.get(url).content.decode()
    assert "Social" in page and "Park" not in page
    data = {"first_name": "A", "last_name": "B", "email": "a@gbg.test", "unit_role": "lead"}
    response = client.post(url, {**data, "unit": elsewhere.pk})
    assert response.status_code == 200 and not Invitation.objects.exists()
    client.post(url, {**data, "unit": forvaltning.pk})
    assert Invitation.objects.get().roles.get().unit == forvaltning


def test_forvaltare_users_page_deactivates_and_changes_role(
    client, forvaltare, goteborg, boras, make_user
):
    person = make_user(username="flytt", first_name="Flytt", email="f@gbg.test", party=goteborg)
    client.force_login(forvaltare)
    page = client.get(reverse("onboarding:users"), {"q": "flytt"}).content.decode()
    assert "Flytt" in page
    client.post(
        reverse("onboarding:user_edit", args=[person.pk]),
        {"role": "samordnare", "party": boras.pk, "title": "", "is_active": ""},
    )
    person.refresh_from_db()
    assert person.role == "samordnare" and person.party == boras and not person.is_active
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(person).filter(actor=forvaltare).exists()
    # A förbund scope needs the samordnare role.
    response = client.post(
        reverse("onboarding:user_edit", args=[person.pk]),
        {
            "role": "implementeringsansvarig",
            "party": boras.pk,
            "federation": Federation.objects.first().pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.federation is None


def test_registrator_keeps_function_addresses(client, registrator, lead):
    federation = Federation.objects.filter(email="").first()
    vastkom = (
        JointBody.objects.filter(slug__icontains="vastkom").first() or JointBody.objects.first()
    )
    client.force_login(registrator)
    page = client.get(reverse("onboarding:addresses")).content.decode()
    assert "saknas" in page and federation.name in page
    url = reverse("onboarding:address_edit", args=["forbund", federation.slug])
    response = client.post(url, {"email": "inte en adress"})
    assert response.status_code == 200 and "giltig" in response.content.decode()
    client.post(url, {"email": "registrator@forbund.test"})
    federation.refresh_from_db()
    assert federation.email == "registrator@forbund.test"
    client.post(
        reverse("onboarding:address_edit", args=["organ", vastkom.slug]),
        {"email": "info@vastkom.test"},
    )
    vastkom.refresh_from_db()
    assert vastkom.email == "info@vastkom.test"
    client.force_login(lead)
    assert client.post(url, {"email": "x@y.se"}).status_code == 403


def test_without_lead_shows_invited_with_resend(client, coordinator, goteborg, forvaltning):
    services.invite(
        actor=coordinator,
        email="i@gbg.test",
        first_name="Ines",
        last_name="Inbjuden",
        party=goteborg,
        unit=forvaltning,
    )
    client.force_login(coordinator)
    page = client.get(reverse("implementation:without_lead"), {"part": "goteborg"}).content.decode()
    assert "Ines Inbjuden: " in page
    assert '<span class="status status-info">inbjuden, har inte loggat in ännu</span>' in page
    assert "&lt;form" not in page and 'name="next" value="without_lead"' in page
    invitation = Invitation.objects.get()
    response = client.post(
        reverse("onboarding:invitation_resend", args=[invitation.pk]), {"next": "without_lead"}
    )
    assert response.url == reverse("implementation:without_lead")
    assert OutboxMessage.objects.count() == 2


def test_people_page_shows_who_has_not_signed_in(client, coordinator, goteborg, make_user):
    make_user(username="aldrig", first_name="Aldrig", party=goteborg)
    client.force_login(coordinator)
    page = client.get(reverse("onboarding:people", args=["goteborg"])).content.decode()
    assert "Aldrig" in page and "Har inte loggat in ännu" in page


def _grow(party, actor, n):
    from onboarding.models import InvitedRole

    parent = Unit.objects.create(party=party, level=Level.FORVALTNING, name="Stor", slug="stor")
    units = Unit.objects.bulk_create(
        [
            Unit(party=party, level=Level.VERKSAMHET, parent=parent, name=f"V{i}", slug=f"v{i}")
            for i in range(n)
        ]
    )
    users = User.objects.bulk_create(
        [User(username=f"u{i}", email=f"u{i}@gbg.test", party=party) for i in range(n)]
    )
    UnitMembership.objects.bulk_create(
        [
            UnitMembership(unit=u, user=p, role=MembershipRole.LEAD)
            for u, p in zip(units, users, strict=True)
        ]
    )
    from django.utils import timezone

    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                email=f"i{i}@gbg.test",
                first_name="I",
                last_name=str(i),
                party=party,
                token_hash=f"{i:064d}",
                expires_at=timezone.now() + timezone.timedelta(days=3),
            )
            for i in range(n)
        ]
    )
    InvitedRole.objects.bulk_create(
        [InvitedRole(invitation=i, unit=u) for i, u in zip(invitations, units, strict=True)]
    )


@pytest.mark.parametrize("n", [10, 1000])
def test_query_counts_are_bounded(client, forvaltare, goteborg, count_queries, n):
    _grow(goteborg, forvaltare, n)
    # A tenth of the units retired: they leave the party page and fill the retired page.
    Unit.all_objects.filter(
        pk__in=list(Unit.objects.filter(party=goteborg).values_list("pk", flat=True)[: n // 10])
    ).update(retired_at=timezone.now())
    client.force_login(forvaltare)
    pages = {
        "party": reverse("onboarding:party", args=["goteborg"]),
        "retired": reverse("onboarding:retired", args=["goteborg"]),
        "people": reverse("onboarding:people", args=["goteborg"]),
        "users": reverse("onboarding:users"),
        "addresses": reverse("onboarding:addresses"),
        "without_lead": reverse("implementation:without_lead"),
    }
    counts = {}
    for name, url in pages.items():
        counts[name] = count_queries(lambda url=url: client.get(url))
    assert counts == {
        "party": 10,  # + the count of retired units (issue #19)
        "retired": 5,
        "people": 8,
        "users": 7,
        "addresses": 5,
        "without_lead": 5,
    }, counts


def test_forvaltare_invites_a_coordinator_and_coordinators_cannot_pick_roles(
    client, forvaltare, coordinator, goteborg
):
    client.force_login(coordinator)
    assert (
        'name="role"'
        not in client.get(reverse("onboarding:invite", args=["goteborg"])).content.decode()
    )
    client.force_login(forvaltare)
    url = reverse("onboarding:invite", args=["goteborg"])
    assert 'name="role"' in client.get(url).content.decode()
    client.post(
        url,
        {
            "first_name": "Sam",
            "last_name": "Ordnare",
            "email": "sam@gbg.test",
            "role": "samordnare",
            "unit_role": "lead",
        },
    )
    invitation = Invitation.objects.get()
    assert invitation.role == "samordnare" and invitation.party == goteborg
    user = services.invitation_accept(invitation=invitation, password="Ett-langt-losen-42")
    assert user.role == "samordnare" and permissions.may(user, "manage_units", party=goteborg)


def test_federation_coordinator_reads_member_parties_only(client, federation_coordinator, goteborg):
    client.force_login(federation_coordinator)
    hub = client.get(reverse("onboarding:index")).content.decode()
    assert reverse("onboarding:party", args=["goteborg"]) in hub
    assert reverse("onboarding:party", args=["boras"]) not in hub
    page = client.get(reverse("onboarding:party", args=["goteborg"])).content.decode()
    assert "Importera från fil" not in page and "Ny enhet" not in page
    assert client.get(reverse("onboarding:party", args=["boras"])).status_code == 403
    assert client.get(reverse("onboarding:import", args=["goteborg"])).status_code == 403


def test_a_line_break_in_a_unit_name_becomes_a_space(client, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("onboarding:unit_create", args=["goteborg"]),
        {"name": "Hem\r\ntjänst\t Väst", "level": "forvaltning"},
    )
    assert Unit.objects.filter(name="Hem tjänst Väst").exists()
