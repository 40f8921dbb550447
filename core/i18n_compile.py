"""Compile the portal's translation catalogues without GNU gettext.

Swedish is the source language of every text in the portal (msgids are Swedish); English is
a translation in ``locale/en`` (project texts) and ``<app>/locale/en`` (each app's texts). The compiled ``.mo`` files are committed, so a fresh machine
needs no gettext. ``make messages`` recompiles; a test checks the .mo files are current.
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]


def catalogues() -> list[Path]:
    """The project catalogue (locale/) and each app's own (<app>/locale/)."""
    found = list((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    found += ROOT.glob("*/locale/*/LC_MESSAGES/*.po")
    return sorted(set(found))


def _entries(catalogue) -> dict:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalogue.translated_entries()
        if not e.obsolete
    }


def stale_catalogues() -> list[str]:
    stale = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or _entries(polib.pofile(str(po_path))) != _entries(
            polib.mofile(str(mo_path))
        ):
            stale.append(str(po_path.relative_to(ROOT)))
    return stale


def compile_all() -> None:
    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"kompilerade {po_path.relative_to(ROOT)}")


if __name__ == "__main__":
    compile_all()
