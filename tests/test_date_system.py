"""A workbook on the 1904 date system is read on that system: by fastexcel's full read and by the streaming peek.

Excel 2013 and later write a second, flagless ``x15:workbookPr`` element; the dates must still come out as Excel
shows them, not four years (1462 days) early.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from contractcheck.load import open_source
from contractcheck.load.date_system import calamine_readable_copy, calamine_shift_days

X15_EXT = (
    b'<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" '
    b'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
    b'<x15:workbookPr chartTrackingRefBase="1"/></ext></extLst>'
)


def dated_workbook(path: Path, *, date1904: bool, x15_element: bool) -> Path:
    """Sheet 'Dates': a heading row and, in A2, the date 30/09/2026 (B2: the same date in a column mixed with text)."""
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    sheet = workbook.add_worksheet("Dates")
    when = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row("A1", ["period_end", "mixed"])
    sheet.write_datetime("A2", dt.datetime(2026, 9, 30), when)
    sheet.write_datetime("B2", dt.datetime(2026, 9, 30), when)
    sheet.write("B3", "text")
    workbook.close()
    if x15_element:
        add_x15_workbook_pr(path)
    return path


def add_x15_workbook_pr(path: Path) -> None:
    """Add the flagless ``x15:workbookPr`` extension element as Excel 2013+ saves it, after everything else."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"</workbook>", X15_EXT + b"</workbook>")
            archive.writestr(info, data)


@pytest.mark.parametrize("date1904", [False, True])
@pytest.mark.parametrize("x15_element", [False, True])
def test_dates_read_as_excel_shows_them_whatever_the_date_system(
    tmp_path: Path, date1904: bool, x15_element: bool
) -> None:
    path = dated_workbook(tmp_path / "dates.xlsx", date1904=date1904, x15_element=x15_element)
    source = open_source(path)
    peeked = source.peek("Dates")
    assert peeked.rows[1][0] == dt.datetime(2026, 9, 30)
    read = source.read("Dates", 1).data
    assert read[0].iloc[0] == pd.Timestamp(2026, 9, 30)
    # a date in a column that also holds text comes back as its text: the right date too
    assert str(read[1].iloc[0]).startswith("2026-09-30")


def test_a_1904_return_saved_by_excel_2013_is_judged_as_of_its_own_period_end(tmp_path: Path, cli) -> None:
    path = tmp_path / "return.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": True})
    when = workbook.add_format({"num_format": "dd/mm/yyyy"})
    contract = workbook.add_worksheet("Contract")
    for row, (label, value) in enumerate(
        [("provider_name", "Acme Care"), ("period_start", dt.datetime(2026, 7, 1)),
         ("period_end", dt.datetime(2026, 9, 30))]
    ):
        contract.write(row, 0, label)
        if isinstance(value, dt.datetime):
            contract.write_datetime(row, 1, value, when)
        else:
            contract.write(row, 1, value)
    staff = workbook.add_worksheet("Workforce")
    staff.write_row(0, 0, ["worker_id", "job_role", "zero_hours", "hourly_rate", "date_of_birth"])
    staff.write_row(1, 0, ["W1", "Care worker", "N", 11.00])
    staff.write_datetime(1, 4, dt.datetime(1980, 1, 1), when)
    workbook.close()
    add_x15_workbook_pr(path)
    result = cli("check", str(path), "-s", "statutory-minimum", "-f", "json")
    report = json.loads(result.out)
    assert report["as_of"]["date"] == "2026-09-30"
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-01")
    assert pay["status"] == "fail"  # £11.00 is below the 2026 floor for a 46-year-old


@pytest.mark.parametrize(("date1904", "x15_element", "days"), [(False, False, 0), (True, False, 0), (True, True, 1462)])
def test_the_reader_correction_is_1462_days_only_where_calamine_misreads(
    tmp_path: Path, date1904: bool, x15_element: bool, days: int
) -> None:
    path = dated_workbook(tmp_path / "dates.xlsx", date1904=date1904, x15_element=x15_element)
    assert calamine_shift_days(path) == days
    assert (calamine_readable_copy(path) is not None) == bool(days)
