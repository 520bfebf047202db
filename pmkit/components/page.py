"""Page pieces shared by every report kind: how a fragment reaches each renderer, section headings,
the header, the table of contents, the method note and the index pages.

A section is emitted with its heading so that both engines build their contents from it: for
nbconvert a ``text/html`` output with an ``<h2 id>``; for Quarto a ``text/markdown`` output whose
heading is Markdown (escaped, so no text from data becomes markup) followed by the HTML in a raw
block fenced longer than any run of backticks inside it, so that nothing in the data can close
the fence early.

>>> print(markdown_heading("Adults' <b>care</b> [1]", "summary"))
## Adults\\' \\<b\\>care\\<\\/b\\> \\[1\\] {#summary}
"""

from __future__ import annotations

import html
import re
from datetime import datetime

import pandas as pd

from pmkit.components.templating import Markup, render
from pmkit.components.words import Words

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_BACKTICKS = re.compile(r"`+")
# A level-2 heading and its anchor: its own id (nbconvert), or the id of the section it opens (Quarto).
_HEADING = re.compile(
    r'(?:<section\b[^>]*?\bid="([^"]+)"[^>]*>\s*<h2\b[^>]*>|<h2\b[^>]*?\bid="([^"]+)"[^>]*>)(.*?)</h2>', re.S
)
_TAG = re.compile(r"<[^>]+>")
CONTENTS_MARK = "<!-- pmkit:contents -->"


def raw_html_block(fragment: str) -> str:
    """A Pandoc raw-HTML block holding ``fragment`` verbatim, fenced longer than any backtick run in it."""
    longest = max((len(run) for run in _BACKTICKS.findall(fragment)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{{=html}}\n{fragment}\n{fence}"


def markdown_escape(text: str) -> str:
    """Text that Pandoc's Markdown reads back literally: every ASCII punctuation mark backslash-escaped."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def markdown_heading(title: str, anchor: str, level: int = 2) -> str:
    return f"{'#' * level} {markdown_escape(title)} {{#{anchor}}}"


def show(fragment: str, engine: str = "nbconvert", heading: tuple[str, str] | None = None) -> None:
    """Display an HTML fragment so that the chosen renderer passes it through verbatim.

    ``heading`` is (title, anchor) of a level-2 heading to put before it.
    """
    show_sections([(heading, fragment)], engine)


def show_sections(sections: list[tuple[tuple[str, str] | None, str]], engine: str = "nbconvert") -> None:
    """Display several sections, each an optional (title, anchor) heading and its HTML, as one output.

    One output per notebook cell keeps every heading at the top level of the page, where Quarto
    builds its table of contents from it.
    """
    from IPython.display import display

    if engine == "quarto":
        parts = []
        for heading, fragment in sections:
            if heading:
                parts.append(markdown_heading(*heading))
            if fragment.strip():
                parts.append(raw_html_block(fragment))
        display({"text/markdown": "\n\n".join(parts)}, raw=True)
    else:
        html = "".join(
            (f'<h2 id="{heading[1]}">{Markup.escape(heading[0])}</h2>\n' if heading else "") + fragment
            for heading, fragment in sections
        )
        display({"text/html": html}, raw=True)


def section(name: str, body: str, words: Words) -> tuple[tuple[str, str], str]:
    """The heading (title, anchor) and HTML of one report section: its introduction, then ``body``."""
    title, intro = words.section(name)
    return (title, name.replace("_", "-")), render("section.html.j2", intro=intro, body=Markup(body))


def header(lede: str, index_link: bool = True) -> str:
    """The report's opening: a sentence on what it covers, and the way back to the period's index.

    The title itself is the page's: nbconvert's template and Quarto's title block each print it once.
    """
    return render("header.html.j2", lede=lede, index_link=index_link)


def contents(page: str) -> str:
    """A table of contents of the page's level-2 headings, put where the report's header marks it.

    Both engines' pages get it the same way (Quarto's own contents would miss headings that a
    cell emits after its first).
    """
    entries = [
        (section or own, html.unescape(_TAG.sub("", text)).strip()) for section, own, text in _HEADING.findall(page)
    ]
    return page.replace(CONTENTS_MARK, render("contents.html.j2", entries=entries) if entries else "", 1)


def method_note(
    period_label: str, settings: dict, indicators: pd.DataFrame, source: str, words: Words, left_out: str = ""
) -> str:
    """How the judgements were made, with the rules in force (read from the settings and register);
    ``left_out`` says which indicators the report leaves out as no longer reported."""
    return render(
        "method.html.j2",
        words=words,
        left_out=left_out,
        period=period_label,
        tolerances=tolerance_words(indicators),
        threshold=float(settings.get("dot_threshold", 0.01)),
        suspended=", ".join(str(p) for p in settings.get("rag_suspended") or []),
        spc_rules=settings.get("spc_rules", "mdc"),
        source=source,
        produced=f"{datetime.now():%d %B %Y}",
    )


def tolerance_words(indicators: pd.DataFrame) -> str:
    """The amber band as the register sets it: "5% of the target", or the most common and a note.

    >>> tolerance_words(pd.DataFrame({"tolerance": [0.05, None], "tolerance_type": ["relative", ""]}))
    '5% of the target'
    """
    tolerance = pd.to_numeric(indicators.get("tolerance", pd.Series(dtype=float)), errors="coerce").fillna(0.05)
    kind = (
        indicators.get("tolerance_type", pd.Series("relative", index=indicators.index))
        .fillna("")
        .replace("", "relative")
    )
    phrases = [
        f"{t * 100:g}% of the target" if k != "absolute" else f"{t:g} either side of the target"
        for t, k in zip(tolerance, kind)
    ]
    if not phrases:
        return "5% of the target"
    counts = pd.Series(phrases).value_counts()
    if len(counts) == 1:
        return counts.index[0]
    return f"{counts.index[0]} for {counts.iloc[0]} of {len(phrases)}; each one's own for the rest"


def index_page(title: str, groups: dict[str, list[dict]], extras: list[tuple[str, str]], css: str) -> str:
    """A period's index: each kind's reports with their results, then the open data and manifest."""
    return render("index_page.html.j2", title=title, groups=groups, extras=extras, css=Markup(css))


def home_page(folders: list[tuple[str, str]], css: str, council: str = "", public: str = "") -> str:
    """The internal home page: the council's name, a link per internal period folder, newest first
    (href, period), and the public site's front page (``public``, its href, when there is one)."""
    return render("home_page.html.j2", folders=folders, css=Markup(css), council=council, public=public)
