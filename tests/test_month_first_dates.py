"""UK dates are day first, never US: a date that reads only month first is a finding naming its cell, and the
other dates of its column (or of its contract) that read both ways are not trusted either — never swapped."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from contractcheck.normalise import dataset_from_mapping
from contractcheck.normalise.values import month_first_doubts, parse_date
from contractcheck.return_format import return_format


def test_only_month_first_and_either_way_dates_are_told_apart() -> None:
    cells = pd.Series(["07/13/2026", "07/01/2026", "13/07/2026", "01/01/2026", "2026-07-01", None], dtype=object)
    only, either = month_first_doubts(cells)
    assert only.tolist() == [True, False, False, False, False, False]
    assert either.tolist() == [False, True, False, False, False, False]  # 01/01 is the same day both ways


def test_a_column_with_a_month_first_date_has_its_ambiguous_dates_reported_not_guessed() -> None:
    data = dataset_from_mapping(
        {"contract": {"period_end": "2026-09-30"},
         "workforce": [{"worker_id": "A", "date_of_birth": "07/13/1990"},
                       {"worker_id": "B", "date_of_birth": "07/01/1990"},
                       {"worker_id": "C", "date_of_birth": "25/01/1990"}]},
        return_format())
    table = data.tables["workforce"]
    assert table.frame["date_of_birth"].isna().tolist() == [True, True, False]
    cells = table.unreadable["date_of_birth"]
    assert cells.rows.tolist() == [1, 2]
    first, second = cells.messages()
    assert "'07/13/1990' reads only month first" in first
    assert "'07/01/1990' may be month first" in second


def test_a_column_of_day_first_dates_is_read_day_first_without_a_word() -> None:
    data = dataset_from_mapping(
        {"contract": {"period_end": "2026-09-30"},
         "workforce": [{"worker_id": "A", "date_of_birth": "07/01/1990"},
                       {"worker_id": "B", "date_of_birth": "25/01/1990"}]},
        return_format())
    table = data.tables["workforce"]
    assert table.frame["date_of_birth"].tolist() == [pd.Timestamp(1990, 1, 7), pd.Timestamp(1990, 1, 25)]
    assert "date_of_birth" not in table.unreadable


def test_contract_dates_written_month_first_are_both_findings_and_neither_is_swapped() -> None:
    data = dataset_from_mapping({"contract": {"period_start": "07/01/2026", "period_end": "09/30/2026"}},
                                return_format())
    assert pd.isna(data.scalars["period_start"]) and pd.isna(data.scalars["period_end"])
    said = {issue.field: issue.message for issue in data.issues if issue.kind == "unparseable"}
    assert "'09/30/2026' reads only month first" in said["period_end"]
    assert "'07/01/2026' may be month first" in said["period_start"]


def test_a_period_end_written_month_first_stops_the_check_naming_the_cell(tmp_path, cli) -> None:
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "us.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    contract = workbook.add_worksheet("Contract")
    contract.write_row("A1", ["period_start", "07/01/2026"])
    contract.write_row("A2", ["period_end", "09/30/2026"])
    staff = workbook.add_worksheet("Workforce")
    staff.write_row("A1", ["worker_id", "zero_hours", "hourly_rate", "date_of_birth"])
    staff.write_row("A2", ["W1", "N", 12.50])
    staff.write_datetime("D2", dt.datetime(1985, 3, 14), workbook.add_format({"num_format": "dd/mm/yyyy"}))
    workbook.close()
    result = cli("check", str(path), "-s", "statutory-minimum", "-f", "json")
    assert result.code == 2
    assert "ASOF" in result.err and "row 2, column B" in result.err and "'09/30/2026'" in result.err
    given = cli("check", str(path), "-s", "statutory-minimum", "-f", "json", "--as-of", "2026-09-30")
    assert given.code == 1  # judged as of the date given: £12.50 is below £12.71 for a 41-year-old
    assert "may be month first" in given.out


@given(st.integers(1, 28), st.integers(1, 12), st.integers(0, 99))
def test_a_two_digit_year_is_read_as_excel_reads_it(day: int, month: int, yy: int) -> None:
    parsed = parse_date(pd.Series([f"{day:02d}/{month:02d}/{yy:02d}"], dtype=object)).values.iloc[0]
    assert parsed == pd.Timestamp(2000 + yy if yy <= 29 else 1900 + yy, month, day)
