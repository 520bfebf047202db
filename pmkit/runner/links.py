"""Links between reports that exist only once both pages do, whatever order the kinds are run in.

A page links to another report (an exception to the indicator's deep dive and its line in the
annual report, a deep dive back to its quarterly page, the annual report to each indicator's
latest quarterly tile) with a marker instead of an address: ``<a data-xref="KIND ANCHOR">`` (`pmkit.components.anchors.xref`). When a
run has published its pages, `resolve` looks at every page of the audience's period folders (their
kinds from the folders' manifests, their anchors from the pages) and gives each marker the address
of the page it names, or takes the address away when there is no such page (yet, or any longer).
A link with nothing to go to is hidden; one marked ``data-xref-keep`` keeps its text, as plain text.
A page is rewritten (atomically) only when one of its links changed.

The kinds of target, each a page holding the element ``id="ANCHOR"``:

- ``deep-dive``: a deep dive of the same period (the one on fewest indicators, so an indicator's
  own deep dive before a topic's);
- ``quarterly``: a quarterly page of the same period;
- ``annual``: the latest annual report for a year ending before or with the page's period;
- ``latest-quarterly``: the quarterly page of the latest period.

>>> retag('<a class="xref" data-xref="deep-dive x" hidden>', "deep-dive-x.html#x")
'<a class="xref" data-xref="deep-dive x" href="deep-dive-x.html#x">'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from markupsafe import Markup

from pmkit.io import periods
from pmkit.runner import layout

MARKER = re.compile(r'<a\b[^>]*\bdata-xref="([^"]*)"[^>]*>')
_ID = re.compile(r'\sid="([^"]+)"')
_HREF = re.compile(r'\s+href="[^"]*"')
_HIDDEN = re.compile(r'\s+hidden(?:="[^"]*")?(?=[\s/>])')
_KEEP = re.compile(r"\sdata-xref-keep\b")


@dataclass(frozen=True)
class Page:
    """A published page: its file, period, report kind and the ids of its elements."""

    path: Path
    period: periods.Period
    kind: str
    ids: frozenset[str]


def pages(outputs: Path, audience: str) -> list[Page]:
    """Every page the manifests of the audience's period folders list and that exists."""
    found = []
    for folder in layout.published_folders(outputs, audience):
        period = periods.try_parse(folder.name if audience == "public" else folder.parent.name)
        if period is None:
            continue  # not a period's folder (a public site's own pages, say)
        try:
            manifest = json.loads(layout.manifest_path(outputs, period.slug, audience).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for entry in manifest.get("published", []):
            path = folder / str(entry.get("file", ""))
            if path.suffix == ".html" and path.is_file():
                ids = frozenset(_ID.findall(path.read_text(encoding="utf-8")))
                found.append(Page(path, period, str(entry.get("kind", "")), ids))
    return found


def target(page: Page, kind: str, anchor: str, every: list[Page]) -> Page | None:
    """The page a link of ``kind`` to ``anchor`` from ``page`` goes to, or None."""
    holding = [p for p in every if anchor in p.ids and p.path != page.path]
    if kind == "deep-dive":
        same = [p for p in holding if p.kind == "deep-dive" and p.period == page.period]
        return min(same, key=lambda p: (sum(i.startswith("indicator-") for i in p.ids), p.path.name), default=None)
    if kind == "quarterly":
        return next((p for p in holding if p.kind == "quarterly" and p.period == page.period), None)
    if kind == "annual":
        years = [p for p in holding if p.kind == "annual" and p.period.end <= page.period.end]
        return max(years, key=lambda p: p.period.end, default=None)
    if kind == "latest-quarterly":
        return max(
            (p for p in holding if p.kind == "quarterly"), key=lambda p: (p.period.end, p.period.start), default=None
        )
    return None


def retag(tag: str, href: str | None) -> str:
    """A marker's opening tag with address ``href``, or without one (hidden unless it keeps its text)."""
    tag = _HIDDEN.sub("", _HREF.sub("", tag))
    if href is not None:
        extra = f' href="{Markup.escape(href)}"'
    else:
        extra = "" if _KEEP.search(tag) else " hidden"
    return tag[:-1].rstrip("/").rstrip() + extra + ">"


def resolve(outputs: Path, audience: str, work: Path | None = None) -> list[Path]:
    """Give every link marker in the audience's pages the address of the page it names, or none; the
    pages rewritten (those whose links changed)."""
    from pmkit.runner.publish import write_atomic

    every = pages(outputs, audience)
    changed = []
    for page in every:
        text = page.path.read_text(encoding="utf-8")
        updated = MARKER.sub(partial(_address, page=page, every=every, audience=audience), text)
        if updated != text:
            write_atomic(page.path, updated, work)
            changed.append(page.path)
    return changed


def _address(match: re.Match, page: Page, every: list[Page], audience: str) -> str:
    """A marker's tag on ``page`` with the address of the page it names, or none."""
    kind, _, anchor = match.group(1).partition(" ")
    found = target(page, kind, anchor, every)
    href = (
        None
        if found is None
        else layout.period_href(audience, page.period.slug, found.period.slug, found.path.name, anchor)
    )
    return retag(match.group(0), href)
