"""How tall each report page is on a phone (390 px) and a desktop (1280 px), and how heavy it is.

Opens every page under an outputs folder in headless Chromium (Playwright; drill-downs closed, as a
reader first sees them) at each width and prints one table: the page, its height in CSS pixels at
390 and 1280 px, and its size in KB. Executed notebooks and the index pages are left out.

    python benchmarks/page_heights.py outputs
    python benchmarks/page_heights.py outputs --widths 320 390 1280
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright


def report_pages(folder: Path) -> list[Path]:
    """Every report page under ``folder`` (not the executed notebooks, not the index pages)."""
    return sorted(p for p in folder.rglob("*.html") if "_executed" not in p.parts and p.stem != "index")


def heights(pages: list[Path], widths: list[int], chromium: str | None = None) -> dict[Path, dict[int, int]]:
    """Each page's scroll height in CSS pixels at each viewport width, its <details> closed."""
    found: dict[Path, dict[int, int]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for path in pages:
                page.goto(path.resolve().as_uri())
                found.setdefault(path, {})[width] = page.evaluate(
                    "() => { document.querySelectorAll('details[open]').forEach(d => d.open = false);"
                    " return document.scrollingElement.scrollHeight; }"
                )
            page.close()
        browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="an outputs folder, as `pmkit run` or `pmkit demo` writes it")
    parser.add_argument("--widths", type=int, nargs="+", default=[390, 1280], help="viewport widths in CSS pixels")
    args = parser.parse_args()
    pages = report_pages(args.folder)
    if not pages:
        raise SystemExit(f"{args.folder}: no report pages (*.html) found")
    found = heights(pages, args.widths, shutil.which("chromium") or shutil.which("chromium-browser"))
    names = [str(p.relative_to(args.folder)) for p in pages]
    wide = max(map(len, names + ["page"]))
    print(f"{'page':<{wide}}  " + "  ".join(f"{str(w) + ' px':>8}" for w in args.widths) + f"  {'KB':>6}")
    for name, path in zip(names, pages):
        print(
            f"{name:<{wide}}  "
            + "  ".join(f"{found[path][w]:>8,}" for w in args.widths)
            + f"  {path.stat().st_size / 1024:>6,.0f}"
        )


if __name__ == "__main__":
    main()
