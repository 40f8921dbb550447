"""Invitations and organisation imports (issue #19).

An :class:`Invitation` is a person the portal does not know yet: name, e-mail, party, role and
the units they will lead or join (:class:`InvitedRole`). The e-mail carries a one-use link; only
the SHA-256 of its token is stored. Accepting it (a chosen password, or a first sign-in through
the organisation's identity provider) creates the user and appoints them.

An :class:`ImportBatch` keeps a dry run's checked rows, owned by the uploader, until confirmed.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.workflow import Transition, Workflow
from implementation.models import MembershipRole


def new_token() -> tuple[str, str]:
    """A fresh link token and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Inbjuden, har inte loggat in ännu")
        EXPIRED = "expired", _("Länken har gått ut")
        USED = "used", _("Accepterad")
        REVOKED = "revoked", _("Återkallad")

    email = models.EmailField(_("e-post"))
    first_name = models.CharField(_("förnamn"), max_length=150)
    last_name = models.CharField(_("efternamn"), max_length=150)
    party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    role = models.CharField(
        _("roll i portalen"), max_length=30, choices=Role, default=Role.IMPLEMENTERINGSANSVARIG
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inbjuden av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("inbjuden"), default=timezone.now)
    sent_count = models.PositiveIntegerField(_("antal utskick"), default=1)
    last_sent_at = models.DateTimeField(_("senast skickad"), default=timezone.now)
    expires_at = models.DateTimeField(_("länken gäller till"))
    used_at = models.DateTimeField(_("accepterad"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("konto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per person: a second invite of the same e-mail is a resend.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]
        indexes = [models.Index(fields=["party", "used_at"], name="invitation_party_used")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def state(self) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.used_at:
            return self.State.USED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None


_STATE = Invitation.State
# The invitation's moves (its state is derived from used_at, revoked_at and expires_at).
INVITATION_FLOW = Workflow(
    "inbjudan",
    [
        Transition(
            "resend",
            sources={_STATE.PENDING, _STATE.EXPIRED},
            target=_STATE.PENDING,
            label=_("Skicka igen"),
        ),
        Transition(
            "revoke",
            sources={_STATE.PENDING, _STATE.EXPIRED},
            target=_STATE.REVOKED,
            label=_("Återkalla"),
        ),
        Transition("accept", sources={_STATE.PENDING}, target=_STATE.USED, label=_("Acceptera")),
        Transition(
            "add_role", sources={_STATE.PENDING, _STATE.EXPIRED}, label=_("Lägga till ett uppdrag")
        ),
    ],
)


class InvitedRole(models.Model):
    """A unit the invited person will lead or join once they accept."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="roles", verbose_name=_("inbjudan")
    )
    unit = models.ForeignKey(
        "implementation.Unit",
        on_delete=models.CASCADE,
        related_name="invited_roles",
        verbose_name=_("enhet"),
    )
    role = models.CharField(
        _("roll i enheten"), max_length=10, choices=MembershipRole, default=MembershipRole.LEAD
    )

    class Meta:
        verbose_name = _("uppdrag i inbjudan")
        verbose_name_plural = _("uppdrag i inbjudningar")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "unit"], name="invited_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_role_display()}"


class ImportBatch(models.Model):
    """A checked import file waiting for (or done with) its confirmation."""

    party = models.ForeignKey(
        "agreements.Party", on_delete=models.CASCADE, related_name="+", verbose_name=_("part")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uppladdad av"),
    )
    filename = models.CharField(_("filnamn"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(_("kontrollerad"), default=timezone.now)
    applied_at = models.DateTimeField(_("genomförd"), null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.party})"
