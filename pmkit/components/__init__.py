"""The component library: every piece of every report kind, its markup in Jinja2 templates.

Components take data (readings of indicators, theme summaries, case studies) and the audience's
`Words`, and return HTML fragments; templates in ``components/templates`` hold all markup, with
autoescaping on, so text from data is escaped by default. `show` passes a fragment to the notebook
in the form the chosen renderer keeps intact. One stylesheet (``pmkit/templates/report.css``)
styles every report kind.

| component | module |
|---|---|
| KPI tile, tiles by priority | `tile` |
| summary strip | `summary` |
| exception list | `exceptions` |
| headline narrative | `narrative` |
| what the committee needs to know | `committee` |
| SPC chart, icons, section | `spc_chart` |
| benchmark chart, section | `benchmark_chart` |
| theme summary | `theme_summary` |
| case study | `case_study` |
| appendix table | `appendix` |
| header, sections, contents, method note, index pages | `page` |
"""

from pmkit.components.appendix import appendix_table
from pmkit.components.benchmark_chart import benchmark_section, position_sentence
from pmkit.components.case_study import case_study_block
from pmkit.components.exceptions import exception_list
from pmkit.components.narrative import headline_block, headlines
from pmkit.components.page import header, method_note, section, show
from pmkit.components.spc_chart import spc_section
from pmkit.components.summary import summary_strip
from pmkit.components.theme_summary import theme_summary_block
from pmkit.components.tile import kpi_tile, kpi_tiles
from pmkit.components.words import Words, words_for

__all__ = [
    "appendix_table",
    "benchmark_section",
    "case_study_block",
    "exception_list",
    "header",
    "headline_block",
    "headlines",
    "kpi_tile",
    "kpi_tiles",
    "method_note",
    "position_sentence",
    "section",
    "show",
    "spc_section",
    "summary_strip",
    "theme_summary_block",
    "Words",
    "words_for",
]
