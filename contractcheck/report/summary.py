"""The verdict of a report, from its per-rule results and findings (``docs/report.md``: ``summary``)."""

from __future__ import annotations

from collections.abc import Iterable

from contractcheck.report.findings import as_findings
from contractcheck.report.model import SEVERITIES, Finding, RuleResult, Summary

#: rule ids of waiver housekeeping findings (WAIVER-01 expired, WAIVER-02 unused): reported, never a verdict
WAIVER_RULE_PREFIX = "WAIVER-"


def summarise(results: list[RuleResult], findings: Iterable[Finding]) -> Summary:
    """Count failing findings by severity and give the verdict.

    The verdict is about the return or bid: "non-compliant" when any judged rule failed. Waiver housekeeping
    (``WAIVER-xx`` results) is reported but never changes it; rules that did not apply are not counted as checked.
    """
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for (_, severity, status), n in as_findings(findings).tally().items():
        if status == "fail":
            counts[severity] += n
    judged = [r for r in results if not r.rule_id.startswith(WAIVER_RULE_PREFIX)]
    checked = sum(1 for r in judged if r.status != "not_applicable")
    failed = sum(1 for r in judged if r.status == "fail")
    return Summary(verdict="non-compliant" if failed else "compliant", rules_checked=checked, rules_failed=failed,
                   findings=counts)
