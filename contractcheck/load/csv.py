"""CSV: one file (one table named after the file), or a folder of files named after tables.

Files are decoded as UTF-8 (with or without BOM), falling back to Windows-1252, the two encodings Excel
writes. Physical line numbers come from a vectorised scan of the bytes (:func:`_scan_csv_fast`) that
understands quoted fields with embedded newlines: record starts, ends, first and last line and field
count for every record, in a handful of numpy passes. The records under a header are then parsed by
pyarrow with every column as text. Files with non-standard quoting (a quote in the middle of a field)
fall back to Python's :mod:`csv` module, read leniently the way Excel reads them.

A file is read once, by its source, which hashes the bytes it read (:meth:`Source.sha256`); its
UTF-8 bytes and record index are kept so a peek and the later read cost no second pass over the disk.
A folder's files are all read (and hashed) when it is opened, and each is parsed only when asked for.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from contractcheck.blank import is_blank
from contractcheck.limits import current_limits
from contractcheck.load import Peek, RawTable, Source
from contractcheck.load._common import (
    ENCODING_NAMES,
    OLE_SIGNATURE,
    ZIP_SIGNATURES,
    FolderDigest,
    check_file_size,
    column_letter,
    csv_files_in,
    decode_text,
    fail,
    read_bytes,
)

# True for a byte that starts a visible value. Separators, quotes and ASCII whitespace do not, and
# neither does a byte of a multi-byte character (it may be a no-break or zero-width space): records
# starting with one are decoded and looked at (_record_has_content).
_NOT_CONTENT = np.ones(256, dtype=bool)
_NOT_CONTENT[[ord(c) for c in ',"\r\n \t\f\v']] = False
_NOT_CONTENT[0x80:] = False
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


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _detect_delimiter(text: str) -> str:
    """The separator the file uses: comma, semicolon (Excel in much of Europe) or tab (Excel's "Unicode text").

    Each is tried on the first rows: the one that splits the first non-blank row into more than one value and
    gives the most rows that many values wins; comma wins a tie, so an ordinary file is always read as it was.
    """
    sample = text[:65536]
    cut = sample.rfind("\n")
    if cut > 0 and len(text) > len(sample):
        sample = sample[:cut]
    best, best_score = ",", -1
    for delimiter in _DELIMITER_NAMES:
        try:
            rows = [row for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if row][:50]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        score = sum(len(row) == len(rows[0]) for row in rows)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _with_commas(text: str, delimiter: str, given: str) -> str:
    """The same records written with commas; values that hold a newline stay quoted, so lines do not move."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    with _long_fields():
        try:
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                writer.writerow(row)
        except csv.Error as exc:
            fail(f"could not be read as {_DELIMITER_NAMES[delimiter]}-separated values ({exc})", given)
    return out.getvalue()


class _long_fields:
    """Lets Python's csv module read values up to the limit in force (its own default is 131,072 characters);
    longer records are refused before any parsing (:func:`_refuse_long_records`)."""

    def __enter__(self) -> None:
        self._before = csv.field_size_limit(max(csv.field_size_limit(), current_limits().max_csv_field + 1))

    def __exit__(self, *exc: object) -> None:
        csv.field_size_limit(self._before)


def _refuse_long_records(data: bytes, given: str) -> None:
    """A line (or quoted record) longer than the value limit is refused with its line, before parsing."""
    limit = current_limits().max_csv_field
    if len(data) <= limit:
        return
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    bounds = np.concatenate(([-1], breaks, [len(data)]))
    lengths = np.diff(bounds) - 1
    if lengths.max() <= limit:
        return
    line = int(np.argmax(lengths > limit)) + 1
    fail(f"line {line} holds a value longer than {limit:,} characters, the limit for one CSV value "
         "(--max-csv-value); is it the right file?", given, line=line)


def _unterminated_quote(given: str, line: int) -> NoReturn:
    fail(
        f'a quoted value starting on line {line} is never closed (a " is missing); '
        "check that line for a stray quote mark",
        given,
        line=line,
    )


def _record_has_content(record: bytes) -> bool:
    """Does one CSV record hold a value that is not blank (:mod:`contractcheck.blank`)?"""
    text = record.decode("utf-8")
    if '"' not in text:
        return any(not is_blank(field) for field in text.split(","))
    with _long_fields():
        fields = next(csv.reader(io.StringIO(text, newline="")), [])
    return any(not is_blank(field) for field in fields)


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
                fail(f"line {line} could not be read as CSV ({exc})", given, line=line)
            start = previous_end + first_line
            previous_end = reader.line_num
            if fields:
                rows.append(fields)
                starts.append(start)
                ends.append(previous_end + first_line - 1)

    with _long_fields():
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
        has_content=np.array([any(not is_blank(field) for field in fields) for fields in rows], dtype=bool),
        quoted=True,
        rows=rows,
    )


class _CsvTable:
    """One CSV file: its bytes (given by the source, or read from ``path`` when first needed) decoded and
    scanned once, then peeked at and read by line number."""

    def __init__(self, path: Path, given: str, raw: bytes | None = None) -> None:
        self.path = path
        self.given = given
        self.name = path.stem
        self._raw: bytes | None = raw  # let go once scanned: the UTF-8 text below is what is kept
        self._utf8: bytes = b""
        self._records: _CsvRecords | None = None
        self.encoding = "utf-8"
        self.delimiter = ","

    def note(self) -> str | None:
        """How the file was read, when it is not plain comma-separated UTF-8 (for the report's notes)."""
        if self.encoding in ("utf-8", "utf-8-sig") and self.delimiter == ",":
            return None
        return (f"{self.path.name} read as {_DELIMITER_NAMES[self.delimiter]}-separated values in "
                f"{ENCODING_NAMES[self.encoding]}")

    def scanned(self) -> bool:
        return self._records is not None

    def records(self) -> _CsvRecords:
        """Where every record is (decoding and scanning the file on the first call)."""
        if self._records is None:
            self._records = self._scan()
        return self._records

    def _scan(self) -> _CsvRecords:
        raw = self._raw if self._raw is not None else read_bytes(self.path, self.given)
        if not raw:
            fail("is empty (0 bytes)", self.given)
        if raw.startswith(ZIP_SIGNATURES):
            fail("is a workbook (.xlsx or .ods) saved with a .csv name; give the file its real extension", self.given)
        if raw.startswith(OLE_SIGNATURE):
            fail("is an Excel workbook (.xls, or a password-protected file) saved with a .csv name", self.given)
        text, encoding = decode_text(raw, self.given, "CSV")
        if "\r" in text:  # Windows (CRLF) and old Mac (CR) line endings: one kind of line break
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.encoding = encoding
        self.delimiter = _detect_delimiter(text)
        if self.delimiter != ",":  # rewritten with commas, record for record and line for line
            text = _with_commas(text, self.delimiter, self.given)
        utf8 = raw[3:] if encoding == "utf-8-sig" else raw if encoding == "utf-8" else text.encode("utf-8")
        if self.delimiter != "," or b"\r" in utf8:
            utf8 = text.encode("utf-8")
        _refuse_long_records(utf8, self.given)
        self._utf8 = utf8
        records = _scan_csv_fast(utf8, self.given)
        if records is None:
            records = _scan_csv_with_module(utf8.decode("utf-8"), self.given)
        if not records.has_content.any():
            fail("has no rows (only blank lines or empty values)", self.given)
        self._raw = None
        return records

    def _record_fields(self, index: int) -> list[str]:
        records = self.records()
        if records.rows is not None:
            return records.rows[index]
        assert records.starts is not None and records.ends is not None
        text = self._utf8[records.starts[index] : records.ends[index]].decode("utf-8")
        with _long_fields():
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
                fail(
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
                fail(
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


class CsvFileSource(Source):
    """A single .csv file: one table named after the file's stem."""

    table_word = "table"
    single_unnamed_table = True

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "csv")
        raw = read_bytes(path, given)
        self._sha256 = hashlib.sha256(raw).hexdigest()
        self._table = _CsvTable(path, given, raw)
        self._table.records()  # fail now on an empty, binary or malformed file

    def sha256(self) -> str:
        return self._sha256

    def notes(self) -> list[str]:
        note = self._table.note()
        return [note] if note else []

    def table_names(self) -> list[str]:
        return [self._table.name]

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        self._resolve(table)
        return self._table.peek(n_rows)

    def read(self, table: str, header_row: int | None) -> RawTable:
        self._resolve(table)
        self._check_header_row(header_row)
        return self._table.read(header_row)


class CsvFolderSource(Source):
    """A folder of .csv files, one table per file named after its stem (``workforce.csv``)."""

    table_word = "table"

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "csv_folder")
        try:
            files = csv_files_in(path)
        except OSError as exc:
            fail(f"folder cannot be read: {exc.strerror or exc}", given)
        if not files:
            fail("folder has no .csv files (expected files such as contract.csv and workforce.csv)", given)
        # The hash covers every file, streamed in blocks; a file is read into memory only when a table
        # in it is asked for, so other files in the folder cost no memory.
        digest = FolderDigest()
        self._tables: dict[str, _CsvTable] = {}
        for file in files:
            try:
                check_file_size(file.stat().st_size, str(file))
            except OSError as exc:
                fail(f"cannot be read: {exc.strerror or exc}", str(file))
            digest.add_file(file, str(file))
            self._tables[file.stem] = _CsvTable(file, str(file))
        self._sha256 = digest.hexdigest()

    def sha256(self) -> str:
        return self._sha256

    def notes(self) -> list[str]:
        # only the files a check asked for were read; the others say nothing
        return [note for table in self._tables.values() if table.scanned() and (note := table.note())]

    def table_names(self) -> list[str]:
        return list(self._tables)

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        return self._tables[self._resolve(table)].peek(n_rows)

    def read(self, table: str, header_row: int | None) -> RawTable:
        name = self._resolve(table)
        self._check_header_row(header_row)
        return self._tables[name].read(header_row)

