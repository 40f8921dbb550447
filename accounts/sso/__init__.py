"""Sign-in through the organisations' own identity providers (SAML and OpenID Connect).

``matching`` decides who a verified identity is in the portal; ``saml`` and ``oidc`` verify
what the identity provider sent and hand the result to it.
"""
