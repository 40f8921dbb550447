"""Settings for the real Celery worker the fault tests start: the portal's settings, e-mail
over real SMTP to the test's sink, and claims that go stale after seconds instead of minutes."""

import os

from hosavtal.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["FAULTS_SMTP_PORT"])
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 10
INVITATION_CLAIM_STALE_SECONDS = int(os.environ["FAULTS_STALE_SECONDS"])
INVITATION_RETRY_AFTER_SECONDS = 1
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
OUTBOX_CLAIM_STALE_SECONDS = int(os.environ["FAULTS_STALE_SECONDS"])
OUTBOX_RETRY_BASE_SECONDS = 1
