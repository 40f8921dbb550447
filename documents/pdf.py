"""A plain, printable PDF of a dispatch for the recipient's registration (diarium).

Text only, A4, Helvetica with WinAnsi encoding (å, ä, ö, é), wrapped and paginated here: no
browser and no new library, so it cannot fail on the worker. Characters outside Latin-1 become
"?". Verified with pypdf in the tests.
"""

import textwrap

WIDTH, HEIGHT = 595, 842  # A4 in points
MARGIN = 56
LINE = 14
CHARS = 88


def _escape(text: str) -> bytes:
    data = text.encode("cp1252", "replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _lines(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for style, text in blocks:
        paragraphs = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for paragraph in paragraphs:
            wrapped = textwrap.wrap(paragraph, CHARS) or [""]
            out.extend((style, line) for line in wrapped)
    return out


def text_pdf(title: str, blocks: list[tuple[str, str]]) -> bytes:
    """``blocks``: (style, text) with style "h" (bold heading) or "p" (body text)."""
    lines = _lines([("h", title), ("p", ""), *blocks])
    per_page = (HEIGHT - 2 * MARGIN) // LINE
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages, filled below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title (" + _escape(title) + b") >>",
    ]
    kids = []
    for number, page in enumerate(pages, start=1):
        parts = [b"BT"]
        y = HEIGHT - MARGIN
        for style, text in page:
            font = b"/F2 12" if style == "h" else b"/F1 10"
            parts.append(b"%s Tf 1 0 0 1 %d %d Tm (%s) Tj" % (font, MARGIN, y, _escape(text)))
            y -= LINE
        parts.append(
            b"/F1 8 Tf 1 0 0 1 %d %d Tm (%s) Tj"
            % (WIDTH - MARGIN - 60, MARGIN / 2, _escape(f"Sida {number} av {len(pages)}"))
        )
        parts.append(b"ET")
        stream = b"\n".join(parts)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
            % (WIDTH, HEIGHT, content)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
