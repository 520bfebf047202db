"""The public site: the pages a council copies to its web server as they are.

`build_site` writes, beside the public report folders under ``outputs/public/``::

    index.html               the front page: the latest report of each kind, every measure, open data
    archive.html             every period's reports, by financial year
    how-to-read.html         how to read a report, and a glossary of every term the public pages use
    indicators/index.html    every public measure, by council priority
    indicators/<id>.html     one measure's whole history: figures, targets, chart, commentary, reports
    indicators/<id>.csv      its history as open data (described by indicators/datapackage.json)
    <period>/index.html      a period's reports and open data

Every page is self-contained (styles inline, charts as data URIs) and links only within the site.
What the site knows of each period's reports comes from the period's public manifest (kept outside
the site) and the pages themselves.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pmkit.components.anchors import slugify
from pmkit.components.benchmark_chart import benchmark_section
from pmkit.components.spc_chart import DIRECTION_WORDS, LINE_WORDS, POINT_WORDS, spc_section
from pmkit.components.targets import target_changes
from pmkit.components.templating import Markup, markdown, render
from pmkit.components.tile import kpi_tile
from pmkit.components.words import _ASSURANCE, _PUBLIC_DOT_WORD, _PUBLIC_QUARTERS, _VARIATION, words_for
from pmkit.io import periods
from pmkit.io.sources import Source
from pmkit.io.spreadsheet import neutralise_frame
from pmkit.io.units import format_value
from pmkit.judge import commentary as notes
from pmkit.judge.reading import Reading
from pmkit.judge.status import RAG_WORDS
from pmkit.judge.themes import SUPPRESSED
from pmkit.runner import layout, publish
from pmkit.runner.render import TEMPLATES

PUBLIC = words_for("public")
KINDS = {  # report kind -> (heading, what a resident finds in it), in the order the front page lists them
    "quarterly": (
        "Quarterly reports",
        "How each part of the council did in the quarter: every measure against its "
        "target, what got better or worse, and what the council is doing about it.",
    ),
    "annual": (
        "Annual report",
        "The council's year: what went well, what did not, and what happens next, for each of its priorities.",
    ),
    "deep-dive": (
        "Deep dives",
        "A closer look at one measure or service: its history, how it compares with similar "
        "councils, and what is being done.",
    ),
}
INDICATORS = "indicators"


@dataclass(frozen=True)
class Report:
    """One published public page of a period."""

    kind: str
    title: str
    file: str
    parameters: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """What the page is about, without the period: a directorate, an indicator's title, or the year."""
        if self.kind == "quarterly" and self.parameters.get("directorate"):
            return str(self.parameters["directorate"])
        name = self.title.removeprefix("Deep dive: ")
        return name.rsplit(", ", 1)[0] if self.kind == "deep-dive" else name


@dataclass(frozen=True)
class Edition:
    """A period's public pages: its folder under ``outputs/public`` and its reports, in the run's order."""

    period: periods.Period
    folder: Path
    reports: tuple[Report, ...]

    @property
    def slug(self) -> str:
        return self.folder.name

    def of_kind(self, kind: str) -> list[Report]:
        return [r for r in self.reports if r.kind == kind]


def plain_period(period: periods.Period) -> str:
    """``2025/26 Q2`` as ``July to September 2025``, ``Sep 2025`` as ``September 2025``, a year as
    ``April 2024 to March 2025``.

    >>> plain_period(periods.parse("2025/26 Q2")), plain_period(periods.parse("2024/25"))
    ('July to September 2025', 'April 2024 to March 2025')
    """
    first = periods.Period(period.start, "monthly").start_date
    last = periods.Period(period.end - 1, "monthly").start_date
    if period.frequency == "monthly":
        return f"{first:%B %Y}"
    return f"{first:%B} to {last:%B %Y}" if first.year == last.year else f"{first:%B %Y} to {last:%B %Y}"


def editions(outputs: Path) -> list[Edition]:
    """Every period of the public site that has pages, newest first, with the reports its manifest names
    and that exist (a folder without a readable manifest lists its pages by file name)."""
    found = []
    for folder in layout.published_folders(outputs, "public"):
        period = periods.try_parse(folder.name)
        if period is None:
            continue
        try:
            entries = json.loads(layout.manifest_path(outputs, folder.name, "public").read_text(encoding="utf-8"))[
                "published"
            ]
        except (OSError, ValueError, KeyError, TypeError):
            entries = [
                {"kind": "", "title": p.stem, "file": p.name}
                for p in sorted(folder.glob("*.html"))
                if p.stem != "index"
            ]
        reports = tuple(
            Report(
                str(e.get("kind", "")), str(e.get("title", e["file"])), str(e["file"]), dict(e.get("parameters") or {})
            )
            for e in entries
            if (folder / str(e.get("file", ""))).is_file() and e.get("file") != "index.html"
        )
        if reports:
            found.append(Edition(period, folder, reports))
    return sorted(found, key=lambda e: (e.period.end, -e.period.months), reverse=True)


def as_at(found: list[Edition]) -> periods.Period | None:
    """The period the indicator pages are read at: the newest edition's, or the last quarter of a year."""
    if not found:
        return None
    newest = found[0].period
    return periods.Period(newest.end - 3, "quarterly") if newest.frequency == "annual" else newest


# --- the glossary ------------------------------------------------------------------------------------


def vocabulary() -> list[str]:
    """Every term the public pages use that a reader may need explained, read from the words the
    components use (`pmkit.components.words`, the charts' and the status engine's), so that the
    glossary cannot drift from them. A phrase said of "this month", "this quarter" or "this year"
    is taken up to that point ("Unusually high"); its verdict after the colon stands on its own."""
    terms = [
        *(RAG_WORDS[k] for k in ("green", "amber", "red", "no_target", "no_data")),
        *_PUBLIC_DOT_WORD.values(),
        *_PUBLIC_QUARTERS.values(),
        *_ASSURANCE["public"].values(),
        *POINT_WORDS["public"].values(),
        *(LINE_WORDS["public"][k] for k in ("mean", "upl", "lpl", "target")),
        *DIRECTION_WORDS.values(),
        SUPPRESSED,
    ]
    for phrase in _VARIATION["public"].values():
        head, _, verdict = phrase.partition(": ")
        terms += [head.split(" this {period}")[0], *([verdict] if verdict else [])]
    return list(dict.fromkeys(terms))


GLOSSARY = {  # term as the pages say it -> what it means, in plain words
    "On target": "The latest figure met the target the council set, or did better than it.",
    "Near target": "The latest figure missed the target, but only by a little (the report's 'About this report' says how "
    "little counts as near).",
    "Off target": "The latest figure missed the target by more than a little.",
    "No target": "The council has not set a target for this measure, so the figure is not judged against one.",
    "No data": "There is no figure yet for this period.",
    "Getting better": "The latest figure is better than the one it is compared with (usually the period before).",
    "Getting worse": "The latest figure is worse than the one it is compared with.",
    "About the same": "The latest figure has barely changed from the one it is compared with.",
    "Going up": "The figure has gone up, for a measure where neither higher nor lower is better.",
    "Going down": "The figure has gone down, for a measure where neither higher nor lower is better.",
    "No earlier figure": "There is no earlier figure to compare the latest one with.",
    "best 25%": "Among similar councils ranked from best to worst, this council is in the best quarter.",
    "second-best 25%": "Among similar councils ranked from best to worst, this council is in the second quarter: better "
    "than the middle.",
    "second-worst 25%": "Among similar councils ranked from best to worst, this council is in the third quarter: worse "
    "than the middle.",
    "worst 25%": "Among similar councils ranked from best to worst, this council is in the bottom quarter.",
    "Reliably meets its target": "Judging by its usual range, the measure will meet its target almost every time.",
    "Falls short of its target time after time": "Judging by its usual range, the measure will miss its target almost "
    "every time unless something changes.",
    "Sometimes meets its target, sometimes not": "The target lies inside the usual range, so the measure will meet it "
    "some of the time and miss it some of the time.",
    "Usual variation": "A point on a chart within the usual range: the ups and downs every service has.",
    "Unusual: better than usual": "A point on a chart that is unusual and in the good direction.",
    "Unusual: worse than usual": "A point on a chart that is unusual and in the bad direction.",
    "Unusually high": "The figure is above its usual range, or part of a run of figures higher than before.",
    "Unusually low": "The figure is below its usual range, or part of a run of figures lower than before.",
    "Within its usual range": "The figure is within the range the measure normally stays within: nothing unusual.",
    "better than usual": "An unusual figure in the good direction for this measure.",
    "worse than usual": "An unusual figure in the bad direction for this measure.",
    "Average": "On a chart, the average of the figures the usual range is worked out from.",
    "Top of usual range": "The highest figure the measure normally reaches; a figure above it is unusual.",
    "Bottom of usual range": "The lowest figure the measure normally falls to; a figure below it is unusual.",
    "Target": "The figure the council aims for. It can change from year to year: each measure's page shows how.",
    "higher is better": "For this measure a higher figure is better (for example, more repairs done on time).",
    "lower is better": "For this measure a lower figure is better (for example, fewer days waited).",
    "no preferred direction": "Neither a higher nor a lower figure is better in itself (for example, the number of "
    "children in care).",
    SUPPRESSED: "Fewer than 5. Small numbers of comments are not shown exactly, so that nobody can be recognised.",
    "Year to date": "A running total from the start of the financial year (1 April), compared with the same point last "
    "year.",
    "Provisional": "A figure that may still change when the final data arrives.",
    "Similar councils": "Councils like this one in size and population, chosen by an independent body, whose figures "
    "are compared with the council's.",
    "Financial year": "The council's year, from 1 April to 31 March, written 2025/26. Q1 is April to June, Q2 July to "
    "September, Q3 October to December and Q4 January to March.",
    "Measure": "Something the council counts to see how a service is doing, such as the share of bins collected on time.",
}


# --- building ---------------------------------------------------------------------------------------


@dataclass
class _Site:
    outputs: Path
    council: str
    css: str
    work: Path | None
    editions: list[Edition]

    @property
    def root(self) -> Path:
        return self.outputs / layout.PUBLIC_SITE

    def page(self, file: str, template: str, depth: int, title: str, **context: object) -> Path:
        """Write one site page: ``depth`` folders below the site's root."""
        up = "../" * depth
        text = render(template, title=title, council=self.council, css=Markup(self.css), up=up, **context)
        return publish.write_atomic(self.root / file, text, self.work)


def build_site(
    outputs: Path, src: Source, settings: dict, root: Path | None = None, work: Path | None = None
) -> list[Path]:
    """Write the public site under ``outputs/public`` from the public pages already published there
    (see the module's description); the files written, front page first."""
    council = str(settings.get("council", "") or "This council")
    site = _Site(outputs, council, (TEMPLATES / "report.css").read_text(encoding="utf-8"), work, editions(outputs))
    pages = _indicator_pages(site, src, settings, root)
    written = [
        _front_page(site, pages),
        _archive(site),
        _how_to_read(site),
        *(_period_page(site, e) for e in site.editions),
    ]
    return (
        written
        + [site.root / INDICATORS / "index.html"]
        + [site.root / INDICATORS / f"{p['slug']}.html" for p in pages]
    )


def _front_page(site: _Site, measures: list[dict]) -> Path:
    latest = []
    for kind, (heading, about) in KINDS.items():
        edition = next((e for e in site.editions if e.of_kind(kind)), None)
        if edition is not None:
            latest.append(
                {
                    "heading": heading,
                    "about": about,
                    "period": edition.period.label,
                    "plain": plain_period(edition.period),
                    "slug": edition.slug,
                    "reports": edition.of_kind(kind),
                }
            )
    newest = site.editions[0] if site.editions else None
    years = list(dict.fromkeys(e.period.year.label for e in site.editions))
    return site.page(
        "index.html",
        "site_front.html.j2",
        0,
        f"{site.council}: how the council is doing",
        latest=latest,
        newest=newest,
        years=years,
        measures=len(measures),
        plain=plain_period(newest.period) if newest else "",
    )


def _archive(site: _Site) -> Path:
    years: dict[str, list[dict]] = {}
    for e in site.editions:
        years.setdefault(e.period.year.label, []).append(_edition_context(e))
    for listed in years.values():  # within a year: the year's own report first, then its quarters from the first
        listed.sort(key=lambda e: (e["frequency"] != "annual", e["start"]))
    return site.page("archive.html", "site_archive.html.j2", 0, f"{site.council}: every report", years=years)


def _edition_context(e: Edition) -> dict:
    groups = [
        {"heading": KINDS.get(k, (k.replace("-", " ").capitalize() or "Reports",))[0], "reports": e.of_kind(k)}
        for k in dict.fromkeys(r.kind for r in e.reports)
    ]
    return {
        "label": e.period.label,
        "plain": plain_period(e.period),
        "slug": e.slug,
        "groups": groups,
        "frequency": e.period.frequency,
        "start": e.period.start,
        "data": [f for f in ("status.csv", "datapackage.json") if (e.folder / f).exists()],
    }


def _period_page(site: _Site, e: Edition) -> Path:
    context = _edition_context(e)
    about = {KINDS[k][0]: KINDS[k][1] for k in KINDS}
    return site.page(
        f"{e.slug}/index.html",
        "site_period.html.j2",
        1,
        f"{site.council}: reports for {e.period.label}",
        edition=context,
        about=about,
    )


def _how_to_read(site: _Site) -> Path:
    entries = sorted(GLOSSARY.items(), key=lambda item: item[0].lstrip("<").casefold())
    return site.page(
        "how-to-read.html",
        "site_how_to_read.html.j2",
        0,
        "How to read these reports",
        glossary=entries,
        rag={k: RAG_WORDS[k] for k in ("green", "amber", "red")},
        dots=_PUBLIC_DOT_WORD,
        quarters=_PUBLIC_QUARTERS,
        lines=LINE_WORDS["public"],
        suppressed=SUPPRESSED,
        words_public=PUBLIC,
    )


# --- one page per measure ----------------------------------------------------------------------------


def _indicator_pages(site: _Site, src: Source, settings: dict, root: Path | None) -> list[dict]:
    """Each public measure's page and open data, and the measures list: what each page holds (for the front page)."""
    from pmkit.reports.context import ReportContext

    folder = site.root / INDICATORS
    when = as_at(site.editions)
    if when is None:  # nothing published yet: the list the site's header links to says so
        site.page(
            f"{INDICATORS}/index.html",
            "site_indicators.html.j2",
            1,
            f"{site.council}: every measure",
            priorities={},
            left_out=0,
            as_at="",
        )
        return []
    ctx = ReportContext(
        "public",
        engine="nbconvert",
        overrides={k: v for k, v in settings.items() if k != "audience"},
        opened=src,
        root=root,
    )
    register = ctx.register
    texts = {(e.slug, r.file): _page_text(e.folder / r.file) for e in site.editions for r in e.reports}
    retired = ctx.retired(register, when)
    at: dict[periods.Period, list[str]] = {}
    left_out = []
    for iid in register["indicator_id"]:
        if iid not in retired:
            at.setdefault(when, []).append(iid)
            continue
        title = _normal(str(register.set_index("indicator_id").at[iid, "title"]))
        shown = [e for e in site.editions if any(title in texts[(e.slug, r.file)] for r in e.reports)]
        if shown:  # a retired measure keeps its page, read at the last period a report showed it
            at.setdefault(as_at([shown[0]]), []).append(iid)
        else:
            left_out.append(iid)
    readings: dict[str, Reading] = {}
    for period, ids in at.items():
        chosen = register[register["indicator_id"].isin(ids)].reset_index(drop=True)
        st = ctx.assess(chosen, period)
        readings.update({r.indicator_id: r for r in ctx.read(st, chosen, period)})
    key = _fragments_key(src, settings, {iid: p.label for p, ids in at.items() for iid in ids})
    cache = site.outputs / FRAGMENTS
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
        known = known["fragments"] if known.get("key") == key else {}
    except (OSError, ValueError, KeyError, AttributeError):
        known = {}
    pages, resources, fragments = [], [], {}
    for _, info in register.iterrows():
        reading = readings.get(info["indicator_id"])
        if reading is None:
            continue
        fragments[reading.indicator_id] = known.get(reading.indicator_id) or _fragments(reading, site.council)
        page = _indicator_page(
            site, ctx, reading, texts, retired.get(reading.indicator_id), fragments[reading.indicator_id]
        )
        pages.append(page)
        resources.append(page["resource"])
    publish.write_atomic(cache, json.dumps({"key": key, "fragments": fragments}), site.work)
    _write_package(folder, resources, f"{site.council}: each measure's figures and targets", site.work)
    priorities: dict[str, list[dict]] = {}
    for page in pages:
        priorities.setdefault(page["priority"], []).append(page)
    site.page(
        f"{INDICATORS}/index.html",
        "site_indicators.html.j2",
        1,
        f"{site.council}: every measure",
        priorities=priorities,
        left_out=len(left_out),
        as_at=when.label,
    )
    return pages


FRAGMENTS = "_executed/site-fragments.json"  # under outputs, outside the site: the charts of the last build


def _fragments_key(src: Source, settings: dict, read_at: dict[str, str]) -> str:
    """What a measure page's charts and tile depend on: the data, the settings, the period each is read
    at and pmkit's code (the charts take most of a build's time; unchanged, they are kept)."""
    from pmkit.runner import fingerprint

    parts = {
        "tables": fingerprint.table_digests(src.tables()),
        "settings": {k: v for k, v in settings.items() if k != "source"},
        "at": read_at,
        "version": fingerprint.code_version(),
    }
    return _sha256(json.dumps(parts, sort_keys=True, default=str))


def _fragments(reading: Reading, council: str) -> dict[str, str]:
    """A measure's tile (without commentary: the page shows it whole), XmR chart and comparison with similar councils."""
    tile = kpi_tile(reading, None, PUBLIC).replace("<h4 ", "<h3 ").replace("</h4>", "</h3>")  # under the page's h2
    return {
        "tile": tile,
        "chart": spc_section([reading], PUBLIC),
        "bench": benchmark_section([reading], council, PUBLIC) if reading.peers is not None else "",
    }


def _indicator_page(
    site: _Site,
    ctx,
    reading: Reading,
    texts: dict[tuple[str, str], str],
    retired: str | None,
    fragments: dict[str, str],
) -> dict:
    """One measure's page and its history CSV; what the measures list and data package need of it."""
    iid, slug = reading.indicator_id, slugify(reading.indicator_id)
    unit, decimals = reading.unit, reading.decimals
    figures = reading.spc.figures if reading.spc is not None else pd.Series(dtype="float64")
    targets = reading.targets_for(figures.index)
    history = [
        {
            "period": label,
            "value": format_value(v, unit, decimals),
            "target": "" if pd.isna(t) else format_value(t, unit, decimals),
        }
        for label, v, t in zip(figures.index, figures, targets)
    ][::-1]
    polarity = str(reading.info["polarity"])
    changes = (
        target_changes(reading.targets, reading.row["period"], polarity, years=1000)
        if reading.targets is not None
        else []
    )
    first = reading.targets.iloc[0] if reading.targets is not None and len(reading.targets) else None
    note = notes.for_indicator(ctx.commentary, iid, reading.row["period"], "public")
    if note is None:  # else the last comment written for a period up to this one
        note = notes.latest_before(ctx.commentary, iid, _after(reading.row["period"]), "public")
    title = _normal(reading.title)
    appears = []
    for e in site.editions:
        for r in e.reports:
            if r.parameters.get("indicator") == iid or title in texts[(e.slug, r.file)]:
                anchor = next((a for a in (f"kpi-{iid}", f"ind-{slug}") if f'id="{a}"' in _raw(e.folder / r.file)), "")
                appears.append(
                    {
                        "href": f"../{e.slug}/{r.file}" + (f"#{anchor}" if anchor else ""),
                        "title": r.title,
                        "period": e.period.label,
                    }
                )
    frame = pd.DataFrame(
        {
            "indicator_id": iid,
            "title": reading.title,
            "period": list(figures.index),
            "value": figures.to_numpy(dtype="float64"),
            "unit": unit,
            "target": targets,
        }
    )
    csv = neutralise_frame(frame).to_csv(index=False)
    publish.write_atomic(site.root / INDICATORS / f"{slug}.csv", csv, site.work)
    site.page(
        f"{INDICATORS}/{slug}.html",
        "site_indicator.html.j2",
        1,
        reading.title,
        r=reading,
        slug=slug,
        retired=retired,
        words=PUBLIC,
        tile=fragments["tile"],
        chart=fragments["chart"],
        bench=fragments["bench"],
        history=history,
        direction=DIRECTION_WORDS.get(
            {"higher_is_better": "increase", "lower_is_better": "decrease"}.get(polarity, "neutral")
        ),
        first_target=(
            {"value": format_value(first["target"], unit, decimals), "period": first["period"]}
            if first is not None
            else None
        ),
        changes=[
            {
                "word": w,
                "before": format_value(b, unit, decimals),
                "after": format_value(a, unit, decimals),
                "period": p,
            }
            for w, b, a, p in changes
        ],
        note=note,
        note_text=markdown(note["text"]) if note is not None else "",
        note_actions=markdown(note["actions"])
        if note is not None and str(note.get("actions", "") or "").strip()
        else "",
        appears=appears,
    )
    resource = {
        "name": slug,
        "path": f"{slug}.csv",
        "title": reading.title,
        "format": "csv",
        "mediatype": "text/csv",
        "hash": "sha256:" + _sha256(csv),
        "schema": {
            "fields": [
                {"name": "indicator_id", "type": "string"},
                {"name": "title", "type": "string"},
                {"name": "period", "type": "string"},
                {"name": "value", "type": "number"},
                {"name": "unit", "type": "string"},
                {"name": "target", "type": "number"},
            ]
        },
    }
    return {
        "slug": slug,
        "title": reading.title,
        "priority": str(reading.info.get("priority", "") or "Other measures"),
        "value": format_value(reading.row["value"], unit, decimals),
        "period": reading.row["period"],
        "retired": retired,
        "resource": resource,
    }


def _after(label: str) -> str:
    """The period just after ``label``: commentary written up to and including ``label`` ended before it."""
    return periods.parse(label).shift(1).label


def _write_package(folder: Path, resources: list[dict], title: str, work: Path | None) -> None:
    from datetime import UTC, datetime

    package = {
        "name": "pmkit-measures",
        "title": title,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "description": "Each measure's figure and target for every period. A text that begins with =, +, -, @, "
        "a tab or a carriage return has a single quote (') put before it, so that a spreadsheet "
        "shows it rather than running it as a formula.",
        "resources": resources,
    }
    publish.write_atomic(folder / "datapackage.json", json.dumps(package, indent=2), work)


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_DATA_URI = re.compile(r"data:[^\"')\s]+")
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def _raw(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _page_text(path: Path) -> str:
    """A page's visible words, normalised as `_normal` (to find a measure's title in it)."""
    return _normal(html.unescape(_TAGS.sub(" ", _DATA_URI.sub("", _raw(path)))))


def _normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()
