"""Settings for collecting the load server's static files, nothing else.

The same hashed names and manifest as production (the server itself runs the unchanged
production settings and reads this manifest), but without compressing every file with gzip and
brotli: the load test never fetches static files, and compressing costs tens of CPU seconds.
"""

from hosavtal.settings import *  # noqa: F403
from hosavtal.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
