"""Rendered page fragments (and the data behind them) cached against the data version.

Every change of domain data records an audit event (``core.audit.record`` / ``record_many``,
bulk paths included) or a row diff, and each of them bumps ``core.models.DataVersion`` in the
same transaction. So that counter is a version of all domain data, read with one primary-key
lookup. A fragment cached under that version is exactly as fresh as
a fresh render: the first write after it moves the version on and the next request renders
anew. A time limit (``FRAGMENT_CACHE_SECONDS``) bounds what the version cannot see — the clock
(a fragment's key should carry the date where the content depends on it) and a write that
bypasses the model layer, such as a data import run from the shell.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.audit import data_version


def query_key(query_dict) -> tuple:
    """A request's query string as a stable, order-free part of a fragment key."""
    return tuple(sorted((key, tuple(values)) for key, values in query_dict.lists()))


def fragment_key(name: str, parts: Iterable) -> str:
    digest = hashlib.sha256(repr((get_language(), *parts)).encode()).hexdigest()
    return f"fragment:{name}:{data_version()}:{digest}"


def cached(name: str, parts: Iterable, compute: Callable[[], object]):
    """What ``compute()`` returns (picklable, not None), from the cache while no domain data
    has changed. ``parts`` must hold everything besides the data that the value depends on
    (the viewer's rights, the query string, the date); the active language is added here."""
    key = fragment_key(name, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.FRAGMENT_CACHE_SECONDS)
    return value


def cached_fragment(name: str, parts: Iterable, render: Callable[[], str]) -> SafeString:
    """The HTML ``render()`` returns, from the cache while no domain data has changed."""
    return mark_safe(cached(name, parts, lambda: str(render())))  # our own rendered output
