"""gunicorn's configuration for production: ``gunicorn -c python:hosavtal.gunicorn_conf
hosavtal.wsgi`` (README, "Drift i produktion").

The access log is written with personal links and tokens masked (``core.logmask``): a
calendar feed's token, a cancel link, a password-reset link or an invitation in a log line
would let anyone who reads the log in. Everything else is gunicorn's default and can be
changed on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import os

from gunicorn.glogging import Logger

from core.logmask import mask_secrets


class MaskingLogger(Logger):
    """gunicorn's logger, with every text atom of an access-log line masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: mask_secrets(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = MaskingLogger
accesslog = "-"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
