"""PlainSelect writes the same <select> as Django's template-rendered Select."""

import pytest
from django import forms
from django.test.html import parse_html

from core.widgets import PlainSelect

CHOICES = [
    ("", "Alla"),
    ("a", "Alingsås & <Lerum>"),
    ('Grupp "1"', [("b", "Borås"), ("c", "Öckerö")]),
    (3, "Tre"),
]


@pytest.mark.parametrize("value", [None, "", "a", "c", 3, "3", "saknas"])
def test_plain_select_matches_djangos_markup(value):
    attrs = {"class": "form-select", "id": "id_part", "required": True, "disabled": False}
    ours = PlainSelect(choices=CHOICES).render("part", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("part", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)
    assert "&lt;Lerum&gt;" in ours and "<Lerum>" not in ours


@pytest.mark.parametrize("value", [None, "", "a", "c", "3"])
def test_options_given_as_they_are_render_like_normalised_choices(value):
    given = PlainSelect()
    given.set_options(
        [
            ("", "Alla"),
            ("a", "Alingsås & <Lerum>"),
            ('Grupp "1"', [("b", "Borås"), ("c", "Öckerö")]),
            (3, "Tre"),
        ]
    )
    assigned = PlainSelect(choices=CHOICES)
    assert given.render("part", value) == assigned.render("part", value)


def test_plain_select_in_a_model_choice_field_marks_the_chosen_party(db, reference_data):
    from agreements.models import Party

    class Form(forms.Form):
        party = forms.ModelChoiceField(
            queryset=Party.objects.order_by("name"), widget=PlainSelect, empty_label="Alla"
        )

    party = Party.objects.order_by("name")[3]
    html = str(Form({"party": party.pk})["party"])
    assert html.count("<option") == Party.objects.count() + 1
    assert f'<option value="{party.pk}" selected>{party.name}</option>' in html
    assert html.count(" selected") == 1


def test_an_optional_plain_select_reads_its_choices_once(
    db, reference_data, django_assert_num_queries
):
    from agreements.models import Party

    class Form(forms.Form):
        optional = forms.ModelChoiceField(
            queryset=Party.objects.order_by("name"), widget=PlainSelect, required=False
        )
        required = forms.ModelChoiceField(
            queryset=Party.objects.order_by("name"), widget=PlainSelect
        )

    form = Form()
    with django_assert_num_queries(1):
        optional = str(form["optional"])
    assert " required" not in optional and optional.count("<option") == Party.objects.count() + 1
    required = str(form["required"])
    assert '<select name="required" id="id_required" required>' in required
