"""Report stage, formats for build pipelines: JUnit XML, SARIF 2.1.0 and GitHub workflow commands.

Each is a function ``Report -> str`` like the other renderers (``contractcheck.report.render``): they word
nothing the JSON report does not hold.

- **JUnit** (``render_junit``): one ``<testsuite>`` for the run (the schedule against the file), one
  ``<testcase>`` per rule (``classname`` the schedule id, ``name`` the rule id and title). A failing rule has a
  ``<failure>`` whose text lists its findings, one a line (``cell: message``); a rule that did not apply, judged
  nothing or had every finding waived is ``<skipped message="why">``. Built with ``junitparser``, which CI
  servers' own readers agree with and which reads the file back.
- **SARIF** (``render_sarif``): one run; ``tool.driver.rules`` are the schedule's rules, and each finding is a
  result at the input file, the spreadsheet row as ``startLine`` and the column number (A=1) as
  ``startColumn``, with the sheet and cell as a logical location. A waived finding carries an external
  ``suppressions`` entry with the waiver's justification, so code-scanning tools show it as accepted.
- **GitHub** (``render_github``): one workflow command a failing finding
  (``::error file=PATH,line=ROW,col=COL,title=RULE::message``), so GitHub Actions shows each as an annotation.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from contractcheck._version import __version__
from contractcheck.position import column_number
from contractcheck.report.finding import Finding
from contractcheck.report.model import Report, RuleResult
from contractcheck.report.shown import shown_findings, visible, where
from contractcheck.severity import SEVERITY_RANK, Severity

#: the SARIF level of each severity: what a code-scanning tool shows as error, warning or note
SARIF_LEVEL: dict[Severity, str] = {"critical": "error", "major": "error", "minor": "warning", "info": "note"}
#: the GitHub workflow command of each severity
GITHUB_COMMAND: dict[Severity, str] = {"critical": "error", "major": "error", "minor": "warning", "info": "notice"}

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

_URL = re.compile(r"https?://[^\s)>\"]+")


def fails_ci(severity: str, fail_on: str) -> bool:
    """Whether a failing finding of ``severity`` fails the build at ``--fail-on fail_on`` (a severity: that one
    and those above it fail; ``never``: nothing does), as the exit code judges it."""
    return fail_on != "never" and SEVERITY_RANK[severity] <= SEVERITY_RANK[fail_on]


def _is_cell(f: Finding) -> bool:
    """Whether the finding's row is a spreadsheet row or a CSV line (not a JSON item number)."""
    return f.location.row is not None and "[" not in (f.location.cell or "")


def _by_rule(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for f in findings:
        grouped.setdefault(f.rule_id, []).append(f)
    return grouped


# -- JUnit XML ---------------------------------------------------------------------------------------------------


def _skip_reason(result: RuleResult) -> str | None:
    """Why a rule is a skipped test case: it did not apply, judged no row, or every finding was waived."""
    if result.status == "not_applicable":
        return result.note or "not applicable"
    if result.status == "waived":
        return f"every finding waived ({result.waived} waived)"
    if result.status == "pass" and result.checked == 0:
        return result.note or "nothing to judge"
    if result.status == "pass" and result.checked == result.not_judged and result.not_judged:
        return result.note or f"{result.not_judged} row(s) could not be judged"
    return None


def render_junit(report: Report, *, max_findings: int | None = None, fail_on: str = "minor") -> str:
    """The report as JUnit XML (UTF-8, with an XML declaration): one ``<testsuite>`` named
    ``SCHEDULE-ID: PATH``, one ``<testcase>`` per result (classname the schedule id, name ``RULE-ID title``).

    A failing rule's ``<failure message="N finding(s)" type="severity">`` text holds one line a finding
    (``cell: message``, waived ones marked); a rule that did not apply, judged nothing, or whose findings were all
    waived is ``<skipped message="why">``. The suite's properties name the file, its SHA-256, the schedule
    version, the as-of date, the verdict and ``fail_on``. ``max_findings``: at most so many findings of each rule
    in the text (the rest counted in a last line).

    ``fail_on`` (a severity or ``never``, as ``--fail-on``; default ``minor``, the CLI's): a failing rule below it
    does not fail the build, so it is no ``<failure>``: it passes, its findings in ``<system-out>`` under a
    first line ``N finding(s) (severity, below --fail-on X):``.
    """
    from junitparser import Failure, JUnitXml, Skipped, SystemOut, TestCase, TestSuite

    shown, omitted = shown_findings(report, max_findings)
    grouped = _by_rule(shown)
    suite = TestSuite(_xml_text(f"{report.schedule.id}: {report.input.path}"))
    for name, value in (("input", report.input.path), ("input_sha256", report.input.sha256),
                        ("schedule", report.schedule.id), ("schedule_version", report.schedule.version),
                        ("as_of", report.as_of.date), ("verdict", report.summary.verdict),
                        ("fail_on", fail_on), ("contractcheck_version", report.contractcheck_version)):
        suite.add_property(name, _xml_text(value))
    cases = []
    for result in report.results:
        case = TestCase(_xml_text(f"{result.rule_id} {result.title}"), _xml_text(report.schedule.id), 0.0)
        reason = _skip_reason(result)
        out: list[str] = []  # the case's system-out
        if result.status == "fail":
            lines = [_finding_line(f) for f in grouped.get(result.rule_id, [])]
            if omitted.get(result.rule_id):
                lines.append(f"… and {omitted[result.rule_id]} more")
            if fails_ci(result.severity, fail_on):
                failure = Failure(f"{result.failed} finding(s)", result.severity)
                failure.text = _xml_text("\n".join(lines))
                case.result = [failure]
            else:  # below the gate: reported, not failed
                out.insert(0, "\n".join([f"{result.failed} finding(s) ({result.severity}, below --fail-on "
                                         f"{fail_on}):", *lines]))
        elif reason is not None:
            case.result = [Skipped(_xml_text(reason))]
        if result.note and reason is None:  # e.g. rows a blank kept from being judged
            out.append(result.note)
        if out:
            case.append(SystemOut(_xml_text("\n".join(out))))
        cases.append(case)
    suite.add_testcases(cases)
    xml = JUnitXml()
    xml.add_testsuite(suite)
    buffer = io.BytesIO()
    xml.write(buffer, pretty=True)
    return buffer.getvalue().decode("utf-8")


def _finding_line(f: Finding) -> str:
    waived = " (waived)" if f.status == "waived" else ""
    place = where(f)
    return f"{place}: {f.message}{waived}" if place != "-" else f"{f.message}{waived}"


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: control characters (which it cannot) written out as ``\\xNN``."""
    return visible(text, keep_tab=True)


# -- SARIF 2.1.0 -------------------------------------------------------------------------------------------------


def _help_uri(reference: str) -> str | None:
    """The first web address in a rule's reference, if it gives one."""
    found = _URL.search(reference)
    return found.group().rstrip(".,;") if found else None


def _uri(path: str) -> str:
    """A path as a SARIF URI reference: as given, with forward slashes and characters a URI cannot hold
    percent-encoded (a space as ``%20``)."""
    return quote(path.replace("\\", "/"), safe="/@!$&'()*+,;=-._~")


def _sarif_rule(result: RuleResult) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": result.rule_id,
        "name": result.title,
        "shortDescription": {"text": result.title},
        "defaultConfiguration": {"level": SARIF_LEVEL[result.severity]},
        "properties": {"reference": result.reference, "severity": result.severity},
    }
    uri = _help_uri(result.reference)
    if uri is not None:
        rule["helpUri"] = uri
    return rule


def _sarif_location(f: Finding, input_path: str) -> dict[str, Any]:
    loc = f.location
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(loc.file or input_path)}}
    region: dict[str, Any] = {}
    if loc.line is not None:
        region["startLine"] = loc.line
    elif _is_cell(f):
        assert loc.row is not None
        region["startLine"] = loc.row
        column = column_number(loc.column)
        if column is not None:
            region["startColumn"] = column
    if region:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if loc.cell or loc.sheet:
        location["logicalLocations"] = [{"name": loc.cell or loc.sheet, "kind": "element"}]
        location["properties"] = {k: v for k, v in (("sheet", loc.sheet), ("cell", loc.cell), ("field", loc.field),
                                                      ("heading", loc.heading)) if v is not None}
    return location


def _sarif_result(f: Finding, index: dict[str, int], input_path: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [_sarif_location(f, input_path)],
        "properties": {"severity": f.severity, "subject": f.subject.model_dump(mode="json"),
                       "evidence": f.evidence, "reference": f.reference, "remediation": f.remediation},
    }
    if f.rule_id in index:
        result["ruleIndex"] = index[f.rule_id]
    if f.status == "waived":
        w = f.waiver or {}
        justification = (f"{w.get('reason', '')} (approved by {w.get('approved_by', '')} on "
                         f"{w.get('approved_on', '')}, until {w.get('expires', '')})")
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification,
                                   "properties": w}]
    return result


def sarif_log(report: Report, *, max_findings: int | None = None) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (a dict ready for ``json.dumps``): one run, the schedule's rules as
    ``tool.driver.rules``, one result a finding (at most ``max_findings`` of each rule when given).

    A result's level is ``error`` for critical and major, ``warning`` for minor, ``note`` for info. Its physical
    location is the file as given (a URI reference), ``startLine`` the row the provider sees and ``startColumn``
    the column number (A=1) where the finding has a cell; the sheet and cell are its logical location and
    location properties. A waived finding has a ``suppressions`` entry (kind ``external``, status ``accepted``,
    the waiver's reason and approval as its justification).
    """
    shown, _ = shown_findings(report, max_findings)
    rules = [_sarif_rule(r) for r in report.results]
    index = {r.rule_id: i for i, r in enumerate(report.results)}
    path = report.input.path
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "contractcheck", "version": report.contractcheck_version,
                            "semanticVersion": __version__, "rules": rules}},
        "artifacts": [{"location": {"uri": _uri(path)}, "hashes": {"sha-256": report.input.sha256}}],
        "results": [_sarif_result(f, index, path) for f in shown],
        "properties": {"schedule": report.schedule.model_dump(mode="json"), "as_of": report.as_of.model_dump(),
                       "summary": report.summary.model_dump(mode="json"), "notes": list(report.notes)},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report, *, max_findings: int | None = None) -> str:
    """``sarif_log`` as JSON text (indent 2, UTF-8 text as it is, a newline at the end)."""
    return json.dumps(sarif_log(report, max_findings=max_findings), indent=2, ensure_ascii=False) + "\n"


# -- GitHub workflow commands --------------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message as GitHub reads it back: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``): as ``escape_data``, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(f: Finding, input_path: str, fail_on: str = "minor") -> str:
    """One finding as a workflow command: ``::error file=PATH,line=ROW,col=COL,title=RULE title::message``
    (``line`` and ``col`` where the finding has them). ``error`` only when the finding fails the build at
    ``fail_on`` (as ``--fail-on``) and its severity is critical or major; otherwise ``warning`` (critical, major,
    minor) or ``notice`` (info) — a finding below ``fail_on`` is never an ``error``."""
    loc = f.location
    props = [("file", loc.file or input_path)]
    if loc.line is not None:
        props.append(("line", str(loc.line)))
    elif _is_cell(f):
        props.append(("line", str(loc.row)))
        column = column_number(loc.column)
        if column is not None:
            props.append(("col", str(column)))
    props.append(("title", f"{f.rule_id} {f.title}".strip()))
    place = where(f)
    message = f"{place}: {f.message}" if place != "-" else f.message
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    command = GITHUB_COMMAND[f.severity]
    if command == "error" and not fails_ci(f.severity, fail_on):
        command = "warning"
    return f"::{command} {joined}::{escape_data(message)}"


def render_github(report: Report, *, max_findings: int | None = None, fail_on: str = "minor") -> str:
    """One GitHub workflow command a failing finding (waived findings are accepted, and left out; ``fail_on`` as
    in ``github_command``), then the verdict as a plain log line. Control characters are written out as
    ``\\xNN``: a worker id can never issue a command of its own, nor reach the log as an escape sequence."""
    shown, _ = shown_findings(report, max_findings)
    lines = [github_command(f, report.input.path, fail_on) for f in shown if f.status != "waived"]
    s = report.summary
    lines.append(f"contractcheck: {s.verdict} ({s.rules_failed} of {s.rules_checked} rules failed) — "
                 f"{report.input.path} against {report.schedule.id}")
    return visible("\n".join(lines) + "\n", keep_tab=True)
