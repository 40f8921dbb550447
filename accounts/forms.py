from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import OIDC_DEFAULTS, SAML_DEFAULTS, IdentityProvider, OrganisationMapping
from accounts.services import METADATA_MAX_BYTES
from agreements.models import Party


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Användarnamn"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Fel användarnamn eller lösenord. Tänk på att lösenordet skiljer på stora och "
            "små bokstäver."
        ),
        "inactive": _("Kontot är inte aktivt. Kontakta en förvaltare."),
    }


NOT_METADATA = _("Filtypen stöds inte. Tillåtna filtyper: SAML-metadata (XML).")
METADATA_ROOTS = {
    "{urn:oasis:names:tc:SAML:2.0:metadata}EntityDescriptor",
    "{urn:oasis:names:tc:SAML:2.0:metadata}EntitiesDescriptor",
}


def _https_formfield(field, **kwargs):
    """Model URL fields become form fields that assume https (Django 6's default), also
    those the form declares itself: the ModelForm builds them all before overriding."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    """A provider's connection; its metadata or discovery document is fetched on save."""

    metadata_url = forms.URLField(
        label=_("Adress till IdP:ns metadata"), required=False, assume_scheme="https"
    )
    issuer = forms.URLField(label=_("Utfärdare (issuer)"), required=False, assume_scheme="https")

    metadata_file = forms.FileField(
        label=_("Eller ladda upp IdP:ns metadata (XML)"),
        required=False,
        help_text=_("Används i stället för adressen. Högst 2 MB."),
    )

    class Meta:
        model = IdentityProvider
        formfield_callback = _https_formfield
        fields = [
            "name",
            "slug",
            "is_active",
            "metadata_url",
            "issuer",
            "client_id",
            "client_secret",
            "scopes",
            "attr_hsa_id",
            "attr_organisation",
            "attr_email",
            "attr_given_name",
            "attr_surname",
        ]
        widgets = {"client_secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, protocol: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.protocol = protocol
        saml = protocol == IdentityProvider.Protocol.SAML
        drop = ("issuer", "client_id", "client_secret", "scopes") if saml else ("metadata_url",)
        for name in drop:
            del self.fields[name]
        if saml is False:
            del self.fields["metadata_file"]
        if not self.instance.pk:
            for name, value in (SAML_DEFAULTS if saml else OIDC_DEFAULTS).items():
                self.initial[name] = value
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Spara och hämta leverantörens uppgifter")))

    def clean_metadata_file(self) -> bytes | None:
        """The file's bytes when it is SAML metadata of an acceptable size: every problem
        found is named (too large, not XML, XML of another kind)."""
        upload = self.cleaned_data.get("metadata_file")
        if not upload:
            return None
        head = upload.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        errors = []
        if upload.size > METADATA_MAX_BYTES:
            errors.append(
                _("Filen är för stor (%(size)s). Största tillåtna storlek är %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(METADATA_MAX_BYTES)}
            )
        if not head.startswith(b"<"):
            errors.append(NOT_METADATA)
        if errors:
            raise forms.ValidationError(errors)
        upload.seek(0)
        content = upload.read()
        try:
            root = DefusedET.fromstring(content)
        except (DefusedET.ParseError, DefusedXmlException, ValueError) as error:
            raise forms.ValidationError(NOT_METADATA) from error
        if root.tag not in METADATA_ROOTS:
            raise forms.ValidationError(NOT_METADATA)
        return content


class OrganisationMappingForm(forms.ModelForm):
    class Meta:
        model = OrganisationMapping
        fields = ["identifier", "party", "allows_self_signup"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.order_by("name")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Spara")))


class PersonField(forms.ModelChoiceField):
    """One person of ``queryset``, typed into a search box (``core.widgets.PersonPicker``):
    the suggestions read "Förnamn Efternamn, Part [användarnamn]"; a bare username, e-mail or
    id works too. Replaces drop-downs of hundreds of users (issue #19)."""

    def __init__(self, *, queryset, **kwargs):
        from django.urls import reverse_lazy

        from core.widgets import PersonPicker

        kwargs.setdefault("widget", PersonPicker)
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset=queryset, **kwargs)
        self.widget.search_url = reverse_lazy("accounts:person_search")

    def label_from_instance(self, obj) -> str:
        return person_label(obj)

    def prepare_value(self, value):
        if isinstance(value, models.Model):
            return person_label(value)
        if value and str(value).isdigit():
            found = self.queryset.filter(pk=value).first()
            return person_label(found) if found else value
        return value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        key = text.rsplit("[", 1)[1].rstrip("]").strip() if text.endswith("]") else text
        matches = self.queryset.filter(
            models.Q(username__iexact=key)
            | models.Q(email__iexact=key)
            | (models.Q(pk=key) if key.isdigit() else models.Q(pk__in=[]))
        )[:2]
        if len(matches) != 1:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return matches[0]

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


def person_label(user) -> str:
    name = user.get_full_name() or user.username
    party = getattr(user, "party", None)
    return f"{name}, {party} [{user.username}]" if party else f"{name} [{user.username}]"
