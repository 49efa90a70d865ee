"""Headings written over two rows (a council template): group headings merged above the field headings.

The heading row is the lowest heading row; each column's heading is read there, with the group above as
context, and a heading merged down over both rows is read from the top one.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from workbooks import contract_workbook

from contractcheck.normalise.headings import find_heading_rows
from contractcheck.return_format import return_format

WORKFORCE = return_format().tables["workforce"]


def test_one_row_of_headings_is_found_as_before() -> None:
    rows = [["Staff return"], ["worker_id", "hourly_rate", "date_of_birth"], ["W1", 12.5, None]]
    found = find_heading_rows(rows, [1, 2, 3], WORKFORCE)
    assert found is not None and (found.row, found.headings) == (2, {})


def test_group_headings_above_field_headings_are_read_from_the_lower_row_with_the_group_as_context() -> None:
    rows = [
        ["Staff ID", "Date of birth", "Pay", None, "Unpaid", None],
        [None, None, "Hourly rate (£)", "Zero hours (Y/N)", "Travel", "Waiting"],
        ["W1", dt.datetime(1990, 1, 1), 12.5, "N", 2, 1],
    ]
    found = find_heading_rows(rows, [3, 4, 5], WORKFORCE)
    assert found is not None
    assert found.row == 4  # data starts on row 5
    assert found.headings == {
        0: "Staff ID",  # merged down over rows 3 and 4: its text is in the top cell
        1: "Date of birth",
        2: "Hourly rate (£)",  # names a field on its own
        3: "Zero hours (Y/N)",
        4: "Unpaid Travel",  # only with its group ("unpaid travel") does it name a field
        5: "Unpaid Waiting",
    }


def test_rows_that_are_not_next_to_each_other_are_not_one_heading() -> None:
    rows = [["Staff ID", "Date of birth"], [None, None, "Hourly rate", "Zero hours"]]
    found = find_heading_rows(rows, [3, 6], WORKFORCE)
    assert found is not None and found.row == 3 and found.headings == {}


def test_a_council_template_with_merged_group_headings_is_judged_on_every_column(tmp_path: Path, cli) -> None:
    path = tmp_path / "template.xlsx"
    workbook, when = contract_workbook(path)
    staff = workbook.add_worksheet("Workforce")
    staff.write("A1", "Quarterly workforce return")
    for column, heading in enumerate(["Staff ID", "Job title", "Date of birth", "Zero hours (Y/N)"]):
        staff.merge_range(2, column, 3, column, heading)
    staff.merge_range("E3:F3", "Pay")
    staff.write_row("E4", ["Hourly rate (£)", "Unpaid travel (hours / week)"])
    staff.write_row("A5", ["W1", "Care worker"])
    staff.write_datetime("C5", dt.datetime(1985, 3, 14), when)
    staff.write_row("D5", ["N", 11.95, 0])
    workbook.close()
    result = cli("check", str(path), "-s", "statutory-minimum", "-f", "json")
    report = json.loads(result.out)
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-01")
    assert (pay["status"], pay["failed"]) == ("fail", 1)  # £11.95 in E5, below £12.71
    assert "add a column headed" not in result.out
