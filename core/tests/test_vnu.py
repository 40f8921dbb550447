"""The Nu Html Checker (vnu) in the suite: the checker finds what it must, and the pages every
visitor meets first validate with 0 errors. (.ci/run checks every page the browser tests
loaded, saved by core.testing.plugin.)"""

import pytest
from django.urls import reverse

from core.testing import vnu
from core.testing.plugin import unavailable


@pytest.fixture
def checker():
    try:
        vnu.java()
    except vnu.VnuUnavailable as error:
        unavailable(str(error))
    return vnu


def _check(checker, tmp_path, pages: dict[str, str]) -> list[str]:
    files = {}
    for n, (source, html) in enumerate(pages.items()):
        path = tmp_path / f"sida-{n}.html"
        path.write_text(html, encoding="utf-8")
        files[path] = source
    return [str(error) for error in checker.validate(list(files), sources=files)]


def test_vnu_reports_nested_forms_bare_htmx_and_microseconds(checker, tmp_path):
    html = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>T</title></head>'
        '<body><form method="post"><form method="post"></form></form>'
        '<div hx-get="/x/"></div><time datetime="2026-12-03T10:34:18.019861+01:00">x</time>'
        "</body></html>"
    )
    errors = _check(checker, tmp_path, {"/prov/": html})
    text = "\n".join(errors)
    assert "Nested forms" in text or "already an active “form”" in text
    assert "hx-get" in text
    assert "fraction of a second" in text
    assert all(error.startswith("/prov/") for error in errors)


def test_main_command_fails_on_an_empty_folder(tmp_path):
    assert vnu.main([str(tmp_path)]) == 1


@pytest.mark.django_db
def test_first_pages_validate_with_no_errors(checker, tmp_path, client, forvaltare, lead):
    pages = {}
    for url in [reverse("accounts:login"), reverse("accessibility")]:
        pages[url] = client.get(url).content.decode()
    client.force_login(forvaltare)
    for url in ["/", reverse("agreements:register"), reverse("agreements:index")]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[f"{url} (förvaltare)"] = response.content.decode()
    client.force_login(lead)
    pages["/ (implementeringsansvarig)"] = client.get("/", follow=True).content.decode()
    assert _check(checker, tmp_path, pages) == []
