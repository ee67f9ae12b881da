"""Every error the tool reports to a user, in one place.

Each one renders as a single line that names the file (and where known the line, column and
rule id) and the problem, in the parsable form ``file:line:col: rule-id: message``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a 1-based line and column, optionally a rule id."""

    path: str
    line: int | None = None
    column: int | None = None
    rule_id: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.rule_id:
            where += f": {self.rule_id}"
        return where


class DueDiligenceError(Exception):
    """A problem with the user's input; shown as one line, exit status 2."""

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class CorpusError(DueDiligenceError):
    """The corpus directory is missing, empty or unreadable."""


class RuleSetError(DueDiligenceError):
    """One or more rule-set files are invalid; ``problems`` lists every one of them."""

    def __init__(self, problems: list[DueDiligenceError]):
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first.message + more, first.location)


class VendorError(DueDiligenceError):
    """The vendor name cannot be turned into anything to search for."""


class OutputError(DueDiligenceError):
    """An output file cannot be written."""
