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
