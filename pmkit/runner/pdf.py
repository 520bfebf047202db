"""Committee papers: a report page printed to an A4 PDF by headless Chromium, from the same HTML.

Chromium prints a copy of the page made in a temporary folder: every drill-down (``<details>``)
open, and the page's own ``@page`` rule giving A4 and a footer with the report's title and "Page N
of M". The rest of the print layout (navigation hidden, a chart kept whole and with its heading,
headings kept with what follows) is the ``@media print`` block of ``report.css``, so a page printed
from a browser looks the same. The contents' links stay links in the PDF (link annotations to the
sections' named destinations) and carry the page each section starts on.

>>> print(css_string('Adults\\' "care" </style>'))
"Adults\\27  \\22 care\\22  \\3c /style\\3e "
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pmkit.errors import PmkitError
from pmkit.runner import publish

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]
TIMEOUT = 300  # seconds for one page: a quarterly page takes about ten
PAGE_SUFFIXES = (".html", ".htm")

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_DETAILS = re.compile(r"<details(?=[\s>])", re.I)
_HEAD_END = re.compile(r"</head\s*>", re.I)
_SAFE = re.compile(r"[A-Za-z0-9 ,.:;()/-]")
_CONTENTS = re.compile(r'<nav class="contents"[^>]*>.*?</nav>', re.S)
_ENTRY = re.compile(r'(<a href="#([^"]+)">.*?</a>)(?=</li>)', re.S)


def chromium() -> str:
    """The Chromium to print with: ``PMKIT_CHROMIUM``, else ``chromium`` or ``chromium-browser`` on the PATH."""
    found = os.environ.get("PMKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PmkitError(
            "no Chromium to print PDFs with: install it (Debian and Ubuntu: apt-get install chromium) "
            "or set PMKIT_CHROMIUM to its program"
        )
    return found


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: every character but letters, digits and plain punctuation as a
    hexadecimal escape, so that no quote, backslash, newline or ``</style>`` in a title can end it."""
    return '"' + "".join(c if _SAFE.fullmatch(c) else f"\\{ord(c):x} " for c in " ".join(text.split())) + '"'


def page_title(page_html: str, fallback: str) -> str:
    """The page's ``<title>`` as text (``fallback`` when its head has none: an SVG's title is not the page's)."""
    head_end = _HEAD_END.search(page_html)
    found = _TITLE.search(page_html, 0, head_end.start() if head_end else len(page_html))
    title = " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split()) if found else ""
    return title or fallback


def print_copy(page_html: str, title: str) -> str:
    """The page as it is printed: every drill-down open, and A4 pages whose footer carries ``title``
    and the page number ("Page 3 of 12")."""
    footer = "font: 8pt Arial, 'Helvetica Neue', sans-serif; color: #484949;"
    style = (
        "<style>@page { size: A4; margin: 16mm 14mm 18mm; "
        f"@bottom-left {{ content: {css_string(title)}; {footer} }} "
        f'@bottom-right {{ content: "Page " counter(page) " of " counter(pages); {footer} }} }} '
        ".contents-page { color: #484949; white-space: nowrap; }</style>"
    )
    opened = _DETAILS.sub("<details open", page_html)
    head_end = _HEAD_END.search(opened)
    if head_end is None:
        return style + opened
    return opened[: head_end.start()] + style + opened[head_end.start() :]


def check_page(page: Path) -> None:
    """Refuse what is not a report page: a missing file, a folder, or a file that is not HTML."""
    if not page.exists():
        raise PmkitError(f"{page}: no such file; expected a report page (.html) to print")
    if not page.is_file():
        raise PmkitError(f"{page}: is a folder; expected a report page (.html) to print")
    if page.suffix.lower() not in PAGE_SUFFIXES:
        raise PmkitError(
            f"{page}: not an HTML page (its name ends {page.suffix or 'without a suffix'}); "
            f"expected a report page ending .html"
        )
    with page.open("rb") as f:
        start = f.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start.startswith((b"<!doctype html", b"<html")):
        raise PmkitError(
            f"{page}: not an HTML page (it does not start with <!DOCTYPE html> or <html>); expected a report page"
        )


def write_pdf(page: Path, work: Path | None = None, browser: str | None = None) -> Path:
    """Print ``page`` to ``PAGE.pdf`` beside it (written atomically) and return that path; the print
    copy and Chromium's profile live in a temporary folder under ``work`` (default: the system's).

    The contents get the page number of each section: the page is printed once to learn where each
    section starts (its named destination), then again with the numbers, until the numbers are where
    the sections are (without numbers, should they never settle; the links work either way)."""
    page = Path(page)
    check_page(page)
    browser = browser or chromium()
    text = page.read_text(encoding="utf-8", errors="replace")
    copy = print_copy(text, page_title(text, page.stem))
    with tempfile.TemporaryDirectory(prefix="pmkit-pdf-", dir=work) as scratch:
        data = _print(copy, page, Path(scratch), browser)
        starts = section_pages(data)
        for _ in range(3):
            numbered = number_contents(copy, starts)
            if numbered == copy:
                break  # no contents
            printed = _print(numbered, page, Path(scratch), browser)
            found = section_pages(printed)
            if found == starts:
                data = printed
                break
            starts = found
    return publish.write_atomic(page.with_suffix(".pdf"), data, work)


def _print(copy: str, page: Path, folder: Path, browser: str) -> bytes:
    """The PDF Chromium prints of the print copy ``copy`` of ``page``, made in ``folder``."""
    source, out = folder / "print.html", folder / "print.pdf"
    source.write_text(copy, encoding="utf-8")
    out.unlink(missing_ok=True)
    command = [
        browser,
        *CHROMIUM_ARGS,
        f"--user-data-dir={folder / 'profile'}",
        f"--print-to-pdf={out}",
        source.as_uri(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise PmkitError(f"{page}: Chromium did not finish printing it within {TIMEOUT} seconds") from None
    except OSError as exc:
        raise PmkitError(f"{page}: Chromium ({browser}) could not be started: {exc}") from None
    data = out.read_bytes() if out.exists() else b""
    if not data.startswith(b"%PDF"):
        why = " ".join(done.stderr.split())[-500:] or f"exit status {done.returncode}"
        raise PmkitError(f"{page}: Chromium wrote no PDF ({why})")
    return data


def section_pages(pdf: bytes) -> dict[str, int]:
    """The page (from 1) of each named destination in a PDF Chromium printed: each element with an id that a link points at."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {
        str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
        for name, dest in reader.named_destinations.items()
    }


def number_contents(copy: str, pages: dict[str, int]) -> str:
    """The print copy with the page number after each entry of its contents whose section is in ``pages``.

    >>> number_contents('<nav class="contents"><ol><li><a href="#about">About</a></li></ol></nav>', {"about": 7})
    '<nav class="contents"><ol><li><a href="#about">About</a><span class="contents-page"> page 7</span></li></ol></nav>'
    """

    def entry(found: re.Match) -> str:
        number = pages.get(html.unescape(found.group(2)))
        return (
            found.group(0) if number is None else f'{found.group(1)}<span class="contents-page"> page {number}</span>'
        )

    def contents(found: re.Match) -> str:
        return _ENTRY.sub(entry, found.group(0))

    return _CONTENTS.sub(contents, copy, count=1)
