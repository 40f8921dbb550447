"""The accounts app's audit vocabulary: sign-in configuration and accounts made or linked by
a sign-in. (Each sign-in itself is logged as a ``SignInEvent``.)"""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction


class ProviderAction(AuditAction):
    CREATED = "accounts.provider.created", _("Inloggningstjänsten lades till")
    UPDATED = "accounts.provider.updated", _("Inloggningstjänsten ändrades")


class MappingAction(AuditAction):
    SAVED = "accounts.mapping.saved", _("Organisationskopplingen sparades")
    DELETED = "accounts.mapping.deleted", _("Organisationskopplingen togs bort")


class UserAction(AuditAction):
    SIGNED_UP = "accounts.user.signed_up", _("Kontot skapades vid första inloggningen")
    IDENTITY_LINKED = "accounts.user.identity_linked", _("En extern identitet kopplades")
    HSA_ID_SET = "accounts.user.hsa_id_set", _("HSA-id hämtades från inloggningen")
