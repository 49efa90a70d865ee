"""Formula cells whose result was never saved: what a reader would otherwise take for a blank (or for 0).

Excel saves each formula's last result beside it (``<f>…</f><v>12.5</v>``), and readers such as calamine
give that result. A workbook written by a program that does not calculate (openpyxl, many generators)
holds the formula with no result (``<v/>`` or no ``<v>`` at all), which reads as a blank; some generators
(xlsxwriter by default) store 0 as every formula's result, which reads as 0 (a "paid £0.00" breach). Neither
is the value the provider sees in Excel, so such cells are reported, not judged: "formula with no saved value:
open and save the workbook in Excel".

The sheet XML is scanned as bytes, a row-aligned chunk at a time (memory stays flat), with no XML tree: a sheet
with no ``<f`` costs one decompression and ``bytes.find`` per chunk. A sheet whose every formula result is 0
counts as unsaved only when at least one input those formulas read on the same sheet holds a number that is not 0
(a column of formulas that really are 0 is left alone). A package with a calculation chain (``calcChain.xml``)
was calculated and saved by Excel, which saves every result, and is not scanned.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from contractcheck.load._common import column_letter

__all__ = ["UNSAVED_FORMULA", "unsaved_formula_cells"]

UNSAVED_FORMULA = "formula with no saved value: open and save the workbook in Excel"

_CHUNK = 1 << 22
# one formula cell: its attributes, the formula text, and its saved value (absent, empty or text)
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?",
    re.S,
)
_REF_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TYPE_ATTR = re.compile(rb'\bt="(\w+)"')
# a same-sheet reference or range in a formula (a reference with "!" before it is on another sheet)
_FORMULA_REF = re.compile(rb"(?<![!\w$])\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?(?![\w(!])")
_MAX_INPUT_CELLS = 100_000
# a plain value cell (no formula): its attributes and saved value
_VALUE_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _pieces(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The sheet XML in pieces that end at a row's end (so no cell is split), one piece in memory at a time."""
    carry = b""
    with archive.open(part) as handle:
        while chunk := handle.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(b"</row>")
            if cut < 0:
                carry = data
                continue
            yield data[: cut + 6]
            carry = data[cut + 6 :]
    if carry:
        yield carry


def _has_formula(piece: bytes) -> bool:
    return b"<f" in piece or b":f>" in piece or b":f " in piece


def unsaved_formula_cells(path: Path, part: str) -> dict[str, list[int]]:
    """{column letters: [row, …]} of the formula cells in one sheet part whose result is not the saved value.

    {} when there are none, and whenever the package cannot be read (the reader's own errors then speak).
    """
    cells: list[tuple[int, int, bytes, bytes | None]] = []  # (row, column, formula, saved value or None)
    try:
        with zipfile.ZipFile(path) as archive:
            if any(name.lower().endswith("calcchain.xml") for name in archive.namelist()):
                return {}  # calculated by Excel, which saves every result: nothing to look for
            for piece in _pieces(archive, part):
                if _has_formula(piece):
                    cells.extend(_formula_cells(piece))
            unsaved = [(row, column) for row, column, _, saved in cells if not saved]
            if not unsaved and len(cells) >= 2 and all(_is_zero(saved) for _, _, _, saved in cells):
                if _some_input_is_not_zero(_pieces(archive, part), [formula for _, _, formula, _ in cells]):
                    unsaved = [(row, column) for row, column, _, _ in cells]
    except (OSError, KeyError, EOFError, zipfile.BadZipFile, ValueError, RuntimeError):
        return {}
    found: dict[str, list[int]] = {}
    for row, column in sorted(unsaved, key=lambda cell: (cell[1], cell[0])):
        found.setdefault(column_letter(column), []).append(row)
    return found


def _formula_cells(piece: bytes) -> Iterator[tuple[int, int, bytes, bytes | None]]:
    for match in _FORMULA_CELL.finditer(piece):
        attributes, formula, saved = match.group(1), match.group(2) or b"", match.group(3)
        ref = _REF_ATTR.search(attributes)
        if ref is None:
            continue
        kind = _TYPE_ATTR.search(attributes)
        if kind is not None and kind.group(1) in (b"str", b"e", b"b") and saved:
            saved = b"text"  # a saved text, error or boolean result is a result
        yield int(ref.group(2)), _column_index(ref.group(1)), formula, saved.strip() if saved else None


def _is_zero(saved: bytes | None) -> bool:
    try:
        return saved is not None and float(saved) == 0.0
    except ValueError:
        return False


def _some_input_is_not_zero(pieces: Iterator[bytes], formulas: list[bytes]) -> bool:
    """Whether a cell the formulas read on their own sheet holds a number other than 0."""
    inputs: set[tuple[int, int]] = set()
    for formula in formulas:
        for first_col, first_row, last_col, last_row in _FORMULA_REF.findall(formula):
            c0, r0 = _column_index(first_col), int(first_row)
            c1, r1 = (_column_index(last_col), int(last_row)) if last_col else (c0, r0)
            if (abs(c1 - c0) + 1) * (abs(r1 - r0) + 1) + len(inputs) > _MAX_INPUT_CELLS:
                return False  # too wide to look at: leave the results as saved
            rows, columns = range(min(r0, r1), max(r0, r1) + 1), range(min(c0, c1), max(c0, c1) + 1)
            inputs.update((r, c) for r in rows for c in columns)
    if not inputs:
        return False
    for piece in pieces:
        for match in _VALUE_CELL.finditer(piece):
            attributes = match.group(1)
            ref = _REF_ATTR.search(attributes)
            if ref is None or (int(ref.group(2)), _column_index(ref.group(1))) not in inputs:
                continue
            kind = _TYPE_ATTR.search(attributes)
            if kind is None or kind.group(1) == b"n":
                try:
                    if float(match.group(2)) != 0.0:
                        return True
                except ValueError:
                    continue
    return False
