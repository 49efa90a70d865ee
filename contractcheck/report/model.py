"""The report object: findings, per-rule results and a summary — the report contract (``docs/report.md``, v1).

The JSON form of ``Report`` is the contract; every other output renders from it. Keys may be added,
never renamed. Each field's docstring below is its meaning in the contract (pydantic keeps them as the
JSON schema's descriptions: ``Report.model_json_schema()``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from contractcheck.report.finding import Finding, FindingLocation, Subject, _is_empty, _is_none, _Model
from contractcheck.report.findings import Findings, as_findings
from contractcheck.severity import SEVERITIES, SEVERITY_RANK, Severity

__all__ = ["EXTENT_OVER", "SEVERITIES", "AsOf", "Extent", "Finding", "FindingLocation", "Findings", "InputInfo",
           "Report", "RuleResult", "ScheduleInfo", "Status", "Subject", "Summary"]


Status = Literal["pass", "fail", "not_applicable", "waived"]

#: a row rule failing on more rows than this also says how widespread its failures are (``RuleResult.extent``):
#: a handful of failures are read one by one, more are a pattern, and the officer's first question is "how many
#: of them?". Fixed, not an option, so the same file always gives the same report.
EXTENT_OVER = 10


class Extent(_Model):
    """How widespread a row rule's failures are, given when it fails on more than ``EXTENT_OVER`` rows."""

    failed: int
    """rows that failed (waived or not)"""
    of: int
    """rows the rule judged (``checked``: in scope, and not kept from judging by a blank)"""
    share: float
    """``failed / of``, to four places (0.612)"""
    rows: str
    """what a row of the table is, as the sentence says it (``workers``)"""
    text: str
    """the sentence the table and markdown formats print: ``612 of 1,000 workers (61.2%) fail``"""


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
    extent: Extent | None = Field(default=None, exclude_if=_is_none)
    """how widespread the failures are, for a row rule failing on more than ``EXTENT_OVER`` rows (count, share
    of the rows checked, and that as a sentence); left out of the JSON otherwise"""
    findings_omitted: int = Field(default=0, exclude_if=_is_empty)
    """findings of this rule left out of ``findings`` because the report was asked for at most so many per rule
    (``--max-findings N``; ``failed`` and ``summary`` still count them all); left out of the JSON when none were"""


class InputInfo(_Model):
    """The file that was checked."""

    path: str
    """the path as given"""
    kind: Literal["return", "bid", "grant"]
    """a periodic ``return``, a tender ``bid`` or a ``grant`` application (from the tables found: a Bid sheet
    makes a bid, a Grant sheet a grant application, anything else a return)"""
    sha256: str
    """SHA-256 of the file's bytes, so a report can be tied to the file it judged"""
    tables: dict[str, str] = {}
    """canonical table → the sheet or file it was read from"""
    provider_name: str | None = Field(default=None, exclude_if=_is_none)
    """a return's provider, as its Contract table (or ``--set``) gives ``provider_name``; left out when absent"""
    contract_ref: str | None = Field(default=None, exclude_if=_is_none)
    """a return's contract reference (``contract_ref``); left out when absent"""
    bidder_name: str | None = Field(default=None, exclude_if=_is_none)
    """a bid's bidder, as its Bid table gives ``bidder_name``; left out when absent"""
    tender_ref: str | None = Field(default=None, exclude_if=_is_none)
    """a bid's tender reference (``tender_ref``); left out when absent"""
    period_start: str | None = Field(default=None, exclude_if=_is_none)
    """first day the return covers, ISO date (``period_start``); left out when absent or unreadable"""
    period_end: str | None = Field(default=None, exclude_if=_is_none)
    """last day the return covers, ISO date (``period_end``); left out when absent or unreadable"""


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
    findings: Findings
    """what did not pass, by severity, then rule id, then position"""
    notes: list[str] = []
    """things the reader should know about how the file was judged (e.g. a date beyond the known pay rates)"""
    reference_data: dict[str, Any] = {}
    """the reference data used and where it came from (pay floors: file, source, SHA-256, latest period)"""
    waivers: dict[str, Any] = Field(default_factory=dict, exclude_if=_is_empty)
    """when a waiver file was applied: ``file``, ``waivers``, ``applied``, ``expired``, ``unused``,
    ``other_contract``, ``findings_waived`` (``contractcheck.report.waivers``); left out otherwise"""

    def failing(self, at_or_above: Severity) -> Findings:
        """Failing (not waived) findings at or above a severity: a ``Findings`` view (reads like a list of
        ``Finding``), chosen from the columns without building a finding."""
        return as_findings(self.findings).failing(at_or_above)

    def any_failing(self, at_or_above: Severity) -> bool:
        """Whether any finding at or above a severity fails (not waived), counted without building the findings."""
        limit = SEVERITY_RANK[at_or_above]
        return any(n and status == "fail" and SEVERITY_RANK[severity] <= limit
                   for (_, severity, status), n in as_findings(self.findings).tally().items())
