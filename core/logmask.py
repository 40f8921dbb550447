"""Secrets out of log lines: personal links and tokens are masked before a line is written.

A calendar feed's token, a registration's cancel link, a password-reset link, a personal
invitation and an identity provider's one-time answer all grant access to whoever holds the
address; an access log keeps addresses for months and is read by more people than the users
the links belong to. ``mask_secrets`` replaces the secret part with ``***``;
``hosavtal.gunicorn_conf`` applies it to gunicorn's access log, ``MaskSecretsFilter`` to the
portal's own log records (Django logs the path of a 404, for example).
"""

import logging
import re

MASK = "***"

# Path segments that are secrets, after the fixed part of their route.
SECRET_PATHS = [
    re.compile(r"(/eskalering/kalender/)[^/?#\s\"]+?(\.ics)"),
    re.compile(r"(/konferenser/avanmalan/)[^/?#\s\"]+()"),
    re.compile(r"(/konto/losenord/aterstall/)[^/?#\s\"]+/[^/?#\s\"]+()"),
]
# Query parameters whose value is a secret (invitation links, SSO answers, signed links).
SECRET_PARAMS = (
    "inbjudan",
    "token",
    "signature",
    "sig",
    "code",
    "state",
    "samlresponse",
    "samlrequest",
    "relaystate",
    "key",
)
SECRET_QUERY = re.compile(r"([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&;#\s\"]*", re.IGNORECASE)
# Django's signed values anywhere ("payload:timestamp:signature", base64 parts).
SIGNED_VALUE = re.compile(r"\b[\w-]{2,}:[\w-]{6,}:[\w-]{20,}\b")


def mask_secrets(text: str) -> str:
    for pattern in SECRET_PATHS:
        text = pattern.sub(lambda m: m.group(1) + MASK + m.group(2), text)
    text = SECRET_QUERY.sub(lambda m: m.group(1) + MASK, text)
    return SIGNED_VALUE.sub(MASK, text)


class MaskSecretsFilter(logging.Filter):
    """Masks the formatted message of every record that passes (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
