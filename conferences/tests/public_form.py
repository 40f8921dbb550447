"""The public registration form as a test drives it: fill, submit, follow the e-mailed link."""

import re

from django.urls import reverse

from agreements.models import Party
from core.models import OutboxMessage

LINK = re.compile(r"/konferenser/avanmalan/([^/\s\"<]+)/")


def _form(**overrides):
    return {
        "name": "Anna Andersson",
        "email": "anna@ale.se",
        "party": str(Party.objects.get(slug="ale").pk),
        "role": "tjansteperson",
        "title": "Enhetschef",
        "diet_choices": ["vegetariskt"],
        "allergies": "Nötter",
        "accessibility": "Hörslinga",
        "consent": "on",
        **overrides,
    }


def _mails_to(email):
    return [m for m in OutboxMessage.objects.order_by("created_at", "id") if email in m.to]


def _link_in(message) -> str:
    return LINK.search(message.text).group(1)


def _register_and_confirm(client, conference, **overrides):
    """The public way: the form, then the link from the e-mail, then "Bekräfta"."""
    url = reverse("conferences:register", args=[conference.slug])
    response = client.post(url, _form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    email = overrides.get("email", "anna@ale.se")
    token = _link_in(_mails_to(email)[-1])
    client.post(reverse("conferences:confirm", args=[token]))
    return token
