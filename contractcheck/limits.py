"""How much of a file contractcheck will read: the bounds that keep memory and time in check on hostile input.

A return is a few hundred rows; a file that claims to be much more (a zip member that inflates to gigabytes,
a sheet whose used range runs to XFD1048576, a rule file the size of a disk) is refused with one line that
names the limit, before it is read. The defaults are far above any real return; ``check --max-...`` options
(and :func:`using_limits` for API callers) raise them for the rare file that needs more.

The limits in force are a context variable, so a check in a thread or a batch worker sees the ones it was
given, and nothing has to pass them down through every reader.
"""

from __future__ import annotations

import contextvars
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The bounds on what one check reads (sizes in bytes)."""

    #: a return or bid file on disk (a workbook, CSV, JSON or YAML file); a CSV folder counts each file
    max_file_bytes: int = 512 * MB
    #: a workbook's zip package once inflated, all members together (each member is held to it too)
    max_inflated_bytes: int = 2048 * MB
    #: one sheet's used range, rows × columns (the reader allocates the whole rectangle)
    max_cells: int = 50_000_000
    #: a rule, schedule, waiver or reference YAML file
    max_yaml_bytes: int = 16 * MB
    #: one CSV value, in characters
    max_csv_field: int = 1_000_000


DEFAULT_LIMITS = Limits()
_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("contractcheck_limits", default=DEFAULT_LIMITS)


def current_limits() -> Limits:
    """The limits in force for this check."""
    return _CURRENT.get()


def set_limits(limits: Limits) -> None:
    """Make ``limits`` the ones in force for the rest of this context (a batch worker process)."""
    _CURRENT.set(limits)


@contextmanager
def using_limits(limits: Limits | None) -> Iterator[Limits]:
    """Check with ``limits`` (None: the ones already in force) inside the ``with`` block."""
    if limits is None:
        yield _CURRENT.get()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def size_text(size: int) -> str:
    """A byte count as people read it: "3.0 GB", "512 MB", "6 KB"."""
    for unit, scale in (("GB", 1 << 30), ("MB", MB), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 and not value.is_integer() else f"{value:.0f} {unit}"
    return f"{size} bytes"


def special_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a file to read (a FIFO, a device, a socket), or None for a regular file or folder.

    A FIFO would block for ever and ``/dev/zero`` never ends, so only regular files (and folders, which the
    callers handle) are opened. Symbolic links are followed: a link to a regular file is fine.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing or unreadable: the caller's own open gives the right message
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return f"is {kind}, not a regular file; only files are read"
