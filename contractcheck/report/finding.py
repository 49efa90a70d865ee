"""One finding of the report contract (``docs/report.md``): what failed, for whom, where, with which values.

Kept apart from the rest of the report (``contractcheck.report.model``) so that the columnar list of findings
(``contractcheck.report.findings``) can build them, and the report hold that list, without an import cycle.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contractcheck.position import Position
from contractcheck.severity import SEVERITY_RANK, Severity


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


def _is_none(value: Any) -> bool:
    return value is None


def _is_empty(value: Any) -> bool:
    return not value


# Keys added after v1 of the report spec are left out of the JSON while they hold nothing, so a report
# that uses no newer feature (e.g. no waiver file) reads exactly as before.


class FindingLocation(_Model):
    """Where a finding points: the cell a provider opens, or the line of a text file."""

    file: str
    """the input file as it was given"""
    sheet: str | None = None
    """the sheet as named in the workbook; the table's key in a JSON/YAML return; None for a CSV file"""
    row: int | None = None
    """the row number the user sees (header rows included), the CSV line, or the JSON item number"""
    column: str | None = None
    """the column letter as Excel shows it (or the key of a JSON item)"""
    cell: str | None = None
    """the reference to type into Excel's Name Box: ``Workforce!F12`` (``staff.csv!C4`` for a CSV)"""
    field: str | None = None
    """the canonical field the cell holds (``hourly_rate``)"""
    heading: str | None = None
    """the heading as the provider wrote it (``Hourly rate (£)``)"""
    line: int | None = Field(default=None, exclude_if=_is_none)
    """the line in a text file (a waiver file); left out of the JSON when there is none"""

    @classmethod
    def at(cls, pos: Position, field: str | None = None, heading: str | None = None) -> FindingLocation:
        """The JSON form of a position, with the field it holds and the heading the provider wrote.

        Built without pydantic's validation (``model_construct``): the parts are already typed, and with
        thousands of failing rows validating each location again was most of the evaluate time.
        """
        return cls.model_construct(file=pos.file or "", sheet=pos.sheet, row=pos.row, column=pos.column,
                                   cell=pos.cell(), field=field, heading=heading, line=pos.line)


class Subject(_Model):
    """Whom or what a finding is about."""

    table: str
    """the canonical table: ``workforce``, ``training``, ``costs``, ``contract``, ``bid`` (or ``waivers``)"""
    key: str | None = None
    """the row's key in that table, such as the worker id; None for a contract-level finding"""


class Finding(_Model):
    """One thing that did not pass: a claim the council sends to the provider, with the values that judged it."""

    rule_id: str
    """the rule that failed (``PAY-01``)"""
    severity: Severity
    """critical, major, minor or info (the schedule may override the rule's own)"""
    status: Literal["fail", "waived"] = "fail"
    """``fail``, or ``waived`` when a waiver accepted it (it then does not count towards the exit code)"""
    message: str
    """a plain sentence with the values, e.g. ``Worker W0012 is paid £11.90 an hour, below …``"""
    subject: Subject
    """whom the finding is about"""
    location: FindingLocation
    """where to look"""
    evidence: dict[str, Any] = {}
    """the values that judged it, by name (GBP as numbers, dates as ISO text, blanks as null)"""
    reference: str
    """the contract clause or law the rule enforces"""
    remediation: str
    """what would fix it"""
    title: str = ""
    """the rule's title"""
    waiver: dict[str, Any] | None = Field(default=None, exclude_if=_is_none)
    """the waiver that accepted this finding (status ``waived``): reason, approved_by, approved_on, expires, file,
    line; left out of the JSON when there is none"""

    def sort_key(self) -> tuple:
        loc = self.location
        col = loc.column or ""
        return (
            SEVERITY_RANK[self.severity],
            self.rule_id,
            loc.sheet or "",
            loc.row if loc.row is not None else -1,
            len(col),
            col,
        )
