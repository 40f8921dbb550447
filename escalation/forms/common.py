"""What the escalation forms share: the de-identification reminder and the crispy helper."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.utils.translation import gettext_lazy as _

DEIDENTIFY = _(
    "Skriv inga patientuppgifter: inga namn, personnummer eller samordningsnummer, och inget "
    "som tillsammans kan peka ut en person. Beskriv händelsen avidentifierat."
)


def helper(label, *, method="post", prefix="") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.form_tag = not prefix  # the case page draws its own <form> around each action
    if label:
        helper.add_input(Submit("submit", label, css_id=f"knapp-{prefix or 'spara'}"))
    return helper
