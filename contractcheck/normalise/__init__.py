"""Normalise stage: raw tables → canonical tables with typed columns, and data issues.

Headings are mapped to field names through the return format's aliases; the header row is found by
scoring the first rows (providers put a title or two above it); every value is parsed by its field's
type. A value that cannot be parsed is kept as a *data issue* with its cell (reported by the DATA rules)
rather than stopping the check: the rest of the return is still judged.

Where each part lives: :mod:`~contractcheck.normalise.headings` matches every hand-written name (which
sheet is which table, which row is the heading row, which column is which field);
:mod:`~contractcheck.normalise.values` parses cell values, column by column; this module drives the load
stage (peek → decide → read) and builds the :class:`Dataset`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from contractcheck.blank import is_blank, is_null
from contractcheck.errors import GivenValueError, InputError, UsageError
from contractcheck.load import RawTable, Source
from contractcheck.load.formulas import UNSAVED_FORMULA
from contractcheck.normalise import ascwds, values
from contractcheck.normalise.headings import (
    canonical_heading,
    find_heading_rows,
    heading_index,
    match_tables,
)
from contractcheck.position import LocationStyle, Position
from contractcheck.return_format import FieldSpec, ReturnFormat, TableSpec
from contractcheck.value_types import FieldType

PARSERS: dict[str, Callable[[pd.Series], values.Parsed]] = {
    "text": values.parse_text,
    "number": values.parse_number,
    "money": values.parse_money,
    "percent": values.parse_percent,
    "yesno": values.parse_bool,
    "date": values.parse_date,
}
EMPTY_DTYPES: dict[str, str] = {
    "text": "string",
    "number": "Float64",
    "money": "Float64",
    "percent": "Float64",
    "yesno": "boolean",
    "date": "datetime64[ns]",
}
EXPECTED: dict[str, str] = {
    "text": "text",
    "number": "a number",
    "money": "an amount of money such as 12.50 or £1,650,000",
    "percent": "a percentage such as 12% or 0.12",
    "yesno": "yes or no (Y/N)",
    "date": "a date such as 31/03/2025 or 2025-03-31",
}
# fields with a unit are read by the unit's parser (an hours field accepts 6:30 and Excel durations)
UNIT_PARSERS: dict[str, Callable[[pd.Series], values.Parsed]] = {"hours": values.parse_hours}
UNIT_EXPECTED: dict[str, str] = {"hours": "a number of hours such as 6.5 or 6:30"}
HEADER_SEARCH_ROWS = 30


def parser_of(fspec: FieldSpec) -> Callable[[pd.Series], values.Parsed]:
    """The parser for a field's cells: its unit's if it has one, else its type's."""
    return UNIT_PARSERS[fspec.unit] if fspec.unit else PARSERS[fspec.type]


@dataclass
class DataIssue:
    """Something about the data itself that a DATA rule reports (not a reason to stop).

    ``value`` is the cell as read (a plain Python value, pd.NA when null), ``expected`` what it should
    have been in words ("a date such as 31/03/2025 ..."), for ``unparseable`` issues.
    """

    # missing columns are not issues: evaluate finds them, knowing which fields a schedule's rules need
    kind: Literal["unparseable", "missing_table", "no_header", "duplicate_heading"]
    table: str
    field: str | None
    message: str
    position: Position
    value: Any = None
    expected: str | None = None
    key: str | None = None  # the row's worker id (or other key), when the table has one


@dataclass
class UnreadableCells:
    """The cells of one column that could not be read as its field's type, as columns: a column of text in a
    money field is one of these, not one object per cell (``Table.unreadable``).

    ``rows`` (ascending) are the user-visible row numbers, ``values`` each cell as read (a plain Python value),
    ``keys`` the row's key (text, or None when the table has none or it is blank).
    """

    table: str
    field: str
    heading: str
    expected: str  # what the cells should have been, in words ("a date such as 31/03/2025 ...")
    column: str
    rows: np.ndarray
    values: np.ndarray
    keys: np.ndarray
    nearest: np.ndarray | None = None  # a coded field: the canonical value nearest each cell (None: nothing near)
    # why a cell has no value to read where it is not "is not <expected>" (a formula with no saved result, a date
    # written month first): the sentence after the heading, {!r} standing for the cell; None for the others
    reasons: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def messages(self) -> list[str]:
        """One sentence per cell: ``Hourly rate (£) 'tbc' is not a money amount …``; for a coded field, with the
        nearest canonical value (``… (nearest: Care worker)``); for a cell with a reason, ``Hourly rate (£) is a
        formula with no saved value: …``."""
        form = f"{_braced(self.heading)} {{!r}} is not {_braced(self.expected)}"
        said = list(map(form.format, self.values.tolist()))
        if self.nearest is not None:
            said = [f"{m} (nearest: {n})" if n else m for m, n in zip(said, self.nearest.tolist())]
        if self.reasons is not None:  # a reason is the sentence after the heading; {!r} is the cell as read
            said = [f"{self.heading} {r.format(v)}" if r else m
                    for m, r, v in zip(said, self.reasons.tolist(), self.values.tolist())]
        return said


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@dataclass
class Table:
    """A canonical table: typed columns named by field, plus where each row and column came from.

    ``frame`` has one column per field of ``spec`` (fields not in the file are all-NA), on a
    ``RangeIndex``: text ``string``, number/money/percent ``Float64`` (money in pounds, a percentage as a
    fraction: 12% is 0.12), yes/no ``boolean``, dates ``datetime64[ns]`` at midnight. NA where a cell was
    missing or could not be read (the latter are in ``unreadable``, by field). Spacer rows (nothing in any
    column read) are dropped; ``rows`` (``int64``, one per frame row) keeps each row's user-visible number.
    """

    name: str
    spec: TableSpec
    frame: pd.DataFrame
    rows: np.ndarray  # row number as the user sees it, per frame row
    columns: dict[str, str]  # field → column label
    headings: dict[str, str]  # field → heading as written
    file: str
    sheet: str | None
    style: LocationStyle
    present: set[str] = field(default_factory=set)  # fields found in the file
    unreadable: dict[str, UnreadableCells] = field(default_factory=dict)  # field → its cells that did not read
    # field → its cells outside an open vocabulary (kept as written; reported for information)
    unrecognised: dict[str, UnreadableCells] = field(default_factory=dict)
    # field → (user-visible rows, words): cells with no value that a message words as written, not as blank
    # (an ASC-WDS "don't know" code: "999 (don't know)")
    said: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def position(self, field_name: str | None, row: int | None) -> Position:
        """Where a field's cell on a user-visible ``row`` is (no column if the field is not in the file)."""
        column = self.columns.get(field_name or "")
        return Position(file=self.file, sheet=self.sheet, style=self.style, row=row, column=column)


@dataclass
class KeyValueTable:
    """A key/value sheet (Contract, Bid): field → parsed value (pd.NA if it did not read), and its row and
    column (the value's cell, beside the label); fields not in the file are absent from every dict."""

    name: str
    spec: TableSpec
    values: dict[str, Any]
    rows: dict[str, int]
    columns: dict[str, str]
    headings: dict[str, str]
    file: str
    sheet: str | None
    style: LocationStyle

    def position(self, field_name: str | None) -> Position:
        """Where a field's value is (row and column unknown if the field is not in the file)."""
        row, column = self.rows.get(field_name or ""), self.columns.get(field_name or "")
        return Position(file=self.file, sheet=self.sheet, style=self.style, row=row, column=column)


@dataclass
class Dataset:
    """Everything a check needs from one return or bid.

    ``tables``: the row tables found and read; ``keyvalues``: the key/value tables; ``scalars``: every
    key/value field's value by field name (values given beside the file win); ``found``: canonical table
    → its name in the file (a table with no heading row is found but not in ``tables``).
    """

    kind: Literal["return", "bid", "grant"]
    file: str
    tables: dict[str, Table]
    keyvalues: dict[str, KeyValueTable]
    scalars: dict[str, Any]
    issues: list[DataIssue]
    found: dict[str, str]  # canonical table → name in the file

    def frames(self) -> dict[str, pd.DataFrame]:
        """Each row table's typed frame, by canonical table name."""
        return {name: t.frame for name, t in self.tables.items()}


def _python_scalar(v: Any) -> Any:
    """A cell as a plain Python value for a report: null (contractcheck.blank) becomes pd.NA."""
    if is_null(v):
        return pd.NA
    if isinstance(v, np.generic):
        return v.item()
    return v


def parse_scalar(raw: Any, ftype: FieldType) -> tuple[Any, bool]:
    """Parse one key/value cell: (value or pd.NA, invalid?)."""
    parsed = PARSERS[ftype](pd.Series([raw], dtype=object))
    value = _python_scalar(parsed.values.iloc[0])
    if isinstance(value, pd.Timestamp):
        value = value.normalize()
    return value, bool(parsed.invalid.iloc[0])


def expected_words(fspec: FieldSpec, fmt: ReturnFormat) -> str:
    """What a field's cells should be, in words: its type's, or for a coded field its vocabulary's."""
    vocab = fmt.vocabulary_of(fspec)
    if vocab is None:
        return UNIT_EXPECTED[fspec.unit] if fspec.unit else EXPECTED[fspec.type]
    return f"a {vocab.title} this format knows, such as {vocab.examples()}"


def _parse_field(cells: pd.Series, fspec: FieldSpec, fmt: ReturnFormat) -> tuple[values.Parsed, np.ndarray | None]:
    """A column parsed by its field's type and, for a coded field, read through its vocabulary: canonical values;
    a value outside a closed vocabulary is invalid (blank to the rules); outside an open one it is kept as written
    and its cells are returned as the second item (None when there are none or the field is not coded)."""
    parsed = parser_of(fspec)(cells)
    vocab = fmt.vocabulary_of(fspec)
    if vocab is None:
        return parsed, None
    canonical, outside = vocab.canonical(parsed.values)
    if vocab.closed:
        invalid = parsed.invalid | pd.Series(outside, index=parsed.invalid.index)
        return values.Parsed(canonical, invalid), None
    return values.Parsed(canonical, parsed.invalid), (outside if outside.any() else None)


def _read_rows_table(source: Source, name_in_file: str, canonical: str, spec: TableSpec, fmt: ReturnFormat,
                     issues: list[DataIssue], establishment: str | None = None) -> Table | None:
    peek = source.peek(name_in_file, HEADER_SEARCH_ROWS)
    found = find_heading_rows(peek.rows, peek.row_numbers, spec)
    if found is None:
        expected = ", ".join(list(spec.fields)[:4])
        issues.append(DataIssue("no_header", canonical, None,
                                f"no heading row found in the first {HEADER_SEARCH_ROWS} rows of {spec.title} "
                                f"(expected headings such as {expected})",
                                Position(file=str(source.path), sheet=name_in_file)))
        return None
    raw = source.read(name_in_file, found.row)
    if found.headings:  # a heading over two rows: each column's heading, group and field read together
        by_label = {peek.column_labels[column]: text for column, text in found.headings.items()}
        raw = replace(raw, headers=[by_label.get(label, "") for label in raw.column_labels])
    profile = ascwds.profile_for(canonical, raw.headers)
    if profile is None:
        return _normalise_rows(raw, canonical, spec, fmt, issues)
    # an ASC-WDS bulk-upload file, in its own column names and codes, with its own required fields
    read = ascwds.ascwds_table(raw, profile, establishment)
    table = _normalise_rows(read.raw, canonical, ascwds.with_optional(spec, read.optional), fmt, issues,
                            given_reasons=read.reasons)
    by_field = {table.columns[f]: f for f in table.columns}
    for i, words in read.unknown.items():  # a "don't know" code is worded as such, never as a blank
        fname = by_field.get(read.raw.column_labels[i])
        if fname is not None:
            said = words != None  # noqa: E711 - elementwise
            table.said[fname] = (np.asarray(read.raw.row_numbers, dtype=np.int64)[said], words[said])
    for fname, bad in table.unreadable.items():  # present but not a value ASC-WDS takes: said so, never "blank"
        table.said[fname] = (bad.rows, np.array([ascwds.NOT_TAKEN.format(v) for v in bad.values.tolist()],
                                                dtype=object))
    return table


def _shown_sheet(raw: RawTable) -> str | None:
    """The sheet a position names: the workbook sheet, the table's key in a JSON/YAML return, None for a CSV."""
    return raw.sheet if raw.sheet is not None else (raw.name if raw.style == "json" else None)


def _normalise_rows(raw: RawTable, canonical: str, spec: TableSpec, fmt: ReturnFormat,
                    issues: list[DataIssue], given_reasons: Mapping[int, np.ndarray] | None = None) -> Table:
    """A row table read by field. ``given_reasons``: per column of ``raw``, why a cell has no value (the file's
    own format rejects it; None where it has), as the reasons month-first dates and unsaved formulas get."""
    index = heading_index(spec)
    sheet = _shown_sheet(raw)
    mapped: dict[str, int] = {}
    headings: dict[str, str] = {}
    columns: dict[str, str] = {}
    for i, heading in enumerate(raw.headers):
        fname = index.get(canonical_heading(heading)) if heading else None
        if fname is None:
            continue
        if fname in mapped:
            issues.append(DataIssue(
                "duplicate_heading", canonical, fname,
                f"heading '{heading}' is a second column for {fname} (column {columns[fname]} is used)",
                Position(file=raw.file, sheet=sheet, style=raw.style, row=raw.header_row, column=raw.column_labels[i]),
                heading))
            continue
        mapped[fname] = i
        headings[fname] = str(heading)
        columns[fname] = raw.column_labels[i]

    data = raw.data
    rows = np.asarray(raw.row_numbers, dtype=np.int64)
    parsed: dict[str, values.Parsed] = {}
    outside: dict[str, np.ndarray] = {}  # coded fields: cells outside an open vocabulary
    reasons: dict[str, np.ndarray] = {}  # field → per row, why its cell has no value (None: no special reason)
    for fname, i in mapped.items():
        column = data[i].reset_index(drop=True)
        parsed[fname], unknown = _parse_field(column, spec.fields[fname], fmt)
        if unknown is not None:
            outside[fname] = unknown
        # a date that reads only month first never reads day first: only a column with unreadable dates is looked at
        doubts = _month_first_reasons(column) if spec.fields[fname].type == "date" and \
            parsed[fname].invalid.any() else None
        given = (given_reasons or {}).get(i)
        if given is not None:
            doubts = given if doubts is None else np.where(doubts == None, given, doubts)  # noqa: E711
        formula_rows = raw.unsaved_formulas.get(raw.column_labels[i])
        if formula_rows:
            unsaved = np.isin(rows, np.asarray(formula_rows, dtype=np.int64))
            doubts = doubts if doubts is not None else np.full(len(rows), None, dtype=object)
            doubts[unsaved] = UNSAVED_FORMULA_REASON
        if doubts is not None:
            parsed[fname] = _without(parsed[fname], doubts != None)  # noqa: E711 - elementwise
            reasons[fname] = doubts
    # spacer rows (nothing in any column we read) are not workers; the parse already knows what is blank
    keep = np.ones(len(data), dtype=bool)
    if parsed:
        empty = np.ones(len(data), dtype=bool)
        for p in parsed.values():
            empty &= p.values.isna().to_numpy(dtype=bool) & ~p.invalid.to_numpy(dtype=bool)
        keep = ~empty
    dropping = not keep.all()
    kept_rows = rows[keep] if dropping else rows
    index_ = pd.RangeIndex(int(keep.sum()))
    out: dict[str, pd.Series] = {}
    unreadable: dict[str, UnreadableCells] = {}
    unrecognised: dict[str, UnreadableCells] = {}
    for fname, fspec in spec.fields.items():
        if fname not in mapped:
            out[fname] = pd.Series(pd.NA if fspec.type != "date" else pd.NaT, index=index_,
                                   dtype=EMPTY_DTYPES[fspec.type])
            continue
        p = parsed[fname]
        column_values = p.values[keep].reset_index(drop=True) if dropping else p.values
        out[fname] = column_values
        bad = p.invalid.to_numpy(dtype=bool)
        why = reasons.get(fname)
        if why is not None:
            bad = bad | (why != None)  # noqa: E711 - elementwise
        vocab = fmt.vocabulary_of(fspec)
        if bad.any():
            cells = _unreadable(canonical, fname, headings[fname], expected_words(fspec, fmt), columns[fname],
                                rows[bad], data[mapped[fname]].reset_index(drop=True)[bad],
                                parsed.get(spec.key or ""), bad)
            if vocab is not None:
                cells.nearest = vocab.nearest(cells.values)
            if why is not None:
                cells.reasons = why[bad]
            unreadable[fname] = cells
        if fname in outside and vocab is not None:
            odd = outside[fname]
            cells = _unreadable(canonical, fname, headings[fname], f"a {vocab.title} contractcheck knows",
                                columns[fname], rows[odd], data[mapped[fname]].reset_index(drop=True)[odd],
                                parsed.get(spec.key or ""), odd)
            cells.nearest = vocab.nearest(cells.values)
            unrecognised[fname] = cells
    rows = kept_rows
    frame = pd.DataFrame(out, index=index_)
    return Table(canonical, spec, frame, rows, columns, headings, raw.file, sheet, raw.style, set(mapped),
                 unreadable, unrecognised)


UNSAVED_FORMULA_REASON = f"is a {UNSAVED_FORMULA}"
MONTH_FIRST_ONLY = "{!r} reads only month first (a US date); UK dates are day first: write it as day/month/year"
MONTH_FIRST_EITHER = ("{!r} may be month first, as other dates in this column can only be: write every date day "
                      "first (day/month/year) so that none is misread")


def _month_first_reasons(column: pd.Series) -> np.ndarray | None:
    """A date column with any cell that reads only month first (07/13/2026): that cell and every cell that
    reads both ways (07/01/2026) get a reason and no value; None when no cell reads only month first."""
    only, either = values.month_first_doubts(column)
    if not only.any():
        return None
    why = np.full(len(column), None, dtype=object)
    why[either] = MONTH_FIRST_EITHER
    why[only] = MONTH_FIRST_ONLY
    return why


def _without(parsed: values.Parsed, mask: np.ndarray) -> values.Parsed:
    """A column with the cells of ``mask`` taken out: no value (never the blank, 0 or swapped date a reader gave),
    and not invalid as text (they are reported as unreadable with their own reason)."""
    if not mask.any():
        return parsed
    at = pd.Series(mask, index=parsed.values.index)
    return values.Parsed(parsed.values.mask(at), parsed.invalid & ~at)


def _unreadable(table: str, fname: str, heading: str, expected: str, column: str, rows: np.ndarray,
                cells: pd.Series, key_parse: values.Parsed | None, bad: np.ndarray) -> UnreadableCells:
    """A column's cells that did not read, as arrays (whole columns at once, no loop over the rows)."""
    n = len(rows)
    raw = np.empty(n, dtype=object)
    raw[:] = cells.tolist()  # plain Python values (never null: a blank cell is not unreadable)
    keys = np.full(n, None, dtype=object)
    if key_parse is not None:
        key_values = key_parse.values[bad]
        known = key_values.notna().to_numpy(dtype=bool)
        keys[known] = list(map(str, key_values[known].tolist()))
    return UnreadableCells(table, fname, heading, expected, column, np.asarray(rows, dtype=np.int64), raw, keys)


def _normalise_keyvalue(raw: RawTable, canonical: str, spec: TableSpec, fmt: ReturnFormat,
                        issues: list[DataIssue]) -> KeyValueTable:
    index = heading_index(spec)
    sheet = _shown_sheet(raw)
    found: dict[str, Any] = {}
    rows: dict[str, int] = {}
    cols: dict[str, str] = {}
    headings: dict[str, str] = {}
    data = raw.data
    ncols = data.shape[1]
    given: dict[str, tuple[Any, Any]] = {}  # field → (its label cell, its value cell as read)
    for pos in range(len(data)):
        cells = data.iloc[pos].tolist()
        # the key is the first non-blank cell; its value the next cell to the right
        key_at = next((i for i, c in enumerate(cells) if not is_blank(c)), None)
        if key_at is None or key_at + 1 >= ncols:
            continue
        fname = index.get(canonical_heading(cells[key_at]))
        if fname is None or fname in given:
            continue
        given[fname] = (cells[key_at], cells[key_at + 1])
        rows[fname] = int(raw.row_numbers[pos])
        cols[fname], headings[fname] = raw.column_labels[key_at + 1], str(cells[key_at])
    # the values of one type are parsed as one column (each parse costs the same for one value as for ten)
    parsed = _parse_scalars({f: cell for f, (_, cell) in given.items()}, spec, fmt)
    # the dates of one contract are one hand's writing: if one reads only month first, none is read day first
    dated = [f for f in given if spec.fields[f].type == "date"]
    doubts = _month_first_reasons(pd.Series([given[f][1] for f in dated], dtype=object)) if dated else None
    doubted = {f: why for f, why in zip(dated, doubts.tolist() if doubts is not None else []) if why}
    for fname in given:  # a value that is a formula with no saved result: that, not "blank" or 0
        if rows[fname] in raw.unsaved_formulas.get(cols[fname], ()):
            doubted[fname] = UNSAVED_FORMULA_REASON
    for fname, (label, raw_value) in given.items():
        found[fname], invalid = parsed[fname]
        if fname in doubted:
            found[fname] = pd.NA
            issues.append(DataIssue(
                "unparseable", canonical, fname, f"{label} {doubted[fname].format(raw_value)}",
                Position(file=raw.file, sheet=sheet, style=raw.style, row=rows[fname], column=cols[fname]),
                _python_scalar(raw_value), expected_words(spec.fields[fname], fmt)))
        elif invalid:
            fspec = spec.fields[fname]
            expected = expected_words(fspec, fmt)
            vocab = fmt.vocabulary_of(fspec)
            near = vocab.nearest(np.array([raw_value], dtype=object))[0] if vocab is not None else None
            issues.append(DataIssue(
                "unparseable", canonical, fname,
                f"{label} {raw_value!r} is not {expected}" + (f" (nearest: {near})" if near else ""),
                Position(file=raw.file, sheet=sheet, style=raw.style, row=rows[fname], column=cols[fname]),
                _python_scalar(raw_value), expected))
    return KeyValueTable(canonical, spec, found, rows, cols, headings, raw.file, sheet, raw.style)


def _parse_scalars(cells: dict[str, Any], spec: TableSpec, fmt: ReturnFormat) -> dict[str, tuple[Any, bool]]:
    """``parse_scalar`` of each field's cell, the cells of one type parsed together as one column (the parsers
    read each cell on its own, so a cell parses the same alone or among others)."""
    out: dict[str, tuple[Any, bool]] = {}
    by_parser: dict[tuple[FieldType, str | None], list[str]] = {}
    for fname in cells:
        by_parser.setdefault((spec.fields[fname].type, spec.fields[fname].unit), []).append(fname)
    for names in by_parser.values():
        parsed = parser_of(spec.fields[names[0]])(pd.Series([cells[f] for f in names], dtype=object))
        coded = [i for i, f in enumerate(names) if fmt.vocabulary_of(spec.fields[f]) is not None]
        if coded:  # coded fields read through their vocabularies, one cell each (a contract has a handful)
            vals, bad = parsed.values.astype(object).copy(), parsed.invalid.copy()
            for i in coded:
                one, _ = _parse_field(pd.Series([cells[names[i]]], dtype=object), spec.fields[names[i]], fmt)
                vals.iloc[i], bad.iloc[i] = one.values.iloc[0], bool(one.invalid.iloc[0])
            parsed = values.Parsed(vals, bad)
        values_, invalid = parsed.values.tolist(), parsed.invalid.tolist()
        for fname, value, bad in zip(names, values_, invalid):
            value = _python_scalar(value)
            out[fname] = (value.normalize() if isinstance(value, pd.Timestamp) else value, bool(bad))
    return out


def _keyvalue_from_mapping(raw: RawTable) -> RawTable:
    """JSON/YAML key/value tables arrive as one record: turn them into key/value rows."""
    if raw.style != "json" or raw.data.shape[0] != 1:
        return raw
    keys = list(raw.headers)
    vals = raw.data.iloc[0].tolist()
    data = pd.DataFrame({0: keys, 1: vals}, dtype=object)
    return RawTable(raw.name, raw.file, raw.sheet, raw.style, [], ["key", "value"], data,
                    np.arange(1, len(keys) + 1, dtype=np.int64), None)


def normalise(source: Source, fmt: ReturnFormat, *, extra_scalars: Mapping[str, str] | None = None) -> Dataset:
    """Map every table the format knows to canonical fields; unknown sheets are ignored.

    ``extra_scalars``: contract or bid values given as text beside the file ({"period_end": "30/06/2026"}),
    parsed by their field's type; they win over the file's. Problems in the data become
    ``Dataset.issues``; InputError if the file cannot be read or two sheets match one table equally,
    :class:`~contractcheck.errors.GivenValueError` if a given value is not a field or does not parse.
    """
    issues: list[DataIssue] = []
    names = source.table_names()
    if source.single_unnamed_table:  # a single CSV: its name is the file's, so its headings say what it is
        found = {_single_csv_table(source, names[0], fmt): names[0]}
    else:
        found = match_tables(names, fmt, table_word=source.table_word, file=source.given)
        _recognise_ascwds_files(source, names, found)
    tables: dict[str, Table] = {}
    keyvalues: dict[str, KeyValueTable] = {}
    for canonical, name in found.items():
        spec = fmt.tables[canonical]
        if spec.layout == "keyvalue":
            raw = source.read(name, None)
            keyvalues[canonical] = _normalise_keyvalue(_keyvalue_from_mapping(raw), canonical, spec, fmt, issues)
        else:
            table = _read_rows_table(source, name, canonical, spec, fmt, issues,
                                     establishment=(extra_scalars or {}).get("establishment"))
            if table is not None:
                tables[canonical] = table
    return _assemble(str(source.path), fmt, found, tables, keyvalues, issues, extra_scalars,
                     table_word=source.table_word, single_unnamed_table=source.single_unnamed_table)


def _single_csv_table(source: Source, name: str, fmt: ReturnFormat) -> str:
    """The table a single CSV holds: the format's single table (Workforce), unless its heading row names more
    fields of a row table that is a whole submission on its own (no other table is required beside it: the Grant
    table of a grant application), which it then is. A file that cannot be peeked is left to the read to report."""
    try:
        peek = source.peek(name, HEADER_SEARCH_ROWS)
    except InputError:
        return fmt.single_table
    best, most = fmt.single_table, _fields_named(peek.rows, peek.row_numbers, fmt.tables[fmt.single_table])
    for table, spec in fmt.tables.items():
        alone = [kind for kind in spec.required_in
                 if not any(kind in other.required_in for t, other in fmt.tables.items() if t != table)]
        if spec.layout != "rows" or table == fmt.single_table or not alone:
            continue
        named = _fields_named(peek.rows, peek.row_numbers, spec)
        if named > most:
            best, most = table, named
    return best


def _fields_named(rows: list[list[Any]], row_numbers: list[int], spec: TableSpec) -> int:
    """How many of a table's fields the heading row found for it names (0 when none is found)."""
    found = find_heading_rows(rows, row_numbers, spec)
    if found is None:
        return 0
    cells = found.headings.values() if found.headings else rows[list(row_numbers).index(found.row)]
    index = heading_index(spec)
    return len({index.get(canonical_heading(c)) for c in cells if c is not None} - {None})


def _recognise_ascwds_files(source: Source, names: list[str], found: dict[str, str]) -> None:
    """A table the file names did not give, found by its contents: an ASC-WDS export's staff and training files
    are recognised by their own column names whatever the files are called (``found`` is updated in place)."""
    if not source.path.is_dir():  # ASC-WDS files are CSV files, sent alone or as a folder
        return
    for name in names:
        if name in found.values():
            continue
        try:
            peek = source.peek(name, 1)
        except InputError:
            continue  # a file that cannot be read is not an ASC-WDS file; the check says so if it needs it
        headers = [str(c) for c in peek.rows[0]] if peek.rows else []
        for table in ascwds.profiles():
            if table not in found and ascwds.profile_for(table, headers) is not None:
                found[table] = name
                break


def _assemble(file: str, fmt: ReturnFormat, found: dict[str, str], tables: dict[str, Table],
              keyvalues: dict[str, KeyValueTable], issues: list[DataIssue],
              extra_scalars: Mapping[str, str] | None, *, table_word: str = "table",
              single_unnamed_table: bool = False) -> Dataset:
    # the kind is decided by the table only that kind of file has: a Bid sheet, a Grant sheet, else a return
    kind: Literal["return", "bid", "grant"] = "bid" if "bid" in found else "grant" if "grant" in found else "return"
    given = set(extra_scalars or {})
    for canonical, spec in fmt.tables.items():
        if single_unnamed_table and spec.layout == "keyvalue" and kind in spec.required_in:
            # a single CSV holds only the one table: the contract's values are given beside it
            needed = [f for f, fs in spec.fields.items() if fs.required and f not in given]
            if needed:
                only = fmt.tables[fmt.single_table].title
                issues.append(DataIssue("missing_table", canonical, None,
                                        f"a single CSV holds only the {only} table; give the {spec.title} "
                                        f"values with --set (set_values from Python), e.g. --set {needed[0]}=… "
                                        f"(missing: {', '.join(needed)})",
                                        Position(file=file)))
            continue
        if kind in spec.required_in and canonical not in found:
            if spec.layout == "keyvalue" and all(f in given for f, fs in spec.fields.items() if fs.required):
                continue  # its values were given beside the file (--set, a contract file)
            issues.append(DataIssue("missing_table", canonical, None,
                                    f"the {spec.title} {table_word} is missing (a {kind} needs it)",
                                    Position(file=file)))
    scalars: dict[str, Any] = {}
    for kv in keyvalues.values():
        for k, v in kv.values.items():
            scalars.setdefault(k, v)
    for key, text in (extra_scalars or {}).items():
        scalars[key] = _parse_given(key, text, fmt, kind)
    return Dataset(kind, file, tables, keyvalues, scalars, issues, found)


def dataset_from_mapping(data: Mapping[str, Any], fmt: ReturnFormat, file: str = "<example>") -> Dataset:
    """A dataset from in-memory tables (a mapping per key/value table, a list of records per row table).

    Used for rule examples; goes through the same heading mapping and value parsing as a file.
    """
    issues: list[DataIssue] = []
    tables: dict[str, Table] = {}
    keyvalues: dict[str, KeyValueTable] = {}
    found: dict[str, str] = {}
    for canonical, content in data.items():
        spec = fmt.tables.get(canonical)
        if spec is None:
            continue
        found[canonical] = canonical
        if spec.layout == "keyvalue":
            keys = list(content)
            frame = pd.DataFrame({0: keys, 1: [content[k] for k in keys]}, dtype=object)
            raw = RawTable(canonical, file, canonical, "json", [], ["key", "value"], frame,
                           np.arange(1, len(keys) + 1, dtype=np.int64), None)
            keyvalues[canonical] = _normalise_keyvalue(raw, canonical, spec, fmt, issues)
        else:
            headers: list[str] = []
            for record in content:
                headers.extend(k for k in record if k not in headers)
            frame = pd.DataFrame({i: [r.get(h) for r in content] for i, h in enumerate(headers)}, dtype=object)
            raw = RawTable(canonical, file, canonical, "json", headers, headers, frame,
                           np.arange(1, len(content) + 1, dtype=np.int64), 0)
            tables[canonical] = _normalise_rows(raw, canonical, spec, fmt, issues)
    return _assemble(file, fmt, found, tables, keyvalues, issues, None)


#: how a date given as text (``--as-of``) may be written, in the error that refuses one
DATE_FORMS = "2026-09-30, 30/09/2026 or 30 September 2026"


def parse_given_date(text: str, what: str = "as_of") -> dt.date:
    """A date typed beside the file (``--as-of 30/09/2026``), read as a return's date cells are
    (``values.parse_date``: day-first, never month-first; ``1 April 2025``; two-digit years as Excel reads them).

    A bare number is refused rather than read as an Excel serial day: typed by a person, ``45930`` is a mistake.
    Raises :class:`~contractcheck.errors.UsageError` naming ``what`` (``--as-of``, ``as_of``) when the text is
    not such a date.
    """
    stripped = text.strip()
    if stripped and not stripped.replace(".", "").isdigit():
        parsed = values.parse_date(pd.Series([stripped], dtype=object))
        if not bool(parsed.invalid.iloc[0]) and not pd.isna(parsed.values.iloc[0]):
            return pd.Timestamp(parsed.values.iloc[0]).date()
    raise UsageError(f"{what} {text!r} is not a date; write it as {DATE_FORMS}")


def _parse_given(key: str, text: str, fmt: ReturnFormat, kind: str) -> Any:
    """A contract or bid value given beside the file (``check(set_values={"contract_value": "1650000"})``)."""
    for tname in fmt.keyvalue_tables():
        spec = fmt.tables[tname]
        if key in spec.fields:
            value, invalid = _parse_scalars({key: text}, spec, fmt)[key]
            if invalid:
                raise GivenValueError(key, text, f"expected {expected_words(spec.fields[key], fmt)}")
            return value
    known = sorted({f for tname in fmt.keyvalue_tables() for f in fmt.tables[tname].fields})
    raise GivenValueError(key, text, f"not a contract or bid field (known: {', '.join(known)})")
