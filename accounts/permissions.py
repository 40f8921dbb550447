"""Who may do what in the accounts app: one table, applied by :func:`may`.

Signing in (by password or through an identity provider) is open to everyone; one's own
profile and password are one's own business. Identity providers and organisation mappings
decide who gets in as which party: only the Förvaltare sees and changes them.
"""

from core.roles import Role, has_role

EVERYONE = "everyone"
SIGNED_IN = "signed_in"

# action → the roles allowed (or EVERYONE / SIGNED_IN)
RULES: dict[str, tuple[str, ...]] = {
    "sign_in": (EVERYONE,),
    "view_profile": (SIGNED_IN,),
    "view_identity_providers": (Role.FORVALTARE,),
    "change_identity_providers": (Role.FORVALTARE,),
    "change_organisation_mappings": (Role.FORVALTARE,),
    # The person picker's suggestions: those who appoint people (not styrgrupp/politiker).
    "search_people": (
        Role.FORVALTARE,
        Role.SAMORDNARE,
        Role.REGISTRATOR,
        Role.IMPLEMENTERINGSANSVARIG,
    ),
}


def may(user, action: str) -> bool:
    allowed = RULES[action]
    if EVERYONE in allowed:
        return True
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return SIGNED_IN in allowed or has_role(user, *allowed)
