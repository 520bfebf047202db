"""User errors: one exception type per kind, each printable as one line per problem."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def visible(text: str) -> str:
    """Text on one printable line: control characters (newlines, NUL, escapes) written as ``\\n``, ``\\x00``..."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def shell(*words: object) -> str:
    """A command as a user would type it, each word quoted for a shell where it needs it (`shlex.quote`).

    >>> print(shell("pmkit", "run", "quarterly", "--directorate", "Adults' Social Care"))
    pmkit run quarterly --directorate 'Adults'"'"' Social Care'
    """
    return " ".join(shlex.quote(str(w)) for w in words)


class PmkitError(Exception):
    """Base of every error that is the user's to fix; the CLI prints it without a traceback."""

    def lines(self) -> list[str]:
        return [str(self)]


class PeriodError(PmkitError, ValueError):
    """A period label that cannot be read."""

    def __init__(self, label: object, why: str = ""):
        expected = "a period such as 2025/26 Q2, 2025-26-Q2, 2025/26, Jul 2025 or 2025-07"
        super().__init__(f"cannot read period {label!r}: {why or 'expected ' + expected}")
        self.label = label


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input: where it is and what was expected."""

    file: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        row = "" if self.row is None else self.row
        return f"{visible(self.file)}:{row}:{visible(self.column)}: {visible(self.message)}"


class ValidationError(PmkitError):
    """A source whose tables break the data model; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = f"{len(problems)} problem(s) in the source"
        super().__init__(head + "".join(f"\n{p}" for p in problems[:20]))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class SourceError(PmkitError):
    """A source that cannot be opened or read at all."""


class ReportError(PmkitError):
    """A report run or render that failed."""
