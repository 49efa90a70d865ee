"""The report object: findings, per-rule results and a summary (``../shared/spec/report.md``, v1).

The JSON form of ``Report`` is the contract; every other output renders from it. Keys may be added,
never renamed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contractcheck.position import Position
from contractcheck.severity import SEVERITIES, SEVERITY_RANK, Severity



class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _is_none(value: Any) -> bool:
    return value is None


def _is_empty(value: Any) -> bool:
    return not value


# Keys added after v1 of the report spec are left out of the JSON while they hold nothing, so a report
# that uses no newer feature (e.g. no waiver file) reads exactly as before.


class FindingLocation(_Model):
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    field: str | None = None
    heading: str | None = None  # the heading as the provider wrote it
    line: int | None = Field(default=None, exclude_if=_is_none)  # line in a text file (e.g. a waiver file)

    @classmethod
    def at(cls, pos: Position, field: str | None = None, heading: str | None = None) -> FindingLocation:
        """The JSON form of a position, with the field it holds and the heading the provider wrote.

        Built without pydantic's validation (``model_construct``): the parts are already typed, and with
        thousands of failing rows validating each location again was most of the evaluate time.
        """
        return cls.model_construct(file=pos.file or "", sheet=pos.sheet, row=pos.row, column=pos.column,
                                   cell=pos.cell(), field=field, heading=heading, line=pos.line)


class Subject(_Model):
    table: str
    key: str | None = None


class Finding(_Model):
    rule_id: str
    severity: Severity
    status: Literal["fail", "waived"] = "fail"
    message: str
    subject: Subject
    location: FindingLocation
    evidence: dict[str, Any] = {}
    reference: str
    remediation: str
    title: str = ""
    # the waiver that accepted this finding (status "waived"): reason, approved_by, approved_on, expires, file, line
    waiver: dict[str, Any] | None = Field(default=None, exclude_if=_is_none)

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


class RuleResult(_Model):
    rule_id: str
    title: str
    severity: Severity
    status: Literal["pass", "fail", "not_applicable", "waived"]
    checked: int
    failed: int
    reference: str = ""
    note: str | None = None  # why a rule did not apply, or how many rows could not be judged
    not_judged: int = 0  # rows where a value the rule needs was blank
    measures: dict[str, Any] = {}  # values a rule reports whatever its result (e.g. zero-hours share)
    waived: int = Field(default=0, exclude_if=_is_empty)  # findings of this rule accepted by a waiver
    # which version of the rule judged (rules and parameters can change on a date) and the parameters it used
    version: str | None = Field(default=None, exclude_if=_is_none)
    params: dict[str, Any] = Field(default_factory=dict, exclude_if=_is_empty)


class InputInfo(_Model):
    path: str
    kind: Literal["return", "bid"]
    sha256: str
    tables: dict[str, str] = {}  # canonical table → sheet/file it was read from


class ScheduleInfo(_Model):
    id: str
    title: str
    version: str
    council: str = ""
    source: str = ""
    sha256: str = ""
    rules_sha256: str = ""


class AsOf(_Model):
    date: str
    basis: str  # e.g. "period_end of the return", "--as-of option"


class Summary(_Model):
    verdict: Literal["compliant", "non-compliant"]
    rules_checked: int
    rules_failed: int
    findings: dict[str, int] = Field(default_factory=lambda: {s: 0 for s in SEVERITIES})


class Report(_Model):
    contractcheck_version: str
    input: InputInfo
    schedule: ScheduleInfo
    as_of: AsOf
    summary: Summary
    results: list[RuleResult]
    findings: list[Finding]
    notes: list[str] = []
    reference_data: dict[str, Any] = {}
    # when a waiver file was applied: {"file", "waivers", "applied", "expired", "unused", "other_contract",
    # "findings_waived"} (see contractcheck.waivers)
    waivers: dict[str, Any] = Field(default_factory=dict, exclude_if=_is_empty)

    def failing(self, at_or_above: Severity) -> list[Finding]:
        """Failing (not waived) findings at or above a severity, for the exit code."""
        limit = SEVERITY_RANK[at_or_above]
        return [f for f in self.findings if f.status == "fail" and SEVERITY_RANK[f.severity] <= limit]
