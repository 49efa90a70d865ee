"""Waivers: deviations a council has accepted, recorded in a YAML file and applied to a report.

A waiver names a rule and a subject (one worker by id, or ``contract`` for findings about the contract as a
whole), why the deviation is accepted, who approved it and when, and when the acceptance ends::

    waivers:
      - rule: PAY-02
        subject: W0102
        reason: Travel paid via monthly allowance; evidence seen 2026-10-03
        approved_by: J. Smith, Contract Manager
        approved_on: 2026-10-03
        expires: 2027-03-31
        contract_ref: OCC-HTLAH-2015-11   # optional: only for returns with this contract reference

Applying a waiver file never hides anything: a matching finding stays in the report with status ``waived``
and the waiver's details, and stops counting towards the verdict and the exit code. A waiver that has expired
by the date the return is judged on waives nothing and is itself a finding (WAIVER-01); a waiver that matched
no finding is reported as unused (WAIVER-02), so waiver files do not silently go stale.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError, ValidationInfo, field_validator

from contractcheck.errors import RuleError, UsageError
from contractcheck.position import Position
from contractcheck.report.findings import Findings, as_findings
from contractcheck.report.model import Finding, FindingLocation, Report, RuleResult, Subject
from contractcheck.report.summary import WAIVER_RULE_PREFIX, summarise
from contractcheck.rules.model import check_rule_id
from contractcheck.severity import Severity
from contractcheck.wording import long_date
from contractcheck.yamldata import Strict, load_yaml, validation_error

CONTRACT = "contract"  # the subject word for findings about the contract as a whole (no worker id)
EXPIRED_RULE = "WAIVER-01"
UNUSED_RULE = "WAIVER-02"
WAIVER_REFERENCE = "Waiver file"
EXPIRED_TITLE = "Waiver expired"
UNUSED_TITLE = "Waiver not used"
EXPIRED_REMEDIATION = "Renew the waiver with a new expiry date and approval, or fix the deviation."
UNUSED_REMEDIATION = "Remove the waiver, or check its rule and subject."
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _fold(text: str) -> str:
    """Compare ids and references ignoring case and spacing."""
    return " ".join(text.split()).casefold()


class Waiver(Strict):
    """One accepted deviation: a rule, for one worker or the whole contract, approved until a date."""

    rule: str
    subject: str
    reason: str
    approved_by: str
    approved_on: dt.date
    expires: dt.date
    contract_ref: str | None = None

    @field_validator("rule", "subject", "reason", "approved_by", "contract_ref", mode="before")
    @classmethod
    def _text(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None and info.field_name != "contract_ref":
            raise ValueError("must not be empty")
        if isinstance(v, (bool, int, float, dt.date)):
            raise ValueError(f"YAML read this as {v!r}, not text; write it in quotes, "
                             f"e.g. {info.field_name}: \"W0102\"")
        if isinstance(v, str):
            v = " ".join(v.split())
            if not v:
                if info.field_name == "contract_ref":
                    return None
                raise ValueError("must not be empty")
        return v

    @field_validator("rule")
    @classmethod
    def _rule_id(cls, v: str) -> str:
        check_rule_id(v)
        if v.startswith(WAIVER_RULE_PREFIX):
            raise ValueError(f"{v} reports on the waiver file itself and cannot be waived")
        return v

    @field_validator("approved_on", "expires", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        # YAML reads 2027-03-31 as a date already; a quoted "2027-03-31" is accepted too. Anything else
        # (a number, a date and time, 31/03/2027) is refused rather than guessed at.
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return v
        if isinstance(v, str) and ISO_DATE.match(v.strip()):
            try:
                return dt.date.fromisoformat(v.strip())
            except ValueError as exc:
                raise ValueError(f"{v.strip()!r} is not a date ({exc})") from None
        raise ValueError(f"{v!r} is not a date; write it as YYYY-MM-DD, like 2027-03-31")

    @field_validator("expires")
    @classmethod
    def _after_approval(cls, v: dt.date, info: ValidationInfo) -> dt.date:
        approved = info.data.get("approved_on")
        if approved is not None and v < approved:
            raise ValueError(f"expires ({v.isoformat()}) is before approved_on ({approved.isoformat()})")
        return v

    @property
    def is_contract(self) -> bool:
        return _fold(self.subject) == CONTRACT

    def describe_subject(self) -> str:
        return "the contract" if self.is_contract else f"worker {self.subject}"

    def matches(self, finding: Finding) -> bool:
        """Same rule, and the same worker id (any case) or, for ``contract``, a finding with no worker id."""
        return finding.rule_id == self.rule and self.matches_key(finding.subject.key)

    def matches_key(self, key: str | None) -> bool:
        """The same worker id (any case) or, for ``contract``, no worker id."""
        if self.is_contract:
            return key is None
        return key is not None and _fold(key) == _fold(self.subject)

    def key(self) -> tuple[str, str, str | None]:
        return (self.rule, _fold(self.subject), _fold(self.contract_ref) if self.contract_ref else None)


@dataclass
class WaiverFile:
    """The waivers of one file, each with the line its entry starts on."""

    file: str
    waivers: list[Waiver]
    lines: list[int]

    def where(self, index: int) -> str:
        """``file:line`` of one waiver, as messages show it."""
        return f"{self.file}:{self.lines[index]}"


def _first_problem(exc: ValidationError) -> ValidationError:
    """An unknown key first: 'reasons' misspelt is the cause of 'reason' missing, and the more useful message."""
    errors = exc.errors()
    extra = next((e for e in errors if e["type"] == "extra_forbidden"), None)
    if extra is None or errors[0] is extra:
        return exc
    return ValidationError.from_exception_data(exc.title, [{"type": "extra_forbidden", "loc": extra["loc"],
                                                            "input": extra["input"]}])


def load_waivers(path: str | Path) -> WaiverFile:
    """Read and validate a waiver file; any problem is a RuleError naming the file and line."""
    doc = load_yaml(Path(path))
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("waivers"), list):
        raise RuleError("a waiver file must be a mapping with a 'waivers:' list", code="WAIVER000",
                        location=doc.location(("waivers",)))
    unknown = set(data) - {"waivers", "description"}
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise RuleError(f"unknown top-level key '{key}' (a waiver file has 'waivers:')", code="WAIVER001",
                        location=doc.location((key,)))
    waivers: list[Waiver] = []
    lines: list[int] = []
    seen: dict[tuple[str, str, str | None], int] = {}
    for i, raw in enumerate(data["waivers"]):
        path_i = ("waivers", i)
        rule = raw.get("rule") if isinstance(raw, dict) else None
        what = f"waiver #{i + 1}" + (f" ({rule})" if isinstance(rule, str) and rule.strip() else "")
        if not isinstance(raw, dict):
            raise RuleError(f"{what} must be a mapping of keys (rule, subject, reason, approved_by, approved_on, "
                            "expires)", code="WAIVER001", location=doc.location(path_i))
        try:
            waiver = Waiver.model_validate(raw)
        except ValidationError as exc:
            raise validation_error(_first_problem(exc), doc, path_i, what, code="WAIVER001") from None
        line = doc.line_of(path_i) or 0
        first = seen.get(waiver.key())
        if first is not None:
            scope = f" for contract {waiver.contract_ref}" if waiver.contract_ref else ""
            raise RuleError(f"{what} for {waiver.describe_subject()}{scope} is written twice (first on line {first}); "
                            "keep one", code="WAIVER002", location=doc.location(path_i))
        seen[waiver.key()] = line
        waivers.append(waiver)
        lines.append(line)
    return WaiverFile(file=doc.file, waivers=waivers, lines=lines)


Outcome = Literal["applied", "expired", "unused", "other_contract"]


def _evidence(w: Waiver, on: dt.date, matched: int) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "rule": w.rule,
        "subject": w.subject,
        "reason": w.reason,
        "approved_by": w.approved_by,
        "approved_on": w.approved_on.isoformat(),
        "expires": w.expires.isoformat(),
    }
    if w.contract_ref:
        evidence["contract_ref"] = w.contract_ref
    evidence["judged_on"] = on.isoformat()
    evidence["matched_findings"] = matched
    return evidence


def _why_unused(w: Waiver, report: Report, contract_unknown: bool) -> str:
    if contract_unknown:
        return (f"it is only for contract {w.contract_ref}, and this {report.input.kind}'s contract reference "
                "is not known")
    result = next((r for r in report.results if r.rule_id == w.rule), None)
    if result is None:
        return f"schedule {report.schedule.id} does not check {w.rule}"
    if result.status == "pass":
        return f"{w.rule} passed"
    if result.status == "not_applicable":
        return f"{w.rule} did not apply"
    return f"{w.rule} found nothing for {w.describe_subject()}"


def _blank(keys: np.ndarray) -> np.ndarray:
    """Which keys are None (a finding about the contract as a whole)."""
    return np.array(keys == None, dtype=bool)  # noqa: E711  (elementwise over an object array)


def _matching(w: Waiver, findings: Findings, folded: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[int]:
    """Where the findings a waiver matches are (``Waiver.matches`` over a rule's keys at once, folded once)."""
    if w.rule not in folded:
        positions, keys = findings.subject_keys(w.rule)
        blank = _blank(keys)
        out = np.full(len(keys), None, dtype=object)
        out[~blank] = list(map(str.casefold, map(" ".join, map(str.split, keys[~blank].tolist()))))
        folded[w.rule] = positions, out
    positions, keys = folded[w.rule]
    hit = _blank(keys) if w.is_contract else (keys == _fold(w.subject))
    return positions[hit].tolist()


def apply_waivers(report: Report, waivers: WaiverFile, on: dt.date | None = None,
                  contract_ref: str | None = None) -> Report:
    """A new Report with the waivers applied (the given report is not changed).

    ``on`` is the date expiry is judged against: the report's as-of date when not given. A waiver expiring
    before it is expired. A waiver with a ``contract_ref`` applies only when ``contract_ref`` (the return's
    contract reference) is the same, ignoring case and spacing; waivers for other contracts are skipped and
    counted in ``report.waivers["other_contract"]``.
    """
    if report.waivers:
        raise UsageError(f"waivers from {report.waivers.get('file')} are already applied to this report")
    if on is None:
        on = dt.date.fromisoformat(report.as_of.date)
    elif isinstance(on, dt.datetime):
        on = on.date()
    new = report.model_copy(deep=True)
    findings = as_findings(new.findings)
    outcomes: list[Outcome] = []
    folded_keys: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    extra: list[Finding] = []
    considered = 0
    for i, w in enumerate(waivers.waivers):
        where = waivers.where(i)
        contract_unknown = False
        if w.contract_ref:
            if contract_ref is None:
                contract_unknown = True
            elif _fold(contract_ref) != _fold(w.contract_ref):
                outcomes.append("other_contract")
                continue
        considered += 1
        matched = [] if contract_unknown else _matching(w, findings, folded_keys)
        expired = w.expires < on
        location = FindingLocation.at(Position(file=waivers.file, line=waivers.lines[i]))
        subject = Subject(table="waivers", key=w.subject)
        if expired:
            outcomes.append("expired")
            counted = (f"; the {len(matched)} finding(s) it covered count again" if matched
                       else "; it matched no finding in this report")
            extra.append(Finding(
                rule_id=EXPIRED_RULE, severity="minor", title=EXPIRED_TITLE, subject=subject, location=location,
                message=(f"The waiver for {w.rule} ({w.describe_subject()}) at {where} expired on "
                         f"{long_date(w.expires)}, before {long_date(on)}{counted}."),
                evidence=_evidence(w, on, len(matched)), reference=WAIVER_REFERENCE,
                remediation=EXPIRED_REMEDIATION))
        elif not matched:
            outcomes.append("unused")
            extra.append(Finding(
                rule_id=UNUSED_RULE, severity="info", title=UNUSED_TITLE, subject=subject, location=location,
                message=(f"The waiver for {w.rule} ({w.describe_subject()}) at {where} matched no finding: "
                         f"{_why_unused(w, report, contract_unknown)}."),
                evidence=_evidence(w, on, 0), reference=WAIVER_REFERENCE, remediation=UNUSED_REMEDIATION))
        else:
            outcomes.append("applied")
            details = {"reason": w.reason, "approved_by": w.approved_by, "approved_on": w.approved_on.isoformat(),
                       "expires": w.expires.isoformat(), "file": waivers.file, "line": waivers.lines[i]}
            for index in matched:
                f = findings[index]
                if f.status == "fail":  # a finding two waivers cover keeps the first one's details
                    findings.replace(index, f.model_copy(update={"status": "waived", "waiver": dict(details)}))

    waived_by_rule: dict[str, int] = {}
    failing_by_rule: dict[str, int] = {}
    for (rule_id, _, status), n in findings.tally().items():
        counts = waived_by_rule if status == "waived" else failing_by_rule
        counts[rule_id] = counts.get(rule_id, 0) + n
    for r in new.results:
        r.waived = waived_by_rule.get(r.rule_id, 0)
        if r.waived and r.status == "fail" and not failing_by_rule.get(r.rule_id):
            r.status = "waived"

    housekeeping: tuple[tuple[str, str, Severity, str], ...] = (
        (EXPIRED_RULE, EXPIRED_TITLE, "minor", "expired"), (UNUSED_RULE, UNUSED_TITLE, "info", "unused"))
    for rule_id, title, severity, outcome in housekeeping:
        n = outcomes.count(outcome)  # type: ignore[arg-type]
        if n:
            new.results.append(RuleResult(rule_id=rule_id, title=title, severity=severity, status="fail",
                                          checked=considered, failed=n, reference=WAIVER_REFERENCE))
    new.findings = Findings.of([findings, *extra])
    new.summary = summarise(new.results, new.findings)
    summary = {
        "file": waivers.file,
        "waivers": len(waivers.waivers),
        "applied": outcomes.count("applied"),
        "expired": outcomes.count("expired"),
        "unused": outcomes.count("unused"),
        "other_contract": outcomes.count("other_contract"),
        "findings_waived": sum(waived_by_rule.values()),
    }
    new.waivers = summary
    note = (f"waivers from {waivers.file}: {summary['findings_waived']} finding(s) waived by {summary['applied']} "
            f"waiver(s); {summary['expired']} expired, {summary['unused']} not used")
    if summary["other_contract"]:
        note += f", {summary['other_contract']} for other contracts"
    new.notes.append(note)
    return new
