from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role


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
    title = models.CharField(_("befattning"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["first_name", "last_name", "username"]

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
