"""Where something is, as the person reading the message sees it: one type from the cell to the JSON report.

A position may name a file and a line (a rule, schedule or waiver file; a CSV line), or a sheet, row and
column in a workbook (Excel's own numbering: row 1 is the first row, columns are letters), or an item in a
JSON/YAML return. Any part may be unknown. ``style`` says how ``row``/``column`` read:

- ``"cell"``: a workbook row and column letter (``Workforce!F7``);
- ``"line"``: a physical line of a CSV file and the column letter Excel would show for it (``staff.csv!C12``);
- ``"json"``: an item number in a JSON/YAML list and a key (``workforce[3].hourly_rate``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

LocationStyle = Literal["cell", "line", "json"]

_PLAIN_SHEET = re.compile(r"[^\W\d]\w*", re.UNICODE)
_LOOKS_LIKE_A_CELL = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*", re.ASCII)


def sheet_reference(sheet: str) -> str:
    """A sheet name as Excel wants it before ``!``: as it is when plain (``Workforce``), else in single quotes
    with any quote doubled (``'Staff (list)'``, ``'Bob''s sheet'``, ``'2026'``)."""
    if _PLAIN_SHEET.fullmatch(sheet) and not _LOOKS_LIKE_A_CELL.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
class Position:
    """A place in an input file; every part optional (``None`` is "not known")."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None  # a line in a text file: a rule, schedule or waiver file
    style: LocationStyle = "cell"

    def cell(self) -> str | None:
        """The cell reference a spreadsheet user types in the Name Box: ``Workforce!F7``, ``'Staff (list)'!F7``;
        ``staff.csv!C12`` for a CSV line; ``workforce[3].age`` for a JSON item."""
        if self.row is None:
            return None
        before, after = self.cell_parts()
        return f"{before}{self.row}{after}"

    def cell_parts(self) -> tuple[str, str]:
        """What comes before and after the row number in ``cell()``, whatever the row: ``("Workforce!F", "")``,
        ``("workforce[", "].age")``. Many cells of one column are worded at once from these."""
        if self.style == "json":
            return f"{self.sheet or ''}[", "]" + (f".{self.column}" if self.column else "")
        if self.sheet:
            return f"{sheet_reference(self.sheet)}!{self.column or ''}", ""
        # a CSV opened in Excel shows the file name as its sheet, and line numbers as rows
        return f"{os.path.basename(self.file or '')}!{self.column or ''}", ""

    def render(self) -> str:
        """The position in words for a one-line message: ``rules.yaml:12``, ``x.xlsx, sheet 'Pay', row 4, column C``."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


def column_number(column: str | None) -> int | None:
    """The number of a spreadsheet column letter as Excel counts (``A`` → 1, ``Z`` → 26, ``AA`` → 27); None for
    no column or a key that is not a letter column (a JSON return's item key)."""
    if not column or not _COLUMN_LETTERS.fullmatch(column):
        return None
    n = 0
    for ch in column:
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n


_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")
