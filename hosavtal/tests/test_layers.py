"""The layers of the house, enforced (docs/conventions.md, "Layout and dependency direction").

Dependencies point one way: core ← agreements ← accounts ← implementation ← escalation,
conferences, bodies, onboarding ← documents ← reminders ← hosavtal. An app imports only from
apps to its left; the four of one layer stand side by side and import nothing of each other. ``core`` imports no app at all
(its test harness included). Tests may reach across (they integrate); the measurement packages
(bench, load, faults, security) stand above everything.

The dashboard (``hosavtal/dashboard``) composes the apps' selectors and figures and reads no
other app's models: each app owns its figures (``implementation.readiness``,
``escalation.figures``, ``conferences.figures``, ``documents.figures``, ``agreements.selectors``,
``bodies.selectors``).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("agreements",),
    ("accounts",),
    ("implementation",),
    ("escalation", "conferences", "bodies", "onboarding"),
    ("documents",),
    ("reminders",),
    ("hosavtal",),
)
RANK = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every absolute module a source file imports, with its line (relative imports stay
    inside the package, so they cannot cross a layer)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def layer_violations(app: str, source: str) -> list[str]:
    """The imports in one file of ``app`` that point up or sideways."""
    wrong = []
    for line, module in imported_modules(source):
        target = module.split(".")[0]
        if target in RANK and target != app and RANK[target] >= RANK[app]:
            wrong.append(f"{line}: {module}")
    return wrong


def production_files():
    for app in RANK:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts or "migrations" in relative.parts:
                continue
            yield app, relative, path


def test_no_import_points_up_or_sideways():
    wrong = [
        f"{relative}:{hit}"
        for app, relative, path in production_files()
        for hit in layer_violations(app, path.read_text(encoding="utf-8"))
    ]
    assert wrong == [], "Importer mot lagerordningen:\n" + "\n".join(wrong)


def test_core_imports_no_app_not_even_in_its_test_harness():
    wrong = [
        f"{path.relative_to(ROOT)}:{hit}"
        for path in sorted((ROOT / "core" / "testing").rglob("*.py"))
        for hit in layer_violations("core", path.read_text(encoding="utf-8"))
    ]
    assert wrong == []


def dashboard_model_imports(relative: str, source: str) -> list[str]:
    """The imports of another app's models in one file of the dashboard."""
    return [
        f"{relative}:{line}: {module}"
        for line, module in imported_modules(source)
        if module.split(".")[0] in RANK
        and module.split(".")[0] != "hosavtal"
        and (module.endswith(".models") or ".models." in module)
    ]


def test_the_dashboard_reads_no_models_of_other_apps():
    found = [
        hit
        for path in sorted((ROOT / "hosavtal" / "dashboard").rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts
        for hit in dashboard_model_imports(
            path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")
        )
    ]
    assert found == [], "Översikten läser andra appars modeller:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from escalation.models import Case\n", ["x.py:1: escalation.models"]),
        ("def f():\n    import implementation.models\n", ["x.py:2: implementation.models"]),
        ("from hosavtal.models import X\nfrom escalation import figures\n", []),
    ],
)
def test_the_dashboard_rule_catches_a_model_import(source, expected):
    assert dashboard_model_imports("x.py", source) == expected


@pytest.mark.parametrize(
    ("app", "source", "expected"),
    [
        ("core", "from agreements.models import Party\n", ["1: agreements.models"]),
        ("implementation", "import escalation.selectors\n", ["1: escalation.selectors"]),
        ("conferences", "\n\nfrom escalation import figures\n", ["3: escalation"]),
        ("escalation", "from implementation.models import Unit\n", []),
        ("reminders", "from .models import Reminder\nfrom core import mail\n", []),
        ("agreements", "def f():\n    from hosavtal.celery import app\n", ["2: hosavtal.celery"]),
    ],
)
def test_the_layer_rule_catches_a_wrong_import(app, source, expected):
    """The rule itself, on deliberately wrong (and right) imports: an upward import, a
    sideways one between escalation and conferences, one hidden in a function."""
    assert layer_violations(app, source) == expected


MAX_LINES = 500
SOURCE_PACKAGES = (*RANK, "bench", "load", "faults", "security")


def test_no_module_is_over_500_lines():
    """A module that grows past 500 lines is split along its seams (docs/conventions.md)."""
    long = sorted(
        f"{path.relative_to(ROOT)}: {lines}"
        for package in SOURCE_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert long == [], "Moduler över 500 rader:\n" + "\n".join(long)
