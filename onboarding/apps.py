from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Organisation och inbjudningar")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from accounts.sso.matching import register_matcher
        from onboarding.models import ImportBatch, Invitation, InvitedRole
        from onboarding.services import match_invitation

        # The link's hash is no business of the trail; who invited whom, when, is.
        auditlog.register(Invitation, exclude_fields=["token_hash"])
        auditlog.register(InvitedRole)
        auditlog.register(ImportBatch, exclude_fields=["rows"])
        # An open invitation lets a first sign-in through the organisation's IdP create the
        # account (accounts.sso.matching asks after the existing users).
        register_matcher(match_invitation)
        # "Enheter utan ansvarig" shows who is invited and has not signed in yet.
        from implementation.views import WITHOUT_LEAD_NOTES
        from onboarding.views import without_lead_notes

        if without_lead_notes not in WITHOUT_LEAD_NOTES:
            WITHOUT_LEAD_NOTES.append(without_lead_notes)
