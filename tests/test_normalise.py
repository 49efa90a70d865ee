"""The normalise stage at its seams: which sheet is which table, which row is the heading row, which
column is which field, and what becomes a data issue rather than a crash.

Every input is a few cells built inside the test (xlsxwriter, plain text files, JSON).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from contractcheck import check
from contractcheck.errors import GivenValueError, InputError
from contractcheck.load import open_source
from contractcheck.normalise import Dataset, normalise
from contractcheck.normalise.headings import (
    canonical_heading,
    find_header_row,
    find_table,
)
from contractcheck.return_format import return_format

CONTRACT = [
    ["Provider name", "Acme Care"],
    ["Contract ref", "C-1"],
    ["Period start", "01/04/2026"],
    ["Period end", "30/06/2026"],
]
STAFF = [
    ["Staff ID", "Zero hours", "Hourly rate (£)", "DOB"],
    ["W1", "N", "£12.71", "01/01/1990"],
    ["W2", "N", "£13.00", "02/02/1992"],
]


def workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook whose sheets hold these rows from A1 (a None cell is left empty)."""
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def csv_text(rows: Sequence[Sequence[object]]) -> str:
    return "".join(",".join("" if v is None else str(v) for v in row) + "\n" for row in rows)


def read(path: Path) -> Dataset:
    return normalise(open_source(path), return_format())


# --------------------------------------------------------------------------------------------------
# Which sheet is which table: the same matching as headings
# --------------------------------------------------------------------------------------------------


def test_sheet_names_with_punctuation_and_brackets_are_found_like_headings(tmp_path: Path) -> None:
    path = workbook(tmp_path / "return.xlsx", {"Contract-Details": CONTRACT, "Staff (list)": STAFF})
    data = read(path)
    assert data.found == {"contract": "Contract-Details", "workforce": "Staff (list)"}
    assert data.scalars["provider_name"] == "Acme Care"
    assert data.tables["workforce"].frame["worker_id"].tolist() == ["W1", "W2"]
    assert not [issue for issue in data.issues if issue.kind == "missing_table"]


def test_csv_files_in_a_folder_are_named_like_sheets(tmp_path: Path) -> None:
    folder = tmp_path / "return"
    folder.mkdir()
    (folder / "Contract-Details.csv").write_text(csv_text(CONTRACT), encoding="utf-8")
    (folder / "Staff (list).csv").write_text(csv_text(STAFF), encoding="utf-8")
    data = read(folder)
    assert data.found == {"contract": "Contract-Details", "workforce": "Staff (list)"}
    assert data.tables["workforce"].position("hourly_rate", 2).cell() == "Staff (list).csv!C2"


def test_json_keys_are_named_like_sheets(tmp_path: Path) -> None:
    path = tmp_path / "return.json"
    contract = {key: value for key, value in CONTRACT}
    staff = [dict(zip(STAFF[0], row, strict=True)) for row in STAFF[1:]]
    path.write_text(json.dumps({"Contract_Details": contract, "Staff [list]": staff}), encoding="utf-8")
    assert read(path).found == {"contract": "Contract_Details", "workforce": "Staff [list]"}


def test_a_check_of_such_a_workbook_finds_both_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "return.xlsx", {"Contract-Details": CONTRACT, "Staff (list)": STAFF})
    report = check(path, "statutory-minimum")
    assert report.input.tables == {"contract": "Contract-Details", "workforce": "Staff (list)"}
    assert not [f for f in report.findings if "is missing" in f.message]


def test_names_are_reduced_to_the_letters_and_digits_that_identify_them() -> None:
    assert canonical_heading("Hourly rate (£)") == "hourlyrate"
    assert canonical_heading("Staff (list)") == canonical_heading("STAFF") == "staff"
    assert canonical_heading("Contract-Details") == canonical_heading("contract_details") == "contractdetails"


def test_the_name_written_closest_wins_when_several_match() -> None:
    assert find_table(["Staff (old)", "Staff"], "Staff") == "Staff"  # exact
    assert find_table(["Staff (old)", "staff"], "Staff") == "staff"  # same but for case
    assert find_table(["Work force", "Workforce_"], "Work force") == "Work force"
    assert find_table(["Workforce"], "bids") is None


def test_two_sheets_that_match_equally_are_an_error_naming_both() -> None:
    with pytest.raises(InputError) as caught:
        find_table(["Workforce (current)", "Workforce (leavers)"], "Workforce", table_word="sheet", file="r.xlsx")
    assert caught.value.one_line() == (
        "error LOAD: r.xlsx: more than one sheet matches 'Workforce' ('Workforce (current)', "
        "'Workforce (leavers)'); rename all but one"
    )


# --------------------------------------------------------------------------------------------------
# Values given beside the file: worded for any caller, not for one command-line flag
# --------------------------------------------------------------------------------------------------


def test_a_given_value_that_does_not_read_is_a_usage_error_without_cli_words(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(csv_text(STAFF), encoding="utf-8")
    with pytest.raises(GivenValueError) as caught:
        check(path, "statutory-minimum", set_values={"contract_value": "lots"})
    error = caught.value
    assert error.code == "USAGE" and (error.key, error.text) == ("contract_value", "lots")
    assert error.message == (
        "contract value contract_value=lots: expected an amount of money such as 12.50 or £1,650,000"
    )
    assert "--set" not in error.one_line()


def test_a_given_value_for_no_field_lists_the_fields_there_are(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(csv_text(STAFF), encoding="utf-8")
    with pytest.raises(GivenValueError) as caught:
        normalise(open_source(path), return_format(), extra_scalars={"colour": "blue"})
    assert caught.value.message.startswith("contract value colour=blue: not a contract or bid field (known: ")
    assert "contract_value" in caught.value.message


def test_a_single_csv_is_the_table_the_format_names_and_given_values_fill_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "anything.csv"
    path.write_text(csv_text(STAFF), encoding="utf-8")
    given = {"provider_name": "Acme", "contract_ref": "C-1", "period_start": "01/04/2026", "period_end": "30/06/2026"}
    data = normalise(open_source(path), return_format(), extra_scalars=given)
    assert data.found == {return_format().single_table: "anything"} == {"workforce": "anything"}
    assert data.scalars["period_end"] == pd.Timestamp(2026, 6, 30)
    assert not data.issues
    partial = normalise(open_source(path), return_format(), extra_scalars={"period_end": "30/06/2026"})
    [issue] = partial.issues
    assert issue.kind == "missing_table" and "missing: provider_name, contract_ref, period_start" in issue.message


# --------------------------------------------------------------------------------------------------
# Which row is the heading row, and which column is which field
# --------------------------------------------------------------------------------------------------


def test_the_heading_row_is_found_under_title_rows(tmp_path: Path) -> None:
    titles = [["Acme Care: workforce return"], ["Quarter to 30 June 2026"], [None]]
    path = workbook(tmp_path / "return.xlsx", {"Contract": CONTRACT, "Workforce": titles + STAFF})
    table = read(path).tables["workforce"]
    assert table.rows.tolist() == [5, 6]  # heading on row 4, workers from row 5
    assert table.headings["hourly_rate"] == "Hourly rate (£)"
    assert table.position("hourly_rate", 6).cell() == "Workforce!C6"
    assert table.frame["hourly_rate"].tolist() == [12.71, 13.0]


def test_the_row_naming_the_most_fields_is_the_heading_row() -> None:
    workforce = return_format().tables["workforce"]
    rows = [["Workforce return", None], ["Staff ID", "Notes"], ["Staff ID", "Hourly rate"], ["W1", "12.5"]]
    assert find_header_row(rows, [1, 2, 3, 4], workforce) == 3


def test_a_second_column_for_a_field_is_a_data_issue_and_the_first_is_used(tmp_path: Path) -> None:
    staff = [STAFF[0] + ["Rate of pay"], STAFF[1] + ["£1.00"], STAFF[2] + ["£2.00"]]
    data = read(workbook(tmp_path / "return.xlsx", {"Contract": CONTRACT, "Workforce": staff}))
    [issue] = data.issues
    assert issue.kind == "duplicate_heading" and issue.field == "hourly_rate"
    assert issue.message == "heading 'Rate of pay' is a second column for hourly_rate (column C is used)"
    assert issue.position.cell() == "Workforce!E1"
    assert data.tables["workforce"].frame["hourly_rate"].tolist() == [12.71, 13.0]


def test_a_duplicate_heading_is_reported_as_a_data_finding_not_a_crash(tmp_path: Path) -> None:
    staff = [STAFF[0] + ["Rate of pay"], STAFF[1] + ["£1.00"]]
    report = check(workbook(tmp_path / "return.xlsx", {"Contract": CONTRACT, "Workforce": staff}), "statutory-minimum")
    [finding] = [f for f in report.findings if "second column" in f.message]
    assert finding.rule_id.startswith("DATA-") and finding.location.cell == "Workforce!E1"


def test_a_sheet_without_a_heading_row_is_a_data_issue_and_no_table(tmp_path: Path) -> None:
    notes = [["Notes for the council"], ["Nothing to add this quarter."]]
    data = read(workbook(tmp_path / "return.xlsx", {"Contract": CONTRACT, "Workforce": STAFF, "Training": notes}))
    assert "training" in data.found and "training" not in data.tables
    [issue] = data.issues
    assert issue.kind == "no_header" and issue.table == "training" and issue.position.sheet == "Training"
    assert issue.message.startswith("no heading row found in the first 30 rows of Training")


# --------------------------------------------------------------------------------------------------
# Key/value tables: a field in one column, its value in the next
# --------------------------------------------------------------------------------------------------


def test_a_key_value_sheet_is_read_beside_its_labels_wherever_they_start(tmp_path: Path) -> None:
    contract = [[None], [None, "Return details"], *[[None, *row] for row in CONTRACT], [None, "Award value", "tbc"]]
    data = read(workbook(tmp_path / "return.xlsx", {"Contract details": contract, "Workforce": STAFF}))
    kv = data.keyvalues["contract"]
    assert kv.values["provider_name"] == "Acme Care"
    assert kv.values["period_end"] == pd.Timestamp(2026, 6, 30)
    assert kv.position("provider_name").cell() == "'Contract details'!C3"
    assert data.scalars["contract_ref"] == "C-1"
    [issue] = data.issues  # the value that does not read is an issue at its cell, the rest still read
    assert issue.kind == "unparseable" and issue.field == "contract_value" and issue.value == "tbc"
    assert issue.position.cell() == "'Contract details'!C7"


def test_a_json_object_is_a_key_value_table(tmp_path: Path) -> None:
    path = tmp_path / "return.json"
    staff = [dict(zip(STAFF[0], row, strict=True)) for row in STAFF[1:]]
    path.write_text(json.dumps({"contract": {"Provider": "Acme", "London": "Y"}, "workforce": staff}), encoding="utf-8")
    kv = read(path).keyvalues["contract"]
    assert kv.values == {"provider_name": "Acme", "london": True}
    assert kv.position("london").cell() == "contract[2].value"


# --------------------------------------------------------------------------------------------------
# Cells that do not read: one set of columns per column, however many there are
# --------------------------------------------------------------------------------------------------


def test_a_column_of_text_in_a_money_field_is_one_set_of_arrays_not_one_issue_per_cell(tmp_path: Path) -> None:
    staff = [STAFF[0], *[[f"W{i}", "N", "tbc" if i % 2 else f"see note {i}", "01/01/1990"] for i in range(1, 2001)]]
    data = read(workbook(tmp_path / "return.xlsx", {"Contract": CONTRACT, "Workforce": staff}))
    assert not data.issues  # no object per cell
    cells = data.tables["workforce"].unreadable["hourly_rate"]
    assert len(cells) == 2000 and cells.rows[:3].tolist() == [2, 3, 4] and cells.column == "C"
    assert cells.keys[:2].tolist() == ["W1", "W2"] and cells.values[:2].tolist() == ["tbc", "see note 2"]
    assert cells.messages()[1] == "Hourly rate (£) 'see note 2' is not an amount of money such as 12.50 or £1,650,000"


def test_each_unreadable_cell_is_still_a_finding_at_its_cell(tmp_path: Path) -> None:
    staff = [STAFF[0], *[[f"W{i}", "N", "tbc", "01/01/1990"] for i in range(1, 31)]]
    report = check(workbook(tmp_path / "return.xlsx", {"Contract": CONTRACT, "Workforce": staff}), "statutory-minimum")
    found = [f for f in report.findings if f.location.field == "hourly_rate" and "is not" in f.message]
    assert len(found) == 30 and found[0].rule_id.startswith("DATA-")
    assert (found[0].location.cell, found[0].subject.key) == ("Workforce!C2", "W1")
    assert found[0].evidence == {"value": "tbc", "expected": found[0].message.split(" is not ")[1]}
    blank = [f for f in report.findings if f.location.field == "hourly_rate" and "is blank" in f.message]
    assert not blank  # a cell that did not read is not also blank


def test_a_zero_width_joiner_inside_an_id_is_kept_as_written() -> None:
    """Worker ids are kept exactly as written: a joiner inside an emoji (or a non-joiner in a script) is part of the
    text; zero-width characters and odd spaces at either end are not (issue 10)."""
    from contractcheck.normalise.values import parse_text

    cells = pd.Series(["👩\u200d⚕️7", " \u200bW2\u200b ", "\u200b"], dtype=object)
    assert parse_text(cells).values.tolist()[:2] == ["👩\u200d⚕️7", "W2"]
    assert pd.isna(parse_text(cells).values.iloc[2])
