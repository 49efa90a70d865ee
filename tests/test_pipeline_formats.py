"""Formats for build pipelines: JUnit XML read back by a JUnit reader, SARIF valid against the official SARIF
2.1.0 schema, GitHub workflow commands escaped so provider text can never issue a command of its own; and CSV
as UTF-8 with a byte order mark, no cell of it a formula.

The report is the shipped failing sample checked against the Oxfordshire schedule, with the sample waivers
(PAY-02 for W0102 and DSPT-01 for the contract waived), unless a test says otherwise.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml, Skipped

from contractcheck import check
from contractcheck.position import column_number
from contractcheck.report.model import FindingLocation, Report, Subject
from contractcheck.report.pipeline import (
    escape_data,
    escape_property,
    render_github,
    render_junit,
    render_sarif,
)
from contractcheck.report.render import CSV_COLUMNS, render_csv

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = "oxfordshire-help-to-live-at-home"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report() -> Report:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        return check("samples/failing-return.xlsx", SCHEDULE, waivers=Path("samples/waivers.yaml"))


# -- JUnit ---------------------------------------------------------------------------------------------------------


def test_junit_has_one_suite_one_case_a_rule_and_a_failure_a_failing_rule(report: Report) -> None:
    xml = JUnitXml.fromstring(render_junit(report).encode("utf-8"))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    cases = list(suite)
    statuses = [r.status for r in report.results]
    assert suite.tests == len(cases) == len(report.results)
    assert suite.failures == statuses.count("fail")
    assert suite.skipped == statuses.count("not_applicable") + statuses.count("waived")
    assert {c.classname for c in cases} == {SCHEDULE}
    pay = next(c for c in cases if c.name.startswith("PAY-01 "))
    assert pay.name == "PAY-01 Hourly pay at or above the statutory minimum for the worker's age"
    failure = pay.result[0]
    assert isinstance(failure, Failure) and failure.type == "critical" and failure.message == "2 finding(s)"
    assert failure.text.splitlines()[0].startswith("Workforce!K2: Worker W0101 is paid £12.50 an hour")


def test_junit_skips_rules_that_did_not_apply_or_were_all_waived_and_says_why(report: Report) -> None:
    cases = {c.name.split()[0]: c for c in next(iter(JUnitXml.fromstring(render_junit(report).encode())))}
    skipped = cases["PAY-06"].result[0]
    assert isinstance(skipped, Skipped) and skipped.message == "no pay table in the return"
    waived = cases["PAY-02"].result[0]  # its one finding is waived
    assert isinstance(waived, Skipped) and waived.message == "every finding waived (1 waived)"
    assert cases["DATA-01"].is_passed


def test_junit_keeps_at_most_max_findings_of_a_rule_and_counts_the_rest(report: Report) -> None:
    cases = {c.name.split()[0]: c for c in next(iter(JUnitXml.fromstring(render_junit(report, max_findings=1))))}
    lines = cases["PAY-01"].result[0].text.splitlines()
    assert len(lines) == 2 and lines[1] == "… and 1 more"


# -- SARIF ---------------------------------------------------------------------------------------------------------


def _valid_sarif(text: str) -> dict:
    log = json.loads(text)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    return log


def test_sarif_is_valid_against_the_official_schema_with_one_result_a_finding(report: Report) -> None:
    log = _valid_sarif(render_sarif(report))
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.rule_id for r in report.results]
    assert len(run["results"]) == len(report.findings)


def test_a_sarif_result_points_at_the_row_and_column_number_of_its_cell(report: Report) -> None:
    run = json.loads(render_sarif(report))["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "PAY-01")
    assert result["level"] == "error"
    location = result["locations"][0]
    assert location["physicalLocation"] == {"artifactLocation": {"uri": "samples/failing-return.xlsx"},
                                            "region": {"startLine": 2, "startColumn": 11}}  # K2
    assert location["logicalLocations"] == [{"name": "Workforce!K2", "kind": "element"}]
    assert location["properties"]["sheet"] == "Workforce" and location["properties"]["cell"] == "Workforce!K2"
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["DATA-05"] == "warning"  # minor


def test_a_waived_finding_is_an_accepted_external_suppression_with_its_justification(report: Report) -> None:
    run = json.loads(render_sarif(report))["runs"][0]
    pay02 = next(r for r in run["results"] if r["ruleId"] == "PAY-02")
    (suppression,) = pay02["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"].startswith("Travel time paid via a monthly travel allowance")
    assert "approved by J. Smith, Contract Manager" in suppression["justification"]
    assert not [r for r in run["results"] if r["ruleId"] == "PAY-01" and "suppressions" in r]


def test_sarif_gives_a_rule_the_web_address_its_reference_names(report: Report) -> None:
    changed = report.model_copy(update={"results": [
        r.model_copy(update={"reference": "Care Act 2014 s.5, see https://www.legislation.gov.uk/ukpga/2014/23."})
        if r.rule_id == "APP-01" else r for r in report.results]})
    rules = {r["id"]: r for r in _valid_sarif(render_sarif(changed))["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["APP-01"]["helpUri"] == "https://www.legislation.gov.uk/ukpga/2014/23"
    assert "helpUri" not in rules["COST-01"]


def test_a_csv_return_in_a_folder_with_a_space_is_still_valid_sarif(cli, tmp_path: Path) -> None:
    folder = tmp_path / "my returns"
    folder.mkdir()
    (folder / "workforce.csv").write_text("worker_id,zero_hours,hourly_rate,date_of_birth\nW1,N,8.00,14/03/1985\n",
                                          encoding="utf-8")
    result = cli("check", folder / "workforce.csv", "-s", "statutory-minimum", "--set", "period_end=2026-09-30",
                 "-f", "sarif")
    assert result.code == 1, result.err
    log = _valid_sarif(result.out)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"].endswith("my%20returns/workforce.csv")
    assert region["region"] == {"startLine": 2, "startColumn": 3}  # the rate, in column C of line 2


# -- GitHub workflow commands -----------------------------------------------------------------------------------


def test_github_writes_one_command_a_failing_finding_at_its_row_and_column(report: Report) -> None:
    lines = render_github(report).splitlines()
    failing = [f for f in report.findings if f.status == "fail"]
    assert len(lines) == len(failing) + 1  # and the verdict, as a plain log line
    assert lines[0].startswith("::error file=samples/failing-return.xlsx,line=2,col=11,title=PAY-01 Hourly pay")
    assert lines[0].endswith("::Workforce!K2: Worker W0101 is paid £12.50 an hour, below £12.71 (National Living "
                             "Wage (21 and over) from 1 April 2026): the least the statutory minimum can be for "
                             "the pay reference period that includes 30 September 2026.")
    minor = [f for f in failing if f.severity == "minor"]
    assert sum(line.startswith("::warning ") for line in lines) == len(minor) == 3
    # the expired waiver is a finding at its own line of the waiver file
    assert any(line.startswith("::warning file=samples/waivers.yaml,line=20,title=WAIVER-01 Waiver expired::")
               for line in lines)
    assert not lines[-1].startswith("::")


def test_github_escaping_follows_githubs_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b: c%") == "a%2Cb%3A c%25"


def test_a_worker_id_with_newlines_and_colons_cannot_issue_a_command(cli, tmp_path: Path) -> None:
    path = tmp_path / "workforce.csv"
    hostile = "W1\n::error file=x::forged,\r\n::add-mask::secret"
    path.write_text('worker_id,zero_hours,hourly_rate,date_of_birth\n"' + hostile + '",N,8.00,14/03/1985\n',
                    encoding="utf-8")
    result = cli("check", path, "-s", "statutory-minimum", "--set", "period_end=2026-09-30", "-f", "github")
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(lines) - 1  # every line but the verdict is one of ours: none was forged
    pay = next(line for line in commands if "title=PAY-01" in line)
    assert "::error file=x::forged," in pay.split("::", 2)[2]  # inside our message: data, never a command


def test_newlines_in_a_message_or_a_sheet_name_are_escaped_not_sent(report: Report) -> None:
    first = report.findings[0]
    location = first.location.model_copy(update={"file": "returns/Q3, final: v2.xlsx"})
    forged = first.model_copy(update={"message": "Worker W1\n::error::forged 100%\r\n", "location": location})
    line = render_github(report.model_copy(update={"findings": [forged]})).splitlines()[0]
    assert line.startswith("::error file=returns/Q3%2C final%3A v2.xlsx,line=2,col=11,")
    assert line.endswith("::Workforce!K2: Worker W1%0A::error::forged 100%25%0D%0A")


def test_column_numbers_count_as_excel_does() -> None:
    assert [column_number(c) for c in ("A", "K", "Z", "AA", "XFD")] == [1, 11, 26, 27, 16384]
    assert column_number("hourly_rate") is None and column_number(None) is None


# -- on the command line ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "root"), [("report.xml", "<testsuites"), ("report.sarif", '"version": "2.1.0"')])
def test_the_output_extension_chooses_junit_or_sarif(cli, tmp_path: Path, name: str, root: str) -> None:
    out = tmp_path / name
    result = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", out)
    assert result.code == 1, result.err
    assert root in out.read_text(encoding="utf-8")


def test_github_annotations_for_several_files_go_to_stdout(cli) -> None:
    result = cli("check", "samples/failing-return.xlsx", "samples/compliant-return.xlsx", "-s", SCHEDULE,
                 "-f", "github")
    assert result.code == 1, result.err
    assert sum(line.startswith("::error file=samples/failing-return.xlsx,") for line in result.out.splitlines()) > 0
    assert "compliant" in result.out


def test_fail_on_never_leaves_no_junit_failure_and_the_findings_in_system_out(cli, tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    result = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "junit", "--fail-on", "never",
                 "-o", out)
    assert result.code == 0, result.err
    suite = next(iter(JUnitXml.fromfile(str(out))))
    assert suite.failures == 0
    pay = next(c for c in suite if c.name.startswith("PAY-01 "))
    assert pay.is_passed
    assert pay.system_out.startswith("2 finding(s) (critical, below --fail-on never):\nWorkforce!K2: Worker W0101")


def test_junit_fails_only_the_rules_at_or_above_fail_on(report: Report) -> None:
    suite = next(iter(JUnitXml.fromstring(render_junit(report, fail_on="major").encode("utf-8"))))
    failed = {c.name.split()[0] for c in suite if any(isinstance(r, Failure) for r in c.result)}
    expected = {r.rule_id for r in report.results if r.status == "fail" and r.severity in ("critical", "major")}
    below = {r.rule_id for r in report.results if r.status == "fail" and r.severity in ("minor", "info")}
    assert failed == expected and below
    assert suite.failures == len(expected)


def test_github_below_fail_on_is_a_warning_never_an_error(cli) -> None:
    result = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "github", "--fail-on", "never")
    assert result.code == 0, result.err
    commands = [line.split(" ", 1)[0] for line in result.out.splitlines() if line.startswith("::")]
    assert commands and "::error" not in commands
    assert set(commands) <= {"::warning", "::notice"}
    gated = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "github")
    assert sum(line.startswith("::error ") for line in gated.out.splitlines()) == 13


def test_sarif_and_github_name_the_file_as_given_on_the_command_line(cli) -> None:
    sarif = json.loads(cli("check", "samples/../samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "sarif").out)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"] for loc in r["locations"]}
    assert uris == {"samples/../samples/failing-return.xlsx"}
    github = cli("check", "samples/../samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "github").out
    files = {line.split("file=", 1)[1].split(",", 1)[0] for line in github.splitlines() if line.startswith("::")}
    assert files == {"samples/../samples/failing-return.xlsx"}


# -- CSV -----------------------------------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_byte_order_mark_to_a_file_and_to_stdout(cli, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    assert cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", out).code == 1
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfrule_id,severity,")
    assert "£12.50".encode() in data
    printed = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "csv").out
    assert printed.startswith("\ufeffrule_id,") and printed.encode("utf-8") == data


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("column", [c for c in CSV_COLUMNS if c not in ("severity", "status", "row")])
def test_no_csv_column_can_carry_a_formula(report: Report, column: str) -> None:
    """Whichever text a provider (or a rule author) put in a finding, no cell starts a spreadsheet formula."""
    f = report.findings[0]
    hostile = "=cmd|' /C calc'!A0"
    location, subject = f.location.model_dump(), f.subject.model_dump()
    changes: dict[str, object] = {}
    if column in ("file", "sheet", "column", "cell", "field"):
        location[column] = hostile
    elif column in ("subject_table", "subject_key"):
        subject[column.removeprefix("subject_")] = hostile
    elif column == "evidence":
        changes["evidence"] = {hostile: hostile}
    else:
        changes[column] = hostile
    forged = f.model_copy(update={**changes, "location": FindingLocation(**location), "subject": Subject(**subject)})
    rows = list(csv.reader(io.StringIO(render_csv(report.model_copy(update={"findings": [forged]})))))
    cells = rows[1]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    written = cells[CSV_COLUMNS.index(column)]
    assert hostile in written and not written.startswith(FORMULA_START)


# -- rules lint --format -------------------------------------------------------------------------------------------

BAD_RULES = """\
rules:
  - id: TST-01
    title: Born after the rate
    severity: major
    scope: workforce
    assert: date_of_birth > hourly_rate
    message: "x"
    reference: r
    remediation: f
  - id: TST-02
    severity: major
    scope: workforce
    assert: hourly_rate > 1
    message: "x"
    reference: r
    remediation: f
"""


@pytest.fixture
def bad_rules(tmp_path: Path) -> Path:
    path = tmp_path / "mine, v2.yaml"
    path.write_text(BAD_RULES, encoding="utf-8")
    return path


def test_rules_lint_json_lists_each_problem_with_file_line_and_code(cli, bad_rules: Path) -> None:
    result = cli("rules", "lint", bad_rules, "--format", "json")
    assert result.code == 1
    assert json.loads(result.out) == [
        {"file": str(bad_rules), "line": 6, "column": None, "code": "EXPR001",
         "message": "rule TST-01, assert, column 1: cannot compare a date value with a money value",
         "severity": "error"},
        {"file": str(bad_rules), "line": 10, "column": None, "code": "RULE001",
         "message": "rule TST-02 is missing 'title'", "severity": "error"},
    ]


def test_rules_lint_github_annotates_each_problem_and_text_is_unchanged(cli, bad_rules: Path) -> None:
    lines = cli("rules", "lint", bad_rules, "-f", "github").out.splitlines()
    escaped = str(bad_rules).replace(",", "%2C")
    assert lines[0] == (f"::error file={escaped},line=6,title=EXPR001::rule TST-01, assert, column 1: cannot "
                        "compare a date value with a money value")
    assert lines[-1] == "2 problem(s) in 1 rules and 0 schedules in 1 files"
    text = cli("rules", "lint", bad_rules).out.splitlines()
    assert text[0] == (f"{bad_rules}:6: EXPR001 rule TST-01, assert, column 1: cannot compare a date value with a "
                       "money value")
    assert text[-1] == lines[-1]


def test_rules_lint_json_of_the_shipped_rules_is_an_empty_list(cli) -> None:
    result = cli("rules", "lint", "-f", "json")
    assert (result.code, json.loads(result.out)) == (0, [])
