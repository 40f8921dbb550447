"""The Nu Html Checker (vnu, from the npm package ``vnu-jar``) over saved HTML pages.

The browser tests save every page they load (``core.testing.plugin``, when ``VNU_PAGES_DIR``
is set): the HTML exactly as the server sent it, one file per distinct page, with the address
it came from beside it. ``python -m core.testing.vnu DIR`` checks them all in one Java process
and exits 1 listing every error, or when there is nothing to check (a step that checked no
page proves nothing).
"""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class VnuUnavailable(RuntimeError):
    """Java or the vnu jar is missing."""


@dataclass(frozen=True)
class VnuError:
    source: str  # the page's address, or the file's path
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        extract = " ".join(self.extract.split())[:120]
        return f"{where}: {self.message} [{extract}]"


def java() -> str:
    found = shutil.which("java")
    if not found:
        raise VnuUnavailable("java saknas (Debian: apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        raise VnuUnavailable(f"{VNU_JAR} saknas: kör 'npm ci' (make gör det)")
    return found


def validate(files: list[Path], *, sources: dict[Path, str] | None = None) -> list[VnuError]:
    """Every vnu error in ``files`` (warnings are not errors)."""
    if not files:
        return []
    sources = sources or {}
    result = subprocess.run(
        [java(), "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise VnuUnavailable(f"vnu svarade inte med JSON: {result.stderr[:500]}") from error
    by_path = {str(f.resolve()): f for f in files}
    errors = []
    for message in messages:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        path = by_path.get(unquote(urlparse(message.get("url", "")).path))
        errors.append(
            VnuError(
                source=sources.get(path, str(path or message.get("url", ""))),
                line=message.get("lastLine"),
                message=message.get("message", ""),
                extract=message.get("extract", ""),
            )
        )
    return errors


def saved_pages(directory: Path) -> dict[Path, str]:
    """The saved pages of ``directory`` and the address each came from."""
    pages = {}
    for html in sorted(directory.glob("*.html")):
        url_file = html.with_suffix(".url")
        pages[html] = url_file.read_text(encoding="utf-8") if url_file.exists() else str(html)
    return pages


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("användning: python -m core.testing.vnu KATALOG", file=sys.stderr)
        return 2
    pages = saved_pages(Path(argv[0]))
    if not pages:
        print(f"vnu: inga sparade sidor i {argv[0]}", file=sys.stderr)
        return 1
    try:
        errors = validate(list(pages), sources=pages)
    except VnuUnavailable as error:
        print(f"vnu: {error}", file=sys.stderr)
        return 1
    for error in errors:
        print(error)
    print(f"vnu: {len(pages)} sidor kontrollerade, {len(errors)} fel")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
