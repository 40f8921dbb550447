"""Fill English translations into a .po file from a JSON dict.

The JSON maps each Swedish msgid to its English text (or to [one, many] for plurals). Prints
the msgids still without a translation. Usage: ``python -m core.i18n_fill PO JSON``, then
``make messages`` to compile.
"""

import json
import sys
from pathlib import Path

import polib


def fill(po_path: str, translations: dict) -> list[str]:
    catalogue = polib.pofile(po_path)
    missing = []
    for entry in catalogue:
        text = translations.get(entry.msgid)
        if text is None:
            if not (entry.msgstr or any(entry.msgstr_plural.values())):
                missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text[0], 1: text[1]}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata.update(
        {
            "Language": "en",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
    )
    catalogue.save()
    return missing


if __name__ == "__main__":
    still_missing = fill(sys.argv[1], json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
    print(f"saknar översättning: {len(still_missing)}")
    for msgid in still_missing:
        print(f"  {msgid!r}")
