"""Workbooks (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``): one table per sheet, positions as Excel shows them.

Read with fastexcel (Rust calamine straight to Arrow), the fastest reader we measured. fastexcel 0.21
reports absolute positions when asked the right way: with ``header_row=None`` and an integer
``skip_rows`` the first row returned is sheet row ``skip_rows + 1`` (leading blank rows included), and
``ColumnInfo.absolute_index`` is the sheet column (0 = A) even when the used range starts at, say, B3.
(``header_row=0`` is special-cased by fastexcel to mean "first non-empty row", so it is never used
here.) Types are inferred from every row (``schema_sample_rows=None``), so a text value late in a
numeric column turns the column into text instead of being nulled; cells fastexcel still nulls (Excel
error values such as ``#DIV/0!``) are put back as their text.

fastexcel parses a whole ``.xlsx`` sheet on every load, so peeks at ``.xlsx``/``.xlsm`` stream only the
first rows of the sheet XML (:mod:`contractcheck.load.xlsx_stream`). ``.ods`` and ``.xls`` are parsed
whole when opened, so their peeks use fastexcel.

Before fastexcel sees a file, :func:`_sniff_workbook` looks at its bytes: a password-protected
workbook, a zip that is not a spreadsheet, a web page saved as ``.xls`` and a damaged file each get
their own one-line error. Any failure inside fastexcel/calamine (Rust panics included) becomes an
:class:`~contractcheck.errors.InputError` naming the file and sheet.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import fastexcel
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from contractcheck.blank import arrow_blank_mask, is_blank, is_null
from contractcheck.errors import InputError
from contractcheck.load import Peek, RawTable, Source
from contractcheck.load._common import (
    OLE_SIGNATURE,
    WORKBOOK_SUFFIXES,
    ZIP_SIGNATURES,
    column_letter,
    date_as_datetime,
    fail,
    read_bytes,
    read_head,
    sha256_file,
)
from contractcheck.load.date_system import calamine_readable_copy, calamine_shift_days
from contractcheck.load.formulas import unsaved_formula_cells
from contractcheck.load.guard import (
    check_package_sizes,
    check_true_sizes,
    check_used_range,
    damaged_package,
    hidden_xlsx_sheets,
    read_part,
    xlsx_sheet_parts,
    xlsx_workbook_part,
)
from contractcheck.load.xlsx_stream import SheetRow, XlsxStream

_ENCRYPTED_PACKAGE_UTF16 = "EncryptedPackage".encode("utf-16-le")
_ENCRYPTED = "is password-protected (encrypted); save an unprotected copy and use that"


# fastexcel logs "Could not determine dtype for column N, falling back to string" through Python
# logging for every blank column; with no handler configured Python prints it on stderr.
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)


def _cell_text(value: object) -> str:
    """The text of a header cell as a user would read it ("" for a blank cell)."""
    if is_null(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return str(value)


_EXCEL_ERROR_TEXT = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}
_EXCEL_ERROR_IN_DETAIL = re.compile(r"got '?Error\((\w+)\)")

Container = Literal["xlsx", "ods", "xls"]

# fastexcel names the column it could not type: "could not determine dtype for column __UNNAMED__6"
_UNTYPED_COLUMN = re.compile(r"could not determine dtype for column (\S+)")
_MAX_TEXT_RETRIES = 8
# calamine refusing a sheet too large to allocate: "Cell limit exceeded (17176641551 cells requested, max 100000000)"
_CELL_LIMIT = re.compile(r"Cell limit exceeded \((\d+) cells requested, max (\d+)\)")


def _is_fatal(exc: BaseException) -> bool:
    """Exceptions that must never be turned into an InputError."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError, InputError))


@contextmanager
def _workbook_errors(given: str, container: str, sheet: str | None = None) -> Iterator[None]:
    """Turn fastexcel/calamine failures (including Rust panics) into a plain InputError."""
    try:
        yield
    except BaseException as exc:  # pyo3's PanicException derives from BaseException; others re-raised
        if _is_fatal(exc) or not (isinstance(exc, Exception) or type(exc).__name__ == "PanicException"):
            raise
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "password" in detail.lower() or "encrypt" in detail.lower():
            fail(f"the workbook {_ENCRYPTED}", given, sheet=sheet)
        too_many = _CELL_LIMIT.search(detail)
        if too_many:  # calamine's own guard for .ods (a value far below or right of the table)
            fail(f"a sheet's used range is {int(too_many.group(1)):,} cells, over the reader's "
                 f"{int(too_many.group(2)):,}-cell limit; is there a stray value far below or to the right of the "
                 "table? Delete it, save, and check again", given, sheet=sheet)
        if sheet is not None:
            message = f"this sheet could not be read; the workbook may be damaged (reader said: {detail})"
        else:
            message = (
                f"could not be read as a .{container} workbook; it may be damaged or not really a "
                f"spreadsheet (reader said: {detail})"
            )
        fail(message, given, sheet=sheet)


def _sniff_workbook(path: Path, given: str, suffix: str) -> Container:
    """The real container format, with clear errors for encrypted, damaged or mislabelled files."""
    head = read_head(path, given, 512)
    if head.startswith(ZIP_SIGNATURES):
        try:
            with zipfile.ZipFile(path) as archive, damaged_package(given):
                check_package_sizes(archive, given)  # before anything inflates a member
                names = set(archive.namelist())
                manifest = "META-INF/manifest.xml"
                if manifest in names and b"encryption-data" in read_part(archive, manifest):
                    fail(f"the spreadsheet {_ENCRYPTED}", given)
                if "content.xml" in names:
                    check_true_sizes(archive, given)  # calamine parses an .ods whole when it opens it
                    return "ods"
                if any(name.startswith("xl/") for name in names):
                    part = xlsx_workbook_part(archive, given)  # a package without it is damaged, not a workbook
                    # each sheet is checked as its used range is scanned (WorkbookSource._guard)
                    check_true_sizes(archive, given, skip=set(xlsx_sheet_parts(archive, part).values()))
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        except OSError as exc:
            fail(f"cannot be read: {exc.strerror or exc}", given)
        else:
            fail(f"is a zip archive but not a spreadsheet; expected a real {suffix} workbook", given)
        fail(f"could not be read as a {suffix} workbook: the file is damaged (not a valid zip archive)", given)
    if head.startswith(OLE_SIGNATURE):
        if _ENCRYPTED_PACKAGE_UTF16 in read_bytes(path, given):
            fail(f"the workbook {_ENCRYPTED}", given)
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        fail(
            f"is a web page or XML file saved with a {suffix} name, not a real workbook; "
            "open it in Excel and save it as .xlsx",
            given,
        )
    fail(
        f"could not be read as a {suffix} workbook: the file is damaged or is not a spreadsheet "
        f"(expected one of {', '.join(WORKBOOK_SUFFIXES)})",
        given,
    )


def _arrow_value_to_python(value: object) -> object:
    """Peek cells from fastexcel: dates become datetimes, NaN becomes None."""
    if is_null(value):
        return None
    return date_as_datetime(value)


def _peek_from_rows(rows: list[SheetRow]) -> Peek:
    """Pad sparse rows to a grid spanning the first to the last used column."""
    used = [column for _, cells in rows for column, value in cells.items() if not is_blank(value)]
    if not used:
        return Peek(rows=[], row_numbers=[], column_labels=[])
    first, last = min(used), max(used)
    columns = range(first, last + 1)
    return Peek(
        rows=[[cells.get(column) for column in columns] for _, cells in rows],
        row_numbers=[number for number, _ in rows],
        column_labels=[column_letter(column) for column in columns],
    )


def _content_mask(batch: pa.RecordBatch) -> np.ndarray:
    """Per row: does any cell hold something that is not blank (:mod:`contractcheck.blank`)?"""
    mask = np.zeros(batch.num_rows, dtype=bool)
    for column in batch.columns:
        mask |= ~arrow_blank_mask(column)
    return mask


class WorkbookSource(Source):
    """.xlsx / .xlsm / .xls / .ods: one table per sheet, positions as Excel shows them."""

    table_word = "sheet"

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "workbook")
        suffix = path.suffix.lower()
        self.container: Container = _sniff_workbook(path, given, suffix)
        expected = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".xls": "xls"}[suffix]
        with _workbook_errors(given, self.container):
            # A workbook saved under the wrong extension is read from its bytes, which fastexcel sniffs.
            source: str | bytes = str(path) if self.container == expected else path.read_bytes()
            # a 1904-system workbook calamine would read four years early: a corrected copy (see date_system)
            corrected = calamine_readable_copy(path) if self.container == "xlsx" else None
            source = corrected if corrected is not None else source
            self._reader = fastexcel.read_excel(source)
            self._sheet_names = list(self._reader.sheet_names)
        if not self._sheet_names:
            fail("could not be read as a workbook: it has no sheets", given)
        # .xlsx/.xlsm peeks stream the sheet XML; .ods and .xls are parsed whole when opened anyway
        self._stream: XlsxStream | None = XlsxStream(path) if self.container == "xlsx" else None
        # days to add to fastexcel's dates where it misreads the workbook's date system (see date_system)
        self._date_shift = calamine_shift_days(path) if self.container == "xlsx" and corrected is None else 0
        self._sha256: str | None = None
        self._guarded: set[str] = set()
        self._hidden = self._hidden_sheets()

    def table_names(self) -> list[str]:
        # a hidden sheet is never chosen over what the provider can see (a stale copy kept out of sight)
        return [name for name in self._sheet_names if name not in self._hidden]

    def _resolve(self, table: str) -> str:
        return table if table in self._hidden else super()._resolve(table)

    def hidden_names(self) -> list[str]:
        return [name for name in self._sheet_names if name in self._hidden]

    def _hidden_sheets(self) -> set[str]:
        """Sheets the workbook hides (.xlsx from its workbook part; .ods/.xls from the reader, parsed when opened).
        Never all of them: a workbook whose every sheet is hidden is read as it is."""
        hidden: set[str] = set()
        if self.container == "xlsx":
            with damaged_package(self._given), zipfile.ZipFile(self.path) as archive:
                hidden = hidden_xlsx_sheets(archive, xlsx_workbook_part(archive, self._given))
        else:
            for name in self._sheet_names:
                try:
                    with _workbook_errors(self._given, self.container, name):
                        if self._reader.load_sheet(name, header_row=None, n_rows=1).visible != "visible":
                            hidden.add(name)
                except InputError:
                    pass
        hidden &= set(self._sheet_names)
        return set() if hidden == set(self._sheet_names) else hidden

    def _guard(self, sheet: str) -> None:
        """Before calamine reads an .xlsx sheet: refuse a used range too large to allocate (once a sheet)."""
        if self.container != "xlsx" or sheet in self._guarded:
            return
        with damaged_package(self._given, sheet), zipfile.ZipFile(self.path) as archive:
            part = xlsx_sheet_parts(archive, xlsx_workbook_part(archive, self._given)).get(sheet)
            if part is not None and part in archive.namelist():
                check_used_range(archive, part, self._given, sheet)
        self._guarded.add(sheet)

    def sha256(self) -> str:
        # fastexcel reads the file itself, so the hash is one streaming pass of its own, made once
        if self._sha256 is None:
            self._sha256 = sha256_file(self.path, self._given)
        return self._sha256

    # -- peek --------------------------------------------------------------------------------------

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        sheet = self._resolve(table)
        if n_rows <= 0:
            return Peek(rows=[], row_numbers=[], column_labels=[])
        rows = self._streamed_rows(
            sheet,
            keep=lambda _number, cells: _has_content(cells),
            stop=lambda kept, _number: len(kept) >= n_rows,
        )
        if rows is None:
            rows = self._fastexcel_rows(sheet, n_rows)
        return _peek_from_rows(rows[:n_rows])

    def _streamed_rows(
        self,
        sheet: str,
        keep: Callable[[int, dict[int, object]], bool],
        stop: Callable[[list[SheetRow], int], bool],
    ) -> list[SheetRow] | None:
        """Rows streamed from the sheet XML (see :class:`XlsxStream`); None for .ods/.xls or an odd package."""
        return self._stream.rows(sheet, keep, stop) if self._stream is not None else None

    def _fastexcel_rows(self, sheet: str, n_rows: int) -> list[SheetRow]:
        """First ``n_rows`` non-blank rows via fastexcel (cheap for .ods/.xls: parsed when opened)."""
        self._guard(sheet)
        budget = max(4 * n_rows, 200)
        while True:
            with _workbook_errors(self._given, self.container, sheet):
                loaded = self._reader.load_sheet(
                    sheet, header_row=None, skip_rows=0, n_rows=budget, skip_whitespace_tail_rows=True
                )
                batch = loaded.to_arrow()
                columns = [info.absolute_index for info in loaded.selected_columns]
            values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            rows: list[SheetRow] = []
            for index in range(batch.num_rows):
                cells = {}
                for position, column in enumerate(columns):
                    value = _shift_date(_arrow_value_to_python(values[position][index]), self._date_shift)
                    if value is not None:
                        cells[column] = value
                if _has_content(cells):
                    rows.append((index + 1, cells))
                    if len(rows) >= n_rows:
                        return rows
            if batch.num_rows < budget:
                return rows
            budget *= 4

    def _row_cells(self, sheet: str, row_number: int) -> dict[int, object]:
        """{0-based column: value} of one sheet row (used for the header's text)."""
        rows = self._streamed_rows(
            sheet,
            keep=lambda number, _cells: number == row_number,
            stop=lambda _kept, number: number >= row_number,
        )
        if rows is not None:
            return rows[0][1] if rows else {}
        self._guard(sheet)
        with _workbook_errors(self._given, self.container, sheet):
            try:
                loaded = self._reader.load_sheet(sheet, header_row=None, skip_rows=row_number - 1, n_rows=1)
            except fastexcel.InvalidParametersError:
                return {}
            batch = loaded.to_arrow()
            columns = [info.absolute_index for info in loaded.selected_columns]
        if batch.num_rows == 0:
            return {}
        return {
            column: _shift_date(_arrow_value_to_python(batch.column(position)[0].as_py()), self._date_shift)
            for position, column in enumerate(columns)
        }

    # -- read --------------------------------------------------------------------------------------

    def read(self, table: str, header_row: int | None) -> RawTable:
        sheet = self._resolve(table)
        self._check_header_row(header_row)
        first_data_row = 1 if header_row is None else header_row + 1
        batch, columns, error_texts = self._load_rows(sheet, first_data_row)
        row_numbers = np.arange(first_data_row, first_data_row + batch.num_rows, dtype=np.int64)
        leading_blank = 0
        if header_row is None and batch.num_rows:
            content = _content_mask(batch)
            for nulled in error_texts.values():
                content[list(nulled)] = True
            leading_blank = int(np.argmax(content)) if content.any() else batch.num_rows
            if leading_blank:
                batch = batch.slice(leading_blank)
                row_numbers = row_numbers[leading_blank:]
        data = _record_batch_to_frame(batch)
        _put_texts(data, error_texts, row_offset=leading_blank)
        headers: list[str] = []
        if header_row is not None:
            cells = self._row_cells(sheet, header_row)
            if not columns and cells:  # header row exists, nothing below it
                columns = list(range(min(cells), max(cells) + 1))
                data = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(len(columns))})
            headers = [_cell_text(cells.get(column)) for column in columns]
        return RawTable(
            name=sheet,
            file=self._given,
            sheet=sheet,
            style="cell",
            headers=headers,
            column_labels=[column_letter(column) for column in columns],
            data=data,
            row_numbers=row_numbers,
            header_row=header_row,
            unsaved_formulas=self._unsaved_formulas(sheet),
        )

    def _unsaved_formulas(self, sheet: str) -> dict[str, list[int]]:
        """Formula cells of an .xlsx sheet with no saved result (see :mod:`contractcheck.load.formulas`)."""
        part = self._stream.sheet_part(sheet) if self._stream is not None else None
        return unsaved_formula_cells(self.path, part) if part is not None else {}

    def _load_rows(
        self, sheet: str, first_data_row: int
    ) -> tuple[pa.RecordBatch, list[int], dict[int, dict[int, str]]]:
        """Rows from ``first_data_row`` down, typed per column from every row.

        Returns the batch, the absolute column index of each batch column, and the cells fastexcel
        nulled that must come back as text: {batch column: {batch row: text}} (Excel error values).
        """
        self._guard(sheet)
        with _workbook_errors(self._given, self.container, sheet):
            try:
                loaded = self._load_typed(sheet, first_data_row)
            except fastexcel.InvalidParametersError as exc:
                if "too many rows skipped" in str(exc).lower():
                    return pa.record_batch({}), [], {}
                raise
            batch, errors = loaded.to_arrow_with_errors()
            columns = [info.absolute_index for info in loaded.selected_columns]
        batch = _shift_dates(_dates_as_timestamps(batch), self._date_shift)
        error_texts: dict[int, dict[int, str]] = {}
        as_text: set[int] = set()
        for error in errors.errors if errors is not None else []:
            row, position = error.offset_position
            match = _EXCEL_ERROR_IN_DETAIL.search(error.detail)
            if match:
                error_texts.setdefault(position, {})[row] = _EXCEL_ERROR_TEXT.get(match.group(1), "#ERROR!")
            else:
                as_text.add(position)
        if as_text:
            batch = self._reload_as_text(sheet, first_data_row, batch, columns, sorted(as_text), error_texts)
        return batch, columns, error_texts

    def _load_typed(self, sheet: str, first_data_row: int) -> fastexcel.ExcelSheet:
        """The sheet from ``first_data_row`` down, each column typed from all its cells.

        A column fastexcel cannot type (durations beside text, such as ``6:00`` cells and one ``tbc``) is
        read as text rather than failing the sheet: the normalise stage reads each cell's text by its field.
        """
        as_text: fastexcel.DTypeMap = {}
        for _ in range(_MAX_TEXT_RETRIES):
            try:
                return self._reader.load_sheet(
                    sheet,
                    header_row=None,
                    skip_rows=first_data_row - 1,
                    schema_sample_rows=None,
                    skip_whitespace_tail_rows=True,
                    dtypes=as_text or None,
                )
            except fastexcel.UnsupportedColumnTypeCombinationError as exc:
                column = _UNTYPED_COLUMN.search(str(exc))
                if column is None or column.group(1) in as_text:
                    break
                as_text[column.group(1)] = "string"
        return self._reader.load_sheet(  # many mixed columns: every column as text
            sheet, header_row=None, skip_rows=first_data_row - 1, skip_whitespace_tail_rows=True, dtypes="string"
        )

    def _reload_as_text(
        self,
        sheet: str,
        first_data_row: int,
        batch: pa.RecordBatch,
        columns: list[int],
        positions: list[int],
        error_texts: dict[int, dict[int, str]],
    ) -> pa.RecordBatch:
        """Defensive: columns where fastexcel still nulled a value are read again as text."""
        self._guard(sheet)
        with _workbook_errors(self._given, self.container, sheet):
            loaded = self._reader.load_sheet(
                sheet,
                header_row=None,
                skip_rows=first_data_row - 1,
                use_columns=[columns[p] for p in positions],
                dtypes={columns[p]: "string" for p in positions},
                skip_whitespace_tail_rows=True,
            )
            text_batch, text_errors = loaded.to_arrow_with_errors()
        arrays = list(batch.columns)
        for index, position in enumerate(positions):
            column = text_batch.column(index)
            if len(column) < batch.num_rows:
                column = pa.concat_arrays([column, pa.nulls(batch.num_rows - len(column), pa.string())])
            arrays[position] = column.slice(0, batch.num_rows)
            error_texts.pop(position, None)
        for error in text_errors.errors if text_errors is not None else []:
            row, index = error.offset_position
            match = _EXCEL_ERROR_IN_DETAIL.search(error.detail)
            text = _EXCEL_ERROR_TEXT.get(match.group(1), "#ERROR!") if match else "#ERROR!"
            error_texts.setdefault(positions[index], {})[row] = text
        return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _has_content(cells: dict[int, object]) -> bool:
    return any(not is_blank(value) for value in cells.values())


def _dates_as_timestamps(batch: pa.RecordBatch) -> pa.RecordBatch:
    """date32 columns (from .ods) become timestamps, so every date column is datetime64."""
    if not any(pa.types.is_date(field.type) for field in batch.schema):
        return batch
    arrays = [
        column.cast(pa.timestamp("ms")) if pa.types.is_date(column.type) else column for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _shift_dates(batch: pa.RecordBatch, days: int) -> pa.RecordBatch:
    """Every timestamp column moved by ``days`` (the date-system correction; durations are not dates)."""
    if not days or not any(pa.types.is_timestamp(field.type) for field in batch.schema):
        return batch
    arrays = [
        _shift_timestamps(column, days) if pa.types.is_timestamp(column.type) else column for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _shift_timestamps(column: pa.Array, days: int) -> pa.Array:
    unit = column.type.unit
    step = pa.scalar(np.timedelta64(days, "D").astype(f"timedelta64[{unit}]"), type=pa.duration(unit))
    return pc.add(column, step).cast(column.type)


def _shift_date(value: object, days: int) -> object:
    """One peeked cell moved by ``days`` if it is a date (see :func:`_shift_dates`)."""
    if days and isinstance(value, dt.datetime):
        return value + dt.timedelta(days=days)
    return value


def _record_batch_to_frame(batch: pa.RecordBatch) -> pd.DataFrame:
    """Arrow columns → DataFrame with positional integer column labels."""
    if batch.num_columns == 0:
        return pd.DataFrame(index=pd.RangeIndex(batch.num_rows))
    frame = batch.to_pandas()
    frame.columns = pd.RangeIndex(batch.num_columns)
    return frame


def _put_texts(frame: pd.DataFrame, texts: dict[int, dict[int, str]], row_offset: int = 0) -> None:
    """Write text values into cells (e.g. '#DIV/0!' into a number column, which becomes object)."""
    for position, cells in texts.items():
        rows = {row - row_offset: text for row, text in cells.items() if 0 <= row - row_offset < len(frame)}
        if not rows:
            continue
        column = frame[position]
        if not pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            column = column.astype(object)
        else:
            column = column.copy()
        index = np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))
        column.iloc[index] = list(rows.values())
        frame[position] = column

