from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role

# Sambi's and Inera's attribute names (SAML) and the OIDC standard claims: the defaults a new
# identity provider starts with; a förvaltare may change them per provider.
SAML_DEFAULTS = {
    "attr_hsa_id": "http://sambi.se/attributes/1/employeeHsaId",
    "attr_organisation": "urn:oid:2.5.4.10",
    "attr_email": "urn:oid:0.9.2342.19200300.100.1.3",
    "attr_given_name": "urn:oid:2.5.4.42",
    "attr_surname": "urn:oid:2.5.4.4",
}
OIDC_DEFAULTS = {
    "attr_hsa_id": "",
    "attr_organisation": "https://id.oidc.se/claim/orgNumber",
    "attr_email": "email",
    "attr_given_name": "given_name",
    "attr_surname": "family_name",
}


class User(AbstractUser):
    """A portal user. Belongs to one party (VGR or a municipality) and has one role.

    Authentication is pluggable (settings.AUTHENTICATION_BACKENDS): a SAML/OIDC backend for
    SITHS would find or create users by ``username``/``email`` and set role and party.
    """

    role = models.CharField(
        _("roll"), max_length=30, choices=Role, default=Role.IMPLEMENTERINGSANSVARIG
    )
    party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # A samordnare of a kommunalförbund: reads (never writes) the organisation of the
    # förbund's member municipalities. Empty for everyone else (issue #19).
    federation = models.ForeignKey(
        "agreements.Federation",
        verbose_name=_("kommunalförbund (samordnare)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
    )
    title = models.CharField(_("befattning"), max_length=200, blank=True)
    hsa_id = models.CharField(
        _("HSA-id"),
        max_length=64,
        blank=True,
        help_text=_("Personens HSA-id, t.ex. SE2321000131-P000000000001. Unikt."),
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["hsa_id"], condition=~models.Q(hsa_id=""), name="user_hsa_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return has_role(self, *roles)

    @property
    def is_forvaltare(self) -> bool:
        return has_role(self, Role.FORVALTARE)

    @property
    def role_label(self) -> str:
        return Role.FORVALTARE.label if self.is_superuser else self.get_role_display()


class IdentityProvider(models.Model):
    """An organisation's identity provider (SAML IdP or OpenID Provider), kept as data so that
    a förvaltare connects a new one in the portal. Its button on the login page shows
    ``name``; the ``attr_*`` fields say which attribute (SAML) or claim (OIDC) carries what."""

    class Protocol(models.TextChoices):
        SAML = "saml", _("SAML 2.0 (t.ex. SITHS via Inera)")
        OIDC = "oidc", _("OpenID Connect (t.ex. kommunens IdP)")

    name = models.CharField(
        _("text på knappen"), max_length=100, help_text=_("T.ex. Logga in med SITHS-kort.")
    )
    slug = models.SlugField(_("kortnamn i adresser"), unique=True)
    protocol = models.CharField(_("protokoll"), max_length=4, choices=Protocol)
    is_active = models.BooleanField(_("visas på inloggningssidan"), default=True)
    # SAML
    entity_id = models.CharField(_("IdP:ns entityID"), max_length=500, blank=True)
    metadata_url = models.URLField(_("adress till IdP:ns metadata"), max_length=500, blank=True)
    metadata_xml = models.TextField(_("IdP:ns metadata (XML)"), blank=True)
    # OIDC
    issuer = models.URLField(_("utfärdare (issuer)"), max_length=500, blank=True)
    client_id = models.CharField(_("klient-id"), max_length=200, blank=True)
    client_secret = models.CharField(_("klienthemlighet"), max_length=500, blank=True)
    scopes = models.CharField(_("scopes"), max_length=300, default="openid profile email")
    authorization_endpoint = models.URLField(max_length=500, blank=True, editable=False)
    token_endpoint = models.URLField(max_length=500, blank=True, editable=False)
    userinfo_endpoint = models.URLField(max_length=500, blank=True, editable=False)
    jwks_uri = models.URLField(max_length=500, blank=True, editable=False)
    end_session_endpoint = models.URLField(max_length=500, blank=True, editable=False)
    # Attribute (SAML) or claim (OIDC) names
    attr_hsa_id = models.CharField(_("attribut för HSA-id"), max_length=200, blank=True)
    attr_organisation = models.CharField(_("attribut för organisation"), max_length=200)
    attr_email = models.CharField(_("attribut för e-post"), max_length=200)
    attr_given_name = models.CharField(_("attribut för förnamn"), max_length=200)
    attr_surname = models.CharField(_("attribut för efternamn"), max_length=200)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("identitetsleverantör")
        verbose_name_plural = _("identitetsleverantörer")
        ordering = ["protocol", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_id"], condition=~models.Q(entity_id=""), name="idp_entity_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMapping(models.Model):
    """Which party an organisation identifier sent by an IdP belongs to, and whether people
    of that organisation may get an account on their first sign-in without one."""

    identifier = models.CharField(
        _("organisationens identifierare"),
        max_length=200,
        unique=True,
        help_text=_("Värdet IdP:n skickar, t.ex. organisationsnummer eller HSA-id."),
    )
    party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        related_name="organisation_mappings",
    )
    allows_self_signup = models.BooleanField(
        _("konto skapas vid första inloggningen"),
        default=False,
        help_text=_(
            "Om ja får en person från organisationen ett konto utan förhöjd roll första gången "
            "hen loggar in. Om nej måste en förvaltare skapa kontot först."
        ),
    )

    class Meta:
        verbose_name = _("organisationskoppling")
        verbose_name_plural = _("organisationskopplingar")
        ordering = ["party__name", "identifier"]

    def __str__(self) -> str:
        return f"{self.identifier} → {self.party}"


class ExternalIdentity(models.Model):
    """A person's subject at one identity provider; one user per (provider, subject)."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("användare"),
    )
    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="identities",
        verbose_name=_("identitetsleverantör"),
    )
    subject = models.CharField(_("identitet hos leverantören"), max_length=255)
    created_at = models.DateTimeField(_("kopplad"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("extern identitet")
        verbose_name_plural = _("externa identiteter")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_unique"),
            models.UniqueConstraint(fields=["provider", "user"], name="identity_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"


class UsedAssertion(models.Model):
    """SAML assertion ids already accepted: a second use of one is a replay and is refused."""

    assertion_id = models.CharField(max_length=255, unique=True)
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE)
    not_on_or_after = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.assertion_id


class SignInEvent(models.Model):
    """One sign-in through an identity provider, accepted or refused, with the reason."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Godkänd")
        REFUSED = "refused", _("Nekad")

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    outcome = models.CharField(max_length=10, choices=Outcome)
    reason = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.reason}".strip()
