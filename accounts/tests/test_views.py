import re

import pytest
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_swedish_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")
    page = client.get("/konto/logga-in/").content.decode()
    assert '<html lang="sv">' in page
    assert "Användarnamn" in page and "Lösenord" in page


@pytest.mark.django_db
def test_login_and_logout(client, lead):
    response = client.post(
        "/konto/logga-in/", {"username": lead.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_message(client, lead):
    response = client.post("/konto/logga-in/", {"username": lead.username, "password": "fel"})
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord" in response.content.decode()


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client, lead, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/konto/logga-in/", {"username": lead.username, "password": "fel"})
    # Even the right password is refused while locked.
    response = client.post(
        "/konto/logga-in/", {"username": lead.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert "tillfälligt spärrad" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_by_email_in_swedish(
    client, lead, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8301"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/konto/losenord/aterstall/", {"email": lead.email})
    assert response.status_code == 302
    assert mailbox == []  # nothing is sent, or even looked up, inside the request
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(mailbox) == 1
    message = mailbox[0]
    assert "Återställ ditt lösenord" in message.subject
    from core.models import OutboxMessage

    assert OutboxMessage.objects.get().kind == "losenordsaterstallning"
    link = re.search(r"http://[^\s]+/konto/losenord/aterstall/[^\s]+/", message.body).group(0)
    assert link.startswith("http://127.0.0.1:8301/")
    path = link.split("8301", 1)[1]
    page = client.get(path, follow=True)
    assert "Välj nytt lösenord" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {
            "new_password1": "ett-nytt-langt-losenord-42",
            "new_password2": "ett-nytt-langt-losenord-42",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password("ett-nytt-langt-losenord-42")


@pytest.mark.django_db
def test_password_reset_does_the_same_work_for_an_unknown_address(
    client, lead, mailbox, django_capture_on_commit_callbacks
):
    def request(email):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post("/konto/losenord/aterstall/", {"email": email})
        return response, callbacks

    known, known_callbacks = request(lead.email)
    unknown, unknown_callbacks = request("ingen-alls@example.se")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(known_callbacks) == len(unknown_callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        unknown_callbacks[0]()
    assert mailbox == []


@pytest.mark.django_db
def test_password_change(client, lead):
    client.force_login(lead)
    response = client.post(
        "/konto/losenord/byt/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "annat-langt-losenord-77",
            "new_password2": "annat-langt-losenord-77",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password("annat-langt-losenord-77")


@pytest.mark.django_db
def test_unknown_page_is_a_swedish_404(client, lead):
    client.force_login(lead)
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


@pytest.mark.django_db
def test_english_is_selectable(client, registrator):
    client.force_login(registrator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Accessibility statement" in page
    assert "Log out" in page


@pytest.mark.django_db
def test_navigation_follows_the_role(client, lead, styrgrupp_user, registrator):
    from hosavtal.navigation import NAVIGATION

    restricted = {item.url_name: item.roles for item in NAVIGATION}
    assert "styrgrupp" in restricted["dashboard:index"]
    assert "implementeringsansvarig" not in restricted["dashboard:index"]
    assert "implementeringsansvarig" not in restricted["conferences:index"]
    assert "registrator" in restricted["conferences:index"]


@pytest.mark.django_db
def test_home_is_min_sida_for_implementation_leads(client, lead, registrator):
    client.force_login(lead)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("implementation:my_page")
    client.force_login(registrator)
    response = client.get("/")
    assert response.status_code == 200
    assert "Välkommen" in response.content.decode()
