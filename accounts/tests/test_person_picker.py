import pytest
from django import forms
from django.urls import reverse

from accounts.forms import PersonField
from accounts.models import User

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    user = PersonField(queryset=User.objects.none())

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = queryset


def test_the_field_resolves_label_username_email_and_id(lead, other_lead):
    qs = User.objects.filter(party=lead.party)
    for text in (
        f"Vem som helst [{lead.username}]",
        lead.username,
        lead.email.upper(),
        str(lead.pk),
    ):
        form = PickForm({"user": text}, queryset=qs)
        assert form.is_valid(), (text, form.errors)
        assert form.cleaned_data["user"] == lead
    # Someone outside the allowed set is refused, whatever the label says.
    form = PickForm({"user": f"{other_lead} [{other_lead.username}]"}, queryset=qs)
    assert not form.is_valid() and "giltigt" in str(form.errors)


def test_the_widget_is_a_search_box_not_a_list_of_everyone(lead, make_user):
    for n in range(30):
        make_user(username=f"massa{n}", party=lead.party)
    html = str(PickForm(queryset=User.objects.all())["user"])
    assert 'data-person-search="/konto/personer/sok/"' in html and "<datalist" in html
    assert "<option" not in html and "massa1" not in html


def test_search_returns_few_matching_people_and_is_refused_to_styrgrupp(
    client, lead, styrgrupp_user, make_user
):
    make_user(username="greta-g", first_name="Greta", last_name="Gren", party=lead.party)
    client.force_login(lead)
    answer = client.get(reverse("accounts:person_search"), {"q": "greta gren"}).json()
    assert answer["results"] == ["Greta Gren, Göteborg [greta-g]"]
    assert client.get(reverse("accounts:person_search"), {"q": "g"}).json()["results"] == []
    assert (
        client.get(reverse("accounts:person_search"), {"q": "greta", "part": "boras"}).json()[
            "results"
        ]
        == []
    )
    client.force_login(styrgrupp_user)
    assert client.get(reverse("accounts:person_search"), {"q": "greta"}).status_code == 403
