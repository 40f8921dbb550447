"""System checks of the portal's own (run by ``manage.py check``; ``--deploy`` adds these)."""

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_for_counters(app_configs, **kwargs):
    """The public-POST rate limit counts in the cache: a cache of each web process's own
    would let every gunicorn worker (and every machine) count from zero."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Warning(
            "CACHE_URL pekar inte på en delad cache: gränsen för publika formulär räknas då "
            "per webbprocess.",
            hint="Sätt CACHE_URL till t.ex. redis://redis:6379/1 i produktion.",
            id="core.W001",
        )
    ]
