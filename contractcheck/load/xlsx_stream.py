"""The streaming peek at an ``.xlsx``/``.xlsm`` sheet: the first rows straight out of the zip, in milliseconds.

fastexcel parses a whole ``.xlsx`` sheet on every load, so a peek at the first 30 rows of a 100,000-row
sheet would cost as much as reading it. Instead this module opens the package with :mod:`zipfile`, reads
the workbook's relationships, sheet parts and date styles (:class:`_XlsxLayout`), and pulls ``<row>``
elements from the sheet XML incrementally until the caller has enough, parsing the shared-string table
only as far as the cells looked at need it (:class:`_SharedStrings`). Memory stays flat: rows already
handled are cleared from the tree.

Cell values are typed the way fastexcel types a cell on its own (str, float, bool, datetime, timedelta;
Excel errors as their text), so a peek agrees with the later read. Anything unexpected in the package
switches streaming off for the file (:attr:`XlsxStream.ok`) and the workbook reader falls back to
fastexcel; this module never raises for a damaged package.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, cast
from xml.etree import ElementTree

from contractcheck.load.date_system import workbook_date1904

#: (Excel row number, {0-based column: value}) for one row that holds at least one value
SheetRow = tuple[int, dict[int, object]]

_XML_CHUNK_BYTES = 1 << 16


def _column_index(letters: str) -> int:
    """0-based column index for spreadsheet column letters ("A" → 0)."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


_CELL_REF = re.compile(r"([A-Za-z]+)(\d*)")


def _excel_serial_to_datetime(serial: float, date1904: bool) -> dt.datetime | float:
    """Excel serial date → datetime, the way calamine converts it (so peeks match reads)."""
    days = serial + 1462.0 if date1904 else serial
    if days < 60.0:
        days += 1.0  # Excel's fictitious 1900-02-29
    try:
        return dt.datetime(1899, 12, 30) + dt.timedelta(milliseconds=round(days * 86_400_000))
    except (OverflowError, ValueError):
        return serial


_BUILTIN_DATE_FORMATS: dict[int, str] = {
    **{i: "datetime" for i in range(14, 23)}, 45: "datetime", 46: "duration", 47: "datetime"
}


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
        yield from cast(Iterator[tuple[str, ElementTree.Element]], parser.read_events())


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
        self.sheet_parts: dict[str, str] = {}
        workbook = ElementTree.fromstring(archive.read(workbook_part))
        self.date1904 = workbook_date1904(workbook)
        for element in workbook.iter():
            local = _local_name(element.tag)
            if local == "sheet":
                rel_id = next(
                    (v for k, v in element.attrib.items() if k.startswith("{") and _local_name(k) == "id"), ""
                )
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
            if format_id in custom:
                kind = _number_format_kind(custom[format_id])
            else:
                kind = _BUILTIN_DATE_FORMATS.get(format_id)
            if kind:
                self.date_styles[index] = kind


class _SharedStrings:
    """The workbook's shared-string table, parsed only as far as the cells looked at need."""

    def __init__(self, part: str | None) -> None:
        self.part = part
        self.items: list[str] = []
        self.complete = part is None

    def get(self, archive: zipfile.ZipFile, index: int) -> str | None:
        """Shared string ``index`` (parsing the table only as far as it), or None if there is none."""
        if index >= len(self.items) and not self.complete:
            # each parse starts again from the top of the table, so ask for at least twice what is held: the
            # work stays linear in the strings needed (a 16,384-column heading row was quadratic)
            self._parse_until(archive, max(index, 2 * len(self.items), 4095))
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
) -> Generator[SheetRow, None, None]:
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


class XlsxStream:
    """Rows streamed from the top of the sheets of one ``.xlsx``/``.xlsm`` file.

    The package layout and shared strings are read once and kept between calls. ``ok`` turns False
    (for good) at the first oddity in the package; :meth:`rows` then answers None.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ok = True
        self._layout: _XlsxLayout | None = None
        self._strings: _SharedStrings | None = None

    def sheet_part(self, sheet: str) -> str | None:
        """The package part holding ``sheet`` (None if streaming is off for this file or there is no such sheet)."""
        if self._layout is None and self.ok:
            try:
                with zipfile.ZipFile(self.path) as archive:
                    self._layout = _XlsxLayout(archive)
                    self._strings = _SharedStrings(self._layout.shared_strings_part)
            except Exception:  # noqa: BLE001 - any oddity in the package: no part
                self.ok = False
        return self._layout.sheet_parts.get(sheet) if self._layout is not None else None

    def rows(
        self,
        sheet: str,
        keep: Callable[[int, dict[int, object]], bool],
        stop: Callable[[list[SheetRow], int], bool],
    ) -> list[SheetRow] | None:
        """Rows from the top of ``sheet`` that ``keep`` accepts, until ``stop(kept, row_number)`` is true.

        None if streaming is not possible for this file or sheet (the caller then uses fastexcel).
        """
        if not self.ok:
            return None
        try:
            with zipfile.ZipFile(self.path) as archive:
                if self._layout is None:
                    self._layout = _XlsxLayout(archive)
                    self._strings = _SharedStrings(self._layout.shared_strings_part)
                layout, strings = self._layout, self._strings
                part = layout.sheet_parts.get(sheet)
                if part is None or strings is None:
                    return None
                kept: list[SheetRow] = []
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
            self.ok = False
            return None
