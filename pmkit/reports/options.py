"""The built-in report kinds as the command line sees them: name, notebook, heading and options.

These load without pandas or matplotlib, so ``pmkit run`` answers a wrong argument at once; each kind's
own module (`pmkit.reports.quarterly`, `.annual`, `.deep_dive`) adds how it checks and plans a run.
"""

from __future__ import annotations

import argparse

from pmkit.reports.kind import ReportKind


class QuarterlyOptions(ReportKind):
    name = "quarterly"
    notebook = "service_area.ipynb"
    label = "Quarterly directorate reports"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--period", help="a quarter such as 2025/26 Q2 (default: the latest with data)")
        parser.add_argument(
            "--directorate", action="append", help="a params file name (adults) or a directorate; repeatable"
        )


class AnnualOptions(ReportKind):
    name = "annual"
    notebook = "annual_report.ipynb"
    label = "Annual report"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--year",
            help="a financial year such as 2024/25 (default: the latest complete year "
            "with figures for most indicators)",
        )


class DeepDiveOptions(ReportKind):
    name = "deep-dive"
    notebook = "deep_dive.ipynb"
    label = "Deep dives"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--indicator", help="an indicator id from the register, e.g. ASC-02")
        group.add_argument("--topic", help="a topic named in params/topics.yaml")
        parser.add_argument("--period", help="the period the data runs to (default: the latest quarter with data)")
