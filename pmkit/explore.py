"""The explorer: ipywidgets over a project's data, for analysts in JupyterLab between runs.

Controls pick the source, directorate, priority, indicator (a combobox that finds an indicator by
its id or words of its title), the period range, the comparator group and the audience. The outputs
are the report's own components, so what the explorer shows is what a report will: the status table
(sortable, or only the exceptions), the indicator's tile exactly as its report shows it, its XmR
chart over the period range, its benchmark chart, its breakdowns, and residents' feedback themes with
redacted quotes. Buttons write the selection as a deep-dive parameter file under ``params/``, run
that deep dive and link its page, and save commentary for the selected indicator.

The data is read and validated once (again only when the source changes); a change of indicator
redraws the indicator's outputs only. In a notebook, the explorer's last line shows it.

>>> explorer = Explorer()     # doctest: +SKIP
>>> explorer                  # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
import time
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import yaml

from pmkit.components import benchmark_section, kpi_tile, spc_section, theme_summary_block
from pmkit.components.anchors import slugify
from pmkit.components.charts import share_drawings
from pmkit.components.funnel_chart import breakdown_section
from pmkit.errors import PmkitError, shell
from pmkit.io import periods
from pmkit.io.settings import load_settings, project_root, report_period, reporting_frequency
from pmkit.io.sources import open_source
from pmkit.io.units import format_value
from pmkit.judge import commentary as notes
from pmkit.judge import themes
from pmkit.judge.status import DOT_WORDS
from pmkit.reports.context import ReportContext
from pmkit.runner import publish
from pmkit.runner.render import TEMPLATES

ALL = "All"
DEEP_DIVES = Path("params") / "deep-dives"
SORTS = {"Status, worst first": "status", "Indicator": "indicator_id", "Direction of travel": "dot"}
_WORST_FIRST = {"red": 0, "amber": 1, "green": 2}


def indicator_label(indicator_id: str, title: str) -> str:
    """How the indicator combobox lists an indicator: its id, then its title (either finds it)."""
    return f"{indicator_id} · {title}"


class Explorer(widgets.VBox):
    """The explorer's widgets and outputs over one project (``root``, default the one at or above the
    working folder) and source (default the project's)."""

    def __init__(self, source: str | None = None, root: Path | None = None):
        self.root = Path(root) if root else project_root()
        self.settings = load_settings({"source": source}, self.root)
        # the charts the project's runs drew (into its outputs folder) are shown without drawing them again
        share_drawings(publish.drawing_store(self.root / "outputs"))
        self.message = widgets.HTML()
        self.source_box = widgets.Text(
            value=str(self.settings["source"]), description="Source", layout=widgets.Layout(width="32em")
        )
        self.open_button = widgets.Button(description="Open", tooltip="Read and check the source again")
        self.directorate = widgets.Dropdown(description="Directorate")
        self.priority = widgets.Dropdown(description="Priority")
        self.indicator = widgets.Combobox(
            description="Indicator",
            placeholder="type an id or words of its title",
            ensure_option=True,
            layout=widgets.Layout(width="40em"),
        )
        self.period = widgets.SelectionRangeSlider(
            options=["…"],
            description="Periods",
            continuous_update=False,
            readout=False,
            layout=widgets.Layout(width="40em"),
        )
        self.period_words = widgets.HTML()
        self.group = widgets.Dropdown(description="Compare with")
        self.audience = widgets.ToggleButtons(options=["internal", "public"], description="Audience")
        self.exceptions_only = widgets.Checkbox(description="Exceptions only", indent=False)
        self.sort = widgets.Dropdown(options=list(SORTS), description="Sort by")
        self.status_table, self.tile, self.xmr = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.benchmark, self.breakdowns, self.voice = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.write_button = widgets.Button(description="Write deep-dive params", icon="file")
        self.run_button = widgets.Button(description="Run deep dive", icon="play")
        self.deep_dive = widgets.HTML()
        self.note_text = widgets.Textarea(description="Commentary", layout=widgets.Layout(width="48em", height="6em"))
        self.note_actions = widgets.Textarea(description="Actions", layout=widgets.Layout(width="48em", height="4em"))
        self.save_button = widgets.Button(description="Save commentary", icon="save")
        self.timings: dict[str, float] = {}
        self._quiet = 0
        super().__init__(self._layout(), layout=widgets.Layout(width="100%"))
        self.add_class("pmkit-explorer")
        self.indicator.add_class("pmkit-indicator")
        for control in (
            self.source_box,
            self.directorate,
            self.priority,
            self.indicator,
            self.period,
            self.group,
            self.audience,
            self.sort,
            self.note_text,
            self.note_actions,
        ):
            control.style.description_width = "8em"
        self._wire()
        self.load()

    # --- data ----------------------------------------------------------------------------------

    def load(self) -> None:
        """Open and check the source named in the source box, then refill every control."""
        started = time.perf_counter()
        src = open_source(self.source_box.value.strip())
        src.tables()  # read and validated once, here; a bad source leaves the explorer on the one it had
        self.src = src
        self._contexts: dict[tuple[str, str], ReportContext] = {}
        self._feedback_summaries: dict[tuple, str] = {}
        register, benchmarks = self.src.indicators(), self.src.benchmarks()
        frequency = reporting_frequency(self.settings)
        latest = report_period(self.src, None, frequency)
        starts = periods.parse_column(self.src.measures()["period"])["start"].dropna()
        first = periods.Period(int(starts.min()), "monthly").latest(frequency) if len(starts) else latest
        options = [latest.shift(-k).label for k in range(max(0, (latest.start - first.start) // latest.months), -1, -1)]
        with self.quietly():
            self.directorate.options = [ALL, *sorted(register["directorate"].unique())]
            self.priority.options = [ALL, *sorted(p for p in register["priority"].unique() if p)]
            self.directorate.value = self.priority.value = ALL
            groups = sorted(benchmarks["group"].unique()) or [
                self.settings.get("comparator_group", "nearest_neighbours")
            ]
            chosen = self.settings.get("comparator_group", "nearest_neighbours")
            self.group.options = groups
            self.group.value = chosen if chosen in groups else groups[0]
            self.period.options = options
            self.period.index = (0, len(options) - 1)  # the whole history, as a report charts it
            self._fill_indicators()
        self.timings["load"] = time.perf_counter() - started
        self.refresh()

    def context(self) -> ReportContext:
        """The report context of the chosen audience and comparator group (made once each, over the open source)."""
        key = (self.audience.value, self.group.value)
        if key not in self._contexts:
            self._contexts[key] = ReportContext(
                self.audience.value,
                str(self.src.location),
                overrides={"comparator_group": self.group.value},
                opened=self.src,
                root=self.root,
            )
        return self._contexts[key]

    @property
    def judged(self) -> periods.Period:
        return periods.parse(self.period.value[1])

    def chosen_register(self) -> pd.DataFrame:
        """The audience's indicators in the chosen directorate and priority."""
        register = self.context().register
        if self.directorate.value not in (None, ALL):
            register = register[register["directorate"] == self.directorate.value]
        if self.priority.value not in (None, ALL):
            register = register[register["priority"] == self.priority.value]
        return register.reset_index(drop=True)

    def selected_id(self) -> str | None:
        value = self.indicator.value or ""
        return value.split(" · ", 1)[0] if value in self.indicator.options else None

    # --- outputs -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw everything that depends on the selection: the status table, then the indicator."""
        first, last = self.period.value
        self.period_words.value = (
            f"<p>{html.escape(first)} to {html.escape(last)}: charts from {html.escape(first)}, "
            f"status as at {html.escape(last)}</p>"
        )
        self.draw_status_table()
        self.draw_indicator()

    def draw_status_table(self) -> None:
        started = time.perf_counter()
        ctx, register = self.context(), self.chosen_register()
        if register.empty:
            self.status_table.value = "<p>No indicators in this selection.</p>"
            return
        st = ctx.assess(register, self.judged)
        if self.exceptions_only.value:
            st = st[st["exceptions"].map(len).gt(0)]
        first = {"status": st["rag"].map(_WORST_FIRST).fillna(3), "dot": st["dot"], "indicator_id": st["indicator_id"]}
        st = st.assign(order=first[SORTS[self.sort.value]]).sort_values(["order", "indicator_id"], kind="stable")
        spec = register.set_index("indicator_id")
        rows = []
        for row in st.itertuples(index=False):
            unit, decimals = spec.loc[row.indicator_id, "unit"], spec.loc[row.indicator_id, "decimals"]
            decimals = None if pd.isna(decimals) else int(decimals)
            rows.append(
                {
                    "Indicator": row.indicator_id,
                    "Title": row.title,
                    "Period": row.period,
                    "Value": format_value(None if pd.isna(row.value) else float(row.value), unit, decimals),
                    "Target": format_value(
                        None if pd.isna(row.target) else float(row.target), unit, decimals, missing="None"
                    ),
                    "Status": ctx.words.rag.get(row.rag, row.rag),
                    "Direction": DOT_WORDS.get(row.dot, row.dot),
                    "Exceptions": ", ".join(
                        ctx.words.exception(code, spec.loc[row.indicator_id, "frequency"]) for code in row.exceptions
                    ),
                }
            )
        table = pd.DataFrame(rows).to_html(index=False, escape=True, classes="explorer-status", border=0)
        caption = (
            f"<p>{len(rows)} of {len(register)} indicators for {html.escape(self.judged.label)}"
            f"{' with an exception' if self.exceptions_only.value else ''} ({self.audience.value}).</p>"
        )
        self.status_table.value = caption + table
        self.timings["status table"] = time.perf_counter() - started

    def draw_indicator(self) -> None:
        """The selected indicator's tile, XmR chart, benchmark chart, breakdowns and feedback themes."""
        started = time.perf_counter()
        iid = self.selected_id()
        outputs = (self.tile, self.xmr, self.benchmark, self.breakdowns, self.voice)
        if iid is None:
            for output in outputs:
                output.value = ""
            self.tile.value = "<p>Pick an indicator (type its id or words of its title).</p>"
            return
        ctx = self.context()
        one = ctx.register[ctx.register["indicator_id"] == iid].reset_index(drop=True)
        st = ctx.assess(one, self.judged)
        start = periods.parse(self.period.value[0]).start
        measures = ctx.measures[ctx.measures["indicator_id"] == iid]
        measures = measures[(periods.parse_column(measures["period"])["start"] >= start).to_numpy()]
        reading = ctx.read(st, one, self.judged, measures=measures)[0]
        note = notes.for_indicator(ctx.commentary, iid, reading.row["period"], ctx.audience)
        self.tile.value = kpi_tile(reading, note, ctx.words)
        self.xmr.value = spc_section([reading], ctx.words)
        self.benchmark.value = (
            benchmark_section([reading], ctx.council, ctx.words)
            if reading.peers is not None
            else f"<p>No {html.escape(self.group.value)} figures to compare with for {html.escape(reading.row['period'])}.</p>"
        )
        mine = ctx.source.breakdowns()
        mine = mine[mine["indicator_id"] == iid]
        self.breakdowns.value = (
            breakdown_section(mine, reading.title, ctx.words) if len(mine) else "<p>No breakdowns.</p>"
        )
        self.voice.value = self._voice(str(one.loc[0, "service"]), str(one.loc[0, "directorate"]))
        self.note_text.value = "" if note is None else str(note["text"])
        self.note_actions.value = "" if note is None else str(note["actions"] or "")
        self.timings["indicator"] = time.perf_counter() - started

    def _voice(self, service: str, directorate: str) -> str:
        """Residents' feedback themes about the indicator's service (else its directorate), with redacted quotes."""
        key = (service, directorate, self.judged.label, self.audience.value)
        if key not in self._feedback_summaries:
            feedback = self.src.feedback()
            about = (
                feedback[feedback["service"].str.casefold() == service.casefold()] if service else feedback.iloc[0:0]
            )
            if about.empty:
                about = feedback[feedback["directorate"] == directorate]
            if about.empty:
                self._feedback_summaries[key] = "<p>No feedback recorded about this service.</p>"
            else:
                summary = themes.summarise(
                    about, codebook=self.settings.get("codebook"), period=self.judged, audience=self.audience.value
                )
                self._feedback_summaries[key] = theme_summary_block(summary, self.audience.value)
        return self._feedback_summaries[key]

    # --- actions -------------------------------------------------------------------------------

    def write_deep_dive_params(self, _button=None) -> Path:
        """Write the selection as ``params/deep-dives/<id>.yaml`` (the command that runs it is in its first line)."""
        iid = self._require_indicator()
        path = self.root / DEEP_DIVES / f"{slugify(iid)}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        chosen = {
            "indicator": iid,
            "period": self.judged.label,
            "audience": self.audience.value,
            "comparator_group": self.group.value,
        }
        command = shell(
            "pmkit",
            "run",
            "deep-dive",
            "--indicator",
            iid,
            "--period",
            self.judged.label,
            "--audience",
            self.audience.value,
            "--comparator-group",
            self.group.value,
        )
        path.write_text(
            f"# Written by the explorer. The same from a terminal: {command}\n"
            + yaml.safe_dump(chosen, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        self.deep_dive.value = f"<p>Wrote {html.escape(str(path.relative_to(self.root)))}.</p>"
        return path

    def run_deep_dive(self, _button=None) -> Path | None:
        """Run the deep dive the parameter file describes (writing it first) and link its page."""
        from pmkit.runner.run import run_batch

        path = self.write_deep_dive_params()
        chosen = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.deep_dive.value = f"<p>Running the deep dive on {html.escape(chosen['indicator'])}…</p>"
        result = run_batch(
            "deep-dive",
            [self.root],
            [chosen["audience"]],
            source=str(self.src.location),
            engine="auto",
            overrides={"comparator_group": chosen["comparator_group"]},
            indicator=chosen["indicator"],
            topic=None,
            period=chosen["period"],
        )[0]
        report = result.reports[0]
        if not report.ok:
            self.deep_dive.value = f"<p>The deep dive failed: {html.escape(report.error)}</p>"
            return None
        page = result.folder / report.file
        link = os.path.relpath(page, Path.cwd())
        self.deep_dive.value = (
            f'<p>Published <a href="{html.escape(link)}" target="_blank">{html.escape(report.title)}</a>'
            f" ({html.escape(str(page.relative_to(self.root)))}).</p>"
        )
        return page

    def save_note(self, _button=None) -> None:
        """Save the commentary boxes as the selected indicator's commentary for its period and the audience."""
        from pmkit.project.commentary_return import save_commentary

        iid = self._require_indicator()
        if not self.note_text.value.strip():
            self.message.value = "<p>Write the commentary first; it cannot be empty.</p>"
            return
        ctx = self.context()
        one = ctx.register[ctx.register["indicator_id"] == iid]
        period = ctx.assess(one, self.judged)["period"].iloc[0]
        row = {
            "indicator_id": iid,
            "directorate": "",
            "period": period,
            "audience": self.audience.value,
            "text": self.note_text.value.strip(),
            "actions": self.note_actions.value.strip(),
        }
        done = save_commentary(self.src, pd.DataFrame([row]))
        for each in self._contexts.values():
            each.commentary = self.src.commentary()
        self.message.value = (
            f"<p>Saved the {self.audience.value} commentary on {html.escape(iid)} for {html.escape(period)}"
            f"{'' if done.written_to else ' (it was already so)'}.</p>"
        )
        self.draw_indicator()

    def _require_indicator(self) -> str:
        iid = self.selected_id()
        if iid is None:
            raise PmkitError("pick an indicator first")
        return iid

    # --- wiring --------------------------------------------------------------------------------

    def _fill_indicators(self) -> None:
        """The combobox lists the audience's indicators in the directorate and priority; a selection
        that is no longer among them moves to the first that is."""
        register = self.chosen_register()
        options = [indicator_label(i, t) for i, t in zip(register["indicator_id"], register["title"], strict=True)]
        previous = self.selected_id()
        self.indicator.options = options
        kept = [o for o in options if o.split(" · ", 1)[0] == previous]
        self.indicator.value = kept[0] if kept else (options[0] if options else "")
        if previous and not kept:
            self.message.value = (
                f"<p>{html.escape(previous)} is not in this selection"
                f"{' (it is not a public indicator)' if self.audience.value == 'public' else ''}.</p>"
            )

    def _wire(self) -> None:
        def when_free(draw):
            return lambda _change: None if self._quiet else draw()

        def scope() -> None:
            with self.quietly():
                self._fill_indicators()
            self.refresh()

        for control in (self.directorate, self.priority, self.audience, self.group):
            control.observe(when_free(scope), names="value")
        self.period.observe(when_free(self.refresh), names="value")
        for control in (self.exceptions_only, self.sort):
            control.observe(when_free(self.draw_status_table), names="value")
        self.indicator.observe(when_free(lambda: self.draw_indicator() if self.selected_id() else None), names="value")
        self.open_button.on_click(self._safely(lambda _b: self.load()))
        self.write_button.on_click(self._safely(self.write_deep_dive_params))
        self.run_button.on_click(self._safely(self.run_deep_dive))
        self.save_button.on_click(self._safely(self.save_note))

    def _safely(self, action):
        """A button's action whose user errors show as a message instead of a traceback."""

        def run(button) -> None:
            self.message.value = ""
            try:
                action(button)
            except PmkitError as exc:
                self.message.value = f"<p>{html.escape(str(exc))}</p>"

        return run

    @contextmanager
    def quietly(self):
        """Change several controls at once without each redrawing the outputs (the caller redraws once)."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _layout(self) -> list:
        # the reports' stylesheet, kept to the explorer (its variables on the explorer instead of the page's root)
        style = (TEMPLATES / "report.css").read_text(encoding="utf-8").replace(":root", ":scope")
        heading = lambda text: widgets.HTML(f"<h3>{text}</h3>")  # noqa: E731
        return [
            widgets.HTML(f"<style>@scope (.pmkit-explorer) {{ {style} }}</style>"),
            widgets.HBox([self.source_box, self.open_button]),
            widgets.HBox([self.directorate, self.priority, self.group]),
            self.audience,
            widgets.HBox([self.period, self.period_words]),
            self.message,
            heading("Status table"),
            widgets.HBox([self.sort, self.exceptions_only]),
            widgets.Box([self.status_table], layout=widgets.Layout(max_height="24em", overflow="auto")),
            heading("Indicator"),
            self.indicator,
            self.tile,
            self.xmr,
            self.benchmark,
            self.breakdowns,
            heading("What residents said"),
            self.voice,
            heading("Commentary"),
            self.note_text,
            self.note_actions,
            self.save_button,
            heading("Deep dive"),
            widgets.HBox([self.write_button, self.run_button]),
            self.deep_dive,
        ]
