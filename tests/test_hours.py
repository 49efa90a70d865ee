"""Hours fields (``unit: hours``) read durations the way providers write them: 6:30 is six and a half hours.

Travel written as ``6:00``, an Excel ``[h]:mm`` duration cell or a ``h:mm`` time cell is 6 hours, never "not a
number"; and one text cell among duration cells is a finding for that cell, never a "damaged workbook".
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from workbooks import contract_workbook

from contractcheck.normalise.values import parse_hours
from contractcheck.return_format import return_format


def hours(*cells: object) -> list[object]:
    parsed = parse_hours(pd.Series(list(cells), dtype=object))
    return [None if pd.isna(v) else v for v in parsed.values.tolist()]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("6:30", 6.5),
        ("37:30", 37.5),
        ("0:45", 0.75),
        ("1:30:36", 1.51),
        (7.5, 7.5),
        ("7.5", 7.5),
        (dt.timedelta(hours=6), 6.0),
        (dt.datetime(1899, 12, 31, 6, 0), 6.0),  # a h:mm time cell as the reader gives it
        ("1900-01-01 12:00:00", 36.0),  # a 36:00 [h]:mm cell, as text in a mixed column
    ],
)
def test_an_hours_cell_is_read_as_hours(cell: object, expected: float) -> None:
    assert hours(cell)[0] == pytest.approx(expected)


@pytest.mark.parametrize("cell", ["tbc", "6:75", dt.datetime(2026, 1, 1), True])
def test_what_is_not_a_number_of_hours_is_invalid_not_zero(cell: object) -> None:
    parsed = parse_hours(pd.Series([cell], dtype=object))
    assert parsed.invalid.tolist() == [True]
    assert parsed.values.isna().tolist() == [True]


def test_missing_markers_are_missing_not_invalid() -> None:
    parsed = parse_hours(pd.Series(["n/a", None, ""], dtype=object))
    assert parsed.invalid.tolist() == [False, False, False]


def test_a_duration_column_reads_as_hours() -> None:
    parsed = parse_hours(pd.Series(pd.to_timedelta(["6h", "1h30m", None])))
    assert parsed.values.tolist()[:2] == [6.0, 1.5]
    assert parsed.values.isna().tolist() == [False, False, True]


@given(st.integers(0, 999), st.integers(0, 59))
def test_any_clock_text_is_hours_plus_minutes_over_sixty(h: int, m: int) -> None:
    assert hours(f"{h}:{m:02d}")[0] == pytest.approx(h + m / 60)


def test_the_hours_fields_of_the_workforce_say_so() -> None:
    fields = return_format().tables["workforce"].fields
    for name in ("unpaid_travel_hours", "average_hours", "contracted_hours"):
        assert fields[name].unit == "hours"
    assert fields["hourly_rate"].unit is None


def travel_return(path: Path, travel: list[object]) -> Path:
    """A return of workers paid £13.00 for 30 hours, with unpaid travel as given (numbers are [h]:mm cells)."""
    workbook, when = contract_workbook(path)
    duration = workbook.add_format({"num_format": "[h]:mm"})
    staff = workbook.add_worksheet("Workforce")
    staff.write_row(0, 0, ["worker_id", "job_role", "zero_hours", "hourly_rate", "date_of_birth", "average_hours",
                           "unpaid_travel_hours"])
    for row, cell in enumerate(travel, start=1):
        staff.write_row(row, 0, [f"W{row}", "Care worker", "N", 13.0])
        staff.write_datetime(row, 4, dt.datetime(1980, 1, 1), when)
        staff.write(row, 5, 30)
        if isinstance(cell, float):
            staff.write_number(row, 6, cell, duration)
        else:
            staff.write_string(row, 6, str(cell))
    workbook.close()
    return path


def test_travel_as_duration_cells_counts_as_working_time(tmp_path: Path, cli) -> None:
    # 6:00 of unpaid travel: £13.00 × 30 ÷ 36 = £10.83, below the £12.71 floor (NMW Regulations 2015 reg 34)
    path = travel_return(tmp_path / "travel.xlsx", [0.25, 0.0])
    result = cli("check", str(path), "-s", "statutory-minimum", "-f", "json")
    report = json.loads(result.out)
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-02")
    assert (pay["status"], pay["failed"]) == ("fail", 1)
    assert "W1" in result.out


def test_one_text_cell_among_duration_cells_is_a_finding_for_that_cell_not_a_damaged_workbook(
    tmp_path: Path, cli
) -> None:
    path = travel_return(tmp_path / "travel.xlsx", [0.25, "tbc", "6:30"])
    result = cli("check", str(path), "-s", "statutory-minimum", "-f", "json")
    assert result.code == 1, result.err
    report = json.loads(result.out)
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-02")
    assert pay["failed"] == 2  # W1 (6:00) and W3 (6:30); W2's 'tbc' is reported, not guessed
    assert "'tbc' is not a number of hours" in result.out
