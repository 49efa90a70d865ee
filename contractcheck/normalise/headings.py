"""Matching the names providers type to the names the return format knows: headings, sheets and files.

Why this module exists: a return is typed by hand, so ``Hourly rate (£)``, ``hourly_rate`` and
``HOURLY RATE`` are one column, and ``Staff (list)``, ``staff_list`` and ``Staff-List`` are one sheet.
Every such comparison goes through :func:`canonical_heading`: case, spaces, punctuation and anything
in brackets are ignored, and only the letters and digits that identify the name are compared. The
return format's aliases (``contractcheck/data/return_format.yaml``) catch the other words providers
use. Headings and table names (sheet names, CSV file names, JSON/YAML keys) follow the same rule, as
the README promises.

The load stage knows only the exact names in a file; this module decides which of them is the
Workforce sheet (:func:`match_tables`), which row of it is the heading row (:func:`find_header_row`)
and which column is which field (:func:`heading_index`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from contractcheck.blank import is_blank
from contractcheck.errors import InputError, Location
from contractcheck.return_format import ReturnFormat, TableSpec

__all__ = [
    "HeadingRows",
    "canonical_heading",
    "find_header_row",
    "find_heading_rows",
    "find_table",
    "heading_index",
    "match_tables",
]

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES_AND_UNDERSCORES = re.compile(r"[\s_]+")


def canonical_heading(text: object) -> str:
    """Reduce a name to the letters and digits that identify it: 'Hourly rate (£)' → 'hourlyrate'.

    Lower-cases, drops anything in round or square brackets, the pound sign and every character that
    is not an ASCII letter or digit. May return "" (a name of only punctuation or brackets).
    """
    return _canonical_text(str(text))


@functools.lru_cache(maxsize=4096)
def _canonical_text(text: str) -> str:
    # cached: finding the heading row reads the same few hundred cells in every return of a portfolio
    s = _BRACKETED.sub(" ", text.casefold())
    return _NOT_ALNUM.sub("", s.replace("£", ""))


def heading_index(spec: TableSpec) -> dict[str, str]:
    """Canonical heading → field name, for the table's field names and every alias (first one wins)."""
    index: dict[str, str] = {}
    for name, field in spec.fields.items():
        for text in (name, *field.aliases):
            index.setdefault(canonical_heading(text), name)
    return index


def find_header_row(rows: Sequence[Sequence[object]], row_numbers: Sequence[int], spec: TableSpec) -> int | None:
    """The row whose cells name the most of ``spec``'s fields (ties: the first), as its row number.

    ``rows`` and ``row_numbers`` are a :class:`~contractcheck.load.Peek`'s. None when no row names at
    least two fields (one, for a table of one or two fields): the caller reports "no heading row".
    """
    index = heading_index(spec)
    best, best_score = None, 0
    for cells, number in zip(rows, row_numbers, strict=False):
        names = {index.get(canonical_heading(cell)) for cell in cells if not is_blank(cell)}
        score = len(names - {None})
        if score > best_score:
            best, best_score = number, score
    needed = 1 if len(spec.fields) <= 2 else 2
    return best if best_score >= needed else None


@dataclass(frozen=True)
class HeadingRows:
    """Where a table's headings are: ``row``, the lowest heading row (data starts below it), and for a heading
    written over two rows, ``headings``: the heading of each peeked column, read from the lowest row with the
    group heading above as context (``{}`` for a one-row heading: the row's own cells are the headings)."""

    row: int
    headings: dict[int, str]


def _text(cell: object) -> str:
    return "" if is_blank(cell) else str(cell).strip()


def _two_row_headings(upper: Sequence[object], lower: Sequence[object], index: dict[str, str]) -> dict[int, str]:
    """Each column's heading when a heading is written over two rows, by peek column.

    A field heading in the lower row is read on its own, or with the group heading above it (a merged cell
    such as "Hours per week" over "Contracted" and "Average": its text is in the group's first column only)
    when only the two together name a field. A heading merged down over both rows is in the upper row.
    """
    headings: dict[int, str] = {}
    group = ""
    for column in range(max(len(upper), len(lower))):
        top = _text(upper[column]) if column < len(upper) else ""
        low = _text(lower[column]) if column < len(lower) else ""
        if not low:
            group = ""
            if top:
                headings[column] = top
            continue
        group = top or group
        with_group = f"{group} {low}"
        if group and index.get(canonical_heading(low)) is None and index.get(canonical_heading(with_group)):
            headings[column] = with_group
        else:
            headings[column] = low
    return headings


def _score(headings: Sequence[object], index: dict[str, str]) -> int:
    return len({index.get(canonical_heading(cell)) for cell in headings if not is_blank(cell)} - {None})


def find_heading_rows(
    rows: Sequence[Sequence[object]], row_numbers: Sequence[int], spec: TableSpec
) -> HeadingRows | None:
    """The heading row as :func:`find_header_row` finds it, or a heading over two adjacent rows (group headings
    above field headings) when the two read together name more fields than any one row. None: no heading row."""
    index = heading_index(spec)
    single = find_header_row(rows, row_numbers, spec)
    best_score = 0
    if single is not None:
        best_score = _score(rows[list(row_numbers).index(single)], index)
    best: HeadingRows | None = HeadingRows(single, {}) if single is not None else None
    for at in range(len(rows) - 1):
        if row_numbers[at + 1] != row_numbers[at] + 1:
            continue
        headings = _two_row_headings(rows[at], rows[at + 1], index)
        score = _score(list(headings.values()), index)
        if score > best_score and score >= (1 if len(spec.fields) <= 2 else 2):
            best, best_score = HeadingRows(row_numbers[at + 1], headings), score
    return best


def _loose(name: str) -> str:
    """A name ignoring case, spaces and underscores only: closer to what was written than the canonical."""
    return _SPACES_AND_UNDERSCORES.sub("", name).casefold()


def find_table(
    names: Sequence[str], wanted: str, *, table_word: str = "table", file: str | None = None
) -> str | None:
    """The one name in ``names`` that matches ``wanted`` by :func:`canonical_heading`, or None.

    When several names match, the one written closest to ``wanted`` wins: the exact name, else the
    ones equal to it ignoring case, spaces and underscores. If that still leaves several, the file is
    ambiguous: InputError naming ``file`` and every candidate (``table_word``: "sheet" or "table").
    """
    key = canonical_heading(wanted)
    if not key:
        return wanted if wanted in names else None
    matches = [name for name in names if canonical_heading(name) == key]
    for closer in (lambda name: name == wanted, lambda name: _loose(name) == _loose(wanted)):
        if len(matches) > 1:
            matches = [name for name in matches if closer(name)] or matches
    if len(matches) > 1:
        listed = ", ".join(repr(name) for name in matches)
        raise InputError(
            f"more than one {table_word} matches {wanted!r} ({listed}); rename all but one",
            location=Location(file=file),
        )
    return matches[0] if matches else None


def match_tables(
    names: Sequence[str], fmt: ReturnFormat, *, table_word: str = "table", file: str | None = None
) -> dict[str, str]:
    """Which name in the file is which table of the format: {canonical table: name as written}.

    Each table is looked for by its title, its canonical name, then its aliases (the first found
    wins); a name already taken by an earlier table is not taken twice. Tables not found are left
    out; names that match no table are ignored. Errors as :func:`find_table`.
    """
    found: dict[str, str] = {}
    for canonical, spec in fmt.tables.items():
        for wanted in (spec.title, canonical, *spec.aliases):
            name = find_table(names, wanted, table_word=table_word, file=file)
            if name is not None and name not in found.values():
                found[canonical] = name
                break
    return found


def names_like_tables(names: Sequence[str], fmt: ReturnFormat) -> list[str]:
    """The names in ``names`` that read as one of the format's tables (its title, canonical name or an alias, by
    :func:`canonical_heading`): a hidden sheet called 'Staff' may be a stale Workforce; one called 'Lists' (a
    template's drop-down values) is not."""
    known = {canonical_heading(text) for canonical, spec in fmt.tables.items()
             for text in (spec.title, canonical, *spec.aliases)}
    known.discard("")
    return [name for name in names if canonical_heading(name) in known]
