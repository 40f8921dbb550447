from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konton")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from accounts.models import ExternalIdentity, IdentityProvider, OrganisationMapping, User

        # Who holds which role and party is accountable data; passwords and logins are not.
        auditlog.register(User, exclude_fields=["password", "last_login"])
        # Who may sign in through which IdP, as which party: every change is accountable.
        auditlog.register(
            IdentityProvider, mask_fields=["client_secret"], exclude_fields=["metadata_xml"]
        )
        auditlog.register(OrganisationMapping)
        auditlog.register(ExternalIdentity, exclude_fields=["last_used_at"])
