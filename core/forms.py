from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityReportForm(forms.Form):
    description = forms.CharField(
        label=_("Beskriv problemet"),
        help_text=_("Vilken sida, vad du försökte göra och vad som hände."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    page_url = forms.CharField(
        label=_("Sida eller adress (frivilligt)"), required=False, max_length=500
    )
    name = forms.CharField(label=_("Ditt namn (frivilligt)"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("Din e-postadress (frivilligt)"),
        required=False,
        help_text=_("Om du vill att vi svarar dig."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template writes the <form> (with its label); a second one inside would nest.
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Skicka rapporten")))
