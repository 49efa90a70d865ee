"""Checks on a workbook package before any reader inflates it: sizes, required parts, a sheet's used range.

Why this module exists: fastexcel (calamine) and :mod:`zipfile` trust a package. A 3 MB file whose sheet,
styles or manifest inflates to gigabytes is read whole; one value at XFD1048576 in a 6 KB file makes calamine
allocate the whole 1,048,576 × 16,384 rectangle (512 GB) and abort the interpreter; a zip without
``xl/workbook.xml`` reads as a workbook with no sheets. Each is refused here with one line naming the limit
(:mod:`contractcheck.limits`), before the reader is called. Nothing here changes how a sound file is read.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

from contractcheck.limits import current_limits, size_text
from contractcheck.load._common import column_letter, fail

_CHUNK = 1 << 20
# a row's number (r="12"), and a cell reference of two or three letters (r="AB12": one-letter columns never make
# a sheet wide). Both start with a literal, which keeps the scan near the speed of inflating the XML.
_ROW_NUMBER = re.compile(rb" r=\"(\d+)\"")
_WIDE_CELL = re.compile(rb"r=\"([A-Z]{2,3})\d")
_MAX_PART_BYTES = 64 << 20  # the package's small XML parts (relationships, workbook) are read whole


#: what zipfile raises for a damaged package: a bad CRC or header, bad deflate data, an unknown zip feature
_DAMAGED = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, KeyError, ValueError, RuntimeError)


@contextmanager
def damaged_package(given: str, sheet: str | None = None) -> Iterator[None]:
    """Any error from reading the package inside the block becomes one line: the workbook is damaged."""
    try:
        yield
    except _DAMAGED as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(f"could not be read as a workbook: the file is damaged ({detail[:120]})", given, sheet=sheet)
    except OSError as exc:
        fail(f"cannot be read: {exc.strerror or exc}", given, sheet=sheet)


def check_package_sizes(archive: zipfile.ZipFile, given: str) -> None:
    """Refuse a package whose members (one, or all together) inflate past ``max_inflated_bytes``."""
    limit = current_limits().max_inflated_bytes
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > limit:
            fail(f"member {info.filename} inflates to {size_text(info.file_size)}, over the {size_text(limit)} "
                 "limit for a workbook (--max-inflated-mb); the file is damaged or is not a real return", given)
    if total > limit:
        fail(f"inflates to {size_text(total)}, over the {size_text(limit)} limit for a workbook "
             "(--max-inflated-mb); the file is damaged or is not a real return", given)


# a zip local file header: signature, then fixed fields; the name and extra field lengths end it (APPNOTE 4.3.7)
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


def inflated_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, given: str) -> Iterator[bytes]:
    """A member's bytes as its compressed data really inflates, a chunk at a time, refused (one line) as soon as
    they run past the size the package declares for it.

    Why: :mod:`zipfile` stops at the declared size, but the Rust zip reader under calamine inflates the whole
    deflate stream, so a member that declares 1 KB and inflates to gigabytes would pass ``check_package_sizes``
    and then be read whole. Here the raw stream is inflated (zlib, in bounded chunks) and counted.
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
        with archive.open(info) as handle:  # other methods and encrypted members: zipfile's own reading
            while chunk := handle.read(_CHUNK):
                yield chunk
        return
    fp = archive.fp
    assert fp is not None
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    fp.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, out = info.compress_size, 0
    while left > 0:
        raw = fp.read(min(left, _CHUNK))
        if not raw:
            raise zipfile.BadZipFile(f"{info.filename} is cut short")
        left -= len(raw)
        pending = raw
        while pending:
            if inflater is None:
                chunk, pending = pending, b""
            else:
                chunk = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
            out += len(chunk)
            if out > info.file_size:
                fail(f"member {info.filename} inflates to more than the {size_text(info.file_size)} its package "
                     "declares; the file is damaged or is not a real return", given)
            yield chunk
        if inflater is not None and inflater.eof:
            break


def check_true_sizes(archive: zipfile.ZipFile, given: str, skip: frozenset[str] | set[str] = frozenset()) -> None:
    """Inflate every member but those in ``skip`` (the sheets, checked as they are scanned) to make sure none
    inflates past its declared size (``inflated_chunks``). Costs one inflate of the package's small parts."""
    for info in archive.infolist():
        if info.filename not in skip and not info.is_dir():
            for _ in inflated_chunks(archive, info, given):
                pass


def read_part(archive: zipfile.ZipFile, name: str, limit: int = _MAX_PART_BYTES) -> bytes:
    """A small package part, never more than ``limit`` bytes of it (a part that claims to be small may not be)."""
    with archive.open(name) as handle:
        return handle.read(limit)


def xlsx_workbook_part(archive: zipfile.ZipFile, given: str) -> str:
    """The workbook part of an .xlsx package (from ``_rels/.rels``, else ``xl/workbook.xml``); a package without
    it is damaged, and said so, rather than read as a workbook with no sheets."""
    names = set(archive.namelist())
    part = "xl/workbook.xml"
    if "_rels/.rels" in names:
        try:
            for rel in ElementTree.fromstring(read_part(archive, "_rels/.rels")):
                if rel.get("Type", "").endswith("/officeDocument"):
                    part = rel.get("Target", part).lstrip("/")
        except ElementTree.ParseError:
            pass
    if part not in names:
        fail(f"could not be read as a .xlsx workbook: the package is damaged (it has no {part}, the part that "
             "lists the sheets); open it in Excel and save it again", given)
    return part


def hidden_xlsx_sheets(archive: zipfile.ZipFile, workbook_part: str) -> set[str]:
    """Names of the sheets the workbook marks hidden or very hidden (``<sheet state="hidden">``)."""
    hidden: set[str] = set()
    try:
        root = ElementTree.fromstring(read_part(archive, workbook_part))
    except ElementTree.ParseError:
        return hidden
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet" and element.get("state", "visible") != "visible":
            hidden.add(element.get("name", ""))
    return hidden


def xlsx_sheet_parts(archive: zipfile.ZipFile, workbook_part: str) -> dict[str, str]:
    """{sheet name: its part in the package} from the workbook and its relationships ({} if they are odd)."""
    base = posixpath.dirname(workbook_part)
    rels = posixpath.join(base, "_rels", posixpath.basename(workbook_part) + ".rels")
    try:
        targets = {
            rel.get("Id", ""): posixpath.normpath(posixpath.join(base, rel.get("Target", "")))
            if not rel.get("Target", "").startswith("/") else rel.get("Target", "").lstrip("/")
            for rel in ElementTree.fromstring(read_part(archive, rels))
        }
        root = ElementTree.fromstring(read_part(archive, workbook_part))
    except (KeyError, ElementTree.ParseError):
        return {}
    parts: dict[str, str] = {}
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if k.startswith("{") and k.endswith("}id")), "")
        if rel_id in targets:
            parts[element.get("name", "")] = targets[rel_id]
    return parts


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def check_used_range(archive: zipfile.ZipFile, part: str, given: str, sheet: str) -> None:
    """Refuse a sheet whose used range (rows × columns) is over ``max_cells``: the reader would allocate it all.

    One streaming pass over the sheet XML with two byte patterns (row numbers; cell references of two or three
    letters, which ordinary returns rarely have), so it costs a fraction of the read it protects.
    """
    limit = current_limits().max_cells
    rows = columns = tags = 0
    tail = b""
    for chunk in inflated_chunks(archive, archive.getinfo(part), given):
        text = tail + chunk
        numbers = _ROW_NUMBER.findall(text)
        if numbers:
            rows = max(rows, max(int(n) for n in numbers))
        tags += chunk.count(b"<row") + chunk.count(b":row ")  # rows written without a number
        wide = _WIDE_CELL.findall(text)
        if wide:
            columns = max(columns, max(_column_number(w) for w in wide))
        tail = text[-64:]
    rows = max(rows, tags)
    shape = f"A1:{column_letter(columns - 1)}{rows} ({rows:,} rows × {columns:,} columns)"
    if not columns:  # no column past Z: at most 26
        columns = 26 if rows else 0
        shape = f"of {rows:,} rows (up to 26 columns)"
    if rows * columns > limit:
        fail(f"the used range {shape} is over "
             f"the {limit:,}-cell limit for a sheet (--max-cells); is there a stray value far below or to the "
             "right of the table? Delete it, save, and check again", given, sheet=sheet)
