"""Settings for the real worker started by test_real_services: the portal's settings with a
slow file e-mail backend, so the test can kill the worker while it sends."""

import os

from hosavtal.settings import *  # noqa: F403

EMAIL_BACKEND = "reminders.tests.backends.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["REMINDERS_TEST_MAIL_DIR"]
