"""Where published pages live under a project's outputs folder, and links between them.

Internal pages are grouped by period, the public ones form a site of their own that a council can
copy to its web server as it is::

    outputs/index.html                     the internal home page (every period)
    outputs/2025-26-Q2/internal/           a period's internal pages, index, open data and manifest
    outputs/2025-26-Q2/internal/public-manifest.json   the manifest of the period's public pages
    outputs/public/index.html              the public site's front page
    outputs/public/2025-26-Q2/             a period's public pages and open data

Both kinds of folder sit two levels below ``outputs``, so a link from one period's page to
another's is the same shape for either audience.

>>> period_href("internal", "2025-26-Q2", "2024-25", "annual-report.html", "ind-hou-07")
'../../2024-25/internal/annual-report.html#ind-hou-07'
>>> period_href("public", "2025-26-Q2", "2024-25", "annual-report.html")
'../2024-25/annual-report.html'
>>> period_href("public", "2025-26-Q2", "2025-26-Q2", "housing.html", "tile-hou-07")
'housing.html#tile-hou-07'
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath

from pmkit.io.periods import try_parse

PUBLIC_SITE = "public"  # the public site's folder under outputs


def page_folder(outputs: Path, slug: str, audience: str) -> Path:
    """The folder of a period's pages for an audience (``slug`` as `pmkit.io.periods.Period.slug`)."""
    return outputs / PUBLIC_SITE / slug if audience == "public" else outputs / slug / audience


def manifest_path(outputs: Path, slug: str, audience: str) -> Path:
    """A period and audience's run manifest: never inside the public site."""
    if audience == "public":
        return outputs / slug / "internal" / "public-manifest.json"
    return page_folder(outputs, slug, audience) / "manifest.json"


def period_href(audience: str, from_slug: str, to_slug: str, file: str, anchor: str = "") -> str:
    """A relative link from a page of period ``from_slug`` to ``file`` of period ``to_slug``, same audience."""
    here = PurePosixPath(page_folder(PurePosixPath("outputs"), from_slug, audience))  # type: ignore[arg-type]
    there = PurePosixPath(page_folder(PurePosixPath("outputs"), to_slug, audience)) / file  # type: ignore[arg-type]
    href = posixpath.relpath(there, here)
    return f"{href}#{anchor}" if anchor else href


def published_folders(outputs: Path, audience: str) -> list[Path]:
    """The period folders of an audience that have pages, newest period first (by folder name); the
    public site's other folders (its measures' pages) are not periods."""
    pattern = f"{PUBLIC_SITE}/*" if audience == "public" else f"*/{audience}"
    found = [p for p in outputs.glob(pattern) if p.is_dir() and any(p.glob("*.html"))]
    key = (lambda p: p.name) if audience == "public" else (lambda p: p.parent.name)
    return sorted(
        (p for p in found if not key(p).startswith(("_", ".")) and (audience != "public" or try_parse(p.name))),
        key=key,
        reverse=True,
    )
