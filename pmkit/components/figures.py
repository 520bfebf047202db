"""Key figures ("the year in numbers"): a handful of large numbers, each with what it counts."""

from __future__ import annotations

from dataclasses import dataclass

from pmkit.components.templating import render


@dataclass(frozen=True)
class KeyFigure:
    """A large number as shown (``26,341``), what it counts, and a line of detail with its source figures."""

    value: str
    label: str
    detail: str = ""


def key_figures(figures: list[KeyFigure]) -> str:
    return render("figures.html.j2", figures=figures)
