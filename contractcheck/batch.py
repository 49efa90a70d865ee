"""A whole portfolio in one run: check many returns against one schedule, compiled once.

One process per file spends most of its time starting (importing pandas and pyarrow, loading and compiling
the schedule); :func:`check_many` pays for that once and then checks file after file, in this process or in
``jobs`` worker processes, each of which compiles the schedule once when it starts (compiled rules hold
functions, so they are compiled where they run rather than sent). A file that cannot be checked never stops
the batch: its :class:`BatchItem` carries the error instead of a report. Reports are yielded as they are made
and never all held, so a batch of 18,000 returns needs the memory of a few.

:func:`expand_inputs` turns what a user names (files, folders, glob patterns) into the returns to check.
"""

from __future__ import annotations

import datetime as dt
import glob
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from contractcheck.api import PreparedSchedule, ReferenceGiven, check_prepared, prepare
from contractcheck.errors import ContractcheckError, InputError, Location, OutputError, RuleError, UsageError
from contractcheck.limits import Limits, current_limits, set_limits
from contractcheck.load import SUPPORTED_SUFFIXES
from contractcheck.normalise.headings import match_tables
from contractcheck.reference import PayReference
from contractcheck.report.model import Report
from contractcheck.return_format import return_format
from contractcheck.rules import LoadedSchedule, RuleLibrary

__all__ = ["BatchItem", "check_many", "expand_inputs", "is_csv_folder_return"]

#: characters that make an argument a glob pattern when no file of that name exists
GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class BatchItem:
    """One file of a batch: its report, or the error that stopped its check (exactly one is set)."""

    index: int
    """its place in the list of paths given (0-based): sort by it to restore the order given"""
    path: str
    """the path as given"""
    report: Report | None
    error: ContractcheckError | None
    seconds: float
    """how long its check took (in the process that checked it)"""

    @property
    def ok(self) -> bool:
        """Whether the file was checked (it has a report)."""
        return self.report is not None


def check_many(
    paths: Iterable[str | Path],
    schedule: str | os.PathLike[str] | LoadedSchedule,
    *,
    jobs: int = 1,
    ordered: bool = False,
    as_of: dt.date | None = None,
    set_values: Mapping[str, str] | None = None,
    rules_paths: list[Path] | None = None,
    library: RuleLibrary | None = None,
    waivers: str | Path | None = None,
    reference: ReferenceGiven = None,
) -> Iterator[BatchItem]:
    """Check every file in ``paths`` against one schedule, yielding a :class:`BatchItem` as each finishes.

    The schedule, rules and waivers are loaded and compiled once (``api.prepare``) before any file is read;
    a problem with them raises ``ContractcheckError`` before anything is yielded, since no file could be
    checked. After that nothing raises for a file: a file that cannot be read (or meets a bug) is yielded with
    its ``error``, and the batch goes on. The other options are :func:`contractcheck.api.check`'s, applied to
    every file.

    - ``jobs``: how many processes check files. 1 (the default) checks them one after another in this
      process; more starts that many worker processes, each compiling the schedule once.
    - ``ordered``: False (the default) yields in the order files finish, which with ``jobs > 1`` is not the
      order given (``BatchItem.index`` says where each came); True yields in the order given, holding at most
      a few finished reports while an earlier file is still being checked.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"jobs (--jobs) must be a whole number of 1 or more, not {jobs!r}")
    listed = [str(p) for p in paths]
    if not isinstance(schedule, (str, LoadedSchedule)):
        schedule = os.fspath(schedule)  # a schedule file named by a Path, as check() takes it
    prepared = prepare(schedule, rules_paths=rules_paths, library=library, waivers=waivers, reference=reference)
    if jobs == 1 or len(listed) <= 1:
        for index, path in enumerate(listed):
            yield _check_one(index, path, prepared, as_of, set_values)
        return
    # the pay-rate data read once here is sent to the workers, so every file is judged with the same tables
    setup = _WorkerSetup(schedule, rules_paths, library, waivers, as_of, dict(set_values or {}), prepared.reference,
                         current_limits())
    yield from _in_workers(listed, min(jobs, len(listed)), ordered, setup)


def _check_one(index: int, path: str, prepared: PreparedSchedule, as_of: dt.date | None,
               set_values: Mapping[str, str] | None) -> BatchItem:
    start = time.perf_counter()
    try:
        report = check_prepared(path, prepared, as_of=as_of, set_values=set_values)
    except ContractcheckError as exc:
        return BatchItem(index, path, None, exc, time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - one file meeting a bug must not stop the other 17,999
        error = ContractcheckError(f"{type(exc).__name__}: {exc} (this is a bug in contractcheck; please report "
                                   "it)", code="INTERNAL", location=Location(file=path))
        return BatchItem(index, path, None, error, time.perf_counter() - start)
    return BatchItem(index, path, report, None, time.perf_counter() - start)


# --------------------------------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _WorkerSetup:
    """What a worker needs to prepare the schedule itself (all of it pickles; compiled rules do not)."""

    schedule: str | LoadedSchedule
    rules_paths: list[Path] | None
    library: RuleLibrary | None
    waivers: str | Path | None
    as_of: dt.date | None
    set_values: dict[str, str]
    reference: PayReference | None = None
    """the pay-rate data the parent read (it pickles); None: the shipped data"""
    limits: Limits | None = None
    """the bounds on what is read, as the parent had them (``contractcheck.limits``)"""


_worker: tuple[PreparedSchedule, _WorkerSetup] | None = None


def _start_worker(setup: _WorkerSetup) -> None:
    """A worker's initializer: compile the schedule once for every file this process will check."""
    global _worker
    if setup.limits is not None:
        set_limits(setup.limits)  # this process checks nothing else
    prepared = prepare(setup.schedule, rules_paths=setup.rules_paths, library=setup.library, waivers=setup.waivers,
                       reference=setup.reference)
    _worker = (prepared, setup)


def _check_in_worker(index: int, path: str) -> BatchItem:
    assert _worker is not None, "a worker checks files only after _start_worker"
    prepared, setup = _worker
    item = _check_one(index, path, prepared, setup.as_of, setup.set_values)
    if item.error is not None:
        item = BatchItem(item.index, item.path, None, _portable(item.error), item.seconds)
    return item


def _ready() -> bool:
    """A first task for a new pool: it returns once a worker has started and compiled the schedule."""
    return _worker is not None


def _portable(error: ContractcheckError) -> ContractcheckError:
    """The error itself if it survives being sent between processes, else one of its base classes that does,
    with the same code, message and place (an error class taking other arguments cannot be rebuilt)."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any failure to round-trip means: send a plain copy
        pass
    for base in (InputError, RuleError, OutputError, UsageError):
        if isinstance(error, base):
            return base(error.message, code=error.code, location=error.location)
    return ContractcheckError(error.message, code=error.code, location=error.location)


def _in_workers(paths: list[str], jobs: int, ordered: bool, setup: _WorkerSetup,
                work: Callable[[int, str], BatchItem] | None = None) -> Iterator[BatchItem]:
    """Check ``paths`` in ``jobs`` processes, with only a few files in flight (or finished but held for
    ``ordered``) at a time, so memory stays bounded however many files there are.

    A worker process that dies (killed for memory, a crash in a reader) breaks the pool and every file in
    flight with it. The pool is then restarted and those files are checked again one at a time, so only the
    file that kills a worker on its own is given up, with an INTERNAL error; the batch goes on. (``work`` is
    what a worker does with a file; tests give one that dies.)
    """
    task = work or _check_in_worker
    pool = _Pool(jobs, setup)
    window = jobs * 4
    pending: dict[Future[BatchItem], int] = {}
    held: dict[int, BatchItem] = {}
    suspects: list[int] = []  # files in flight when a worker died, to be checked again one at a time
    submitted = next_out = 0
    try:
        while next_out < len(paths):
            done: list[BatchItem] = []
            if suspects:
                index = suspects.pop(0)
                done.append(pool.alone(task, index, paths[index]))
            else:
                while submitted < len(paths) and len(pending) + len(held) < window:
                    try:
                        pending[pool.submit(task, submitted, paths[submitted])] = submitted
                    except BrokenProcessPool:  # a worker died since the last look: all in flight are suspects
                        suspects = [submitted]
                        break
                    finally:
                        submitted += 1
                finished, _ = wait(pending, return_when=FIRST_COMPLETED) if not suspects else ((), ())
                for future in sorted(finished, key=pending.__getitem__):
                    index = pending.pop(future)
                    try:
                        done.append(future.result())  # the worker catches every error a file can cause
                    except BrokenProcessPool:
                        suspects.append(index)
                if suspects:
                    suspects = sorted([*suspects, *pending.values()])
                    pending.clear()
                    pool.restart()
            for item in done:
                if ordered:
                    held[item.index] = item
                else:
                    next_out += 1
                    yield item
            while ordered and next_out in held:
                yield held.pop(next_out)
                next_out += 1
    finally:
        pool.close()


class _Pool:
    """A process pool that can be started again after a worker dies."""

    def __init__(self, jobs: int, setup: _WorkerSetup) -> None:
        self.jobs = jobs
        self.setup = setup
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: a process forked from one running pyarrow's threads can hang, and spawn is what
        # Windows and macOS do anyway
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_start_worker,
                                   initargs=(self.setup,))
        try:  # a worker that cannot even start would otherwise look like every file killing it
            pool.submit(_ready).result()
        except BrokenProcessPool:
            pool.shutdown(wait=True, cancel_futures=True)
            raise ContractcheckError("the worker processes for jobs > 1 stop as they start (their error is above); "
                                     "check with one job (--jobs 1)", code="INTERNAL") from None
        return pool

    def submit(self, task: Callable[[int, str], BatchItem], index: int, path: str) -> Future[BatchItem]:
        return self.pool.submit(task, index, path)

    def alone(self, task: Callable[[int, str], BatchItem], index: int, path: str) -> BatchItem:
        """Check one file with nothing else in flight: if its worker dies, it was this file."""
        start = time.perf_counter()
        try:
            return self.pool.submit(task, index, path).result()
        except BrokenProcessPool:
            self.restart()
            error = ContractcheckError("the process checking it stopped (out of memory, or a crash in a reader); "
                                       "the other files were checked", code="INTERNAL", location=Location(file=path))
            return BatchItem(index, path, None, error, time.perf_counter() - start)

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._start()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------------------------------
# What the user names → the returns to check
# --------------------------------------------------------------------------------------------------


def _is_ascwds_file(path: Path) -> bool:
    """Whether a CSV file's heading line is an ASC-WDS bulk-upload file's (read: its first 8 KB only)."""
    from contractcheck.normalise.ascwds import profile_for, profiles

    try:
        with path.open("rb") as handle:
            first = handle.read(8192).decode("utf-8-sig", errors="replace").splitlines()[:1]
    except OSError:
        return False
    headers = first[0].split(",") if first else []
    return any(profile_for(table, headers) is not None for table in profiles())


def is_csv_folder_return(folder: Path) -> bool:
    """Whether a folder is one return written as CSV files named after its tables (``contract.csv``,
    ``workforce.csv``; the names and aliases of ``return_format.yaml``), or an export with its contract file
    beside it (``FOLDER.contract.yaml``, as for ASC-WDS files), rather than a folder of returns."""
    from contractcheck.load._common import csv_files_in
    from contractcheck.load.sidecar import contract_file_beside

    try:
        stems = [file.stem for file in csv_files_in(folder)]
    except OSError:
        return True  # let the check say why it cannot be read
    if not stems:
        return False
    if contract_file_beside(folder) is not None or any(_is_ascwds_file(file) for file in csv_files_in(folder)):
        return True  # an export: its files are one return's tables, whatever they are called
    try:
        return bool(match_tables(stems, return_format(), file=str(folder)))
    except InputError:  # two files match one table: a return, if a broken one; its check will say so
        return True


def _returns_in(folder: Path) -> list[Path]:
    """The returns directly inside a folder of returns: files of a supported kind and sub-folders that are
    CSV-folder returns, by name (hidden files and Office lock files ``~$…`` left out)."""
    found: list[Path] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "~$")):
            continue
        if entry.is_dir():
            if is_csv_folder_return(entry):
                found.append(entry)
        elif entry.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(entry)
    return found


def expand_inputs(names: Sequence[str | Path], *, exclude: Sequence[Path] = ()) -> list[Path]:
    """The returns to check, from the files, folders and glob patterns a user named, in the order named.

    - a file, or a folder that is a CSV-folder return (:func:`is_csv_folder_return`), is itself;
    - any other folder gives the returns directly inside it (:func:`_returns_in`);
    - a name that is no file or folder but holds ``*``, ``?`` or ``[`` is a glob pattern (``**`` reaches into
      sub-folders), expanded in name order, each match treated as above;
    - anything else (a file that does not exist, a pattern matching nothing) is kept, so its check says why.

    A return named twice is checked once; files in ``exclude`` (the schedule, waiver and rule files, when
    they sit among the returns) are left out of what folders and patterns give.
    """
    skip = {_identity(p) for p in exclude}
    out: list[Path] = []
    seen: set[object] = set()

    def add(path: Path, *, named: bool) -> None:
        key = _identity(path)
        if key in seen or (not named and key in skip):
            return
        seen.add(key)
        out.append(path)

    for name in names:
        path = Path(name)
        if path.is_dir() and not is_csv_folder_return(path):
            for found in _returns_in(path):
                add(found, named=False)
        elif not path.exists() and GLOB_CHARS & set(str(name)):
            matches = sorted(glob.glob(str(name), recursive=True))
            if not matches:
                add(path, named=True)
            for match in matches:
                found_path = Path(match)
                if found_path.is_dir() and not is_csv_folder_return(found_path):
                    for inner in _returns_in(found_path):
                        add(inner, named=False)
                elif found_path.is_dir() or found_path.suffix.lower() in SUPPORTED_SUFFIXES:
                    add(found_path, named=False)
        else:
            add(path, named=True)
    return out


def _identity(path: Path) -> object:
    try:
        return path.resolve()
    except OSError:
        return str(path)
