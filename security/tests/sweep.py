"""Enumerate every URL pattern of the root resolver (recursing into includes)."""

from django.urls import URLPattern, URLResolver, get_resolver

ADMIN_PREFIX = "forvaltning/admin/"


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace + (entry.name or ""), prefix + str(entry.pattern), entry


def all_patterns():
    """(qualified name, route, pattern) of every URL pattern, in resolver order."""
    return list(_walk(get_resolver()))
