"""The commentary return: an Excel workbook that asks service managers for commentary, and its import.

`write_return` makes one row per indicator that needs commentary in a period (red, amber, or any
exception), pre-filled with its figures, status, the reasons it is asked about and last period's
commentary, plus a row per directorate for its overview. Only the text columns can be edited: the
sheet is protected, its header frozen, and each text column carries a data validation with a prompt.

`import_return` checks a returned workbook against the source as it is now (known rows, the right
period, commentary where it is required, figures as they were sent) and, only when every row is
right, replaces those rows of the source's commentary table in one write: other periods and other
indicators are untouched, and importing the same file twice changes nothing the second time.

>>> write_return(src, settings, "2025/26 Q2", ["Housing"], Path("return.xlsx"))   # doctest: +SKIP
>>> import_return(Path("return.xlsx"), src, settings)                              # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pmkit import __version__
from pmkit.errors import PmkitError, Problem, ValidationError
from pmkit.io import periods
from pmkit.io.schema import TABLES
from pmkit.io.settings import apply_rebase_settings
from pmkit.io.sources import Source
from pmkit.io.spreadsheet import keep_text
from pmkit.io.units import format_value
from pmkit.judge import commentary as notes
from pmkit.judge.status import EXCEPTION_WORDS, RAG_WORDS

SHEET, ABOUT = "Commentary", "About"
OVERVIEW = "Directorate overview"
MAX_TEXT = 4000  # characters in one text cell


@dataclass(frozen=True)
class Field:
    header: str
    width: int
    editable: bool = False
    prompt: str = ""


FIELDS = {
    "indicator_id": Field("Indicator ID", 12),
    "title": Field("Indicator", 42),
    "directorate": Field("Directorate", 20),
    "period": Field("Period", 12),
    "value": Field("Value", 11),
    "target": Field("Target", 11),
    "status": Field("Status", 12),
    "reasons": Field("Why it is asked about", 36),
    "last": Field("Previous commentary", 48),
    "text": Field(
        "Commentary for members and officers",
        60,
        True,
        "Why the figure is as it is, in a few sentences. Required for every indicator.",
    ),
    "actions": Field("Actions", 48, True, "What is being done about it, by whom and by when."),
    "public_text": Field(
        "Commentary for residents",
        60,
        True,
        "The same in plain words for the public report (public indicators only; optional).",
    ),
    "public_actions": Field(
        "What we are doing (for residents)", 48, True, "What is being done, in plain words (optional)."
    ),
}
FIGURES = ("value", "target", "status")


@dataclass
class ImportSummary:
    added: int
    changed: int
    unchanged: int
    written_to: str | None  # None when nothing changed


def requested_rows(
    src: Source, settings: dict, period: periods.Period, directorates: list[str] | None = None
) -> list[dict]:
    """The rows a return for ``period`` asks about: each directorate's overview, then its indicators
    that are red, amber or carry any exception (reds first), with their figures as the return shows them."""
    from pmkit.reports.context import assess_with_settings

    register = apply_rebase_settings(src.indicators(), settings)
    known = sorted(register["directorate"].unique())
    unknown = sorted(set(directorates or ()) - set(known))
    if unknown:
        raise PmkitError(f"directorate {', '.join(unknown)} is not in the source; expected one of: {', '.join(known)}")
    commentary = src.commentary()
    rows = []
    for directorate in directorates or known:
        indicators = register[register["directorate"] == directorate].reset_index(drop=True)
        st = assess_with_settings(src, settings, indicators, period).reset_index(drop=True)
        overview = notes.for_directorate(commentary, directorate, period.label, "internal")
        public_overview = notes.for_directorate(commentary, directorate, period.label, "public")
        rows.append(
            {
                "indicator_id": "",
                "title": OVERVIEW,
                "directorate": directorate,
                "period": period.label,
                "value": "",
                "target": "",
                "status": "",
                "reasons": "Optional: the directorate's quarter in a paragraph",
                "last": _text(notes.for_directorate(commentary, directorate, period.shift(-1).label, "internal")),
                **_filled(overview, public_overview),
                "public": True,
            }
        )
        flagged = st[st["rag"].isin(["red", "amber"]) | st["exceptions"].map(len).gt(0)]
        specs = indicators.set_index("indicator_id")
        order = flagged["rag"].map({"red": 0, "amber": 1}).fillna(2)
        for _, row in flagged.assign(order=order).sort_values(["order", "indicator_id"]).iterrows():
            spec = specs.loc[row["indicator_id"]]
            judged = periods.parse(row["period"])
            rows.append(
                {
                    "indicator_id": row["indicator_id"],
                    "title": spec["title"],
                    "directorate": directorate,
                    "period": judged.label,
                    **_figures(row, spec),
                    "reasons": "; ".join(EXCEPTION_WORDS.get(code, code) for code in row["exceptions"])
                    or RAG_WORDS[row["rag"]],
                    "last": _text(notes.latest_before(commentary, row["indicator_id"], judged.label, "internal")),
                    **_filled(
                        notes.for_indicator(commentary, row["indicator_id"], judged.label, "internal"),
                        notes.for_indicator(commentary, row["indicator_id"], judged.label, "public"),
                    ),
                    "public": bool(spec["public"]),
                }
            )
    return rows


def _figures(row: pd.Series, spec: pd.Series) -> dict:
    decimals = None if pd.isna(spec["decimals"]) else int(spec["decimals"])
    value = None if pd.isna(row["value"]) else float(row["value"])
    target = None if pd.isna(row["target"]) else float(row["target"])
    return {
        "value": format_value(value, spec["unit"], decimals),
        "target": format_value(target, spec["unit"], decimals, missing="None set"),
        "status": RAG_WORDS.get(row["rag"], row["rag"]),
    }


def _text(note: pd.Series | None, column: str = "text") -> str:
    return "" if note is None else str(note[column] or "")


def _filled(internal: pd.Series | None, public: pd.Series | None) -> dict:
    """What has already been written for the period, so a second return starts from it."""
    return {
        "text": _text(internal),
        "actions": _text(internal, "actions"),
        "public_text": _text(public),
        "public_actions": _text(public, "actions"),
    }


def write_return(
    src: Source,
    settings: dict,
    period: str | periods.Period,
    directorates: list[str] | None,
    path: Path,
    council: str = "",
) -> tuple[Path, int]:
    """Write the commentary return for ``period`` to ``path`` (.xlsx); returns it and its number of indicator rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    period = periods.parse(period) if isinstance(period, str) else period
    rows = requested_rows(src, settings, period, directorates)
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    keys = list(FIELDS)
    ws.append([FIELDS[k].header for k in keys])
    for row in rows:
        ws.append([row[k] for k in keys])
    header_fill = PatternFill("solid", fgColor="1F3864")
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, key in enumerate(keys, start=1):
        letter, field = get_column_letter(i), FIELDS[key]
        ws.column_dimensions[letter].width = field.width
        head = ws.cell(row=1, column=i)
        head.font, head.fill, head.alignment = Font(bold=True, color="FFFFFF"), header_fill, wrap
        for r in range(2, len(rows) + 2):
            cell = ws.cell(row=r, column=i)
            cell.alignment = wrap
            if field.editable and not (key.startswith("public") and not rows[r - 2]["public"]):
                cell.protection = Protection(locked=False)
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
        if field.editable and rows:
            rule = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(MAX_TEXT),
                allow_blank=True,
                showInputMessage=True,
                promptTitle=field.header[:32],
                prompt=field.prompt[:255],
                showErrorMessage=True,
                errorTitle="Too long",
                error=f"Keep it under {MAX_TEXT} characters.",
            )
            rule.add(f"{letter}2:{letter}{len(rows) + 1}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "C2"
    ws.protection.sheet = True  # locked header and figures; the yellow text cells stay editable
    ws.protection.formatRows = False  # rows may still be resized to read long text
    about = book.create_sheet(ABOUT)
    for line in [
        ("Council", council),
        ("Reporting period", period.label),
        ("Made", dt.date.today().isoformat()),
        ("Made by", f"pmkit {__version__}"),
        (
            "How to fill it in",
            "Write in the yellow cells of the Commentary sheet only: commentary for every "
            "indicator (why the figure is as it is) and the actions being taken; residents' "
            "versions for public indicators if you can. Do not change the figures, ids or "
            "periods, or add rows. Return the file to the performance team.",
        ),
    ]:
        about.append(line)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 20, 100
    for cell in about["B"]:
        cell.alignment = wrap
    about.protection.sheet = True
    keep_text(book.worksheets)  # a title or commentary beginning with = is text, never a formula
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path, sum(1 for row in rows if row["indicator_id"])


def _read_return(path: Path) -> tuple[str, list[tuple[int, dict]]]:
    """The workbook's reporting period and its rows (row number, values by field), or the problems reading it."""
    from pmkit.io.sources import excel_text, open_workbook

    book = open_workbook(path)
    name = path.name
    if SHEET not in book.sheetnames or ABOUT not in book.sheetnames:
        raise ValidationError(
            [
                Problem(
                    name,
                    None,
                    "",
                    f"has no '{SHEET}' and '{ABOUT}' sheets; expected a commentary "
                    "return made by pmkit commentary template",
                )
            ]
        )
    about = {str(r[0].value).strip(): r[1] for r in book[ABOUT].iter_rows(min_col=1, max_col=2) if r[0].value}
    period = excel_text(about["Reporting period"]).strip() if "Reporting period" in about else ""
    ws = book[SHEET]
    header = [excel_text(c).strip() for c in ws[1]]
    problems = []
    for field in FIELDS.values():
        if field.header not in header:
            problems.append(
                Problem(
                    f"{name}[{SHEET}]",
                    1,
                    field.header,
                    "column is missing; keep the return's columns as they were sent",
                )
            )
    if problems:
        raise ValidationError(problems)
    where = {key: header.index(field.header) for key, field in FIELDS.items()}
    rows = []
    for number, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        values = {key: excel_text(cells[i]).strip() if i < len(cells) else "" for key, i in where.items()}
        if any(values.values()):
            rows.append((number, values))
    return period, rows


def import_return(path: Path, src: Source, settings: dict) -> ImportSummary:
    """Check a returned workbook and load its commentary into ``src``: all rows or none."""
    path = Path(path)
    label, rows = _read_return(path)
    problems: list[Problem] = []
    sheet = f"{path.name}[{SHEET}]"
    try:
        period = periods.parse(label)
    except PmkitError:
        raise ValidationError(
            [
                Problem(
                    f"{path.name}[{ABOUT}]",
                    2,
                    "Reporting period",
                    f"'{label}' is not a period; expected the period the return was made for, e.g. 2025/26 Q2",
                )
            ]
        ) from None
    directorates = sorted({values["directorate"] for _, values in rows if values["directorate"]})
    register = src.indicators()
    known_directorates = set(register["directorate"])
    for number, values in rows:
        if values["directorate"] not in known_directorates:
            problems.append(
                Problem(
                    sheet,
                    number,
                    FIELDS["directorate"].header,
                    f"'{values['directorate']}' is not a directorate of the source; expected one of "
                    f"{', '.join(sorted(known_directorates))}",
                )
            )
    if problems:
        raise ValidationError(problems)
    expected = {(r["indicator_id"], r["directorate"]): r for r in requested_rows(src, settings, period, directorates)}
    known_ids = set(register["indicator_id"])
    seen: dict[tuple[str, str], int] = {}
    new_rows = []
    for number, values in rows:
        key = (values["indicator_id"], values["directorate"])
        what = values["indicator_id"] or f"{values['directorate']} overview"
        if values["indicator_id"] and values["indicator_id"] not in known_ids:
            problems.append(
                Problem(
                    sheet,
                    number,
                    FIELDS["indicator_id"].header,
                    f"'{values['indicator_id']}' is not in the register; expected an indicator id the return was sent with",
                )
            )
            continue
        if key not in expected:
            problems.append(
                Problem(
                    sheet,
                    number,
                    FIELDS["indicator_id"].header,
                    f"'{what}' is not asked about in the {period.label} return (it needs no commentary "
                    "this period); remove the row or make a new template",
                )
            )
            continue
        if key in seen:
            problems.append(
                Problem(
                    sheet,
                    number,
                    FIELDS["indicator_id"].header,
                    f"'{what}' appears twice (first in row {seen[key]}); keep one row",
                )
            )
            continue
        seen[key] = number
        sent = expected[key]
        if values["period"] != sent["period"]:
            problems.append(
                Problem(
                    sheet,
                    number,
                    FIELDS["period"].header,
                    f"'{values['period']}' is not the period this return asks about; expected {sent['period']}",
                )
            )
        for field in FIGURES:
            if values[field] != str(sent[field]):
                problems.append(
                    Problem(
                        sheet,
                        number,
                        FIELDS[field].header,
                        f"'{values[field]}' is not the figure the source holds ({sent[field] or 'empty'}); "
                        "figures are not edited in a return (if the data has changed since, make a new template)",
                    )
                )
        for field in ("text", "actions", "public_text", "public_actions"):
            if len(values[field]) > MAX_TEXT:
                problems.append(
                    Problem(
                        sheet,
                        number,
                        FIELDS[field].header,
                        f"is {len(values[field]):,} characters long; expected at most {MAX_TEXT:,}",
                    )
                )
        if values["indicator_id"] and not values["text"]:
            problems.append(
                Problem(
                    sheet, number, FIELDS["text"].header, "is empty; every indicator in the return needs its commentary"
                )
            )
        if values["actions"] and not values["text"]:
            problems.append(
                Problem(
                    sheet, number, FIELDS["text"].header, "is empty but Actions is filled in; write the commentary too"
                )
            )
        if values["public_actions"] and not values["public_text"]:
            problems.append(
                Problem(
                    sheet,
                    number,
                    FIELDS["public_text"].header,
                    "is empty but the residents' actions are filled in; write the residents' commentary too",
                )
            )
        if (values["public_text"] or values["public_actions"]) and not sent["public"]:
            problems.append(
                Problem(
                    sheet,
                    number,
                    FIELDS["public_text"].header,
                    "is filled in for an indicator that is not public; leave the residents' columns empty",
                )
            )
        for audience, text, actions in [("internal", "text", "actions"), ("public", "public_text", "public_actions")]:
            if values[text]:
                new_rows.append(
                    {
                        "indicator_id": values["indicator_id"],
                        "directorate": "" if values["indicator_id"] else values["directorate"],
                        "period": sent["period"],
                        "audience": audience,
                        "text": values[text],
                        "actions": values[actions],
                    }
                )
    if problems:
        raise ValidationError(problems)
    return save_commentary(src, pd.DataFrame(new_rows, columns=list(TABLES["commentary"].columns)))


def save_commentary(src: Source, new: pd.DataFrame) -> ImportSummary:
    """Replace the rows of the commentary table that ``new`` has a row for (by its key), keep the rest."""
    from pmkit.io.writeback import replace_table

    key = list(TABLES["commentary"].key)
    old = src.commentary()
    old = old.reindex(columns=list(dict.fromkeys([*TABLES["commentary"].columns, *old.columns])), fill_value="")
    old_keyed = old.set_index(key)
    added = changed = unchanged = 0
    for row in new.itertuples(index=False):
        at = tuple(getattr(row, k) for k in key)
        if at not in old_keyed.index:
            added += 1
        elif (old_keyed.loc[[at], "text"].iloc[-1], old_keyed.loc[[at], "actions"].iloc[-1]) == (row.text, row.actions):
            unchanged += 1
        else:
            changed += 1
    if not added and not changed:
        return ImportSummary(0, 0, unchanged, None)
    # each replaced row keeps its place; new rows follow the old ones
    merged = old.set_index(key)
    fresh = new.set_index(key)
    replaced = merged.index.isin(fresh.index)
    merged.loc[replaced, ["text", "actions"]] = fresh.loc[merged.index[replaced], ["text", "actions"]].to_numpy()
    merged = pd.concat(
        [merged.reset_index(), new[~fresh.index.isin(merged.index)].reindex(columns=old.columns, fill_value="")],
        ignore_index=True,
    )[old.columns]
    merged = merged.astype({c: "str" for c in merged.columns})
    return ImportSummary(added, changed, unchanged, replace_table(src, "commentary", merged))
