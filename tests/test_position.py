"""A position reads the way a spreadsheet user types it into Excel's Name Box."""

from __future__ import annotations

import pytest

from contractcheck.position import Position


@pytest.mark.parametrize(
    ("sheet", "cell"),
    [
        ("Workforce", "Workforce!F7"),
        ("Staff_list", "Staff_list!F7"),
        ("Staff (list)", "'Staff (list)'!F7"),
        ("staff list", "'staff list'!F7"),
        ("Contract-Details", "'Contract-Details'!F7"),
        ("Bob's sheet", "'Bob''s sheet'!F7"),
        ("2026", "'2026'!F7"),
        ("AB12", "'AB12'!F7"),  # a name Excel would read as a cell
        ("Données", "Données!F7"),
    ],
)
def test_a_sheet_name_is_quoted_where_excel_needs_it(sheet: str, cell: str) -> None:
    assert Position(file="r.xlsx", sheet=sheet, row=7, column="F").cell() == cell


def test_a_csv_line_and_a_json_item() -> None:
    assert Position(file="in/staff.csv", row=12, column="C", style="line").cell() == "staff.csv!C12"
    assert Position(file="r.json", sheet="workforce", row=3, column="age", style="json").cell() == "workforce[3].age"
    assert Position(file="r.xlsx", sheet="Workforce").cell() is None


def test_a_position_in_words_for_an_error_line() -> None:
    assert Position(file="rules.yaml", line=12).render() == "rules.yaml:12"
    assert Position(file="r.xlsx", sheet="Pay", row=4, column="C").render() == "r.xlsx, sheet 'Pay', row 4, column C"
