"""Grant applications: a Grant sheet, one row per application, checked against a fund's schedule.

The rules' own examples (rules/grants.yaml, run by ``rules test`` and test_rule_files.py) pin each rule both ways;
these tests check whole files as a fund officer sends them: a register of many applications, each judged on its
own row; a blank amount or date never passed; the same sheet read from a workbook, a CSV folder or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import xlsxwriter

from contractcheck import check, exit_code_for

ROOT = Path(__file__).resolve().parent.parent
FUND = "norfolk-workforce-development-fund"
HEADINGS = ["Application ref", "Applicant", "Priority area", "Amount requested (£)", "Date received", "Outcomes"]
D = dt.date

#: a fund officer's register: one row per application received (row 2 is the first application)
REGISTER = [
    ["WDF-01", "Broadland Home Care Ltd", "Recruitment and retention", 36_500, D(2017, 2, 20), "12 diplomas"],
    ["WDF-02", "Wensum Valley Care Ltd", "Improving quality in the independent care sector", 24_750,
     D(2017, 2, 24), "Quality champions"],
    ["WDF-03", "Yare Community Care CIC", "Statutory requirements", 42_000, D(2017, 3, 3), "Refresher training"],
    ["WDF-04", "Bure Support Ltd", "Digital skills", 5_000, D(2017, 2, 1), "Tablets for care plans"],
    ["WDF-05", "Tas Valley Care", "Market development", None, D(2017, 2, 2), "A shared relief bank"],
    ["WDF-06", "Waveney Homecare", "Promoting independence", 28_000, None, "Reablement training"],
]


def register_workbook(path: Path, rows: list[list[object]], sheet: str = "Grant") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    when = workbook.add_format({"num_format": "dd/mm/yyyy"})
    ws = workbook.add_worksheet(sheet)
    ws.write_row(0, 0, HEADINGS)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(i, j, dt.datetime(value.year, value.month, value.day), when)
            elif value is not None:
                ws.write(i, j, value)
    workbook.close()
    return path


def failing(report) -> list[tuple[str, str | None, str | None]]:
    return [(f.rule_id, f.location.cell, f.subject.key) for f in report.findings]


def result(report, rule_id: str):
    return next(r for r in report.results if r.rule_id == rule_id)


def test_a_register_is_judged_row_by_row(tmp_path):
    report = check(register_workbook(tmp_path / "register.xlsx", REGISTER), FUND)
    assert report.input.kind == "grant"
    assert failing(report) == [
        ("GRT-03", "Grant!E4", "WDF-03"),  # received 3 March 2017: critical
        ("DATA-01", "Grant!D6", "WDF-05"),  # the blank amount and the blank date are required values
        ("DATA-01", "Grant!E7", "WDF-06"),
        ("GRT-01", "Grant!C5", "WDF-04"),  # not one of the fund's areas
        ("GRT-02", "Grant!D3", "WDF-02"),  # £24,750 of the £20,000 quality improvement allocation
        ("DATA-08", "Grant!C5", "WDF-04"),  # the area kept as written, reported for information
    ]
    assert exit_code_for(report) == 1


def test_the_over_allocation_finding_gives_the_figures(tmp_path):
    report = check(register_workbook(tmp_path / "register.xlsx", REGISTER), FUND)
    finding = next(f for f in report.findings if f.rule_id == "GRT-02")
    assert finding.message == ("The application from Wensum Valley Care Ltd asks for £24,750 for Quality "
                               "improvement, £4,750 more than the area's allocation of £20,000.")
    assert finding.evidence["allocation"] == 20_000
    assert finding.evidence["priority_area"] == "Quality improvement"


def test_the_late_finding_counts_the_days(tmp_path):
    report = check(register_workbook(tmp_path / "register.xlsx", REGISTER), FUND)
    finding = next(f for f in report.findings if f.rule_id == "GRT-03")
    assert finding.severity == "critical"
    assert finding.evidence["days_late"] == 3
    assert "28 February 2017" in finding.message
    # the fund's page gives that date for its "final two grant areas" without saying which: the finding says so
    assert finding.message.endswith("after 28 February 2017, the closing date the fund's page gives for its final "
                                    "two grant areas, applied to every area here and unverified for this one.")


def test_an_amount_of_nothing_or_less_is_a_finding_and_a_sum_is_not(tmp_path):
    rows = [["WDF-07", "Kappa Care", "Statutory requirements", -5, D(2017, 2, 1), ""],
            ["WDF-08", "Lambda Care", "Statutory requirements", 0, D(2017, 2, 1), ""],
            ["WDF-09", "Mu Care", "Statutory requirements", 5, D(2017, 2, 1), ""]]
    report = check(register_workbook(tmp_path / "register.xlsx", rows), FUND)
    assert failing(report) == [("GRT-04", "Grant!D2", "WDF-07"), ("GRT-04", "Grant!D3", "WDF-08")]
    assert report.findings[0].message == ("The application from Kappa Care asks for £-5.00: an amount requested "
                                          "must be above zero.")


def test_a_us_date_in_the_column_leaves_the_dates_that_read_only_day_first_judged(tmp_path):
    """02/28/2017 reads only month first and 01/03/2017 both ways (1 March or 3 January): those two are DATA-03
    findings and not judged; 13/03/2017 reads only day first, so it is judged late all the same."""
    rows = [["R1", "Theta Care", "Statutory requirements", 1000, "02/28/2017", ""],
            ["R2", "Eta Care", "Statutory requirements", 1000, "01/03/2017", ""],
            ["R3", "Nu Care", "Statutory requirements", 1000, "13/03/2017", ""],
            ["R4", "Xi Care", "Statutory requirements", 1000, "27/02/2017", ""]]
    report = check(register_workbook(tmp_path / "register.xlsx", rows), FUND)
    assert failing(report) == [("GRT-03", "Grant!E4", "R3"), ("DATA-03", "Grant!E2", "R1"),
                               ("DATA-03", "Grant!E3", "R2")]
    received = result(report, "GRT-03")
    assert (received.checked, received.failed, received.not_judged) == (2, 1, 2)


def test_a_blank_amount_or_date_is_not_judged_and_never_passed(tmp_path):
    report = check(register_workbook(tmp_path / "register.xlsx", REGISTER), FUND)
    amount, received = result(report, "GRT-02"), result(report, "GRT-03")
    # GRT-02 judges the four applications in the fund's areas with an amount: WDF-05's amount is blank
    assert (amount.checked, amount.failed, amount.not_judged) == (4, 1, 1)
    assert "could not be judged: a value the rule needs is blank" in (amount.note or "")
    assert (received.checked, received.failed, received.not_judged) == (5, 1, 1)


def test_an_application_with_only_a_blank_amount_is_not_applicable_with_why(tmp_path):
    report = check(register_workbook(tmp_path / "one.xlsx", [REGISTER[4]]), FUND)
    amount = result(report, "GRT-02")
    assert amount.status == "not_applicable"
    assert amount.not_judged == 1
    assert "blank" in (amount.note or "")
    assert report.summary.verdict == "non-compliant"  # DATA-01: a required value is missing


def test_sound_applications_pass_every_rule(tmp_path):
    report = check(register_workbook(tmp_path / "sound.xlsx", [REGISTER[0]]), FUND)
    assert failing(report) == []
    assert [r.status for r in report.results] == ["pass"] * 7
    assert exit_code_for(report) == 0


def test_the_sheet_is_found_by_the_names_officers_give_it(tmp_path):
    report = check(register_workbook(tmp_path / "register.xlsx", REGISTER[:1], sheet="Grant applications"), FUND)
    assert report.input.kind == "grant"
    assert report.input.tables == {"grant": "Grant applications"}


def test_a_csv_folder_and_json_are_read_the_same_way(tmp_path):
    folder = tmp_path / "applications"
    folder.mkdir()
    (folder / "grant.csv").write_text(
        "application_ref,applicant,priority_area,amount_requested,received_date\n"
        "WDF-02,Wensum Valley Care Ltd,Quality improvement,\"£24,750\",24/02/2017\n", encoding="utf-8")
    data = {"grant": [{"application_ref": "WDF-02", "applicant": "Wensum Valley Care Ltd",
                       "priority_area": "quality improvement", "amount_requested": 24750,
                       "received_date": "2017-02-24"}]}
    (tmp_path / "application.json").write_text(json.dumps(data), encoding="utf-8")
    for path, cell in ((folder, "grant.csv!D2"), (tmp_path / "application.json", "grant[1].amount_requested")):
        report = check(path, FUND)
        assert report.input.kind == "grant"
        assert [(f.rule_id, f.location.cell) for f in report.findings] == [("GRT-02", cell)]


def test_a_single_csv_with_the_grant_headings_is_a_grant_application(tmp_path, cli):
    path = tmp_path / "grant.csv"
    path.write_text("application_ref,applicant,priority_area,amount_requested,received_date\n"
                    "C1,A,Quality improvement,\"£20,001\",28/02/2017\n", encoding="utf-8")
    report = check(path, FUND)
    assert report.input.kind == "grant"
    assert failing(report) == [("GRT-02", "grant.csv!D2", "C1")]
    # a CSV of workers is still the Workforce table
    staff = tmp_path / "staff.csv"
    staff.write_text("worker_id,hourly_rate,zero_hours\nW1,13.00,N\n", encoding="utf-8")
    out = cli("check", str(staff), "-s", FUND)
    assert out.code == 2 and "a workforce return" in out.err


def test_a_schedule_may_set_its_own_closing_date_and_allocations(tmp_path):
    schedule = tmp_path / "later-round.yaml"
    schedule.write_text(
        f"id: later-round\ntitle: A later round\ncouncil: Norfolk County Council\nsource: test\nversion: '1'\n"
        f"extends: {FUND}\nrules: []\nparams:\n  GRT-03: {{deadline: 2017-03-31}}\n"
        f"  GRT-02: {{allocations: [25000, 110000, 28000, 48000, 50000]}}\n", encoding="utf-8")
    report = check(register_workbook(tmp_path / "register.xlsx", REGISTER[:3]), schedule)
    assert failing(report) == []


def test_a_return_checked_against_the_fund_is_refused_not_called_compliant(cli):
    """The fund's schedule has no rules for a workforce return: only the data checks every file gets would run,
    and their pass would read as "compliant". Exit 2, naming what the schedule is for."""
    out = cli("check", "samples/compliant-return.xlsx", "-s", FUND)
    assert out.code == 2 and out.out == ""
    assert out.err.strip().splitlines() == [
        "error USAGE: samples/compliant-return.xlsx: a workforce return, but schedule norfolk-workforce-development-"
        "fund holds no rules for one (its rules are for grant applications); choose a schedule written for it "
        "(contractcheck schedules list)"]


def test_a_file_with_no_grant_sheet_is_refused_naming_the_sheet_a_grant_has(cli):
    out = cli("check", "schedules/statutory-minimum.yaml", "-s", FUND)
    assert out.code == 2
    assert out.err.count("\n") == 1
    assert "a grant has the Grant table;" in out.err


def test_an_officer_checks_a_folder_of_applications(cli):
    out = cli("check", "samples/grants", "-s", FUND)
    assert out.code == 1
    lines = out.out.splitlines()
    assert lines[0].startswith("non-compliant     1 critical  0 major") and lines[0].endswith(
        "failed: GRT-03  samples/grants/late-application.xlsx")
    assert lines[1].endswith("failed: GRT-02  samples/grants/over-allocation.xlsx")
    assert lines[2].startswith("compliant") and lines[2].endswith("samples/grants/sound-application.xlsx")


def test_a_returns_sheet_of_job_applications_does_not_make_it_a_grant(tmp_path):
    """Only a sheet named for grants or funding is the Grant table: a provider's "Applications" sheet (people
    applying for jobs) leaves the file a return."""
    path = tmp_path / "return.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Workforce").write_row(0, 0, ["worker_id", "hourly_rate", "zero_hours"])
    workbook.get_worksheet_by_name("Workforce").write_row(1, 0, ["W1", 13.0, "N"])
    workbook.add_worksheet("Applications").write_row(0, 0, ["applicant", "amount", "received"])
    workbook.close()
    report = check(path, "statutory-minimum", as_of=D(2026, 9, 30))
    assert report.input.kind == "return"
    assert "grant" not in report.input.tables
