"""What every reader shares: failing with a position, decoding text, naming columns, hashing.

Nothing here knows a container; the readers (``workbook``, ``xlsx_stream``, ``csv``, ``mapping``) import
from here and never from each other. Whether a cell is blank is :mod:`contractcheck.blank`'s one rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import NoReturn

from contractcheck.errors import InputError, Location
from contractcheck.limits import current_limits, size_text

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAPPING_SUFFIXES = (".json", ".yaml", ".yml")
SUPPORTED_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", *MAPPING_SUFFIXES)
SUPPORTED_TEXT = ".xlsx, .xlsm, .xls, .ods, .csv (or a folder of .csv files), .json, .yaml or .yml"

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 → "A", 26 → "AA")."""
    letters = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def fail(
    message: str,
    file: str | None,
    *,
    sheet: str | None = None,
    row: int | None = None,
    line: int | None = None,
    column: str | None = None,
) -> NoReturn:
    """Raise the InputError for ``message`` at this place (``file`` as the caller gave it)."""
    raise InputError(message, location=Location(file=file, sheet=sheet, row=row, column=column, line=line))


def check_file_size(size: int, given: str) -> None:
    """Refuse an input larger than the limit in force (``--max-file-mb``) before reading it."""
    limit = current_limits().max_file_bytes
    if size > limit:
        fail(f"is {size_text(size)}, over the {size_text(limit)} limit for an input file (--max-file-mb); "
             "is it the right file?", given)


def read_head(path: Path, given: str, size: int = 8) -> bytes:
    """The first ``size`` bytes of a file (for sniffing); InputError if it cannot be opened."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        fail(f"cannot be opened: {exc.strerror or exc}", given)


def read_bytes(path: Path, given: str) -> bytes:
    """Every byte of a file; InputError if it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"cannot be read: {exc.strerror or exc}", given)


#: encodings as a report names them
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16 (Excel's Unicode text)",
                  "cp1252": "Windows-1252"}


def decode_text(data: bytes, given: str, what: str) -> tuple[str, str]:
    """Decode text the way Excel and Windows write it: UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 with
    or without BOM, else Windows-1252.

    Returns the text and the encoding used ("utf-16", "utf-8-sig", "utf-8" or "cp1252"; :data:`ENCODING_NAMES`
    words them). A NUL anywhere in 8-bit text means it is not text: one line, naming the line it is on.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            fail(f"starts like UTF-16 text but cannot be read as it; save it as 'CSV UTF-8' {what}", given)
        encoding = "utf-16"
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            fail(f"is not a text {what} file: it contains binary data (a NUL byte on line {line})", given, line=line)
        try:
            return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            fail(f"is not UTF-8 or Windows-1252 text (byte 0x{data[exc.start]:02X} cannot be read)", given,
                 line=line)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        fail(f"is not a text {what} file: it contains binary data (a NUL character on line {line})", given,
             line=line)
    return text.removeprefix("\ufeff"), encoding


def date_as_datetime(value: object) -> object:
    """A date (no time) becomes a datetime at midnight, so every loader returns datetimes."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def csv_files_in(folder: Path) -> list[Path]:
    """The folder's .csv files (not hidden, not Office lock files), sorted by name."""
    return sorted(
        (
            entry
            for entry in folder.iterdir()
            if entry.is_file() and entry.suffix.lower() == ".csv" and not entry.name.startswith((".", "~$"))
        ),
        key=lambda entry: entry.name,
    )


class FolderDigest:
    """SHA-256 over a folder's files: each file's name and bytes, length-prefixed, in the order added.

    Sources add the .csv files in name order (:func:`csv_files_in`), so the hash is stable and names
    the exact bytes that were read; renaming a file changes it, other files in the folder do not.
    """

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, name: str, content: bytes) -> None:
        """Add one file: its name (UTF-8) and its bytes, each preceded by its length."""
        encoded = name.encode("utf-8")
        self._digest.update(len(encoded).to_bytes(8, "big") + encoded)
        self._digest.update(len(content).to_bytes(8, "big"))
        self._digest.update(content)

    def add_file(self, path: Path, given: str) -> None:
        """Add one file as :meth:`add` would, reading it in 1 MiB blocks so memory stays flat."""
        encoded = path.name.encode("utf-8")
        self._digest.update(len(encoded).to_bytes(8, "big") + encoded)
        try:
            size = path.stat().st_size
            self._digest.update(size.to_bytes(8, "big"))
            seen = 0
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    seen += len(block)
                    self._digest.update(block)
        except OSError as exc:
            fail(f"cannot be read: {exc.strerror or exc}", given)
        if seen != size:
            fail("changed while it was being read; check it again once it is saved", given)

    def hexdigest(self) -> str:
        """The hash so far, as 64 hex digits."""
        return self._digest.hexdigest()


def sha256_file(path: Path, given: str) -> str:
    """SHA-256 (hex) of a file's bytes, read in 1 MiB blocks (memory stays flat); InputError if unreadable."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        fail(f"cannot be read: {exc.strerror or exc}", given)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    """SHA-256 (hex) of a file, or for a folder over its sorted .csv files' names and bytes.

    The same value as :meth:`contractcheck.load.Source.sha256` of the opened path, which a check uses
    (it hashes the bytes it reads instead of reading the input again). InputError if unreadable.
    """
    given = str(path)
    path = Path(path)
    if not path.exists():
        fail("file or folder not found", given)
    if not path.is_dir():
        return sha256_file(path, given)
    digest = FolderDigest()
    try:
        for entry in csv_files_in(path):
            digest.add(entry.name, entry.read_bytes())
    except OSError as exc:
        fail(f"cannot be read: {exc.strerror or exc}", given)
    return digest.hexdigest()
