"""An ASC-WDS bulk-upload staff file is a workforce return (issue 11): read by its own column names and codes, with
the contract's values from a file beside it. Facts: Skills for Care's bulk-upload validator (ascwds_worker_format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contractcheck import check
from contractcheck.errors import InputError

HEADER = ("LOCALESTID,UNIQUEWORKERID,STATUS,DISPLAYID,DOB,CARECERT,STARTDATE,APPRENTICE,EMPLSTATUS,ZEROHRCONT,"
          "DAYSSICK,SALARYINT,SALARY,HOURLYRATE,MAINJOBROLE,CONTHOURS,AVGHOURS,SCQUAL")
CONTRACT = "provider_name: Riverside\ncontract_ref: OCC-1\nperiod_start: 2026-07-01\nperiod_end: 2026-09-30\n"


def staff_file(tmp_path: Path, *rows: str, contract: str | None = CONTRACT) -> Path:
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    if contract is not None:
        (tmp_path / "staff.contract.yaml").write_text(contract, encoding="utf-8")
    return path


def findings(report: Any, rule: str) -> list[Any]:
    return [f for f in report.findings if f.rule_id == rule]


def test_codes_are_read_as_words_and_a_salary_as_hourly_pay(tmp_path: Path) -> None:
    """MAINJOBROLE 8 is a care worker, SALARYINT 1 an annual SALARY (£23,000 over 40 hours × 52 = £11.06 an
    hour, below £12.71: salaried hours work, NMW Regulations 2015 regs 21-22)."""
    path = staff_file(tmp_path,
                      "RIV1,W1,NEW,,14/03/1985,1,04/05/2021,2,1,2,3,3,,12.80,8,30,,1;2",
                      "RIV1,M1,NOCHANGE,,02/11/1975,2,01/02/2015,2,1,2,,1,23000,,4,40,,1;5")
    report = check(path, "statutory-minimum")
    [pay] = findings(report, "PAY-01")
    assert (pay.subject.key, pay.evidence["pay_rate"]) == ("M1", pytest.approx(11.0577, abs=1e-4))
    assert report.input.kind == "return"
    assert any("staff.contract.yaml" in n for n in report.notes)


def test_dont_know_codes_are_unknown_never_numbers(tmp_path: Path) -> None:
    """999 is "don't know" for ZEROHRCONT, APPRENTICE, DAYSSICK, CONTHOURS, AVGHOURS and SCQUAL: never 999 hours."""
    path = staff_file(tmp_path, "RIV1,W1,NEW,,14/03/1985,1,04/05/2021,999,3,999,999,3,,13.40,7,,999,999")
    report = check(path, "statutory-minimum")
    assert not findings(report, "DATA-03")  # nothing unreadable: the codes are known
    assert not findings(report, "DATA-07")


def test_the_status_column_is_the_uploads_action_not_the_employment_status(tmp_path: Path) -> None:
    """STATUS says what ASC-WDS should do with the record (NEW, UPDATE, DELETE …); EMPLSTATUS is the contract type.
    A DELETE row is a worker leaving ASC-WDS: not part of the workforce."""
    path = staff_file(tmp_path, "RIV1,W1,UPDATE,,14/03/1985,1,04/05/2021,2,1,2,0,3,,13.00,8,30,,2",
                      "RIV1,X9,DELETE,,14/03/1985,1,04/05/2021,2,1,2,0,3,,5.00,8,30,,2")
    report = check(path, "statutory-minimum")
    assert not findings(report, "PAY-01")  # X9's £5.00 is not judged: the row is being deleted
    assert not findings(report, "DATA-03")


def test_a_file_of_several_workplaces_needs_one_chosen(tmp_path: Path) -> None:
    rows = ("RIV1,W1,NEW,,14/03/1985,1,04/05/2021,2,1,2,0,3,,13.00,8,30,,2",
            "RIV2,W2,NEW,,14/03/1985,1,04/05/2021,2,1,2,0,3,,12.00,8,30,,2")
    path = staff_file(tmp_path, *rows)
    with pytest.raises(InputError, match=r"holds 2 workplaces \(RIV1, RIV2\); choose one with --set establishment"):
        check(path, "statutory-minimum")
    [pay] = findings(check(path, "statutory-minimum", set_values={"establishment": "RIV2"}), "PAY-01")
    assert pay.subject.key == "W2"
    (tmp_path / "staff.contract.yaml").write_text(CONTRACT + "establishment: RIV1\n", encoding="utf-8")
    assert not findings(check(path, "statutory-minimum"), "PAY-01")


def test_a_contract_file_that_is_not_a_mapping_is_one_clear_error(tmp_path: Path) -> None:
    path = staff_file(tmp_path, "RIV1,W1,NEW,,14/03/1985,1,04/05/2021,2,1,2,0,3,,13.00,8,30,,2",
                      contract="- just\n- a list\n")
    with pytest.raises(InputError, match="a contract file is a mapping of field: value"):
        check(path, "statutory-minimum")


def test_an_ascwds_export_folder_is_read_by_its_files_contents(tmp_path: Path) -> None:
    """The staff and training files are recognised by their own headers whatever they are called; CATEGORY codes
    are courses (15 is moving and handling, 20 safeguarding adults); the contract comes from FOLDER.contract.yaml."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "2026-11-01-sfc-bu-staff.csv").write_text(
        HEADER + "\nRIV1,W1,NEW,,14/03/1985,1,04/05/2021,2,1,2,0,3,,13.00,8,30,,2\n", encoding="utf-8")
    (folder / "2026-11-01-sfc-bu-training.csv").write_text(
        "LOCALESTID,UNIQUEWORKERID,CATEGORY,DESCRIPTION,DATECOMPLETED,EXPIRYDATE,ACCREDITED,NOTES\n"
        "RIV1,W1,15,Hoists,10/01/2026,10/01/2027,1,\nRIV1,W1,20,,10/01/2026,,1,\n", encoding="utf-8")
    (tmp_path / "export.contract.yaml").write_text(CONTRACT, encoding="utf-8")
    report = check(folder, "statutory-minimum")
    assert report.input.tables == {"workforce": "2026-11-01-sfc-bu-staff", "training": "2026-11-01-sfc-bu-training"}
    assert not findings(report, "DATA-01")  # the Contract's values came from the file beside the folder
    assert not findings(report, "DATA-08")  # every CATEGORY code is a course the vocabulary knows


def test_an_export_folder_with_its_contract_given_on_the_command_line_is_one_return(tmp_path: Path, cli: Any) -> None:
    """Without a contract file beside it, an ASC-WDS export folder is still one return (its files are recognised by
    their headers), not a batch of two returns that cannot be checked."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "staff-file.csv").write_text(
        HEADER + "\nRIV1,W1,NEW,,14/03/1985,1,04/05/2021,2,1,2,0,3,,12.00,8,30,,2\n", encoding="utf-8")
    (folder / "training-file.csv").write_text(
        "LOCALESTID,UNIQUEWORKERID,CATEGORY,DESCRIPTION,DATECOMPLETED,EXPIRYDATE,ACCREDITED,NOTES\n"
        "RIV1,W1,15,,10/01/2026,10/01/2027,1,\n", encoding="utf-8")
    result = cli("check", folder, "-s", "statutory-minimum", "-f", "json", "--set", "provider_name=P",
                 "--set", "contract_ref=C", "--set", "period_start=2026-07-01", "--set", "period_end=2026-09-30")
    assert result.code == 1, result.err
    assert '"PAY-01"' in result.out and '"training": "training-file"' in result.out


# The current staff file's columns for the Level 2 certificate, delegated healthcare and qualifications achieved
CURRENT = "LOCALESTID,UNIQUEWORKERID,STATUS,MAINJOBROLE,CARECERT,L2CARECERT,STARTDATE,DHA,EMPLSTATUS,ZEROHRCONT," \
          "SALARYINT,HOURLYRATE,QUALACH01,QUALACH01NOTES,QUALACH02,QUALACH02NOTES,QUALACH03,QUALACH03NOTES,QUALACH04"


def workforce_of(tmp_path: Path, *rows: str) -> Any:
    """The staff file's Workforce table as the rules see it (canonical fields, typed)."""
    from contractcheck.load import open_source
    from contractcheck.normalise import normalise
    from contractcheck.return_format import return_format

    path = tmp_path / "staff.csv"
    path.write_text(CURRENT + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return normalise(open_source(path), return_format()).tables["workforce"].frame.set_index("worker_id")


def test_l2carecert_is_the_level_2_certificate_in_its_own_codes(tmp_path: Path) -> None:
    """L2CARECERT: 1 completed (maybe ;YYYY), 2 started, 3 no — not CARECERT's order (2 no, 3 in progress). A year
    after 2 or 3 makes the validator ignore the whole value (warnings 5600, 5610): unknown."""
    frame = workforce_of(tmp_path, *(f"RIV1,{w},NEW,8,2,{code},04/05/2021,,1,2,3,13.00,,,,,,," for w, code in
                                     [("A", "1"), ("B", "1;2025"), ("C", "2"), ("D", "3"), ("E", "2;2025"), ("F", "")]))
    got = frame["l2_care_certificate"].astype(object).where(frame["l2_care_certificate"].notna(), None).to_dict()
    assert got == {"A": "Completed", "B": "Completed", "C": "In progress", "D": "Not started", "E": None, "F": None}
    assert frame.loc["A", "care_certificate"] == "Not started"  # CARECERT 2 is read in CARECERT's codes


def test_dha_is_delegated_healthcare_and_999_is_unknown(tmp_path: Path) -> None:
    frame = workforce_of(tmp_path, *(f"RIV1,{w},NEW,8,1,,04/05/2021,{code},1,2,3,13.00,,,,,,," for w, code in
                                     [("A", "1"), ("B", "2"), ("C", "999"), ("D", "")]))
    got = frame["delegated_healthcare"].astype(object).where(frame["delegated_healthcare"].notna(), None).to_dict()
    assert got == {"A": True, "B": False, "C": None, "D": None}


def test_qualach_columns_are_one_list_of_codes_and_years(tmp_path: Path) -> None:
    """QUALACH01 … QUALACHnn (any number of them) joined in column order; the NOTES columns are not read; they do
    not set qualification_level, which the export gives only in SCQUAL."""
    frame = workforce_of(tmp_path,
                         "RIV1,A,NEW,8,1,,04/05/2021,,1,2,3,13.00,26;2019,Level 2 diploma,,,31;2022,,112;2024",
                         "RIV1,B,NEW,8,1,,04/05/2021,,1,2,3,13.00,,,,,,,")
    assert frame.loc["A", "qualifications"] == "26;2019, 31;2022, 112;2024"
    assert frame["qualifications"].isna()["B"]
    assert frame["qualification_level"].isna().all()


def test_a_completed_level_2_certificate_without_a_date_is_not_judged_late(tmp_path: Path) -> None:
    """A care worker 60 weeks in, CARECERT 2 (no): with L2CARECERT 1 the Level 2 certificate is done but ASC-WDS does
    not say when, so CC-01 does not judge the worker; with L2CARECERT 2 (started) it fails as before."""
    path = tmp_path / "staff.csv"
    path.write_text(CURRENT + "\nRIV1,DONE,NEW,8,2,1;2026,30/07/2025,1,1,2,3,13.00,,,,,,,\n"
                    "RIV1,STARTED,NEW,8,2,2,30/07/2025,1,1,2,3,13.00,,,,,,,\n", encoding="utf-8")
    (tmp_path / "staff.contract.yaml").write_text(CONTRACT, encoding="utf-8")
    report = check(path, "oxfordshire-help-to-live-at-home")
    [late] = findings(report, "CC-01")
    assert late.subject.key == "STARTED"
    cc = next(r for r in report.results if r.rule_id == "CC-01")
    assert (cc.checked, cc.failed, cc.not_judged) == (1, 1, 1)


def _format_check(tmp_path: Path, *rows: str) -> Any:
    return check(staff_file(tmp_path, *rows), "ascwds-format")


def test_rows_not_being_changed_get_identity_checks_only(tmp_path: Path) -> None:
    """The validator checks NOCHANGE and UNCHECKED rows for their identity only (status_gating): a zero-hours worker
    with 16 contracted hours is ASCWDS-04's finding on an UPDATE row and nobody's on a NOCHANGE or UNCHECKED one."""
    report = _format_check(tmp_path, "RIV1,U1,UPDATE,,30/06/1990,3,12/08/2020,2,1,1,0,3,,13.40,8,16,,2",
                           "RIV1,N1,NOCHANGE,,30/06/1990,3,12/08/2020,2,1,1,0,3,,13.40,8,16,,2",
                           "RIV1,C1,unchecked,,30/06/1990,3,12/08/2020,2,1,1,0,3,,13.40,8,16,,2")
    assert [f.subject.key for f in findings(report, "ASCWDS-04")] == ["U1"]
    zero_hours = next(r for r in report.results if r.rule_id == "ASCWDS-04")
    assert (zero_hours.checked, zero_hours.failed) == (1, 1)


def test_zero_hours_dont_know_or_blank_is_unknown_and_said_as_written(tmp_path: Path) -> None:
    """ZEROHRCONT is optional in ASC-WDS: 999 or blank is not a missing required value (no DATA-01), and a message
    quoting it says "999 (don't know)", never "blank"."""
    report = _format_check(tmp_path, "RIV1,W1,NEW,,30/06/1990,3,12/08/2020,2,3,999,0,3,,13.40,8,16,,2",
                           "RIV1,W2,NEW,,30/06/1990,3,12/08/2020,2,1,,0,3,,13.40,8,16,,2")
    assert not findings(report, "DATA-01")
    [hours] = findings(report, "ASCWDS-03")
    assert hours.message.startswith("Worker W1 (Bank, zero hours 999 (don't know)) has CONTHOURS 16")
    zero_hours = check(staff_file(tmp_path, "RIV1,W1,NEW,,30/06/1990,3,12/08/2020,2,1,2,0,3,,13.40,8,16,,2"),
                       "ascwds-format")
    assert not findings(zero_hours, "DATA-01") and not findings(zero_hours, "ASCWDS-03")


def test_values_outside_ascwds_forms_and_ranges_are_not_read_as_numbers_or_dates(tmp_path: Path) -> None:
    """STARTDATE 999 is not an Excel serial day (25 September 1902) and DAYSSICK 998 is not 998 days: ASC-WDS
    ignores both (warnings 3190, 1240), so they have no value and DATA-03 names each cell; 999 days sick is
    "don't know" and 12.5 is a day and a half, both taken."""
    report = _format_check(tmp_path, "RIV1,W1,NEW,,30/06/1990,1,999,2,1,2,998,3,,13.40,8,30,,2",
                           "RIV1,W2,NEW,,30/06/1990,1,12/08/2020,2,1,2,12.5,3,,13.40,8,30,,2",
                           "RIV1,W3,NEW,,30/06/1990,1,12/08/2020,2,1,2,999,3,,13.40,8,30,,2")
    said = {(f.subject.key, f.location.cell): f.message for f in findings(report, "DATA-03")}
    assert set(said) == {("W1", "staff.csv!G2"), ("W1", "staff.csv!K2")}
    start_date = said[("W1", "staff.csv!G2")]
    assert "'999' is not what ASC-WDS takes: a date as DD/MM/YYYY (validator warning 3190" in start_date
    assert "'998' is not what ASC-WDS takes: days from 0 to 366" in said[("W1", "staff.csv!K2")]
    assert not findings(report, "ASCWDS-06")  # no start date in 1902 to judge


def test_qualification_codes_and_years_outside_ascwds_forms_are_findings(tmp_path: Path) -> None:
    """QUALACHnn is "code;YYYY" with a numeric code (validator errors 5010/5030) and a year in the last 100 years
    (5015/5035): 'abc;2019' and a bare 999 are findings naming their column; '26;2019' is not."""
    path = tmp_path / "staff.csv"
    path.write_text(CURRENT + "\nRIV1,A,NEW,8,1,,04/05/2021,,1,2,3,13.00,abc;2019,,,,,,\n"
                    "RIV1,B,NEW,8,1,,04/05/2021,,1,2,3,13.00,26;2019,,999,,,,\n"
                    "RIV1,C,NEW,8,1,,04/05/2021,,1,2,3,13.00,26;2019,,31;2022,,,,\n", encoding="utf-8")
    (tmp_path / "staff.contract.yaml").write_text(CONTRACT, encoding="utf-8")
    said = {f.subject.key: f.message for f in findings(check(path, "ascwds-format"), "DATA-03")}
    assert set(said) == {"A", "B"}
    assert "(QUALACH01) 'abc;2019' is not what ASC-WDS takes" in said["A"]
    assert "(QUALACH02) '999' is not what ASC-WDS takes" in said["B"]


def test_a_role_or_status_given_as_a_code_ascwds_lacks_is_worded_apart_from_a_missing_one(tmp_path: Path) -> None:
    report = _format_check(tmp_path, "RIV1,W1,NEW,,30/06/1990,1,12/08/2020,2,999,2,0,3,,13.40,999,30,,2",
                           "RIV1,W2,NEW,,30/06/1990,1,12/08/2020,2,1,2,0,3,,13.40,,30,,2",
                           "RIV1,W3,NEW,,30/06/1990,1,12/08/2020,2,1,2,0,3,,13.40,8,30,,2")
    said = {f.subject.key: f.message for f in findings(report, "ASCWDS-07")}
    assert said == {
        "W1": "Worker W1 has MAINJOBROLE 999 (a value ASC-WDS does not take) and EMPLSTATUS 999 (a value ASC-WDS "
              "does not take): both are mandatory in ASC-WDS, as one of its codes.",
        "W2": "Worker W2 has MAINJOBROLE blank and EMPLSTATUS Permanent: both are mandatory in ASC-WDS, as one of its "
              "codes."}


def test_a_status_ascwds_has_retired_is_a_finding_and_the_row_is_still_judged(tmp_path: Path) -> None:
    """STATUS is one of NEW, UPDATE, UNCHECKED, NOCHANGE, DELETE in any case (validator error 1040 for the retired
    CHGSUB): CHGSUB is a DATA-03 finding, and its row is judged as a changed one."""
    report = _format_check(tmp_path, "RIV1,W1,CHGSUB,,30/06/1990,3,12/08/2020,2,1,1,0,3,,13.40,8,16,,2",
                           "RIV1,W2,update,,30/06/1990,3,12/08/2020,2,1,2,0,3,,13.40,8,16,,2")
    [status] = findings(report, "DATA-03")
    assert (status.subject.key, status.location.cell) == ("W1", "staff.csv!C2")
    assert "validator error 1040" in status.message
    assert [f.subject.key for f in findings(report, "ASCWDS-04")] == ["W1"]
