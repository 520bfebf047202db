"""A case study block: heading, details, image, quote and the sanitised Markdown body."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pmkit.components import safehtml
from pmkit.components.templating import markdown, render

FIELDS = ("name", "title", "directorate", "priority", "period", "image", "quote", "body")


def case_study_block(row: Mapping | pd.Series, heading_level: int = 3) -> str:
    """HTML ``<article>`` for one case study; its body's headings start one level below its title.

    >>> case_study_block({"name": "warm-homes", "title": "Warm homes", "directorate": "Place", "body": "Fewer *cold* homes."})
    '<article class="pmkit-case-study" data-case-study="warm-homes">\\n<h3>Warm homes</h3>\\n<p class="pmkit-meta">Place</p>\\n<details class="phone-fold"><summary>The full story <span class="visually-hidden">Warm homes</span></summary><p>Fewer <em>cold</em> homes.</p></details></article>'
    """
    field = {key: ("" if pd.isna(row.get(key)) else str(row.get(key))) for key in FIELDS}
    image = field["image"] if field["image"] and safehtml.safe_image_source(field["image"]) else ""
    return render(
        "case_study.html.j2",
        f=field,
        h=min(heading_level, 6),
        details=[field[k] for k in ("directorate", "priority", "period") if field[k]],
        image=image,
        body=markdown(field["body"], top_heading=min(heading_level + 1, 6)) if field["body"].strip() else "",
    )
