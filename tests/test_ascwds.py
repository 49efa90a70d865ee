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
