import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_steering_group_lands_on_the_dashboard_after_signing_in(
    client, styrgrupp_user, registrator
):
    client.force_login(styrgrupp_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:index")
    # The start page stays reachable from the menu ("?start").
    assert client.get("/?start").status_code == 200
    client.force_login(registrator)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_signing_in_as_the_steering_group_ends_on_the_dashboard(client, styrgrupp_user):
    styrgrupp_user.set_password("losenord-for-test-123")
    styrgrupp_user.save()
    response = client.post(
        reverse("accounts:login"),
        {"username": styrgrupp_user.username, "password": "losenord-for-test-123"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "home"), [("politiker", "dashboard:index"), ("samordnare", "onboarding:index")]
)
def test_politicians_land_on_the_dashboard_and_coordinators_on_their_organisation(
    client, make_user, reference_data, role, home
):
    from agreements.models import Party

    user = make_user(role=role, party=Party.objects.get(slug="boras"))
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(home)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_the_banner_lists_the_demo_accounts_one_can_sign_in_with(make_user):
    from hosavtal.banner import demo_sign_ins

    make_user(username="politiker", role="politiker", is_demo=True, party=None)
    make_user(username="styrgrupp", role="styrgrupp", is_demo=True, party=None)
    generated = make_user(username="demo-ia-ale-1", is_demo=True, party=None)
    generated.set_unusable_password()
    generated.save()
    make_user(username="riktig-person", party=None)  # not demo data
    listed = (("styrgrupp",),)
    assert [u for u, _role, _party in demo_sign_ins(listed)] == ["styrgrupp", "politiker"]
