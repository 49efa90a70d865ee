"""Which day a workbook's date serials count from: 1900 (the default) or 1904 (old Mac Excel, some templates).

A serial of 44833 is 29 September 2022 in the 1900 system and 30 September 2026 in the 1904 one, so a
workbook read in the wrong system is judged four years early. Only the ``workbookPr`` element in the
workbook's own namespace says which: Excel 2013 and later also write an ``x15:workbookPr`` inside
``extLst`` without the flag. calamine 0.21 (inside fastexcel 0.21) takes the *last* ``workbookPr`` it
meets, whatever its namespace, and so reads such a workbook in the 1900 system. Until the reader is fixed
upstream, :func:`calamine_readable_copy` gives fastexcel a copy of such a package without the extra
element (so every date, typed or rendered as text in a mixed column, is right); where that cannot be made,
:func:`calamine_shift_days` says how many days to add to the date columns fastexcel returns. The streaming
peek reads the flag itself (:func:`workbook_date1904`) and needs neither.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

__all__ = ["DAYS_1900_TO_1904", "calamine_readable_copy", "calamine_shift_days", "workbook_date1904"]

#: serial 0 in the 1904 system is serial 1462 in the 1900 one
DAYS_1900_TO_1904 = 1462
# a workbook part bigger than this is not looked at (it is only ever a few kB)
_MAX_WORKBOOK_PART = 16 << 20
# a package is copied for the reader only up to this many bytes unpacked; beyond it dates are shifted instead
_MAX_COPY_BYTES = 256 << 20
# a workbookPr element under a namespace prefix (x15:workbookPr), empty or with content
_PREFIXED_WORKBOOK_PR = re.compile(
    rb"<([A-Za-z_][\w.-]*):workbookPr\b[^>]*?/>|<([A-Za-z_][\w.-]*):workbookPr\b[^>]*>.*?</\2:workbookPr>", re.S
)


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _flag(element: ElementTree.Element) -> bool:
    return element.get("date1904", "").strip().lower() in ("1", "true")


def workbook_date1904(workbook: ElementTree.Element) -> bool:
    """Whether a workbook (the root of ``xl/workbook.xml``) counts dates from 1904: its own ``workbookPr`` says."""
    own = _namespace(workbook.tag)
    for element in workbook:
        if _local_name(element.tag) == "workbookPr" and _namespace(element.tag) == own:
            return _flag(element)
    return False


def _calamine_date1904(workbook: ElementTree.Element) -> bool:
    """What calamine 0.21 reads: the flag of the last ``workbookPr`` element anywhere, in any namespace."""
    found = False
    for element in workbook.iter():
        if _local_name(element.tag) == "workbookPr":
            found = _flag(element)
    return found


def _workbook_part(archive: zipfile.ZipFile) -> str:
    part = "xl/workbook.xml"
    try:
        for rel in ElementTree.fromstring(archive.read("_rels/.rels")):
            if rel.get("Type", "").endswith("/officeDocument"):
                part = posixpath.normpath(rel.get("Target", part).lstrip("/"))
    except (KeyError, ElementTree.ParseError):
        pass
    return part


_PACKAGE_ERRORS = (OSError, KeyError, EOFError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, RuntimeError)


def _read_workbook(archive: zipfile.ZipFile) -> tuple[str, bytes]:
    part = _workbook_part(archive)
    if archive.getinfo(part).file_size > _MAX_WORKBOOK_PART:
        raise ValueError("workbook part too large")
    return part, archive.read(part)


def _shift(xml: bytes) -> int:
    workbook = ElementTree.fromstring(xml)
    return (int(workbook_date1904(workbook)) - int(_calamine_date1904(workbook))) * DAYS_1900_TO_1904


def calamine_shift_days(path: Path) -> int:
    """Days to add to the dates fastexcel reads from this ``.xlsx`` so they are the dates Excel shows (usually 0).

    0 whenever the package cannot be looked at: the reader's own errors then speak for the file.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return _shift(_read_workbook(archive)[1])
    except _PACKAGE_ERRORS:
        return 0


def calamine_readable_copy(path: Path) -> bytes | None:
    """The package with the prefixed ``workbookPr`` elements dropped, when calamine would misread its date system.

    None when the reader reads the file right (nearly always), or when no such copy can be made (too big, or
    dropping them does not help): then use :func:`calamine_shift_days`.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            part, xml = _read_workbook(archive)
            if _shift(xml) == 0:
                return None
            members = archive.infolist()
            if sum(member.file_size for member in members) > _MAX_COPY_BYTES:
                return None
            patched = _PREFIXED_WORKBOOK_PR.sub(b"", xml)
            if _shift(patched) != 0 or workbook_date1904(ElementTree.fromstring(patched)) != workbook_date1904(
                ElementTree.fromstring(xml)
            ):
                return None
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
                for member in members:
                    copy.writestr(member, patched if member.filename == part else archive.read(member))
            return buffer.getvalue()
    except _PACKAGE_ERRORS:
        return None
