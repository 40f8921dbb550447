"""Markup rules a validator checks, held for every template (other changes are caught too).

- htmx attributes are written ``data-hx-*`` (bare ``hx-*`` is not valid HTML: vnu);
- ``<time datetime>`` carries no microseconds (Django's ``|date:'c'`` and ``isoformat`` do);
- the focus ring has at least 3:1 contrast against what surrounds it (WCAG 1.4.11),
  computed from the colours in ``static/css/portal.css``;
- page titles say the page first, then the portal, with a separator (WCAG 2.4.2).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "var", ".git"}


def _project_files(pattern: str) -> list[Path]:
    return [
        path
        for path in ROOT.rglob(pattern)
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
    ]


def _templates() -> list[Path]:
    return [p for p in _project_files("*.html") if "templates" in p.relative_to(ROOT).parts]


BARE_HX = re.compile(r"(?<![\w-])hx-[a-z][\w:-]*\s*=")
BARE_HX_IN_PYTHON = re.compile(r"""["']hx-[a-z][\w:-]*["']\s*:""")


def test_templates_are_found():
    names = {p.name for p in _templates()}
    assert {"base.html", "_quick_row.html", "_checkin_row.html"} <= names


def test_no_bare_htmx_attribute_in_any_template_or_widget():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in _templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_HX.search(line)
    ]
    found += [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in _project_files("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_HX_IN_PYTHON.search(line)
    ]
    assert not found, "skriv htmx-attribut som data-hx-*:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        '<form hx-post="/x/">',
        '<div class="a" hx-get="{% url "x" %}" hx-trigger="every 2s">',
        '<p{% if oob %} hx-swap-oob="true"{% endif %}>',
    ],
)
def test_bare_htmx_pattern_catches(line):
    assert BARE_HX.search(line)


@pytest.mark.parametrize("line", ['<form data-hx-post="/x/">', '<p data-hx-swap-oob="true">'])
def test_bare_htmx_pattern_lets_data_prefix_pass(line):
    assert not BARE_HX.search(line)


DATETIME_ATTR = re.compile(r'datetime="([^"]*)"')
# A value is fine when it is a literal, or a date filter whose format has no 'c' (isoformat
# with microseconds) or 'u' (microseconds), or |isodatum (a date).
SAFE_DATETIME = re.compile(
    r"^\{\{\s*[\w.]+\s*\|\s*(date:(['\"])(?P<fmt>[^'\"]*)\2|isodatum)\s*\}\}$"
)


def _datetime_problem(value: str) -> str | None:
    if "{" not in value:
        return None
    match = SAFE_DATETIME.match(value.strip())
    if not match:
        return "ohanterat värde (använd |date med ett format utan mikrosekunder, eller |isodatum)"
    fmt = match.group("fmt") or ""
    if re.search(r"(?<!\\)[cu]", fmt):
        return f"formatet {fmt!r} ger mikrosekunder"
    return None


def test_no_time_datetime_with_microseconds_in_any_template():
    found = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for value in DATETIME_ATTR.findall(line):
                problem = _datetime_problem(value)
                if problem:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {value} – {problem}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "value",
    [
        "{{ e.created_at|date:'c' }}",
        "{{ e.created_at.isoformat }}",
        "{{ e.created_at }}",
        "{{ e.at|date:'Y-m-d H:i:s.u' }}",
    ],
)
def test_datetime_rule_catches_microseconds(value):
    assert _datetime_problem(value)


@pytest.mark.parametrize(
    "value", ["{{ m.date|date:'Y-m-d' }}", "{{ e.at|date:'Y-m-d\\TH:i:sO' }}", "{{ m.d|isodatum }}"]
)
def test_datetime_rule_lets_plain_values_pass(value):
    assert _datetime_problem(value) is None


# --- focus ring contrast (WCAG 1.4.11) --------------------------------------------------------
CSS = ROOT / "static" / "css" / "portal.css"


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{(.*?\})\s*\}", "", css, flags=re.S)  # print styles aside
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        declarations = {}
        for declaration in body.split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                declarations[name.strip()] = value.replace("!important", "").strip()
        rules.append(([s.strip() for s in selectors.split(",")], declarations))
    return rules


def _resolve(value: str, variables: dict[str, str]) -> str:
    return re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], value)


def _colour_of(rules, selector: str, prop: str) -> str:
    variables = {k: v for sels, d in rules if ":root" in sels for k, v in d.items()}
    for selectors, declarations in rules:
        if selector in selectors and prop in declarations:
            value = _resolve(declarations[prop], variables)
            return re.search(r"#[0-9a-fA-F]{3,6}\b", value).group(0)
    raise AssertionError(f"{selector} {{ {prop} }} saknas i portal.css")


def test_contrast_formula_matches_known_values():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#f0a500", "#fff") == pytest.approx(2.08, abs=0.01)  # the old ring


# Where a focus ring is drawn, and what lies around it (outline-offset 2px: the surrounding
# background, not the control's own).
FOCUS_CONTEXTS = [
    (":focus-visible", "outline", "#ffffff", "sidans bakgrund"),
    (
        ".portal-header :focus-visible",
        "outline-color",
        (".portal-header", "background"),
        "sidhuvud",
    ),
    (".portal-header :focus-visible", "outline-color", (".portal-nav", "background"), "meny"),
    (".portal-footer :focus-visible", "outline-color", (".portal-footer", "background"), "sidfot"),
    (".skip-link:focus-visible", "outline-color", (".portal-header", "background"), "hopplänk"),
]


@pytest.mark.parametrize(("selector", "prop", "background", "where"), FOCUS_CONTEXTS)
def test_focus_ring_has_3_to_1_contrast(selector, prop, background, where):
    rules = _rules(CSS.read_text(encoding="utf-8"))
    ring = _colour_of(rules, selector, prop)
    if isinstance(background, tuple):
        background = _colour_of(rules, *background)
    ratio = contrast(ring, background)
    assert ratio >= 3, f"fokusmarkeringen {ring} mot {background} ({where}): {ratio:.2f}:1"


# Python that builds <time datetime> itself must not use the "c" format (microseconds).
PY_C_FORMAT = re.compile(r"""format\([^()]*(\([^()]*\))?[^()]*,\s*["']c["']\s*\)""")


def test_no_python_built_time_element_with_microseconds():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in _project_files("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and "<time datetime" in (text := path.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), 1)
        if PY_C_FORMAT.search(line)
    ]
    assert not found, "\n".join(found)


def test_python_c_format_rule_catches():
    assert PY_C_FORMAT.search('dateformat.format(timezone.localtime(created), "c"),')
    assert not PY_C_FORMAT.search("timezone.localtime(created).replace(microsecond=0).isoformat(),")
