"""A formula cell whose result was never saved is reported as such, never read as a blank or as £0.00.

openpyxl writes formulas with no result; xlsxwriter stores 0 as every result unless told the value. Excel (and
LibreOffice) save the result, which is what the provider saw and what is judged.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter
from workbooks import contract_workbook

from contractcheck.load import open_source
from contractcheck.load.formulas import UNSAVED_FORMULA


def openpyxl_return(path: Path) -> Path:
    """Workforce rates looked up by formula from a Rates sheet; openpyxl saves no results."""
    book = openpyxl.Workbook()
    contract = book.active
    contract.title = "Contract"
    contract.append(["period_start", dt.datetime(2026, 7, 1)])
    contract.append(["period_end", dt.datetime(2026, 9, 30)])
    staff = book.create_sheet("Workforce")
    staff.append(["worker_id", "job_role", "zero_hours", "pay_band", "hourly_rate", "date_of_birth"])
    staff.append(["W1", "Care worker", "N", "A", "=VLOOKUP(D2,Rates!$A$2:$B$3,2,FALSE)", dt.datetime(1980, 1, 1)])
    staff.append(["W2", "Care worker", "N", "B", 12.90, dt.datetime(1980, 1, 1)])
    rates = book.create_sheet("Rates")
    rates.append(["band", "rate"])
    rates.append(["A", 11.00])
    book.save(path)
    return path


def zero_results_return(path: Path, *, inputs: float) -> Path:
    """Hourly rate = base × 1 in every row; xlsxwriter stores 0 as each formula's result."""
    workbook, when = contract_workbook(path)
    staff = workbook.add_worksheet("Workforce")
    staff.write_row(0, 0, ["worker_id", "job_role", "zero_hours", "base", "hourly_rate", "date_of_birth"])
    for row in (1, 2):
        staff.write_row(row, 0, [f"W{row}", "Care worker", "N", inputs])
        staff.write_formula(row, 4, f"=D{row + 1}*1")
        staff.write_datetime(row, 5, dt.datetime(1980, 1, 1), when)
    workbook.close()
    return path


def test_the_load_stage_names_the_cells_of_formulas_without_a_saved_result(tmp_path: Path) -> None:
    table = open_source(openpyxl_return(tmp_path / "r.xlsx")).read("Workforce", 1)
    assert table.unsaved_formulas == {"E": [2]}


def test_a_rate_that_is_a_formula_without_a_saved_result_is_a_finding_never_blank(tmp_path: Path, cli) -> None:
    result = cli("check", str(openpyxl_return(tmp_path / "r.xlsx")), "-s", "statutory-minimum", "-f", "json")
    report = json.loads(result.out)
    assert f"hourly_rate is a {UNSAVED_FORMULA}" in result.out
    assert "hourly_rate is blank" not in result.out
    data_03 = next(r for r in report["results"] if r["rule_id"] == "DATA-03")
    assert data_03["failed"] == 1
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-01")
    assert pay["not_judged"] == 1  # W1 cannot be judged; W2's £12.90 passes


def test_a_file_whose_every_formula_result_is_0_while_its_inputs_are_not_is_not_paid_nothing(
    tmp_path: Path, cli
) -> None:
    path = zero_results_return(tmp_path / "r.xlsx", inputs=13.0)
    assert open_source(path).read("Workforce", 1).unsaved_formulas == {"E": [2, 3]}
    result = cli("check", str(path), "-s", "statutory-minimum", "-f", "json")
    assert "£0.00" not in result.out
    assert result.out.count(UNSAVED_FORMULA) >= 2


def test_formulas_that_really_are_0_are_left_alone(tmp_path: Path) -> None:
    path = zero_results_return(tmp_path / "r.xlsx", inputs=0.0)
    assert open_source(path).read("Workforce", 1).unsaved_formulas == {}


def test_formulas_with_saved_results_are_read_as_saved(tmp_path: Path) -> None:
    path = tmp_path / "saved.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Workforce")
    sheet.write_row(0, 0, ["worker_id", "base", "hourly_rate"])
    sheet.write_row(1, 0, ["W1", 13.0])
    sheet.write_formula(1, 2, "=B2*1", None, 13.0)
    workbook.close()
    table = open_source(path).read("Workforce", 1)
    assert table.unsaved_formulas == {}
    assert table.data[2].iloc[0] == 13.0


def test_a_contract_date_that_is_a_formula_with_no_saved_value_says_so_when_the_check_stops(
    tmp_path: Path, cli
) -> None:
    book = openpyxl.Workbook()
    contract = book.active
    contract.title = "Contract"
    contract.append(["period_start", dt.datetime(2026, 7, 1)])
    contract.append(["period_end", "=EOMONTH(B1,2)"])
    staff = book.create_sheet("Workforce")
    staff.append(["worker_id", "zero_hours", "hourly_rate", "date_of_birth"])
    staff.append(["W1", "N", 13.0, dt.datetime(1980, 1, 1)])
    path = tmp_path / "r.xlsx"
    book.save(path)
    result = cli("check", str(path), "-s", "statutory-minimum", "-f", "json")
    assert result.code == 2
    assert "ASOF" in result.err and f"period_end is a {UNSAVED_FORMULA}" in result.err
    assert "row 2, column B" in result.err


def test_a_workbook_calculated_by_excel_is_not_scanned(tmp_path: Path) -> None:
    # Excel writes a calculation chain and saves every result beside its formula: nothing can be missing
    path = openpyxl_return(tmp_path / "r.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/calcChain.xml", '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                             '2006/main"><c r="E2" i="2"/></calcChain>')
    assert open_source(path).read("Workforce", 1).unsaved_formulas == {}
