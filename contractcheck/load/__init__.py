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

Where each part lives (the readers touch only through :mod:`contractcheck.load._common`):

* ``__init__``: the :class:`Source` protocol, :class:`Peek`, :class:`RawTable` and :func:`open_source`,
  which picks a reader by the file's suffix (the readers then check the bytes);
* ``_common``: one-line errors with a position, text decoding, column letters, hashing;
* ``workbook``: fastexcel, sniffing, encryption, Excel error cells;
* ``xlsx_stream``: the streaming XML peek (package layout, shared strings, row iterator);
* ``csv``: the vectorised line scan, the ``csv``-module fallback, file and folder sources;
* ``mapping``: JSON and YAML.

Input files are only ever opened for reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from contractcheck.limits import special_file_problem
from contractcheck.load._common import (
    SUPPORTED_SUFFIXES,
    SUPPORTED_TEXT,
    WORKBOOK_SUFFIXES,
    check_file_size,
    column_letter,
    fail,
    sha256_of,
)
from contractcheck.position import LocationStyle

__all__ = [
    "SUPPORTED_SUFFIXES",
    "LocationStyle",
    "Peek",
    "RawTable",
    "Source",
    "SourceKind",
    "column_letter",
    "open_source",
    "sha256_of",
]

SourceKind = Literal["workbook", "csv_folder", "csv", "mapping"]


# --------------------------------------------------------------------------------------------------
# Public data shapes
# --------------------------------------------------------------------------------------------------


@dataclass
class Peek:
    """The first rows of a table, for deciding which row is the header.

    Rows that are entirely blank (:mod:`contractcheck.blank`) are skipped, so ``row_numbers``
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
    # workbooks: formula cells whose result was never saved, {column label: [row, …]} (load.formulas)
    unsaved_formulas: dict[str, list[int]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# Source: the common interface
# --------------------------------------------------------------------------------------------------


class Source:
    """An opened input (workbook, CSV file, folder of CSV files, or JSON/YAML object of tables).

    The protocol is peek → decide → read: :meth:`table_names` says what is in the file, exactly as
    written; the caller decides which name is which table (by its own matching rules, in
    :mod:`contractcheck.normalise.headings`), peeks at the first rows to decide which row is the
    header, then reads the table under it. Names given to :meth:`peek` and :meth:`read` must be
    exact: an unknown name is an InputError listing the names that exist.
    """

    path: Path
    kind_hint: SourceKind
    #: what one table is called in messages: "sheet" for a workbook, "table" otherwise
    table_word: str = "table"
    #: True when the file is one table whose only name is the file's own (a single CSV file):
    #: the caller decides which table it holds instead of matching its name
    single_unnamed_table: bool = False

    def __init__(self, path: Path, given: str, kind_hint: SourceKind) -> None:
        self.path = path
        self.kind_hint = kind_hint
        self._given = given

    def notes(self) -> list[str]:
        """How the file was read, where a reader of the report should know it (a CSV's separator and encoding
        when they are not comma and UTF-8). Empty for most files."""
        return []

    def hidden_names(self) -> list[str]:
        """Sheets the workbook hides, which are never read (a stale copy kept out of sight must not win over the
        sheet the provider sees). The normalise stage notes those named like a table of the return."""
        return []

    @property
    def given(self) -> str:
        """The path as the caller gave it (what messages name)."""
        return self._given

    # -- names -------------------------------------------------------------------------------------

    def table_names(self) -> list[str]:
        """Table names as written: sheet names, CSV file stems, or JSON/YAML keys."""
        raise NotImplementedError

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        """The first ``n_rows`` non-blank rows of ``table``, with their positions."""
        raise NotImplementedError

    def read(self, table: str, header_row: int | None) -> RawTable:
        """``table`` read under ``header_row`` (None: no header, every row is data)."""
        raise NotImplementedError

    def sha256(self) -> str:
        """SHA-256 (64 hex digits) of the input: a file's bytes; for a folder, its .csv files' names
        and bytes in name order (as :func:`sha256_of`). Computed from the bytes the source reads
        (CSV, JSON, YAML) or by one streaming pass over the file (workbooks, which fastexcel reads
        itself), never by reading the input again after a check; InputError if it cannot be read.
        """
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------------------------

    def _resolve(self, table: str) -> str:
        """``table`` if the file has a table of exactly that name, else an InputError listing them."""
        names = self.table_names()
        if table in names:
            return table
        existing = ", ".join(repr(name) for name in names) or "(none)"
        fail(f"has no {self.table_word} named {table!r}; the {self.table_word}s it has are: {existing}", self._given)

    def _check_header_row(self, header_row: int | None) -> None:
        if header_row is not None and (isinstance(header_row, bool) or header_row < 1):
            fail(f"header row must be a row number of 1 or more, not {header_row!r}", self._given)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._given!r})"


def open_source(path: str | Path, name: str | None = None) -> Source:
    """Open an input file or folder for reading; raises InputError if it cannot be used.

    ``name``: what the file is called in findings and errors when that is not its path (``-``: standard input,
    spooled to a temporary file by the CLI).
    """
    given = name if name is not None else str(path)
    resolved = Path(path)
    if not resolved.exists():
        fail("file or folder not found", given)
    # the readers are imported when needed: a CSV check never imports fastexcel
    if resolved.is_dir():
        from contractcheck.load.csv import CsvFolderSource

        return CsvFolderSource(resolved, given)
    suffix = resolved.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"{resolved.suffix!r} files are" if resolved.suffix else "files without an extension are"
        fail(f"{shown} not supported; expected {SUPPORTED_TEXT}", given)
    special = special_file_problem(resolved)
    if special is not None:
        fail(special, given)
    try:
        size = resolved.stat().st_size
    except OSError as exc:
        fail(f"cannot be read: {exc.strerror or exc}", given)
    if size == 0:
        fail("is empty (0 bytes)", given)
    check_file_size(size, given)
    if suffix in WORKBOOK_SUFFIXES:
        from contractcheck.load.workbook import WorkbookSource

        return WorkbookSource(resolved, given)
    if suffix == ".csv":
        from contractcheck.load.csv import CsvFileSource

        return CsvFileSource(resolved, given)
    from contractcheck.load.mapping import MappingSource

    return MappingSource(resolved, given)
