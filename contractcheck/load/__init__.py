"""Load stage: turn a provider's file into raw tables whose every cell keeps the position a user sees.

Why this module exists: a contract officer must be able to find every finding in the file they were
sent, so positions are the ones the spreadsheet program shows (``Workforce!F12``), the physical line
of a CSV file, or the record index of a JSON/YAML list. Nothing here maps headings to fields or parses
values: a later stage decides which row is the header (from :meth:`Source.peek`) and then asks for the
table under it (:meth:`Source.read`).

Readers and why:

* ``.xlsx``/``.xlsm``/``.xls``/``.ods`` are read with fastexcel (Rust calamine straight to Arrow), the
  fastest reader we measured. fastexcel 0.21 reports absolute positions when asked the right way:
  with ``header_row=None`` and an integer ``skip_rows`` the first row returned is sheet row
  ``skip_rows + 1`` (leading blank rows included), and ``ColumnInfo.absolute_index`` is the sheet
  column (0 = A) even when the used range starts at, say, B3. (``header_row=0`` is special-cased by
  fastexcel to mean "first non-empty row", so it is never used here.) Types are inferred from every
  row (``schema_sample_rows=None``), so a text value late in a numeric column turns the column into
  text instead of being nulled; cells fastexcel still nulls (Excel error values such as ``#DIV/0!``)
  are put back as their text.
* fastexcel parses a whole ``.xlsx`` sheet on every load, so :meth:`Source.peek` on ``.xlsx``/``.xlsm``
  streams only the first rows of the sheet XML out of the zip (shared strings parsed lazily), which
  costs milliseconds even for a 100,000-row sheet. ``.ods`` and ``.xls`` are parsed whole when opened,
  so their peeks use fastexcel.
* CSV files are decoded as UTF-8 (with or without BOM), falling back to Windows-1252, and parsed by
  pyarrow with every column as text. Physical line numbers come from a vectorised scan of the bytes
  that understands quoted fields with embedded newlines; files with non-standard quoting fall back to
  Python's ``csv`` module.
* JSON is parsed with :mod:`json`, YAML with ``yaml.safe_load`` only.

Input files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import math
import posixpath
import re
import zipfile
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, NoReturn, cast
from xml.etree import ElementTree

import fastexcel
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import yaml

from contractcheck.errors import InputError, Location
from contractcheck.position import LocationStyle

__all__ = [
    "LocationStyle",
    "SourceKind",
    "Peek",
    "RawTable",
    "Source",
    "open_source",
    "sha256_of",
    "column_letter",
    "SUPPORTED_SUFFIXES",
]

SourceKind = Literal["workbook", "csv_folder", "csv", "mapping"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAPPING_SUFFIXES = (".json", ".yaml", ".yml")
SUPPORTED_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", *MAPPING_SUFFIXES)
_SUPPORTED_TEXT = ".xlsx, .xlsm, .xls, .ods, .csv (or a folder of .csv files), .json, .yaml or .yml"

_OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_PACKAGE_UTF16 = "EncryptedPackage".encode("utf-16-le")
_XML_CHUNK_BYTES = 1 << 16

# fastexcel logs "Could not determine dtype for column N, falling back to string" through Python
# logging for every blank column; with no handler configured Python prints it on stderr.
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)


# --------------------------------------------------------------------------------------------------
# Public data shapes
# --------------------------------------------------------------------------------------------------


@dataclass
class Peek:
    """The first rows of a table, for deciding which row is the header.

    Rows that are entirely blank (no cells, or only whitespace text) are skipped, so ``row_numbers``
    may have gaps. Columns span the first to the last column used in these rows: match columns to a
    later :class:`RawTable` by ``column_labels``, not by position. Empty cells are None.

    Cell values: ``.xlsx``/``.xlsm`` give each cell its own type (str, float, bool, datetime,
    timedelta; Excel errors as text such as "#N/A"); ``.ods``/``.xls`` give fastexcel's per-column
    types over the peeked rows, so a column holding a heading and numbers comes back as text; CSV
    gives str; JSON/YAML give a synthetic header row of keys (row number 0) then the records.
    """

    rows: list[list[object]]
    row_numbers: list[int]
    column_labels: list[str]


@dataclass
class RawTable:
    """One table read under a chosen header row, values as read (not yet parsed).

    ``data`` has one column per grid column, labelled 0..n-1 in the order of ``column_labels``.
    Fully blank rows at the end are dropped (and, when ``header_row`` is None, at the start too);
    blank rows in between are kept as all-missing rows. Missing cells are NaN/NaT/None: test with
    ``pd.isna``. Column dtypes:

    * workbooks: ``float64`` (numbers), ``datetime64[ms]`` (dates and times), ``bool``,
      ``timedelta64`` (.ods durations), pandas ``str`` (text). A column that mixes kinds of value
      (numbers and text, dates and text, ...) is text: numbers as fastexcel writes them ("12.5",
      "19"; at most 9 decimal places), dates as "2024-04-01 00:00:00", booleans as "true"/"false".
      Excel error cells come back as their text ("#DIV/0!"); in an otherwise typed column that makes
      the column ``object``. A TRUE/FALSE in a numeric column becomes 1.0/0.0 (fastexcel's coercion).
    * CSV: every column pandas ``str``; empty fields are missing; other text kept exactly (including
      "N/A", "NULL" and whitespace).
    * JSON/YAML: ``object`` columns holding the parsed values (YAML dates become datetimes).

    ``row_numbers``: the Excel row; for CSV the physical line on which the record starts (1-based;
    CRLF, LF and lone CR each end a line; a quoted value spanning lines moves later records down);
    for JSON/YAML the 1-based index of the record in its list (a mapping table is record 1).
    ``file`` is the path as given; for a folder of CSV files it is the CSV file's path.
    """

    name: str
    file: str
    sheet: str | None
    style: LocationStyle
    headers: list[str]
    column_labels: list[str]
    data: pd.DataFrame
    row_numbers: np.ndarray
    header_row: int | None
    # Extra (not in the original contract): True when a JSON/YAML table was a single mapping
    # ({"key": value, ...}) rather than a list of records. It then has exactly one data row,
    # row_numbers == [1], and locations read better as "contract.start_date".
    is_mapping: bool = False


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 → "A", 26 → "AA")."""
    letters = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(letters: str) -> int:
    """0-based column index for spreadsheet column letters ("A" → 0)."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


_CELL_REF = re.compile(r"([A-Za-z]+)(\d*)")


def _normalise_table_name(name: str) -> str:
    return re.sub(r"[\s_]+", "", name).casefold()


def _fail(
    message: str,
    file: str | None,
    *,
    sheet: str | None = None,
    row: int | None = None,
    line: int | None = None,
    column: str | None = None,
) -> NoReturn:
    raise InputError(message, location=Location(file=file, sheet=sheet, row=row, column=column, line=line))


def _is_blank(value: object) -> bool:
    """True for a cell a user would call empty: missing, NaN/NaT, or whitespace-only text."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    return value is pd.NaT or value is pd.NA


def _cell_text(value: object) -> str:
    """The text of a header cell as a user would read it ("" for a blank cell)."""
    if _is_blank(value) and not isinstance(value, str):
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


def _read_head(path: Path, given: str, size: int = 8) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        _fail(f"cannot be opened: {exc.strerror or exc}", given)


def _read_bytes(path: Path, given: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        _fail(f"cannot be read: {exc.strerror or exc}", given)


def _decode_text(data: bytes, given: str, what: str) -> tuple[str, str]:
    """Decode text the way Excel writes it: UTF-8 (with or without BOM), else Windows-1252.

    Returns the text and the encoding used ("utf-8" or "cp1252").
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        _fail(
            f"is UTF-16 text; save it as 'CSV UTF-8 (Comma delimited)' or plain UTF-8 {what}",
            given,
        )
    if b"\x00" in data[:65536]:
        _fail(f"is not a text {what} file (it contains binary data)", given)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        _fail(f"is not UTF-8 or Windows-1252 text (byte 0x{data[exc.start]:02X} cannot be read)", given, line=line)


def _date_as_datetime(value: object) -> object:
    """A date (no time) becomes a datetime at midnight, so every loader returns datetimes."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _dedupe_order(keys: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(keys))


# --------------------------------------------------------------------------------------------------
# Source: the common interface
# --------------------------------------------------------------------------------------------------


class Source:
    """An opened input (workbook, CSV file, folder of CSV files, or JSON/YAML object of tables)."""

    path: Path
    kind_hint: SourceKind

    def __init__(self, path: Path, given: str, kind_hint: SourceKind) -> None:
        self.path = path
        self.kind_hint = kind_hint
        self._given = given

    # -- names -------------------------------------------------------------------------------------

    def table_names(self) -> list[str]:
        """Table names as written: sheet names, CSV file stems, or JSON/YAML keys."""
        raise NotImplementedError

    def find_table(self, wanted: str) -> str | None:
        """The table whose name matches ``wanted`` ignoring case, whitespace and underscores.

        An exact match wins; None if nothing matches; InputError if several tables match equally
        (e.g. sheets "Workforce" and "WORKFORCE ").
        """
        names = self.table_names()
        if wanted in names:
            return wanted
        key = _normalise_table_name(wanted)
        matches = [name for name in names if _normalise_table_name(name) == key]
        if len(matches) > 1:
            listed = ", ".join(repr(name) for name in matches)
            _fail(f"more than one {self._table_word} matches {wanted!r} ({listed}); rename all but one", self._given)
        return matches[0] if matches else None

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        """The first ``n_rows`` non-blank rows of ``table``, with their positions."""
        raise NotImplementedError

    def read(self, table: str, header_row: int | None) -> RawTable:
        """``table`` read under ``header_row`` (None: no header, every row is data)."""
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------------------------

    _table_word = "table"

    def _resolve(self, table: str) -> str:
        """The table name as written, or an InputError listing the tables that exist."""
        names = self.table_names()
        if table in names:
            return table
        found = self.find_table(table)
        if found is not None:
            return found
        existing = ", ".join(repr(name) for name in names) or "(none)"
        _fail(f"has no {self._table_word} named {table!r}; the {self._table_word}s it has are: {existing}", self._given)

    def _check_header_row(self, header_row: int | None) -> None:
        if header_row is not None and (isinstance(header_row, bool) or header_row < 1):
            _fail(f"header row must be a row number of 1 or more, not {header_row!r}", self._given)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._given!r})"


def open_source(path: str | Path) -> Source:
    """Open an input file or folder for reading; raises InputError if it cannot be used."""
    given = str(path)
    resolved = Path(path)
    if not resolved.exists():
        _fail("file or folder not found", given)
    if resolved.is_dir():
        return _CsvFolderSource(resolved, given)
    suffix = resolved.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"{resolved.suffix!r} files are" if resolved.suffix else "files without an extension are"
        _fail(f"{shown} not supported; expected {_SUPPORTED_TEXT}", given)
    try:
        size = resolved.stat().st_size
    except OSError as exc:
        _fail(f"cannot be read: {exc.strerror or exc}", given)
    if size == 0:
        _fail("is empty (0 bytes)", given)
    if suffix in WORKBOOK_SUFFIXES:
        return _WorkbookSource(resolved, given)
    if suffix == ".csv":
        return _CsvFileSource(resolved, given)
    return _MappingSource(resolved, given)


def _csv_files_in(folder: Path) -> list[Path]:
    """The folder's .csv files (not hidden, not Office lock files), sorted by name."""
    return sorted(
        (
            entry
            for entry in folder.iterdir()
            if entry.is_file() and entry.suffix.lower() == ".csv" and not entry.name.startswith((".", "~$"))
        ),
        key=lambda entry: entry.name,
    )


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, or for a folder a stable hash over its sorted .csv files' names and bytes."""
    given = str(path)
    path = Path(path)
    if not path.exists():
        _fail("file or folder not found", given)
    digest = hashlib.sha256()
    try:
        if path.is_dir():
            for entry in _csv_files_in(path):
                name = entry.name.encode("utf-8")
                content = entry.read_bytes()
                digest.update(len(name).to_bytes(8, "big") + name)
                digest.update(len(content).to_bytes(8, "big"))
                digest.update(content)
        else:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    except OSError as exc:
        _fail(f"cannot be read: {exc.strerror or exc}", given)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------------
# Workbooks (.xlsx, .xlsm, .xls, .ods)
# --------------------------------------------------------------------------------------------------

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


def _is_fatal(exc: BaseException) -> bool:
    """Exceptions that must never be turned into an InputError."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError, InputError))


@contextmanager
def _workbook_errors(given: str, container: str, sheet: str | None = None) -> Iterator[None]:
    """Turn fastexcel/calamine failures (including Rust panics) into a plain InputError."""
    try:
        yield
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException derives from BaseException
        if _is_fatal(exc) or not (isinstance(exc, Exception) or type(exc).__name__ == "PanicException"):
            raise
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "password" in detail.lower() or "encrypt" in detail.lower():
            _fail("the workbook is password-protected (encrypted); save an unprotected copy and use that", given, sheet=sheet)
        if sheet is not None:
            message = f"this sheet could not be read; the workbook may be damaged (reader said: {detail})"
        else:
            message = (
                f"could not be read as a .{container} workbook; it may be damaged or not really a "
                f"spreadsheet (reader said: {detail})"
            )
        _fail(message, given, sheet=sheet)


def _sniff_workbook(path: Path, given: str, suffix: str) -> Container:
    """The real container format, with clear errors for encrypted, damaged or mislabelled files."""
    head = _read_head(path, given, 512)
    if head.startswith(_ZIP_SIGNATURES):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
                    _fail("the spreadsheet is password-protected (encrypted); save an unprotected copy and use that", given)
                if "content.xml" in names:
                    return "ods"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        except OSError as exc:
            _fail(f"cannot be read: {exc.strerror or exc}", given)
        else:
            _fail(f"is a zip archive but not a spreadsheet; expected a real {suffix} workbook", given)
        _fail(f"could not be read as a {suffix} workbook: the file is damaged (not a valid zip archive)", given)
    if head.startswith(_OLE_SIGNATURE):
        if _ENCRYPTED_PACKAGE_UTF16 in _read_bytes(path, given):
            _fail("the workbook is password-protected (encrypted); save an unprotected copy and use that", given)
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        _fail(
            f"is a web page or XML file saved with a {suffix} name, not a real workbook; "
            "open it in Excel and save it as .xlsx",
            given,
        )
    _fail(
        f"could not be read as a {suffix} workbook: the file is damaged or is not a spreadsheet "
        f"(expected one of {', '.join(WORKBOOK_SUFFIXES)})",
        given,
    )


def _excel_serial_to_datetime(serial: float, date1904: bool) -> dt.datetime | float:
    """Excel serial date → datetime, the way calamine converts it (so peeks match reads)."""
    days = serial + 1462.0 if date1904 else serial
    if days < 60.0:
        days += 1.0  # Excel's fictitious 1900-02-29
    try:
        return dt.datetime(1899, 12, 30) + dt.timedelta(milliseconds=round(days * 86_400_000))
    except (OverflowError, ValueError):
        return serial


_BUILTIN_DATE_FORMATS: dict[int, str] = {**{i: "datetime" for i in range(14, 23)}, 45: "datetime", 46: "duration", 47: "datetime"}


def _number_format_kind(code: str) -> str | None:
    """"datetime", "duration" or None for an Excel number format code."""
    text = re.sub(r'"[^"]*"', "", code)
    text = re.sub(r"\\.|[_*].", "", text)
    if re.search(r"\[(h+|m+|s+)\]", text, flags=re.IGNORECASE):
        return "duration"
    text = re.sub(r"\[[^\]]*\]", "", text)
    if text.lower() == "general":
        return None
    return "datetime" if re.search(r"[dmyhs]", text, flags=re.IGNORECASE) else None


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_events(handle: IO[bytes]) -> Iterator[tuple[str, ElementTree.Element]]:
    """("start"|"end", element) events, parsed incrementally so a caller can stop early."""
    parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start", "end"))
    while chunk := handle.read(_XML_CHUNK_BYTES):
        parser.feed(chunk)
        for event, element in cast(Iterator[tuple[str, ElementTree.Element]], parser.read_events()):
            yield event, element


def _rel_target(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


class _XlsxLayout:
    """What the streaming peek needs from an .xlsx package: sheet parts, date styles, shared strings."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        workbook_part = "xl/workbook.xml"
        for rel in ElementTree.fromstring(archive.read("_rels/.rels")):
            if rel.get("Type", "").endswith("/officeDocument"):
                workbook_part = _rel_target("", rel.get("Target", workbook_part))
        base = posixpath.dirname(workbook_part)
        rels_part = posixpath.join(base, "_rels", posixpath.basename(workbook_part) + ".rels")
        targets: dict[str, str] = {}
        self.shared_strings_part: str | None = None
        styles_part: str | None = None
        for rel in ElementTree.fromstring(archive.read(rels_part)):
            if rel.get("TargetMode") == "External":
                continue
            target = _rel_target(base, rel.get("Target", ""))
            targets[rel.get("Id", "")] = target
            if rel.get("Type", "").endswith("/sharedStrings"):
                self.shared_strings_part = target
            elif rel.get("Type", "").endswith("/styles"):
                styles_part = target
        self.date1904 = False
        self.sheet_parts: dict[str, str] = {}
        for element in ElementTree.fromstring(archive.read(workbook_part)).iter():
            local = _local_name(element.tag)
            if local == "workbookPr":
                self.date1904 = element.get("date1904", "").lower() in ("1", "true")
            elif local == "sheet":
                rel_id = next((v for k, v in element.attrib.items() if k.startswith("{") and _local_name(k) == "id"), "")
                if rel_id in targets:
                    self.sheet_parts[element.get("name", "")] = targets[rel_id]
        self.date_styles: dict[int, str] = {}
        if styles_part is not None and styles_part in archive.namelist():
            self._read_styles(ElementTree.fromstring(archive.read(styles_part)))

    def _read_styles(self, root: ElementTree.Element) -> None:
        custom: dict[int, str] = {}
        cell_formats: ElementTree.Element | None = None
        for element in root.iter():
            local = _local_name(element.tag)
            if local == "numFmt":
                custom[int(element.get("numFmtId", "-1"))] = element.get("formatCode", "")
            elif local == "cellXfs":
                cell_formats = element
        if cell_formats is None:
            return
        formats = [xf for xf in cell_formats if _local_name(xf.tag) == "xf"]
        for index, xf in enumerate(formats):
            format_id = int(xf.get("numFmtId", "0"))
            kind = _number_format_kind(custom[format_id]) if format_id in custom else _BUILTIN_DATE_FORMATS.get(format_id)
            if kind:
                self.date_styles[index] = kind


class _SharedStrings:
    """The workbook's shared-string table, parsed only as far as the cells looked at need."""

    def __init__(self, part: str | None) -> None:
        self.part = part
        self.items: list[str] = []
        self.complete = part is None

    def get(self, archive: zipfile.ZipFile, index: int) -> str | None:
        if index >= len(self.items) and not self.complete:
            self._parse_until(archive, index)
        return self.items[index] if 0 <= index < len(self.items) else None

    def _parse_until(self, archive: zipfile.ZipFile, index: int) -> None:
        assert self.part is not None
        root: ElementTree.Element | None = None
        seen = 0
        parts: list[str] = []
        phonetic_depth = 0
        with archive.open(self.part) as handle:
            for event, element in _xml_events(handle):
                local = _local_name(element.tag)
                if event == "start":
                    if root is None:
                        root = element
                    elif local == "rPh":
                        phonetic_depth += 1
                    continue
                if local == "rPh":
                    phonetic_depth -= 1
                elif local == "t" and phonetic_depth == 0:
                    parts.append(element.text or "")
                elif local == "si":
                    if seen >= len(self.items):
                        self.items.append("".join(parts))
                    seen += 1
                    parts = []
                    if root is not None:
                        root.clear()  # keep memory flat on large tables
                    if index < len(self.items):
                        return
        self.complete = True


def _inline_text(cell: ElementTree.Element) -> str:
    parts: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            local = _local_name(child.tag)
            if local == "rPh":
                continue
            if local == "t":
                parts.append(child.text or "")
            else:
                walk(child)

    for child in cell:
        if _local_name(child.tag) == "is":
            walk(child)
    return "".join(parts)


def _xlsx_cell_value(
    cell: ElementTree.Element, layout: _XlsxLayout, strings: _SharedStrings, archive: zipfile.ZipFile
) -> object:
    """The value of one <c> element, typed like fastexcel would type it on its own."""
    cell_type = cell.get("t", "n")
    if cell_type == "inlineStr":
        return _inline_text(cell)
    raw = next((child.text for child in cell if _local_name(child.tag) == "v"), None)
    if raw is None:
        return None
    if cell_type == "s":
        return strings.get(archive, int(raw))
    if cell_type in ("str", "e"):
        return raw
    if cell_type == "b":
        return raw.strip() in ("1", "true")
    if cell_type == "d":
        try:
            return dt.datetime.fromisoformat(raw.strip().rstrip("Z"))
        except ValueError:
            return raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    kind = layout.date_styles.get(int(cell.get("s", "0") or 0))
    if kind == "datetime":
        return _excel_serial_to_datetime(number, layout.date1904)
    if kind == "duration":
        return dt.timedelta(days=number)
    return number


def _iter_xlsx_rows(
    archive: zipfile.ZipFile, part: str, layout: _XlsxLayout, strings: _SharedStrings
) -> Generator[tuple[int, dict[int, object]], None, None]:
    """(Excel row number, {0-based column: value}) for each row with a value, streamed from the XML."""
    row_number = 0
    container: ElementTree.Element | None = None
    with archive.open(part) as handle:
        for event, element in _xml_events(handle):
            local = _local_name(element.tag)
            if event == "start":
                if local == "sheetData":
                    container = element
                continue
            if local != "row":
                continue
            number = element.get("r")
            row_number = int(number) if number else row_number + 1
            cells: dict[int, object] = {}
            column = -1
            for cell in element:
                if _local_name(cell.tag) != "c":
                    continue
                reference = cell.get("r")
                match = _CELL_REF.match(reference) if reference else None
                column = _column_index(match.group(1).upper()) if match else column + 1
                value = _xlsx_cell_value(cell, layout, strings, archive)
                if value is not None:
                    cells[column] = value
            element.clear()
            if container is not None:
                container.clear()  # rows already handled need not stay in memory
            if cells:
                yield row_number, cells


def _arrow_value_to_python(value: object) -> object:
    """Peek cells from fastexcel: dates become datetimes, NaN becomes None."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return _date_as_datetime(value)


def _peek_from_rows(rows: list[tuple[int, dict[int, object]]]) -> Peek:
    """Pad sparse rows to a grid spanning the first to the last used column."""
    used = [column for _, cells in rows for column, value in cells.items() if not _is_blank(value)]
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
    """Per row: does any cell hold something other than nothing or whitespace?"""
    mask = np.zeros(batch.num_rows, dtype=bool)
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            present = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column), ""), False)
        else:
            present = column.is_valid()
        mask |= np.asarray(present.to_numpy(zero_copy_only=False), dtype=bool)
    return mask


class _WorkbookSource(Source):
    """.xlsx / .xlsm / .xls / .ods: one table per sheet, positions as Excel shows them."""

    _table_word = "sheet"

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "workbook")
        suffix = path.suffix.lower()
        self.container: Container = _sniff_workbook(path, given, suffix)
        expected = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".xls": "xls"}[suffix]
        with _workbook_errors(given, self.container):
            # A workbook saved under the wrong extension is read from its bytes, which fastexcel sniffs.
            source: str | bytes = str(path) if self.container == expected else path.read_bytes()
            self._reader = fastexcel.read_excel(source)
            self._sheet_names = list(self._reader.sheet_names)
        self._xlsx_layout: _XlsxLayout | None = None
        self._shared_strings: _SharedStrings | None = None
        self._streaming_ok = self.container == "xlsx"

    def table_names(self) -> list[str]:
        return list(self._sheet_names)

    # -- peek --------------------------------------------------------------------------------------

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        sheet = self._resolve(table)
        if n_rows <= 0:
            return Peek(rows=[], row_numbers=[], column_labels=[])
        rows = self._stream_rows(
            sheet,
            keep=lambda _number, cells: _has_content(cells),
            stop=lambda kept, _number: len(kept) >= n_rows,
        )
        if rows is None:
            rows = self._fastexcel_rows(sheet, n_rows)
        return _peek_from_rows(rows[:n_rows])

    def _stream_rows(
        self,
        sheet: str,
        keep: Callable[[int, dict[int, object]], bool],
        stop: Callable[[list[tuple[int, dict[int, object]]], int], bool],
    ) -> list[tuple[int, dict[int, object]]] | None:
        """Rows streamed from the top of an .xlsx sheet until ``stop``; None if streaming is not
        possible for this file (the caller then uses fastexcel)."""
        if not self._streaming_ok:
            return None
        try:
            with zipfile.ZipFile(self.path) as archive:
                if self._xlsx_layout is None:
                    self._xlsx_layout = _XlsxLayout(archive)
                    self._shared_strings = _SharedStrings(self._xlsx_layout.shared_strings_part)
                layout, strings = self._xlsx_layout, self._shared_strings
                part = layout.sheet_parts.get(sheet)
                if part is None or strings is None:
                    return None
                kept: list[tuple[int, dict[int, object]]] = []
                rows = _iter_xlsx_rows(archive, part, layout, strings)
                try:
                    for number, cells in rows:
                        if keep(number, cells):
                            kept.append((number, cells))
                        if stop(kept, number):
                            break
                finally:
                    rows.close()
                return kept
        except Exception:  # noqa: BLE001 - any oddity in the package: let fastexcel handle it
            self._streaming_ok = False
            return None

    def _fastexcel_rows(self, sheet: str, n_rows: int) -> list[tuple[int, dict[int, object]]]:
        """First ``n_rows`` non-blank rows via fastexcel (cheap for .ods/.xls: parsed when opened)."""
        budget = max(4 * n_rows, 200)
        while True:
            with _workbook_errors(self._given, self.container, sheet):
                loaded = self._reader.load_sheet(
                    sheet, header_row=None, skip_rows=0, n_rows=budget, skip_whitespace_tail_rows=True
                )
                batch = loaded.to_arrow()
                columns = [info.absolute_index for info in loaded.selected_columns]
            values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            rows: list[tuple[int, dict[int, object]]] = []
            for index in range(batch.num_rows):
                cells = {}
                for position, column in enumerate(columns):
                    value = _arrow_value_to_python(values[position][index])
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
        rows = self._stream_rows(
            sheet,
            keep=lambda number, _cells: number == row_number,
            stop=lambda _kept, number: number >= row_number,
        )
        if rows is not None:
            return rows[0][1] if rows else {}
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
            column: _arrow_value_to_python(batch.column(position)[0].as_py())
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
        )

    def _load_rows(
        self, sheet: str, first_data_row: int
    ) -> tuple[pa.RecordBatch, list[int], dict[int, dict[int, str]]]:
        """Rows from ``first_data_row`` down, typed per column from every row.

        Returns the batch, the absolute column index of each batch column, and the cells fastexcel
        nulled that must come back as text: {batch column: {batch row: text}} (Excel error values).
        """
        with _workbook_errors(self._given, self.container, sheet):
            try:
                loaded = self._reader.load_sheet(
                    sheet,
                    header_row=None,
                    skip_rows=first_data_row - 1,
                    schema_sample_rows=None,
                    skip_whitespace_tail_rows=True,
                )
            except fastexcel.InvalidParametersError as exc:
                if "too many rows skipped" in str(exc).lower():
                    return pa.record_batch({}), [], {}
                raise
            batch, errors = loaded.to_arrow_with_errors()
            columns = [info.absolute_index for info in loaded.selected_columns]
        batch = _dates_as_timestamps(batch)
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
    return any(not _is_blank(value) for value in cells.values())


def _dates_as_timestamps(batch: pa.RecordBatch) -> pa.RecordBatch:
    """date32 columns (from .ods) become timestamps, so every date column is datetime64."""
    if not any(pa.types.is_date(field.type) for field in batch.schema):
        return batch
    arrays = [
        column.cast(pa.timestamp("ms")) if pa.types.is_date(column.type) else column for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


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


# --------------------------------------------------------------------------------------------------
# CSV: one file, or a folder of files named after tables
# --------------------------------------------------------------------------------------------------

_NOT_CONTENT = np.ones(256, dtype=bool)
_NOT_CONTENT[[ord(","), ord('"'), ord("\r"), ord("\n"), ord(" "), ord("\t")]] = False  # True = content byte
_QUOTE_NEIGHBOURS = np.array([ord(","), ord("\n"), ord("\r"), ord('"')], dtype=np.uint8)


@dataclass
class _CsvRecords:
    """Where each non-blank record (row) of a CSV file is, by physical line.

    Blank lines are not records. ``starts``/``ends`` (byte offsets into the UTF-8 text) are set when
    the file's quoting is standard and pyarrow can parse any slice of it; otherwise ``rows`` holds
    every record parsed by Python's csv module.
    """

    lines: np.ndarray
    end_lines: np.ndarray
    field_counts: np.ndarray
    has_content: np.ndarray
    quoted: bool
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None
    rows: list[list[str]] | None = None


def _unterminated_quote(given: str, line: int) -> NoReturn:
    _fail(
        f'a quoted value starting on line {line} is never closed (a " is missing); '
        "check that line for a stray quote mark",
        given,
        line=line,
    )


def _record_has_content(record: bytes) -> bool:
    """Does one CSV record hold a value that is not empty or whitespace?"""
    if b'"' not in record:
        return bool(record.strip(b" \t\r\n,"))
    fields = next(csv.reader(io.StringIO(record.decode("utf-8"), newline="")), [])
    return any(field.strip() for field in fields)


def _scan_csv_fast(data: bytes, given: str) -> _CsvRecords | None:
    """Record boundaries, line numbers and field counts by a vectorised scan of the bytes.

    Exact for standard (RFC 4180) quoting, which is what Excel writes; returns None when a quote
    appears somewhere the standard does not allow (the caller then uses the csv module).
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    size = codes.size
    all_newlines = np.flatnonzero(codes == 10)
    quotes = np.flatnonzero(codes == 34)
    commas = np.flatnonzero(codes == 44)
    newlines = all_newlines
    if quotes.size:
        opening, closing = quotes[0::2], quotes[1::2]
        before = codes[np.maximum(opening - 1, 0)]
        after = codes[np.minimum(closing + 1, size - 1)]
        opening_ok = (opening == 0) | np.isin(before, _QUOTE_NEIGHBOURS)
        closing_ok = (closing + 1 >= size) | np.isin(after, _QUOTE_NEIGHBOURS)
        if not (opening_ok.all() and closing_ok.all()):
            return None
        if quotes.size % 2:
            _unterminated_quote(given, int(np.searchsorted(all_newlines, quotes[-1])) + 1)
        newlines = all_newlines[np.searchsorted(quotes, all_newlines) % 2 == 0]
        commas = commas[np.searchsorted(quotes, commas) % 2 == 0]
    starts = np.concatenate(([0], newlines + 1)).astype(np.int64)
    ends = np.concatenate((newlines, [size])).astype(np.int64)
    if starts[-1] >= size:
        starts, ends = starts[:-1], ends[:-1]
    lengths = ends - starts
    first_bytes = codes[np.minimum(starts, max(size - 1, 0))] if size else np.zeros(0, dtype=np.uint8)
    blank = (lengths == 0) | ((lengths == 1) & (first_bytes == 13))
    starts, ends, first_bytes = starts[~blank], ends[~blank], first_bytes[~blank]
    # A record has content if any byte is not a separator, quote or whitespace. Most records start
    # with a content byte; only the others need their bytes looked at.
    has_content = _NOT_CONTENT[first_bytes]
    for index in np.flatnonzero(~has_content):
        has_content[index] = _record_has_content(data[starts[index] : ends[index]])
    return _CsvRecords(
        lines=np.searchsorted(all_newlines, starts).astype(np.int64) + 1,
        end_lines=np.searchsorted(all_newlines, np.maximum(ends - 1, starts)).astype(np.int64) + 1,
        field_counts=(np.searchsorted(commas, ends) - np.searchsorted(commas, starts)).astype(np.int64) + 1,
        has_content=has_content,
        quoted=bool(quotes.size),
        starts=starts,
        ends=ends,
    )


def _csv_module_rows(text: str, given: str, first_line: int = 1) -> tuple[list[list[str]], list[int], list[int]]:
    """Records (blank lines skipped), their start lines and end lines, by Python's csv module."""

    def run(strict: bool) -> tuple[list[list[str]], list[int], list[int]]:
        reader = csv.reader(io.StringIO(text, newline=""), strict=strict)
        rows: list[list[str]] = []
        starts: list[int] = []
        ends: list[int] = []
        previous_end = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return rows, starts, ends
            except csv.Error as exc:
                line = previous_end + first_line
                if "unexpected end of data" in str(exc):
                    _unterminated_quote(given, line)
                if strict:
                    raise
                _fail(f"line {line} could not be read as CSV ({exc})", given, line=line)
            start = previous_end + first_line
            previous_end = reader.line_num
            if fields:
                rows.append(fields)
                starts.append(start)
                ends.append(previous_end + first_line - 1)

    try:
        return run(strict=True)
    except csv.Error:
        return run(strict=False)  # e.g. `"ab"cd`: read leniently, as Excel does


def _scan_csv_with_module(text: str, given: str) -> _CsvRecords:
    rows, starts, ends = _csv_module_rows(text, given)
    return _CsvRecords(
        lines=np.array(starts, dtype=np.int64),
        end_lines=np.array(ends, dtype=np.int64),
        field_counts=np.array([len(fields) for fields in rows], dtype=np.int64),
        has_content=np.array([any(field.strip() for field in fields) for fields in rows], dtype=bool),
        quoted=True,
        rows=rows,
    )


class _CsvTable:
    """One CSV file: decoded once, scanned once, then peeked at and read by line number."""

    def __init__(self, path: Path, given: str) -> None:
        self.path = path
        self.given = given
        self.name = path.stem
        self._utf8: bytes = b""
        self._records: _CsvRecords | None = None

    def records(self) -> _CsvRecords:
        if self._records is None:
            self._records = self._scan()
        return self._records

    def _scan(self) -> _CsvRecords:
        raw = _read_bytes(self.path, self.given)
        if not raw:
            _fail("is empty (0 bytes)", self.given)
        if raw.startswith(_ZIP_SIGNATURES):
            _fail("is a workbook (.xlsx or .ods) saved with a .csv name; give the file its real extension", self.given)
        if raw.startswith(_OLE_SIGNATURE):
            _fail("is an Excel workbook (.xls, or a password-protected file) saved with a .csv name", self.given)
        text, encoding = _decode_text(raw, self.given, "CSV")
        if encoding != "utf-8":
            utf8 = text.encode("utf-8")
        elif raw.startswith(b"\xef\xbb\xbf"):
            utf8 = raw[3:]
        else:
            utf8 = raw
        if b"\r" in utf8:  # Windows (CRLF) and old Mac (CR) line endings: one kind of line break
            utf8 = utf8.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        self._utf8 = utf8
        records = _scan_csv_fast(utf8, self.given)
        if records is None:
            records = _scan_csv_with_module(utf8.decode("utf-8"), self.given)
        if not records.has_content.any():
            _fail("has no rows (only blank lines or empty values)", self.given)
        return records

    def _record_fields(self, index: int) -> list[str]:
        records = self.records()
        if records.rows is not None:
            return records.rows[index]
        assert records.starts is not None and records.ends is not None
        text = self._utf8[records.starts[index] : records.ends[index]].decode("utf-8")
        return next(csv.reader(io.StringIO(text, newline="")), [])

    def peek(self, n_rows: int) -> Peek:
        records = self.records()
        chosen = np.flatnonzero(records.has_content)[: max(n_rows, 0)]
        rows: list[list[object]] = [
            [field if field != "" else None for field in self._record_fields(int(i))] for i in chosen
        ]
        width = max((len(row) for row in rows), default=0)
        return Peek(
            rows=[row + [None] * (width - len(row)) for row in rows],
            row_numbers=[int(records.lines[i]) for i in chosen],
            column_labels=[column_letter(i) for i in range(width)],
        )

    def read(self, header_row: int | None) -> RawTable:
        records = self.records()
        headers: list[str] = []
        header_index: int | None = None
        if header_row is None:
            first = 0
        else:
            first = int(np.searchsorted(records.lines, header_row))
            if first < len(records.lines) and records.lines[first] == header_row:
                header_index, first = first, first + 1
            elif first > 0 and records.end_lines[first - 1] >= header_row:
                start = int(records.lines[first - 1])
                _fail(
                    f"line {header_row} is inside a quoted value that starts on line {start}; "
                    "a header must be the first line of a row",
                    self.given,
                    line=header_row,
                )
        content = np.flatnonzero(records.has_content[first:])
        if content.size:
            if header_row is None:
                first += int(content[0])
                content -= int(content[0])
            stop = first + int(content[-1]) + 1
        else:
            stop = first
        counts = records.field_counts[first:stop]
        if header_index is not None:
            header_fields = self._record_fields(header_index)
            width = len(header_fields)
            too_long = np.flatnonzero(counts > width)
            if too_long.size:
                bad = first + int(too_long[0])
                line = int(records.lines[bad])
                _fail(
                    f"line {line} has {int(records.field_counts[bad])} values but the header on line "
                    f"{header_row} has {width}; check that line for an extra comma or a value "
                    "with a comma that is not in quotes",
                    self.given,
                    line=line,
                )
            headers = header_fields
        else:
            width = int(counts.max()) if counts.size else 0
            if header_row is not None:
                headers = [""] * width
        data = self._frame(first, stop, width)
        return RawTable(
            name=self.name,
            file=self.given,
            sheet=None,
            style="line",
            headers=list(headers),
            column_labels=[column_letter(i) for i in range(width)],
            data=data,
            row_numbers=records.lines[first:stop].copy(),
            header_row=header_row,
        )

    def _frame(self, first: int, stop: int, width: int) -> pd.DataFrame:
        """Records ``first``..``stop-1`` as text columns (empty fields missing)."""
        count = stop - first
        if count <= 0 or width == 0:
            return pd.DataFrame({i: pd.Series([], dtype="str") for i in range(width)})
        records = self.records()
        if records.rows is None and bool((records.field_counts[first:stop] == width).all()):
            assert records.starts is not None and records.ends is not None
            chunk = self._utf8[records.starts[first] : records.ends[stop - 1]]
            frame = _pyarrow_text_frame(chunk, width, records.quoted)
            if frame is not None and len(frame) == count:
                return frame
        rows = [self._record_fields(i) for i in range(first, stop)]
        return _text_frame_from_rows(rows, width)


def _pyarrow_text_frame(chunk: bytes, width: int, quoted: bool) -> pd.DataFrame | None:
    """Parse a CSV slice with pyarrow, every column text, empty fields missing; None on failure."""
    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(chunk),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(newlines_in_values=quoted, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    frame = table.to_pandas()
    frame.columns = pd.RangeIndex(width)
    return frame


def _text_frame_from_rows(rows: list[list[str]], width: int) -> pd.DataFrame:
    padded = [row + [""] * (width - len(row)) for row in rows]
    columns = list(zip(*padded)) if padded else [() for _ in range(width)]
    return pd.DataFrame(
        {
            i: pd.array([value if value != "" else None for value in column], dtype="str")
            for i, column in enumerate(columns)
        },
        index=pd.RangeIndex(len(rows)),
    )


class _CsvFileSource(Source):
    """A single .csv file: one table named after the file's stem."""

    _table_word = "table"

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "csv")
        self._table = _CsvTable(path, given)
        self._table.records()  # fail now on an empty, binary or malformed file

    def table_names(self) -> list[str]:
        return [self._table.name]

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        self._resolve(table)
        return self._table.peek(n_rows)

    def read(self, table: str, header_row: int | None) -> RawTable:
        self._resolve(table)
        self._check_header_row(header_row)
        return self._table.read(header_row)


class _CsvFolderSource(Source):
    """A folder of .csv files, one table per file named after its stem (``workforce.csv``)."""

    _table_word = "table"

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "csv_folder")
        try:
            files = _csv_files_in(path)
        except OSError as exc:
            _fail(f"folder cannot be read: {exc.strerror or exc}", given)
        if not files:
            _fail("folder has no .csv files (expected files such as contract.csv and workforce.csv)", given)
        self._tables = {file.stem: _CsvTable(file, str(file)) for file in files}

    def table_names(self) -> list[str]:
        return list(self._tables)

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        return self._tables[self._resolve(table)].peek(n_rows)

    def read(self, table: str, header_row: int | None) -> RawTable:
        name = self._resolve(table)
        self._check_header_row(header_row)
        return self._tables[name].read(header_row)


# --------------------------------------------------------------------------------------------------
# JSON / YAML: an object with one key per table
# --------------------------------------------------------------------------------------------------

_EXAMPLE_SHAPE = '{"contract": {"provider": "..."}, "workforce": [{"name": "...", "hourly_rate": 12.5}]}'


def _kind_of(value: object) -> str:
    if value is None:
        return "nothing (null)"
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(type(value), "a number")


class _MappingSource(Source):
    """.json / .yaml / .yml: tables are keys; a table is a mapping (one record) or a list of records."""

    _table_word = "table"

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "mapping")
        is_json = path.suffix.lower() == ".json"
        what = "JSON" if is_json else "YAML"
        text, _encoding = _decode_text(_read_bytes(path, given), given, what)
        if not text.strip():
            _fail(f"is empty (no {what} content)", given)
        document = self._parse_json(text) if is_json else self._parse_yaml(text)
        if not isinstance(document, dict):
            _fail(
                f"should be a {what} object with one key per table, like {_EXAMPLE_SHAPE}; "
                f"found {_kind_of(document)} instead",
                given,
            )
        if not document:
            _fail(f"has no tables (the top-level {what} object is empty)", given)
        self._tables: dict[str, object] = {str(key): value for key, value in document.items()}
        self._yaml_dates = not is_json  # YAML turns 2024-04-01 into a date; make it a datetime

    def _parse_json(self, text: str) -> object:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            _fail(f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", self._given, line=exc.lineno)
        except RecursionError:
            _fail("is not usable JSON: it is nested too deeply", self._given)

    def _parse_yaml(self, text: str) -> object:
        try:
            return yaml.safe_load(text)
        except yaml.constructor.ConstructorError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            problem = exc.problem or "it uses a construct that is not plain data"
            _fail(
                f"uses a YAML tag that is not allowed ({problem}); only plain data (mappings, lists, text, "
                "numbers, dates) is accepted",
                self._given,
                line=line,
            )
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            _fail(f"is not valid YAML: {exc.problem or exc.context}", self._given, line=line)
        except yaml.YAMLError as exc:
            _fail(f"is not valid YAML: {exc}", self._given)
        except RecursionError:
            _fail("is not usable YAML: it is nested too deeply", self._given)

    def table_names(self) -> list[str]:
        return list(self._tables)

    def _records(self, name: str) -> tuple[list[dict[str, object]], bool]:
        """The table's records (a mapping is one record) and whether it was a mapping."""
        value = self._tables[name]
        if isinstance(value, dict):
            records: list[dict[object, object]] = [value]
            is_mapping = True
        elif isinstance(value, list):
            for index, item in enumerate(value, start=1):
                if not isinstance(item, dict):
                    _fail(
                        f"{name}[{index}] should be an object with one key per column, not {_kind_of(item)}",
                        self._given,
                        row=index,
                    )
            records, is_mapping = value, False
        else:
            _fail(
                f"table {name!r} should be an object (a key/value table) or a list of objects (rows), "
                f"not {_kind_of(value)}",
                self._given,
            )
        if self._yaml_dates or any(not isinstance(key, str) for record in records for key in record):
            records = [{str(key): _date_as_datetime(item) for key, item in record.items()} for record in records]
        return records, is_mapping  # type: ignore[return-value]

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        name = self._resolve(table)
        records, _ = self._records(name)
        keys = _dedupe_order(key for record in records for key in record)
        if not keys or n_rows <= 0:
            return Peek(rows=[], row_numbers=[], column_labels=keys)
        shown = records[: n_rows - 1]
        return Peek(
            rows=[list[object](keys)] + [[record.get(key) for key in keys] for record in shown],
            row_numbers=list(range(len(shown) + 1)),
            column_labels=list(keys),
        )

    def read(self, table: str, header_row: int | None) -> RawTable:
        name = self._resolve(table)
        records, is_mapping = self._records(name)
        keys = _dedupe_order(key for record in records for key in record)
        count = len(records)
        while count and all(_is_blank(value) for value in records[count - 1].values()):
            count -= 1
        kept = records[:count]
        data = pd.DataFrame(
            {i: pd.Series([record.get(key) for record in kept], dtype=object) for i, key in enumerate(keys)},
            index=pd.RangeIndex(count),
        )
        return RawTable(
            name=name,
            file=self._given,
            sheet=None,
            style="json",
            headers=list(keys),
            column_labels=list(keys),
            data=data,
            row_numbers=np.arange(1, count + 1, dtype=np.int64),
            header_row=0,
            is_mapping=is_mapping,
        )
