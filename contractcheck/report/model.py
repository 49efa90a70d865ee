"""The report object: findings, per-rule results and a summary — the report contract (``docs/report.md``, v1).

The JSON form of ``Report`` is the contract; every other output renders from it. Keys may be added,
never renamed. Each field's docstring below is its meaning in the contract (pydantic keeps them as the
JSON schema's descriptions: ``Report.model_json_schema()``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contractcheck.position import Position
from contractcheck.severity import SEVERITIES, SEVERITY_RANK, Severity


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


Status = Literal["pass", "fail", "not_applicable", "waived"]


class RuleResult(_Model):
    """The outcome of one rule of the schedule, whether it passed or not."""

    rule_id: str
    """the rule"""
    title: str
    """the rule's title"""
    severity: Severity
    """the severity its findings carry"""
    status: Status
    """``pass``, ``fail``, ``not_applicable`` (nothing in scope, or a table it needs is absent and the rule
    says so) or ``waived`` (every failure waived)"""
    checked: int
    """rows the rule judged (1 for a contract-level rule; for a built-in check, the items it looked at, or 1)"""
    failed: int
    """findings the rule made (for a row rule, the rows that failed; a built-in check may make several per item)"""
    reference: str = ""
    """the contract clause or law"""
    note: str | None = None
    """why a rule did not apply, or how many rows could not be judged"""
    not_judged: int = 0
    """rows where a value the rule needs was blank or unreadable: neither passed nor failed"""
    measures: dict[str, Any] = {}
    """values a rule reports whatever its result (e.g. the zero-hours share)"""
    waived: int = Field(default=0, exclude_if=_is_empty)
    """findings of this rule a waiver accepted; left out of the JSON when none"""
    version: str | None = Field(default=None, exclude_if=_is_none)
    """which version of the rule judged (a rule can change on a date); left out for a rule with one version"""
    params: dict[str, Any] = Field(default_factory=dict, exclude_if=_is_empty)
    """the parameter values in force on the as-of date; left out when the rule has none or did not apply"""


class InputInfo(_Model):
    """The file that was checked."""

    path: str
    """the path as given"""
    kind: Literal["return", "bid"]
    """a periodic ``return`` or a tender ``bid`` (from the tables found)"""
    sha256: str
    """SHA-256 of the file's bytes, so a report can be tied to the file it judged"""
    tables: dict[str, str] = {}
    """canonical table → the sheet or file it was read from"""


class ScheduleInfo(_Model):
    """The schedule (a council contract's workforce obligations) the file was checked against."""

    id: str
    """the schedule id (``oxfordshire-help-to-live-at-home``)"""
    title: str
    """its title"""
    version: str
    """its version label"""
    council: str = ""
    """the commissioning council"""
    source: str = ""
    """the contract or document the schedule is taken from"""
    sha256: str = ""
    """SHA-256 of the schedule file (and of those it extends)"""
    rules_sha256: str = ""
    """SHA-256 of the rule files it was compiled with"""


class AsOf(_Model):
    """The date the file was judged on, and why that date."""

    date: str
    """ISO date"""
    basis: str
    """where it came from, e.g. ``period_end of the return``, ``fixed by the schedule``, ``as-of date given …``"""


class Summary(_Model):
    """The verdict and the counts."""

    verdict: Literal["compliant", "non-compliant"]
    """``non-compliant`` when any judged rule failed (waiver housekeeping never changes it)"""
    rules_checked: int
    """rules that applied"""
    rules_failed: int
    """rules that failed"""
    findings: dict[str, int] = Field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))  # type: ignore[arg-type]
    """failing (not waived) findings by severity"""


class Report(_Model):
    """A whole report: the JSON contract every output format renders from."""

    contractcheck_version: str
    """the version of contractcheck that judged"""
    input: InputInfo
    """the file checked"""
    schedule: ScheduleInfo
    """the schedule checked against"""
    as_of: AsOf
    """the date judged on"""
    summary: Summary
    """verdict and counts"""
    results: list[RuleResult]
    """one per rule of the schedule, in schedule order; with a waiver file, the waiver housekeeping results
    (WAIVER-01 expired, WAIVER-02 unused) follow — they never change the verdict or ``summary.rules_checked``"""
    findings: list[Finding]
    """what did not pass, by severity, then rule id, then position"""
    notes: list[str] = []
    """things the reader should know about how the file was judged (e.g. a date beyond the known pay rates)"""
    reference_data: dict[str, Any] = {}
    """the reference data used and where it came from (pay floors: file, source, SHA-256, latest period)"""
    waivers: dict[str, Any] = Field(default_factory=dict, exclude_if=_is_empty)
    """when a waiver file was applied: ``file``, ``waivers``, ``applied``, ``expired``, ``unused``,
    ``other_contract``, ``findings_waived`` (``contractcheck.report.waivers``); left out otherwise"""

    def failing(self, at_or_above: Severity) -> list[Finding]:
        """Failing (not waived) findings at or above a severity, for the exit code."""
        limit = SEVERITY_RANK[at_or_above]
        return [f for f in self.findings if f.status == "fail" and SEVERITY_RANK[f.severity] <= limit]
