"""Functions the browser tests share: Chromium's flags and axe-core's WCAG run."""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("PMKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def axe_violations(page, source: str, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations of the loaded page at the given impacts."""
    page.add_script_tag(content=source)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}, resultTypes: ['violations']})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
