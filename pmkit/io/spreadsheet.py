"""Text that leaves pmkit as a spreadsheet stays text (formula or CSV injection, as OWASP describes it).

Excel and other spreadsheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return) as a formula: an indicator titled ``=HYPERLINK("http://…","click me")`` in a CSV a
resident opens becomes a live link. So pmkit writes

- in a workbook, every text cell as a text cell (`keep_text`): openpyxl would otherwise store a
  string beginning with ``=`` as a formula and one such as ``#N/A`` as an error;
- in a CSV, a text cell beginning with one of those characters with a single quote before it
  (`neutralise`, `neutralise_frame`), as OWASP recommends; numbers are left alone (``-3.5`` is
  read as the number it is, nothing runs);

and reads a CSV cell back with `restore`, so that what was written is read as it was typed.
A text that begins with an apostrophe and a letter (``'Tis``) is left as it is both ways.

>>> neutralise("=2+3"), restore("'=2+3"), neutralise("-3.5"), neutralise("'Tis the season")
("'=2+3", '=2+3', '-3.5', "'Tis the season")
>>> restore(neutralise("'=2+3")) == "'=2+3"
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` (or it begins with quotes before such a text, so that
    `restore` gives back every quote it had)."""
    text = text.lstrip("'")
    return text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text)


def neutralise(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs: a single quote before it when it begins with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return and is not a number."""
    return "'" + text if _needs_quote(text) else text


def restore(text: str) -> str:
    """The text `neutralise` was given: its quote taken off again; any other text as it is."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each text cell through `neutralise`; numbers, dates and empty cells as they are."""
    out = frame.copy()
    for column, values in frame.items():
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            out[column] = values.map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def keep_text(sheets: Iterable) -> None:
    """Store every string in the openpyxl worksheets ``sheets`` as text, never as a formula or an
    error, and mark those beginning like a formula as Excel marks a text typed after a quote, so
    that editing the cell keeps it text."""
    for sheet in sheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(TRIGGERS):
                        cell.quotePrefix = True
