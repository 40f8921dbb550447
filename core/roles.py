"""The portal's roles. Kept here, below every app, so any app can name them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FORVALTARE = "forvaltare", _("Förvaltare")
    REGISTRATOR = "registrator", _("Registrator")
    STYRGRUPP = "styrgrupp", _("Styrgrupp")
    IMPLEMENTERINGSANSVARIG = "implementeringsansvarig", _("Implementeringsansvarig")
    # A party's (or a kommunalförbund's, read-only) own administrator of units and people.
    SAMORDNARE = "samordnare", _("Samordnare")
    # An elected member of a joint body: reads bodies, decisions and the dashboard only.
    POLITIKER = "politiker", _("Politiker")


def has_role(user, *roles: str) -> bool:
    """True if the user is logged in and has one of the roles. Superusers are Förvaltare."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser and Role.FORVALTARE in roles:
        return True
    return getattr(user, "role", None) in roles
