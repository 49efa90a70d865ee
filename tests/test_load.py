"""Tests for contractcheck.load: positions users can find, values that survive, errors without tracebacks.

Every fixture is built inside the test (xlsxwriter, pandas' odf writer, plain bytes), never committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet

from contractcheck.errors import InputError
from contractcheck.load import Peek, RawTable, Source, column_letter, open_source, sha256_of

# --------------------------------------------------------------------------------------------------
# Fixture builders
# --------------------------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: dict[str, Callable[[xlsxwriter.Workbook, Worksheet], None]]) -> Path:
    """Build a workbook: each sheet is filled by a function (workbook, worksheet) -> None."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, fill in sheets.items():
        fill(workbook, workbook.add_worksheet(name))
    workbook.close()
    return path


def staff_sheet_at_b3(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
    """Title at B3, header at B5, data from row 6; first non-empty cell is B3."""
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write("B3", "Staff return – March")
    sheet.write_row("B5", ["Name", "Hourly rate", "Start date"])
    sheet.write_row("B6", ["Ann", 12.5])
    sheet.write_datetime("D6", dt.datetime(2024, 4, 1), date_format)
    sheet.write_row("B7", ["Bob", "£12.00"])
    sheet.write_datetime("D7", dt.datetime(2023, 1, 15), date_format)
    sheet.write_row("B8", ["Cy", "abc"])


def kv_sheet(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
    sheet.write_row("A1", ["Provider", "Acme Care"])
    sheet.write_row("A2", ["Contract hours", 37.5])


def read_table(source: Source, name: str, header_row: int | None) -> RawTable:
    table = source.read(name, header_row)
    assert isinstance(table.row_numbers, np.ndarray) and table.row_numbers.dtype == np.int64
    assert len(table.row_numbers) == len(table.data)
    assert list(table.data.columns) == list(range(len(table.column_labels)))
    return table


def cell(table: RawTable, row_number: int, label: str) -> object:
    """The value at a user-visible position (row number, column label)."""
    row = int(np.flatnonzero(table.row_numbers == row_number)[0])
    return table.data.iloc[row, table.column_labels.index(label)]


# --------------------------------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------------------------------


def test_xlsx_sheet_starting_at_b3_reports_excel_positions(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "return.xlsx", {"Workforce": staff_sheet_at_b3})
    source = open_source(path)
    assert source.kind_hint == "workbook"
    assert source.table_names() == ["Workforce"]

    peek = source.peek("Workforce")
    assert peek.row_numbers == [3, 5, 6, 7, 8]
    assert peek.column_labels == ["B", "C", "D"]
    assert peek.rows[0] == ["Staff return – March", None, None]
    assert peek.rows[1] == ["Name", "Hourly rate", "Start date"]
    assert peek.rows[2][:2] == ["Ann", 12.5]
    assert peek.rows[2][2] == dt.datetime(2024, 4, 1)

    table = read_table(source, "Workforce", header_row=5)
    assert table.headers == ["Name", "Hourly rate", "Start date"]
    assert table.column_labels == ["B", "C", "D"]
    assert table.row_numbers.tolist() == [6, 7, 8]
    assert table.sheet == "Workforce" and table.style == "cell" and table.header_row == 5
    assert table.file == str(path)
    # A cell written at D7 is row 7, column "D".
    assert cell(table, 7, "D") == pd.Timestamp(2023, 1, 15)
    assert cell(table, 8, "B") == "Cy"


def test_xlsx_sheet_at_a1_and_with_blank_leading_rows_and_columns(tmp_path: Path) -> None:
    def blank_edges(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        sheet.write_row("E10", ["Name", "Rate"])
        sheet.write_row("E11", ["Ann", 12.5])
        sheet.write("AB12", "far right")

    path = write_xlsx(tmp_path / "w.xlsx", {"Contract": kv_sheet, "Edges": blank_edges})
    source = open_source(path)

    contract = read_table(source, "Contract", header_row=None)
    assert contract.headers == [] and contract.header_row is None
    assert contract.column_labels == ["A", "B"]
    assert contract.row_numbers.tolist() == [1, 2]
    assert cell(contract, 2, "A") == "Contract hours"

    peek = source.peek("Edges")
    assert peek.row_numbers == [10, 11, 12]
    assert peek.column_labels[0] == "E" and peek.column_labels[-1] == "AB"

    edges = read_table(source, "Edges", header_row=10)
    assert edges.column_labels[0] == "E" and edges.column_labels[-1] == "AB"
    assert edges.headers[:2] == ["Name", "Rate"] and edges.headers[-1] == ""
    assert cell(edges, 11, "F") == 12.5
    assert cell(edges, 12, "AB") == "far right"

    # header_row=None drops leading blank rows but keeps positions.
    whole = read_table(source, "Edges", header_row=None)
    assert whole.row_numbers.tolist() == [10, 11, 12]


def test_xlsx_mixed_type_column_keeps_every_value(tmp_path: Path) -> None:
    def mixed(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        sheet.write_row(0, 0, ["Name", "Rate", "Hours"])
        sheet.write_row(1, 0, ["Ann", 12.5, 37.5])
        sheet.write_row(2, 0, ["Bob", "£12.00", 20])
        sheet.write_row(3, 0, ["Cy", "abc", 16])
        for row in range(4, 1500):  # a long numeric run, then text past fastexcel's default sample
            sheet.write_row(row, 0, [f"p{row}", 11.0 + row / 100, 10])
        sheet.write_string(1500, 1, "N/A")
        sheet.write_string(1500, 2, "see note")
        sheet.write_formula(1501, 2, "=1/0", None, "#DIV/0!")

    path = write_xlsx(tmp_path / "mixed.xlsx", {"Workforce": mixed})
    table = read_table(open_source(path), "Workforce", header_row=1)
    assert cell(table, 2, "B") == "12.5"
    assert cell(table, 3, "B") == "£12.00"
    assert cell(table, 4, "B") == "abc"
    assert cell(table, 1501, "B") == "N/A"
    assert cell(table, 1501, "C") == "see note"  # text after row 1000 is not nulled
    assert cell(table, 1502, "C") == "#DIV/0!"  # an Excel error comes back as its text
    assert cell(table, 5, "B") == "11.04"
    assert table.row_numbers[-1] == 1502


def test_xlsx_error_cell_in_numeric_column_becomes_text(tmp_path: Path) -> None:
    def sheet_with_error(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        sheet.write_row(0, 0, ["Name", "Rate"])
        sheet.write_row(1, 0, ["Ann", 12.5])
        sheet.write_string(2, 0, "Bob")
        sheet.write_formula(2, 1, "=1/0", None, "#DIV/0!")

    table = read_table(open_source(write_xlsx(tmp_path / "e.xlsx", {"W": sheet_with_error})), "W", 1)
    assert table.data[1].tolist() == [12.5, "#DIV/0!"]


def test_xlsx_dates_numbers_and_text_are_typed(tmp_path: Path) -> None:
    def typed(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, ["Name", "Start", "Rate", "Active"])
        for row, day in enumerate((1, 2, 3), start=1):
            sheet.write_string(row, 0, f"p{row}")
            sheet.write_datetime(row, 1, dt.datetime(2024, 4, day), date_format)
            sheet.write_number(row, 2, 12 + row / 4)
            sheet.write_boolean(row, 3, row % 2 == 0)

    table = read_table(open_source(write_xlsx(tmp_path / "t.xlsx", {"W": typed})), "W", 1)
    assert pd.api.types.is_datetime64_any_dtype(table.data[1])
    assert table.data[1].iloc[0] == pd.Timestamp(2024, 4, 1)
    assert table.data[2].dtype == np.float64 and table.data[2].iloc[0] == 12.25
    assert table.data[3].tolist() == [False, True, False]
    assert pd.api.types.is_string_dtype(table.data[0])


def test_xlsx_header_text_of_number_and_blank_header_cells(tmp_path: Path) -> None:
    def headers(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        sheet.write_row(0, 0, ["Name", None, 2024, "Name"])
        sheet.write_row(1, 0, ["Ann", "x", 1, "dup"])

    table = read_table(open_source(write_xlsx(tmp_path / "h.xlsx", {"W": headers})), "W", 1)
    assert table.headers == ["Name", "", "2024", "Name"]  # duplicates kept as written


def test_xlsx_header_row_without_data_and_beyond_the_sheet(tmp_path: Path) -> None:
    def header_only(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        sheet.write_row("B2", ["Name", "Rate"])

    source = open_source(write_xlsx(tmp_path / "h.xlsx", {"W": header_only}))
    table = read_table(source, "W", 2)
    assert table.headers == ["Name", "Rate"] and table.column_labels == ["B", "C"] and len(table.data) == 0
    beyond = read_table(source, "W", 50)
    assert len(beyond.data) == 0 and beyond.headers == [] and beyond.column_labels == []


def test_xlsx_trailing_blank_rows_are_dropped_interior_ones_kept(tmp_path: Path) -> None:
    def gappy(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        sheet.write_row(0, 0, ["Name", "Rate"])
        sheet.write_row(1, 0, ["Ann", 1])
        sheet.write_row(3, 0, ["Bob", 2])
        sheet.write_string(6, 0, "   ")

    table = read_table(open_source(write_xlsx(tmp_path / "g.xlsx", {"W": gappy})), "W", 1)
    assert table.row_numbers.tolist() == [2, 3, 4]
    assert table.data.iloc[1].isna().all()


@pytest.mark.parametrize(
    "dimension", [b'<dimension ref="A1"/>', b""], ids=["wrong dimension element", "no dimension element"]
)
def test_xlsx_positions_do_not_depend_on_the_dimension_element(tmp_path: Path, dimension: bytes) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"Workforce": staff_sheet_at_b3})
    patched = tmp_path / "patched.xlsm"  # also: .xlsm is read like .xlsx
    with zipfile.ZipFile(good) as original, zipfile.ZipFile(patched, "w") as target:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', dimension, data)
            target.writestr(item, data)
    source = open_source(patched)
    assert source.peek("Workforce").row_numbers[:2] == [3, 5]
    table = read_table(source, "Workforce", header_row=5)
    assert table.column_labels == ["B", "C", "D"] and table.row_numbers.tolist() == [6, 7, 8]
    assert cell(table, 7, "D") == pd.Timestamp(2023, 1, 15)


def test_streamed_xlsx_peek_matches_fastexcel_peek(tmp_path: Path) -> None:
    def uniform(workbook: xlsxwriter.Workbook, sheet: Worksheet) -> None:
        date_format = workbook.add_format({"num_format": "d mmm yyyy"})
        sheet.write("C4", "Title")
        for row in range(6, 12):
            sheet.write_string(row, 2, f"name {row}")
            sheet.write_number(row, 3, row * 1.5)
            sheet.write_datetime(row, 4, dt.datetime(2024, 1, row, 9, 30), date_format)

    path = write_xlsx(tmp_path / "u.xlsx", {"W": uniform})
    streamed = open_source(path).peek("W", 5)
    fallback_source = open_source(path)
    fallback_source._stream = None  # type: ignore[attr-defined]
    fallback = fallback_source.peek("W", 5)
    assert streamed.row_numbers == fallback.row_numbers == [4, 7, 8, 9, 10]
    assert streamed.column_labels == fallback.column_labels == ["C", "D", "E"]
    assert streamed.rows[1:] == fallback.rows[1:]
    assert streamed.rows[1][2] == dt.datetime(2024, 1, 6, 9, 30)  # written at row index 6 = Excel row 7


def test_ods_sheet_starting_at_b3(tmp_path: Path) -> None:
    path = tmp_path / "return.ods"
    frame = pd.DataFrame(
        {"Name": ["Ann", "Bob"], "Rate": [12.5, 13.0], "Start": [dt.datetime(2024, 4, 1), dt.datetime(2023, 1, 15)]}
    )
    with pd.ExcelWriter(path, engine="odf") as writer:
        frame.to_excel(writer, sheet_name="Workforce", index=False, startrow=2, startcol=1)
        pd.DataFrame({"Field": ["Provider"], "Value": ["Acme"]}).to_excel(writer, sheet_name="Contract", index=False)
    source = open_source(path)
    assert source.table_names() == ["Workforce", "Contract"]
    peek = source.peek("Workforce")
    assert peek.row_numbers == [3, 4, 5] and peek.column_labels == ["B", "C", "D"]
    table = read_table(source, "Workforce", header_row=3)
    assert table.name == "Workforce"
    assert table.headers == ["Name", "Rate", "Start"]
    assert table.column_labels == ["B", "C", "D"]
    assert table.row_numbers.tolist() == [4, 5]
    assert cell(table, 5, "C") == 13.0
    assert pd.api.types.is_datetime64_any_dtype(table.data[2])
    assert cell(table, 4, "D") == pd.Timestamp(2024, 4, 1)


def test_xls_is_read_when_xlwt_is_available(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Workforce")
    sheet.write(2, 1, "Name")
    sheet.write(2, 2, "Rate")
    sheet.write(3, 1, "Ann")
    sheet.write(3, 2, 12.5)
    path = tmp_path / "old.xls"
    book.save(str(path))
    table = read_table(open_source(path), "Workforce", header_row=3)
    assert table.headers == ["Name", "Rate"] and table.column_labels == ["B", "C"]
    assert cell(table, 4, "C") == 12.5


# --------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        "\ufeffName,Rate\r\nAnn,£12.00\r\n".encode("utf-8"),  # Excel "CSV UTF-8"
        "Name,Rate\nAnn,£12.00\n".encode(),
        "Name,Rate\r\nAnn,£12.00\r\n".encode("cp1252"),  # Excel "CSV (Comma delimited)": £ is 0xA3
    ],
    ids=["utf-8-sig", "utf-8", "cp1252"],
)
def test_csv_encodings_all_read_pound_sign(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "workforce.csv"
    path.write_bytes(encoded)
    source = open_source(path)
    assert source.kind_hint == "csv" and source.table_names() == ["workforce"]
    assert source.peek("workforce").rows == [["Name", "Rate"], ["Ann", "£12.00"]]
    table = read_table(source, "workforce", header_row=1)
    assert table.headers == ["Name", "Rate"]
    assert table.data.iloc[0].tolist() == ["Ann", "£12.00"]
    assert table.style == "line" and table.sheet is None


def test_csv_line_numbers_with_title_blank_lines_and_multiline_values(tmp_path: Path) -> None:
    path = tmp_path / "return.csv"
    path.write_bytes(
        b"Staff return,,\r\n"  # line 1
        b"\r\n"  # line 2 (blank)
        b"Name,Notes,Rate\r\n"  # line 3: header
        b'Ann,"first line\nsecond line",12.5\r\n'  # lines 4-5
        b'"Smith, Bob","said ""hi""",\r\n'  # line 6
        b",,\r\n"  # line 7: empty values (kept, interior)
        b"Cy,,14\r\n"  # line 8
        b",,\r\n\r\n"  # lines 9-10: trailing, dropped
    )
    source = open_source(path)
    peek = source.peek("return")
    assert peek.row_numbers == [1, 3, 4, 6, 8]
    table = read_table(source, "return", header_row=3)
    assert table.headers == ["Name", "Notes", "Rate"]
    assert table.row_numbers.tolist() == [4, 6, 7, 8]
    assert cell(table, 4, "B") == "first line\nsecond line"
    assert cell(table, 6, "A") == "Smith, Bob"
    assert cell(table, 6, "B") == 'said "hi"'
    assert pd.isna(cell(table, 6, "C"))  # empty field is missing, not ""
    assert cell(table, 8, "C") == "14"
    assert table.data.iloc[2].isna().all()


def test_csv_keeps_text_that_looks_like_missing_markers(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("Name,Rate,Note\nAnn,N/A,NULL\nBob,NaN, \n", encoding="utf-8")
    table = read_table(open_source(path), "w", header_row=1)
    assert table.data.values.tolist() == [["Ann", "N/A", "NULL"], ["Bob", "NaN", " "]]


def test_csv_short_rows_are_padded(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("Name,Rate,Hours\nAnn,12\nBob,13,37.5\n", encoding="utf-8")
    table = read_table(open_source(path), "w", header_row=1)
    assert table.row_numbers.tolist() == [2, 3]
    assert table.data.iloc[0, 0] == "Ann" and pd.isna(table.data.iloc[0, 2])


def test_csv_with_non_standard_quotes_falls_back_and_keeps_lines(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(b'Name,Height\nAnn,5" tall\nBob,"6\nfoot"\nCy,7\n')
    table = read_table(open_source(path), "w", header_row=1)
    assert table.row_numbers.tolist() == [2, 3, 5]
    assert table.data[1].tolist() == ['5" tall', "6\nfoot", "7"]


def test_csv_ragged_row_is_an_input_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("Name,Rate\nAnn,12\nBob,13,extra\n", encoding="utf-8")
    source = open_source(path)
    with pytest.raises(InputError) as caught:
        source.read("w", header_row=1)
    assert caught.value.location.file == str(path)
    assert caught.value.location.line == 3
    assert "line 3" in caught.value.message


def test_csv_unterminated_quote_is_an_input_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text('Name,Rate\nAnn,12\nBob,"13\nCy,14\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_source(path)
    assert caught.value.location.file == str(path) and caught.value.location.line == 3


def test_csv_header_row_inside_a_quoted_value_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text('Title,"two\nlines"\nName,Rate\nAnn,12\n', encoding="utf-8")
    source = open_source(path)
    assert read_table(source, "w", header_row=3).headers == ["Name", "Rate"]
    with pytest.raises(InputError) as caught:
        source.read("w", header_row=2)
    assert caught.value.location.line == 2 and "starts on line 1" in caught.value.message


def test_csv_folder_of_tables(tmp_path: Path) -> None:
    folder = tmp_path / "return"
    folder.mkdir()
    (folder / "Contract.csv").write_text("Provider,Acme\nHours,37.5\n", encoding="utf-8")
    (folder / "workforce.csv").write_text("Name,Rate\nAnn,12.5\n", encoding="utf-8")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    source = open_source(folder)
    assert source.kind_hint == "csv_folder"
    assert source.table_names() == ["Contract", "workforce"]
    table = read_table(source, "workforce", header_row=1)
    assert table.file == str(folder / "workforce.csv")
    assert table.data.iloc[0].tolist() == ["Ann", "12.5"]
    contract = read_table(source, "Contract", header_row=None)
    assert contract.headers == [] and contract.data[1].tolist() == ["Acme", "37.5"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(st.text(alphabet='ab ,"\n£1.', max_size=6), min_size=3, max_size=3),
        min_size=1,
        max_size=8,
    )
)
def test_csv_round_trip_values_and_physical_lines(tmp_path: Path, rows: list[list[str]]) -> None:
    """Whatever csv.writer (Excel-style quoting) writes comes back, each row at its first line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["h1", "h2", "h3"])
    writer.writerows(rows)
    path = tmp_path / "prop.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    table = open_source(path).read("prop", header_row=1)

    expected_lines: list[int] = []
    line = 2
    for row in rows:
        expected_lines.append(line)
        line += sum(field.count("\n") for field in row) + 1
    keep = [i for i, row in enumerate(rows) if any(field.strip() for field in row)]
    last = keep[-1] + 1 if keep else 0
    assert table.row_numbers.tolist() == expected_lines[:last]
    got = [[None if pd.isna(value) else value for value in record] for record in table.data.values.tolist()]
    assert got == [[field if field != "" else None for field in row] for row in rows[:last]]


# --------------------------------------------------------------------------------------------------
# JSON / YAML
# --------------------------------------------------------------------------------------------------


def test_json_container(tmp_path: Path) -> None:
    path = tmp_path / "bid.json"
    path.write_text(
        json.dumps(
            {
                "contract": {"provider": "Acme", "hours": 37.5},
                "workforce": [{"name": "Ann", "hourly_rate": 12.5}, {"name": "Bob", "notes": "x"}],
            }
        ),
        encoding="utf-8",
    )
    source = open_source(path)
    assert source.kind_hint == "mapping" and source.table_names() == ["contract", "workforce"]
    peek = source.peek("workforce")
    assert peek == Peek(
        rows=[["name", "hourly_rate", "notes"], ["Ann", 12.5, None], ["Bob", None, "x"]],
        row_numbers=[0, 1, 2],
        column_labels=["name", "hourly_rate", "notes"],
    )
    workforce = read_table(source, "workforce", header_row=0)
    assert workforce.headers == workforce.column_labels == ["name", "hourly_rate", "notes"]
    assert workforce.row_numbers.tolist() == [1, 2] and workforce.style == "json"
    assert workforce.header_row == 0
    assert cell(workforce, 1, "hourly_rate") == 12.5
    contract = read_table(source, "contract", header_row=None)
    assert contract.row_numbers.tolist() == [1]  # a mapping is one record
    assert cell(contract, 1, "hours") == 37.5


def test_yaml_container_dates_become_datetimes(tmp_path: Path) -> None:
    path = tmp_path / "bid.yaml"
    path.write_text(
        "contract:\n  provider: Acme\n  start_date: 2024-04-01\n"
        "workforce:\n  - name: Ann\n    hourly_rate: '£12.00'\n  - name: Bob\n    hourly_rate: 12.5\n",
        encoding="utf-8",
    )
    source = open_source(path)
    contract = read_table(source, "contract", header_row=None)
    assert cell(contract, 1, "start_date") == dt.datetime(2024, 4, 1)
    workforce = read_table(source, "workforce", header_row=None)
    assert workforce.data[1].tolist() == ["£12.00", 12.5]


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("bad.json", '{"contract": {"a": 1,}\n}', 1),
        ("bad.yaml", "contract:\n  a: [1, 2\n  b: 3\n", 3),
        ("evil.yaml", "contract:\n  x: !!python/object/apply:os.system ['echo hi']\n", 2),
    ],
)
def test_malformed_or_unsafe_json_yaml_names_the_line(tmp_path: Path, name: str, content: str, line: int) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_source(path)
    assert caught.value.location.file == str(path)
    assert caught.value.location.line == line


@pytest.mark.parametrize(
    "content", ["[1, 2]", '"text"', "{}", '{"workforce": 5}', '{"workforce": [{"a": 1}, 3]}'], ids=str
)
def test_json_that_is_not_an_object_of_tables(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bid.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        source = open_source(path)
        source.read(source.table_names()[0], None)
    assert caught.value.location.file == str(path)


# --------------------------------------------------------------------------------------------------
# Names, hashing, read-only
# --------------------------------------------------------------------------------------------------


def test_table_names_are_exact_as_written(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", {"Workforce ": kv_sheet, "CONTRACT_DETAILS": kv_sheet})
    source = open_source(path)
    assert source.table_names() == ["Workforce ", "CONTRACT_DETAILS"]
    assert read_table(source, "Workforce ", None).name == "Workforce "


def test_unknown_table_lists_the_tables_that_exist(tmp_path: Path) -> None:
    """Load does not guess: which sheet is the Workforce sheet is normalise's decision."""
    path = write_xlsx(tmp_path / "w.xlsx", {"Workforce": kv_sheet, "Contract": kv_sheet})
    source = open_source(path)
    for action in (lambda: source.read("Bids", 1), lambda: source.peek("Bids"), lambda: source.read("workforce", 1)):
        with pytest.raises(InputError) as caught:
            action()
        assert "'Workforce', 'Contract'" in caught.value.message
        assert caught.value.location.file == str(path)


def test_sha256_of_file_and_folder(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "b.csv").write_text("x\n1\n", encoding="utf-8")
    (folder / "a.csv").write_text("y\n2\n", encoding="utf-8")
    (folder / "readme.txt").write_text("not hashed", encoding="utf-8")
    first = sha256_of(folder)
    (folder / "readme.txt").write_text("changed", encoding="utf-8")
    assert sha256_of(folder) == first
    (folder / "a.csv").write_text("y\n3\n", encoding="utf-8")
    assert sha256_of(folder) != first
    assert sha256_of(folder / "a.csv") == hashlib.sha256(b"y\n3\n").hexdigest()


def test_a_source_hashes_what_it_read_the_same_as_sha256_of(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "workforce.csv").write_text("Name,Rate\nAnn,12.5\n", encoding="utf-8")
    (folder / "contract.csv").write_text("Provider,Acme\n", encoding="utf-8")
    single = folder / "workforce.csv"
    book = write_xlsx(tmp_path / "w.xlsx", {"Workforce": staff_sheet_at_b3})
    mapping = tmp_path / "r.json"
    mapping.write_text('{"workforce": [{"name": "Ann"}]}', encoding="utf-8")
    for path in (folder, single, book, mapping):
        assert open_source(path).sha256() == sha256_of(path), path
    assert open_source(single).sha256() == hashlib.sha256(b"Name,Rate\nAnn,12.5\n").hexdigest()


def test_a_csv_source_hashes_the_bytes_it_read_not_the_file_as_it_is_later(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("Name,Rate\nAnn,12.5\n", encoding="utf-8")
    source = open_source(path)
    before = sha256_of(path)
    path.write_text("Name,Rate\nAnn,99\n", encoding="utf-8")
    assert source.sha256() == before != sha256_of(path)
    assert source.read("w", 1).data.iloc[0].tolist() == ["Ann", "12.5"]


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", {"Workforce": staff_sheet_at_b3})
    before = (sha256_of(path), os.stat(path).st_mtime_ns)
    source = open_source(path)
    source.peek("Workforce")
    source.read("Workforce", 5)
    assert (sha256_of(path), os.stat(path).st_mtime_ns) == before


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]


# --------------------------------------------------------------------------------------------------
# Errors: always InputError naming the file, never another exception type
# --------------------------------------------------------------------------------------------------


def _corrupt_sheet_xml(tmp_path: Path) -> Path:
    good = write_xlsx(tmp_path / "good.xlsx", {"Workforce": staff_sheet_at_b3})
    bad = tmp_path / "corrupt_sheet.xlsx"
    with zipfile.ZipFile(good) as original, zipfile.ZipFile(bad, "w") as target:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2] + b"<<<not xml"
            target.writestr(item, data)
    return bad


def _file(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def _folder(folder: Path, name: str) -> Path:
    path = folder / name
    path.mkdir()
    return path


def _zip_with(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


OLE = bytes.fromhex("D0CF11E0A1B11AE1")

# case → (build the bad input in a folder, text the message must contain)
ERROR_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing file": (lambda d: d / "nope.xlsx", "not found"),
    "folder without csv": (lambda d: _folder(d, "empty_dir"), "no .csv"),
    "empty xlsx": (lambda d: _file(d, "e.xlsx", b""), "empty"),
    "empty csv": (lambda d: _file(d, "e.csv", b""), "empty"),
    "csv with no rows": (lambda d: _file(d, "b.csv", b"\r\n,,\r\n\n"), "no rows"),
    "empty json": (lambda d: _file(d, "e.json", b"  \n"), "empty"),
    "random bytes xlsx": (lambda d: _file(d, "r.xlsx", os.urandom(4096)), "damaged"),
    "random bytes ods": (lambda d: _file(d, "r.ods", os.urandom(4096)), "damaged"),
    "random bytes xls": (lambda d: _file(d, "r.xls", os.urandom(4096)), "damaged"),
    "corrupt ole xls": (lambda d: _file(d, "o.xls", OLE + os.urandom(4096)), "could not be read"),
    "encrypted xlsx": (
        lambda d: _file(d, "enc.xlsx", OLE + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(500)),
        "password-protected (encrypted); save an unprotected copy",
    ),
    "zip that is not a workbook": (lambda d: _zip_with(d / "z.xlsx", {"hello.txt": "hi"}), "not a spreadsheet"),
    "html saved as xls": (
        lambda d: _file(d, "page.xls", b"<html><table><tr><td>1</td></tr></table></html>"), "web page"
    ),
    "unsupported extension": (lambda d: _file(d, "w.txt", b"x"), ".xlsx, .xlsm, .xls, .ods, .csv"),
    "workbook saved as csv": (
        lambda d: _file(d, "w.csv", write_xlsx(d / "real.xlsx", {"W": kv_sheet}).read_bytes()),
        "workbook",
    ),
    "binary csv": (lambda d: _file(d, "bin.csv", b"a,b\n\x00\x01\x02\n"), "binary"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_unreadable_inputs_raise_input_error_naming_the_file(tmp_path: Path, case: str) -> None:
    make, expected_text = ERROR_CASES[case]
    path = make(tmp_path)
    with pytest.raises(InputError) as caught:
        source = open_source(path)
        for name in source.table_names():
            source.peek(name)
            source.read(name, 1)
    error = caught.value
    assert error.location.file == str(path)
    assert expected_text in error.message
    assert str(path) in error.one_line()


def test_corrupt_sheet_inside_a_valid_workbook_is_an_input_error(tmp_path: Path) -> None:
    path = _corrupt_sheet_xml(tmp_path)
    with pytest.raises(InputError) as caught:
        source = open_source(path)
        source.peek("Workforce")
        source.read("Workforce", 5)
    assert caught.value.location.file == str(path)


def test_header_row_must_be_positive(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError):
        open_source(path).read("w", 0)
