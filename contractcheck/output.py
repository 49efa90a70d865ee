"""Writing a report or workbook file: the whole file or nothing, with the usual file mode.

One home for it, used by the command line (reports, annotated workbooks, the compare view) and the authoring
tools (templates, handbooks). A leaf module: it imports only the error types.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from contractcheck.errors import OutputError


def new_file_mode() -> int:
    """The mode a new file gets here (0o666 less the umask), as any program that writes a file would give it."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, text: str | Callable[[TextIO], None]) -> None:
    """Write the whole report or nothing: a half-written file must never look complete.

    ``text`` is the text, or a function that writes it to the stream it is given (a report streamed as written).
    The report is written to a temporary file beside the target and renamed over it, so a reader never sees half
    a report; the file gets the mode a new file would (the umask), or keeps the mode of the file it replaces. A
    symbolic link is written through (its target is replaced), never replaced by a plain file. The temporary
    file is removed if anything stops the write (an error, Ctrl-C, SIGTERM: see :func:`main`).

    Raises ``OutputError`` (one line, exit 2) when the file cannot be written: no permission, disk full.
    """
    def write(raw: BinaryIO) -> None:
        handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        if isinstance(text, str):
            handle.write(text)
        else:
            text(handle)
        handle.flush()
        handle.detach()  # the binary file is closed by write_bytes_atomically

    write_bytes_atomically(path, write)


def write_bytes_atomically(path: Path, write: Callable[[BinaryIO], object], what: str = "the report") -> None:
    """:func:`write_atomically` for a binary file (an xlsx workbook): ``write`` writes it to the stream it is
    given. ``what`` names the file in the one-line error."""
    target = path.resolve() if path.is_symlink() else path
    directory = target.resolve().parent
    tmp: str | None = None
    try:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = new_file_mode()
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise OutputError(f"cannot write {what} to {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)

def is_input(output: Path, given: Path) -> bool:
    """Whether writing ``output`` would change ``given``: the same file, or a file inside a folder given."""
    try:
        if output.exists() and given.exists() and os.path.samefile(output, given):
            return True
    except OSError:
        pass
    out, inp = output.resolve(), given.resolve()
    return out == inp or (given.is_dir() and inp in out.parents)
