"""NUL and other control characters in every GET filter of every page: never a server error.

The filters are found, not listed: every URL pattern is opened as every actor of the sweep's
world, and every field of every GET form on the page (the list filters, searches, the
dashboard's choices) is sent back with control characters in it; and the other parameters
that views read without a form (``?part=``, ``?inbjudan=``, the dashboard cell's area) too.
PostgreSQL refuses a NUL in a text value (a 500 before core.middleware stripped them);
run this file with DATABASE_URL set to a PostgreSQL database as well as on SQLite.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from security.tests.sweep import ADMIN_PREFIX, all_patterns
from security.tests.urls_for import url_for
from security.tests.world import ACTORS

HOSTILE = "ab\x00c\x01\x08\x0b\x1f\x7f"
# Read by views straight from the query string (no GET form names them).
EXTRA_PARAMS = ["part", "inbjudan", "next", "page", "sida", "q", "omrade"]
SKIP = {"accounts:logout", "set_language"}


class _GetFormFields(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_get_form = (a.get("method") or "get").lower() == "get"
        elif (
            self._in_get_form
            and tag in {"input", "select", "textarea"}
            and a.get("name")
            and (a.get("type") or "").lower() not in {"submit", "button", "image", "file"}
        ):
            self.names.add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def get_form_fields(html: str) -> set[str]:
    parser = _GetFormFields()
    parser.feed(html)
    return parser.names


def _names():
    return sorted(
        name
        for name, route, _pattern in all_patterns()
        if name and not route.startswith(ADMIN_PREFIX) and name not in SKIP
    )


def test_the_form_reader_finds_get_fields_only():
    html = (
        '<form><select name="part"></select><input name="q"><button type="submit" name="x">'
        '</button></form><form method="post"><input name="secret"></form>'
        '<form method="GET"><input type="date" name="fran"></form>'
    )
    assert get_form_fields(html) == {"part", "q", "fran"}


@pytest.mark.parametrize("name", _names())
def test_control_characters_in_every_get_parameter(name, world, clients):
    url = url_for(name, world.obj)
    base, _, query = url.partition("?")
    fields: set[str] = set()
    readers = []
    for actor in ACTORS:
        response = clients[actor].get(url)
        assert response.status_code < 500, f"GET {url} som {actor}"
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            fields |= get_form_fields(response.content.decode())
            readers.append(actor)
    params = sorted(fields | set(EXTRA_PARAMS))
    failures = []
    for actor in readers or ["anon"]:
        for param in params:
            response = clients[actor].get(base, {param: HOSTILE} | _query(query))
            if response.status_code >= 500:
                failures.append(f"{param} som {actor}: {response.status_code}")
        # Every field at once, as a filter form submits them.
        response = clients[actor].get(base, dict.fromkeys(params, HOSTILE) | _query(query))
        if response.status_code >= 500:
            failures.append(f"alla fält som {actor}: {response.status_code}")
    assert not failures, f"{base}: " + ", ".join(failures)


def _query(query: str) -> dict:
    from django.http import QueryDict

    return dict(QueryDict(query).items())


def test_a_control_character_in_the_path_is_a_400(clients):
    response = clients["forvaltare"].get("/avtal/%00/")
    assert response.status_code == 400


def test_control_characters_are_stripped_from_a_filter_value(clients, world):
    """Stripped, not refused: the filter still works on what remains."""
    response = clients["forvaltare"].get(reverse("agreements:register"), {"forbund": "g\x00r"})
    assert response.status_code == 200
    assert response.wsgi_request.GET["forbund"] == "gr"


# --- Cache-Control on every export and personal download (ASVS V8.2.1) ------------------------
DOWNLOAD_WORDS = (
    "export",
    "xlsx",
    "csv",
    "ics",
    "feed",
    "download",
    "mall",
    "template",
    "kalender",
)


def _download_names():
    return sorted(
        name
        for name, route, _pattern in all_patterns()
        if name
        and not route.startswith(ADMIN_PREFIX)
        and any(word in (name + " " + route).lower() for word in DOWNLOAD_WORDS)
    )


def test_downloads_are_found():
    names = _download_names()
    assert {"agreements:register_xlsx", "escalation:feed", "conferences:ics"} <= set(names)


@pytest.mark.parametrize("name", _download_names())
def test_every_export_and_personal_download_is_not_stored(name, world, clients):
    url = url_for(name, world.obj)
    served = 0
    for actor in ACTORS:
        response = clients[actor].get(url)
        assert "no-store" in response.get("Cache-Control", ""), f"{url} som {actor}"
        served += response.status_code == 200
    assert served, f"{url}: ingen aktör fick filen, så testet prövade inget"
