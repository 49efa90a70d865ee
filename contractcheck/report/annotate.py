"""Annotated workbook: the provider's own workbook with every failing cell coloured and commented, and a first
sheet listing every finding with a link to its cell — a file an officer can send back to the provider.

Two ways, by what the input is:

- **a copy** of an ``.xlsx``/``.xlsm`` workbook, loaded with openpyxl (formulas as formulas, not their values),
  so formats, formulas, other sheets, data validation, merged cells and column widths are the provider's own.
  openpyxl does not keep images (without Pillow), shapes or text boxes: a copy of a workbook holding them says so
  on the Findings sheet. An ``.xlsm`` keeps its macros only when the annotated file is ``.xlsm`` too.
- **built from the data** for ``.ods``/``.xls``, CSV files, folders of CSV files (ASC-WDS exports too) and
  JSON/YAML: one sheet per table, every table read whole through the load stage's
  :meth:`~contractcheck.load.Source.read` (no header row, so headings are cells like any other), each value put
  at the row and column the report's locations name. A CSV file's sheet is named after the file
  (``workforce.csv``), as Excel names it when it opens the file, so ``workforce.csv!G4`` is the same cell in
  both. A JSON/YAML table has its keys in row 1 and record *n* in row *n + 1* (a key/value table: its keys in
  column A, values in column B). Text the provider typed is written as text, never a formula: a value starting
  with ``=``, ``+``, ``-``, ``@``, tab or CR is stored as text and marked so (Excel's quote prefix), so even
  editing the cell does not run it.

On both, a failing finding's cell is filled by its severity (red critical, amber major, yellow minor, light blue
info) and carries one comment listing every finding on it (rule id, severity, message, what would fix it); the
fill is the worst severity's. A finding on a row without a column (a field the file lacks) goes on the row's key
cell: the cell in that row holding the key the finding names (the worker id); when no cell holds it the finding
is listed only. A finding without a row (a rule about a whole table or the contract) is listed only, linked to its
sheet when it has one. Waived findings are listed (status ``waived``) but colour nothing.

Everything written here (comments, the Findings sheet) is text: a message starting with ``=`` never becomes a
formula. Bounded for very large reports: at most ``ANNOTATED_CELLS`` cells are coloured and commented (the most
serious first), at most ``LINKED_ROWS`` findings get a link (Excel's limit is 65,530 links a sheet), and the
Findings sheet lists up to ``LISTED_FINDINGS``; what was left out is said on the Findings sheet.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.drawing.image import PILImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from contractcheck.blank import is_blank
from contractcheck.errors import InputError
from contractcheck.load import RawTable, Source, open_source
from contractcheck.normalise.headings import canonical_heading, heading_index
from contractcheck.position import Position, sheet_reference
from contractcheck.report.finding import Finding
from contractcheck.report.model import Report
from contractcheck.report.shown import header_facts
from contractcheck.return_format import return_format
from contractcheck.severity import SEVERITIES, SEVERITY_RANK
from contractcheck.wording import iso_date_words

__all__ = ["ANNOTATED_CELLS", "FILLS", "LINKED_ROWS", "LISTED_FINDINGS", "copies_workbook", "write_annotated"]

#: fill colour (RGB hex) of a failing cell, by the worst severity on it
FILLS: dict[str, str] = {"critical": "FF7C80", "major": "FFC000", "minor": "FFFF66", "info": "BDD7EE"}
FILL_WORDS = "red critical, amber major, yellow minor, light blue info"
#: cells coloured and commented at most (the most serious findings first); the Findings sheet lists them all
ANNOTATED_CELLS = 10_000
#: findings on the Findings sheet with a link to their cell, at most (Excel allows 65,530 links a sheet)
LINKED_ROWS = 60_000
#: findings listed at most (a sheet has 1,048,576 rows)
LISTED_FINDINGS = 1_000_000
#: findings written out in one cell's comment; the rest are counted there and listed on the Findings sheet
IN_ONE_COMMENT = 10
#: Excel keeps at most this many characters in a cell
CELL_TEXT_LIMIT = 32_767
#: suffixes copied with openpyxl; every other input is built from its data
COPIED_SUFFIXES = (".xlsx", ".xlsm")

FINDINGS_SHEET = "Findings"
#: the Findings sheet's columns and their widths (characters): 170 in all, so one landscape A4 page wide prints
#: at about 85%, legible; message, fix and reference wrap
COLUMNS: list[tuple[str, int]] = [("rule", 9), ("severity", 9), ("status", 7), ("sheet", 12), ("cell", 13),
                                  ("subject", 11), ("message", 45), ("what would fix it", 36), ("reference", 28)]
AUTHOR = "contractcheck"

# OWASP CSV injection: text starting with one of these is a formula to Excel and LibreOffice
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# characters an xlsx cell cannot hold (openpyxl refuses them): shown as U+FFFD
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_ROW, _MAX_COLUMN = 1_048_576, 16_384


def copies_workbook(path: str | Path) -> bool:
    """Whether the annotated workbook of ``path`` is a copy of it (``.xlsx``/``.xlsm``) rather than built from
    its data (everything else)."""
    p = Path(path)
    return not p.is_dir() and p.suffix.lower() in COPIED_SUFFIXES


def write_annotated(path: str | Path, report: Report, stream: IO[bytes], *, provider: str | None = None,
                    keep_macros: bool = False) -> None:
    """Write the annotated workbook (xlsx bytes) of the return or bid at ``path``, checked into ``report``.

    - ``path``: the file or folder ``report`` was made from (``report.input.path``); only read. Its SHA-256
      must still be ``report.input.sha256``, else ``InputError``: the file changed after it was checked.
    - ``stream``: a binary stream the workbook is written to.
    - ``provider``: the provider's name when known from outside the file (``--set provider_name=…``, a contract
      file beside it); else read from the file's contract or bid sheet, if it has one.
    - ``keep_macros``: an ``.xlsm`` copy keeps its VBA project (write it to an ``.xlsm`` file then).

    Raises ``InputError`` when the file cannot be read again the way it was checked.
    """
    given = str(path)
    if copies_workbook(path):
        _write_copy(Path(path), given, report, stream, provider, keep_macros)
    else:
        _write_built(open_source(path), given, report, stream, provider)


# --------------------------------------------------------------------------------------------------
# What goes where: findings → cells
# --------------------------------------------------------------------------------------------------


@dataclass
class _Mark:
    """One annotated cell: the findings on it (the first ``IN_ONE_COMMENT`` written out) and the worst severity."""

    worst: int = len(SEVERITIES)
    texts: list[str] = field(default_factory=list)
    more: int = 0

    def add(self, finding: Finding) -> None:
        self.worst = min(self.worst, SEVERITY_RANK[finding.severity])
        if len(self.texts) < IN_ONE_COMMENT:
            self.texts.append(f"{finding.rule_id} ({finding.severity}): {finding.message}\n"
                              f"What would fix it: {finding.remediation}")
        else:
            self.more += 1

    def comment_text(self) -> str:
        text = "\n\n".join(self.texts)
        if self.more:
            text += f"\n\n… and {self.more:,} more finding(s) on this cell: see the {FINDINGS_SHEET} sheet"
        return _clean(text)

    @property
    def severity(self) -> str:
        """The worst severity on the cell: its fill."""
        return SEVERITIES[self.worst]


def _table_key(file: str, sheet: str | None) -> str:
    """The name a location's table goes by: its sheet (a JSON/YAML table's key), else its file's name (CSV)."""
    return sheet if sheet is not None else os.path.basename(file)


class _Layout:
    """Where a finding's location is in the annotated workbook: sheet title, row and column number."""

    def __init__(self, titles: Mapping[str, str], json_columns: Mapping[str, list[str]] | None = None) -> None:
        self.titles = dict(titles)  # table key → sheet title in the annotated workbook
        self.json_columns = dict(json_columns or {})  # a JSON/YAML table's key → its column labels

    def place(self, finding: Finding) -> tuple[str, int | None, int | None] | None:
        """(sheet title, row, column) of a finding; row and column None when it has none; None: no sheet."""
        loc = finding.location
        title = self.titles.get(_table_key(loc.file, loc.sheet))
        if title is None:
            return None
        if loc.row is None:
            return title, None, None
        key = _table_key(loc.file, loc.sheet)
        column: int | None = None
        row = loc.row
        if key in self.json_columns:  # keys in row 1, record n in row n + 1
            row += 1
            labels = self.json_columns[key]
            column = labels.index(loc.column) + 1 if loc.column in labels else None
        elif loc.column:
            try:
                column = column_index_from_string(loc.column)
            except ValueError:
                column = None
        if not 1 <= row <= _MAX_ROW or (column is not None and not 1 <= column <= _MAX_COLUMN):
            return title, None, None
        return title, row, column


@dataclass
class _Plan:
    """The annotated cells by sheet and row, and how many findings could not be marked for the cap."""

    marks: dict[str, dict[int, dict[int, _Mark]]] = field(default_factory=dict)
    cells: int = 0
    unmarked: int = 0  # failing findings on a cell that were not marked: past ANNOTATED_CELLS

    def mark(self, title: str, row: int, column: int, finding: Finding) -> None:
        by_row = self.marks.setdefault(title, {}).setdefault(row, {})
        mark = by_row.get(column)
        if mark is None:
            if self.cells >= ANNOTATED_CELLS:
                self.unmarked += 1
                return
            mark = by_row[column] = _Mark()
            self.cells += 1
        mark.add(finding)


#: (sheet title, row, the key a finding names) → the column of the cell in that row holding it, or None
KeyFinder = Callable[[str, int, str], int | None]


def _plan(report: Report, layout: _Layout, key_column: KeyFinder) -> tuple[_Plan, list[tuple[Finding, str | None]]]:
    """The cells to mark, and each finding with the link to its place (``'Sheet'!K2``, or None)."""
    plan = _Plan()
    listed: list[tuple[Finding, str | None]] = []
    for i, finding in enumerate(report.findings):
        if i >= LISTED_FINDINGS:
            break
        place = layout.place(finding)
        link: str | None = None
        if place is not None:
            title, row, column = place
            if row is not None and column is None and finding.subject.key is not None:
                column = key_column(title, row, str(finding.subject.key))
            link = f"{sheet_reference(title)}!{get_column_letter(column or 1)}{row or 1}"
            if row is not None and column is not None and finding.status == "fail":
                plan.mark(title, row, column, finding)
        listed.append((finding, link))
    return plan, listed


# --------------------------------------------------------------------------------------------------
# The Findings sheet
# --------------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text an xlsx cell can hold: characters it cannot shown as U+FFFD, cut to Excel's length."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("\ufffd", text)
    return text if len(text) <= CELL_TEXT_LIMIT else text[: CELL_TEXT_LIMIT - 1] + "…"


def _verdict_line(report: Report) -> str:
    s = report.summary
    counts = ", ".join(f"{n} {sev}" for sev, n in s.findings.items() if n)
    return (f"{s.verdict.upper()}: {s.rules_failed} of {s.rules_checked} rules failed"
            f"{' (' + counts + ')' if counts else ''}")


def _header_lines(report: Report, provider: str | None, plan: _Plan, total: int, listed: int,
                  lost: str | None) -> list[str]:
    inp, sch = report.input, report.schedule
    facts = header_facts(report)
    if not any(label in ("Provider", "Bidder") for label, _ in facts):
        facts.insert(0, ("Provider", provider or "not given in the file"))
    lines = [
        _verdict_line(report),
        "; ".join(f"{label}: {value}" for label, value in facts),
        f"{inp.path} ({inp.kind}) checked against {sch.id} v{sch.version}, as of {iso_date_words(report.as_of.date)} "
        f"({report.as_of.basis}); contractcheck {report.contractcheck_version}",
        f"Failing cells are filled by the worst severity on them ({FILL_WORDS}); each has a comment with the "
        "rule, the finding and what would fix it. Click a cell reference below to go to it.",
    ]
    left: list[str] = []
    if plan.unmarked:
        left.append(f"only the first {ANNOTATED_CELLS:,} cells are coloured and commented ({plan.unmarked:,} "
                    "more findings are listed here only)")
    if listed < total:
        left.append(f"the first {listed:,} of {total:,} findings are listed (the JSON report has them all)")
    if listed > LINKED_ROWS:
        left.append(f"the first {LINKED_ROWS:,} findings link to their cells (Excel's limit on links a sheet)")
    if lost:
        left.append(lost)
    if left:
        lines.append("Left out: " + "; ".join(left) + ".")
    return lines



def _as_text(cell: Any) -> None:
    """Keep a cell's text text: stored as a string, and with Excel's quote prefix when it looks like a formula
    (so neither opening nor editing the cell runs it)."""
    value = cell.value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


class _Styles:
    """The few styles the annotation uses, registered with the workbook once and copied onto each cell (setting
    a fill or font object on a cell looks it up in the workbook's styles every time: slow on 100,000 cells)."""

    def __init__(self, ws: Any, top: bool = False) -> None:
        self.ws = ws
        self.made: dict[str, Any] = {}
        fills = {sev: {"fill": PatternFill(fill_type="solid", start_color=colour, end_color=colour)}
                 for sev, colour in FILLS.items()}
        self.styles: dict[str, dict[str, Any]] = {
            **fills,
            "plain": {},
            "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
            "link": {"font": Font(color="0563C1", underline="single")},
            "title": {"font": Font(bold=True, size=13)},
            "bold": {"font": Font(bold=True)},
        }
        if top:  # the Findings sheet: every cell at the top of its row, beside the wrapped message
            for style in self.styles.values():
                style.setdefault("alignment", Alignment(vertical="top"))

    def apply(self, cell: Any, name: str) -> Any:
        """Give ``cell`` the style ``name`` (a severity, ``plain``, ``wrap``, ``link``, ``title``, ``bold``)."""
        style = self.styles[name]
        if cell.has_style:  # a date's number format, a quote prefix: keep it, add the style the slow way
            for attribute, value in style.items():
                setattr(cell, attribute, value)
            return cell
        proto = self.made.get(name)
        if proto is None:
            proto = self.made[name] = WriteOnlyCell(self.ws)
            for attribute, value in style.items():
                setattr(proto, attribute, value)
        cell._style = copy.copy(proto._style)
        return cell

    def cell(self, value: Any, name: str) -> Any:
        """A new cell holding ``value`` (text kept text) in the style ``name``."""
        cell = WriteOnlyCell(self.ws, value=_clean(value) if isinstance(value, str) else value)
        _as_text(cell)
        return self.apply(cell, name)


def _findings_rows(ws: Any, report: Report, provider: str | None, plan: _Plan,
                   listed: list[tuple[Finding, str | None]], lost: str | None) -> Iterator[list[Any]]:
    """The Findings sheet's rows: header lines, a blank row, the column headings, then the findings."""
    styles = _Styles(ws, top=True)
    lines = _header_lines(report, provider, plan, len(report.findings), len(listed), lost)
    for i, line in enumerate(lines):  # each across the sheet's width (merged A:I), wrapped
        ws.row_dimensions[i + 1].height = _height((line, SHEET_WIDTH), size=13 if i == 0 else 11)
        yield [styles.cell(line, "title" if i == 0 else "wrap")]
    yield []
    yield [styles.cell(name, "bold") for name, _ in COLUMNS]
    first_row = len(lines) + 3
    for n, (finding, link) in enumerate(listed):
        # a row tall enough for its wrapped text: spreadsheet programs do not all fit a row's height when opening
        ws.row_dimensions[first_row + n].height = _height((finding.message, WRAPPED[0]),
                                                          (finding.remediation, WRAPPED[1]),
                                                          (finding.reference, WRAPPED[2]))
        loc = finding.location
        where = loc.cell or loc.sheet or ""
        subject = finding.subject.key if finding.subject.key is not None else finding.subject.table
        cell = styles.cell(where, "link" if link is not None and n < LINKED_ROWS else "plain")
        if link is not None and n < LINKED_ROWS:
            cell.hyperlink = Hyperlink(ref="", location=link)
        yield [styles.cell(finding.rule_id, "plain"),
               styles.cell(finding.severity, finding.severity if finding.status == "fail" else "plain"),
               styles.cell(finding.status, "plain"),
               styles.cell(loc.sheet or (os.path.basename(loc.file) if loc.row is not None else ""), "plain"),
               cell, styles.cell(str(subject), "plain"), styles.cell(finding.message, "wrap"),
               styles.cell(finding.remediation, "wrap"), styles.cell(finding.reference, "wrap")]


#: the widths of the message, fix and reference columns, whose text wraps
WRAPPED = [width for _, width in COLUMNS[-3:]]
#: the Findings sheet's width in characters: a header line is merged across it
SHEET_WIDTH = sum(width for _, width in COLUMNS)


def _height(*texts: tuple[str, int], size: int = 11) -> float:
    """Points for a row whose wrapped cells hold these texts in columns this many characters wide (15 a line at
    11 points, a line holding about 1.1 characters a unit of width, as words wrap whole and a line is rarely full,
    which LibreOffice's print shows; at most Excel's 409)."""
    lines = max(sum(math.ceil(max(len(part), 1) / (width * 1.1 * 11 / size)) for part in text.split("\n"))
                for text, width in texts)
    return float(min(409, math.ceil(15 * size / 11) * lines))


def _shape_findings_sheet(ws: Any, header_rows: int, last_row: int) -> None:
    """Widths, the frozen heading row and the autofilter (set before rows are written, as write-only needs)."""
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    heading_row = header_rows + 2
    last_column = get_column_letter(len(COLUMNS))
    for row in range(1, header_rows + 1):  # a header line reads across the sheet and wraps there
        ws.merged_cells.add(f"A{row}:{last_column}{row}")
    ws.freeze_panes = f"A{heading_row + 1}"
    ws.auto_filter.ref = f"A{heading_row}:{last_column}{max(last_row, heading_row)}"
    # printed as a list to send: A4 landscape, one page wide (the columns are sized so that is about 85%: the
    # text stays legible), as many pages down as it takes, the heading row on every page
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = f"{heading_row}:{heading_row}"


def _findings_header_rows(report: Report, plan: _Plan, listed: int, lost: str | None) -> int:
    return len(_header_lines(report, None, plan, len(report.findings), listed, lost))


def _unique_title(wanted: str, taken: Iterable[str]) -> str:
    """A sheet title no other sheet has (Excel compares titles without case): ``Findings``, ``Findings (2)``…"""
    lower = {t.lower() for t in taken}
    title, n = wanted, 1
    while title.lower() in lower:
        n += 1
        suffix = f" ({n})"
        title = wanted[: 31 - len(suffix)] + suffix
    return title


def _comment(mark: _Mark) -> Comment:
    text = mark.comment_text()
    lines = sum(1 + len(part) // 60 for part in text.split("\n"))
    return Comment(text, AUTHOR, height=min(600, 15 * lines + 10), width=420)


# --------------------------------------------------------------------------------------------------
# A copy of an .xlsx / .xlsm workbook
# --------------------------------------------------------------------------------------------------


def _write_copy(path: Path, given: str, report: Report, stream: IO[bytes], provider: str | None,
                keep_macros: bool) -> None:
    data = _read_unchanged(path, given, report)
    try:
        # openpyxl warns of what it drops (a data validation or conditional format kept in an extension):
        # said on the Findings sheet, not printed as a Python warning
        with warnings.catch_warnings(record=True) as dropped:
            warnings.simplefilter("always")
            wb = load_workbook(io.BytesIO(data), data_only=False, keep_vba=keep_macros, keep_links=True,
                               rich_text=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; the promise is one line
        raise _cannot("be opened to annotate", exc, given) from None
    titles = {ws.title: ws.title for ws in wb.worksheets}

    def key_column(title: str, row: int, key: str) -> int | None:
        ws = wb[title]
        for cell in ws[row] if row <= ws.max_row else ():
            if cell.value is not None and str(cell.value).strip() == key.strip():
                return int(cell.column)
        return None

    plan, listed = _plan(report, _Layout(titles), key_column)
    for title, rows in plan.marks.items():
        ws = wb[title]
        styles = _Styles(ws)
        for row, columns in rows.items():
            for column, mark in columns.items():
                cell = ws.cell(row=row, column=column)
                if type(cell).__name__ == "MergedCell":  # a merged range's value and style live in its first cell
                    cell = _merged_anchor(ws, cell)
                styles.apply(cell, mark.severity)
                if cell.data_type == "s":  # the provider's text that looks like a formula stays text when edited
                    _as_text(cell)
                comment = _comment(mark)
                if cell.comment is not None:  # the provider's own comment is kept, after ours
                    comment = Comment(_clean(f"{comment.text}\n\n— comment already on this cell —\n"
                                             f"{cell.comment.text}"), AUTHOR, height=comment.height,
                                      width=comment.width)
                cell.comment = comment
    if provider is None:
        provider = _provider_of(report, lambda name: wb[name].iter_rows(max_row=200, values_only=True)
                                if name in wb.sheetnames else iter(()))
    lost = _lost_in_copy(data, [str(w.message) for w in dropped])
    ws = wb.create_sheet(_unique_title(FINDINGS_SHEET, wb.sheetnames), 0)
    header_rows = _findings_header_rows(report, plan, len(listed), lost)
    _shape_findings_sheet(ws, header_rows, header_rows + 2 + len(listed))
    for cells in _findings_rows(ws, report, provider, plan, listed, lost):
        ws.append(cells)
        for cell in cells:  # a normal sheet does not place a link the way a write-only one does
            if getattr(cell, "hyperlink", None) is not None:
                cell.hyperlink.ref = cell.coordinate
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True
    _save(wb, stream, given)


def _cannot(what: str, exc: Exception, given: str) -> InputError:
    return InputError(f"cannot {what} ({type(exc).__name__}: {exc})", location=Position(file=given))


def _save(wb: Any, stream: IO[bytes], given: str) -> None:
    """Save the workbook; a failure to write (disk full) stays an OSError, for the caller to word."""
    try:
        wb.save(stream)
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; the promise is one line
        raise _cannot("be written as an annotated workbook", exc, given) from None


def _merged_anchor(ws: Any, cell: Any) -> Any:
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            return ws.cell(row=merged.min_row, column=merged.min_col)
    return cell


def _read_unchanged(path: Path, given: str, report: Report) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read again to annotate: {exc.strerror or exc}",
                         location=Position(file=given)) from None
    if report.input.sha256 and hashlib.sha256(data).hexdigest() != report.input.sha256:
        raise InputError("changed after it was checked (its SHA-256 differs from the report's): check it again",
                         location=Position(file=given))
    return data


def _lost_in_copy(data: bytes, warned: list[str]) -> str | None:
    """What openpyxl does not carry into the copy: images (it keeps them only with Pillow installed, which
    contractcheck does not need) and what it warned it drops while loading (``warned``): shapes and text boxes,
    a chart it cannot read, a data validation or conditional format kept in an extension."""
    lost: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if not PILImage and any(n.startswith("xl/media/") for n in names):
                lost.append("images")
            drawings = [n for n in names if n.startswith("xl/drawings/drawing") and n.endswith(".xml")]
            if any(re.search(rb"<(\w+:)?(sp|grpSp|cxnSp)\b", package.read(n)) for n in drawings):
                lost.append("shapes and text boxes")
    except (zipfile.BadZipFile, OSError):
        pass
    for message in warned:
        if "DrawingML" in message:
            lost.append("shapes and text boxes")
        elif "extension is not supported" in message:
            lost.append(message.split(" extension")[0].lower() + " kept in an extension")
        elif any(word in message for word in ("will be lost", "will be removed", "being dropped", "Unable to read")):
            lost.append(message.rstrip("."))
    if not lost:
        return None
    return f"this copy lacks the workbook's {', '.join(dict.fromkeys(lost))} (see the original file)"


# --------------------------------------------------------------------------------------------------
# A workbook built from the data (.ods, .xls, CSV, a folder of CSV, JSON, YAML)
# --------------------------------------------------------------------------------------------------


def _built_title(raw: RawTable) -> str:
    """The sheet title the table's cells are referred to by: the sheet, a JSON/YAML table's key, a CSV's file
    name (as Excel names a CSV it opens)."""
    return _table_key(raw.file, raw.sheet if raw.sheet is not None else (raw.name if raw.style == "json" else None))


def _sheet_title(wanted: str, taken: Iterable[str]) -> str:
    """``wanted`` made a title Excel accepts: without ``[]:*?/\\``, at most 31 characters, not blank, unique."""
    title = _SHEET_FORBIDDEN.sub("_", wanted).strip("'")[:31] or "Sheet"
    return _unique_title(title, taken)


def _read_whole(source: Source, name: str) -> RawTable:
    """A table read whole with its positions. A workbook sheet is read under its first row, so each column
    below keeps its type (read without a header row, a column whose heading is text would be all text)."""
    if source.kind_hint == "workbook":
        first = source.peek(name, 1).row_numbers
        if first:
            return source.read(name, first[0])
    return source.read(name, None)


def _write_built(source: Source, given: str, report: Report, stream: IO[bytes], provider: str | None) -> None:
    if report.input.sha256 and source.sha256() != report.input.sha256:
        raise InputError("changed after it was checked (its SHA-256 differs from the report's): check it again",
                         location=Position(file=given))
    raws = [_read_whole(source, name) for name in source.table_names()]
    keyvalue = _keyvalue_names(report)
    wb = Workbook(write_only=True)
    titles: dict[str, str] = {}
    json_columns: dict[str, list[str]] = {}
    grids: dict[str, _Grid] = {}  # sheet title → its cells
    by_name: dict[str, _Grid] = {}  # table name in the file → its cells
    taken = [FINDINGS_SHEET]
    for raw in raws:
        key = _built_title(raw)
        titles[key] = title = _sheet_title(key, taken)
        taken.append(title)
        if raw.style == "json":
            json_columns[key] = _json_labels(raw, raw.name in keyvalue)
        grids[title] = by_name[raw.name] = _grid(raw, raw.name in keyvalue)

    def key_column(title: str, row: int, key: str) -> int | None:
        for column, value in enumerate(grids[title].row(row), start=1):
            if value is not None and str(value).strip() == key.strip():
                return column
        return None

    plan, listed = _plan(report, _Layout(titles, json_columns), key_column)
    if provider is None:
        provider = _provider_of(report, lambda name: by_name[name].rows if name in by_name else [])
    ws = wb.create_sheet(FINDINGS_SHEET)
    header_rows = _findings_header_rows(report, plan, len(listed), None)
    _shape_findings_sheet(ws, header_rows, header_rows + 2 + len(listed))
    for row in _findings_rows(ws, report, provider, plan, listed, None):
        ws.append(row)
    for title, grid in grids.items():
        _write_table(wb.create_sheet(title), grid, plan.marks.get(title, {}))
    _save(wb, stream, given)


def _keyvalue_names(report: Report) -> set[str]:
    """The names of the tables the check read as key/value tables (contract, bid)."""
    fmt = return_format()
    return {name for table, name in report.input.tables.items()
            if table in fmt.tables and fmt.tables[table].layout == "keyvalue"}


def _json_labels(raw: RawTable, keyvalue: bool) -> list[str]:
    """The column labels of a JSON/YAML table as its findings name them (a key/value table: key, value)."""
    return ["key", "value"] if _is_mapping_table(raw, keyvalue) else list(raw.column_labels)


def _is_mapping_table(raw: RawTable, keyvalue: bool) -> bool:
    """A JSON/YAML key/value table (one record, read as key/value rows, as the normalise stage reads it)."""
    return keyvalue and raw.style == "json" and raw.data.shape[0] == 1


@dataclass
class _Grid:
    """A table as rows of plain values at their sheet rows (headings included)."""

    numbers: list[int]
    rows: list[list[Any]]
    at: dict[int, int] = field(default_factory=dict)  # sheet row → index in rows

    def __post_init__(self) -> None:
        self.at = {n: i for i, n in enumerate(self.numbers)}

    def row(self, number: int) -> list[Any]:
        i = self.at.get(number)
        return self.rows[i] if i is not None else []


def _grid(raw: RawTable, keyvalue: bool) -> _Grid:
    """The table as rows of plain values at their sheet rows, headings included."""
    return _Grid(*_grid_parts(raw, keyvalue))


def _grid_parts(raw: RawTable, keyvalue: bool) -> tuple[list[int], list[list[Any]]]:
    if raw.style == "json":
        if _is_mapping_table(raw, keyvalue):
            values = raw.data.iloc[0].tolist()
            rows = [["key", "value"]] + [[k, v] for k, v in zip(raw.headers, values)]
            return list(range(1, len(rows) + 1)), [[_plain(v) for v in r] for r in rows]
        columns = [[_plain(v) for v in raw.data[i].tolist()] for i in range(raw.data.shape[1])]
        body = [list(r) for r in zip(*columns)] if columns else [[] for _ in range(len(raw.data))]
        return list(range(1, len(body) + 2)), [list(raw.headers), *body]
    columns = [[_plain(v) for v in raw.data[i].tolist()] for i in range(raw.data.shape[1])]
    body = [list(r) for r in zip(*columns)] if columns else [[] for _ in range(len(raw.data))]
    numbers = [int(n) for n in np.asarray(raw.row_numbers).tolist()]
    if raw.header_row is not None:  # a workbook sheet read under its first row: that row is its headings
        return [raw.header_row, *numbers], [list(raw.headers), *body]
    return numbers, body


def _plain(value: Any) -> Any:
    """A cell value as openpyxl writes it: None for a blank, Python scalars, nested JSON as its text."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    return value


def _write_table(ws: Any, grid: _Grid, marks: dict[int, dict[int, _Mark]]) -> None:
    """Write a table's rows at their sheet rows, the marked cells filled and commented, typed text as text."""
    numbers, rows = grid.numbers, grid.rows
    styles = _Styles(ws)
    widths: dict[int, int] = {}
    for cells in rows[:50]:
        for i, v in enumerate(cells, start=1):
            if v is not None:
                widths[i] = max(widths.get(i, 8), min(50, len(str(v)) + 2))
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = width
    by_row = dict(zip(numbers, rows))
    written = 0
    for number in sorted(set(by_row) | set(marks)):
        while written < number - 1:
            ws.append([])
            written += 1
        cells = list(by_row.get(number, []))
        row_marks = marks.get(number, {})
        if row_marks:
            cells.extend([None] * (max(row_marks) - len(cells)))
        out: list[Any] = []
        for column, value in enumerate(cells, start=1):
            mark = row_marks.get(column)
            if isinstance(value, str):
                value = _clean(value)
                if mark is None and not value.startswith(_FORMULA_START):
                    out.append(value)
                    continue
            elif mark is None:
                out.append(value)
                continue
            cell = WriteOnlyCell(ws, value=value)
            _as_text(cell)
            if mark is not None:
                styles.apply(cell, mark.severity)
                cell.comment = _comment(mark)
            out.append(cell)
        ws.append(out)
        written += 1


# --------------------------------------------------------------------------------------------------
# The provider's name, from the contract or bid sheet
# --------------------------------------------------------------------------------------------------


def _provider_of(report: Report, rows_of: Any) -> str | None:
    """``provider_name`` from the file's contract or bid key/value table (its label in the first non-blank
    cell of a row, the value beside it), as the normalise stage reads it; None when there is none."""
    fmt = return_format()
    for table in ("contract", "bid"):
        name = report.input.tables.get(table)
        if name is None or table not in fmt.tables:
            continue
        index = heading_index(fmt.tables[table])
        for cells in rows_of(name):
            cells = list(cells)
            at = next((i for i, c in enumerate(cells) if not is_blank(c)), None)
            if at is None or at + 1 >= len(cells):
                continue
            if index.get(canonical_heading(cells[at])) == "provider_name" and not is_blank(cells[at + 1]):
                return str(cells[at + 1]).strip()
    return None
