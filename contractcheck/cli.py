"""Command line: a thin typer layer over the library API. Parses options, calls ``check``, renders.

Every failure to check prints one line on stderr and exits 2; a traceback is never shown.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import io
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from typer.core import TyperArgument, TyperCommand
from typer.exceptions import Abort, TyperException

from contractcheck._version import __version__
from contractcheck.errors import ContractcheckError, ExitCode, GivenValueError, OutputError, UsageError
from contractcheck.limits import DEFAULT_LIMITS, MB, Limits, using_limits
from contractcheck.output import is_input, write_atomically, write_bytes_atomically
from contractcheck.severity import FAIL_ON_CHOICES

if TYPE_CHECKING:
    from contractcheck.batch import BatchItem
    from contractcheck.report.model import Report

class _Command(TyperCommand):
    """A command whose help names each argument by its metavar alone (``FILE...``), in plain words, not by the
    Python type typer would add (``<list[str]>``); options say the same with ``metavar=``."""

    def get_params(self, ctx: typer.Context) -> list:  # type: ignore[override]
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperArgument) and param.metavar:
                param.display_type_rich = _no_type  # type: ignore[method-assign]
        return params


def _no_type(ctx: object) -> None:
    return None


def schedule_ids(incomplete: str) -> list[str]:
    """Shell completion for ``--schedule``: the shipped schedules' ids starting with what is typed."""
    from contractcheck.rules.library import bundled_dir

    return sorted(p.stem for p in bundled_dir("schedules").glob("*.yaml") if p.stem.startswith(incomplete))


#: -h as well as --help, on every command, as in most command-line tools
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, context_settings=CONTEXT, rich_markup_mode=None,
                  help="Check care providers' workforce returns and bids against a contract's workforce schedule.",
                  epilog="Start with: contractcheck check samples/failing-return.xlsx -s "
                         "oxfordshire-help-to-live-at-home. Exit codes: 0 compliant, 1 findings failed, "
                         "2 could not check. contractcheck --version (or -V) prints the version.")


#: answered before typer parses anything: a root option would be processed (and typer's pydantic adapters
#: imported) on every command's parse, which put `check -h` over its 0.3 s
VERSION_FLAGS = ("--version", "-V")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    junit = "junit"
    sarif = "sarif"
    github = "github"
    html = "html"


# the choices come from the one list of severities (contractcheck.severity)
FailOn = StrEnum("FailOn", {name: name for name in FAIL_ON_CHOICES})  # type: ignore[misc]


SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".txt": "table",
                  ".xml": "junit", ".sarif": "sarif", ".html": "html", ".htm": "html"}


# Characters reports use that a legacy console code page (Windows cp1252) may lack, and how they read there.
_PLAIN = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≠": "!=", "×": "x", "÷": "/", "…": "...", "✓": "yes",
          "✗": "no", "—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "£": "GBP ",
          "\ufeff": ""}  # a CSV's byte order mark: only a UTF-8 stream needs it


def _plain(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(_PLAIN.get(ch, "?") for ch in bad), exc.end


codecs.register_error("contractcheck-plain", _plain)


def plain_when_needed(stream: object) -> None:
    """Let a console or redirect whose encoding lacks a character (a Windows cp1252 console has no "→") show
    it in plain text ("->") instead of failing; a UTF-8 stream is left as it is."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="contractcheck-plain")


#: formats read by programs, not people: UTF-8 on stdout whatever the console's code page (a JSON or CSV written in
#: cp1252 is a different file, and "→" made "->" would change the data)
MACHINE_FORMATS = frozenset({"json", "csv", "junit", "sarif", "github", "html"})


@contextmanager
def utf8_stdout(fmt: str | None) -> Iterator[None]:
    """Within the block, stdout writes UTF-8 when ``fmt`` is a machine format (``MACHINE_FORMATS``) and stdout's
    own encoding is another (a Windows console, ``PYTHONIOENCODING=cp1252``); otherwise stdout as it is."""
    original = sys.stdout
    encoding = (getattr(original, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    buffer = getattr(original, "buffer", None)
    if fmt not in MACHINE_FORMATS or encoding == "utf8" or buffer is None:
        yield
        return
    original.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    sys.stdout = wrapper
    try:
        yield
    finally:
        try:
            wrapper.flush()
        finally:
            wrapper.detach()
            sys.stdout = original


def _as_path(name: str) -> Path | None:
    """A schedule given as a file path (not a shipped schedule id)."""
    return Path(name) if name.endswith((".yaml", ".yml")) or "/" in name or os.sep in name else None


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes FIELD=VALUE, e.g. --set contract_value=1650000 (got {pair!r})")
        out[key.strip()] = value.strip()
    return out




def check_output(path: Path, inputs: Sequence[Path | str | None] = (), option: str = "--output") -> None:
    """Refuse, before any work, an output that cannot be written or would change an input (``UsageError``).

    ``inputs`` are the files (and folders) the command reads: an output that would replace or add to one of
    them is refused, so a report can never overwrite the return, schedule or waivers it came from.
    """
    for given in inputs:
        if given is not None and is_input(path, Path(given)):
            raise UsageError(f"{option} {path} would overwrite an input ({given}); inputs are never written: "
                             "choose another file name")
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder: give a file name, e.g. {path / 'report.json'}")
    directory = path.resolve().parent
    if not directory.is_dir():
        raise UsageError(f"{option} folder does not exist: {directory}")


def output_format(chosen: Format | None, output: Path | None) -> str | None:
    """The format asked for: ``--format``, else the output file's extension; None: decide by the terminal.

    An extension that names no format we write (``.xlsx``, ``.pdf``) is refused (``UsageError``) rather than
    given a text table under that name.
    """
    if chosen is not None:
        return chosen.value
    if output is None:
        return None
    suffix = output.suffix.lower()
    if not suffix:
        return "table"
    if suffix not in SUFFIX_FORMATS:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise UsageError(f"--output {output}: no report format is written as '{suffix}' (extensions: {known}); "
                         "give --format, or one of those extensions")
    return SUFFIX_FORMATS[suffix]


class PipeClosed(Exception):
    """The reader of stdout went away. Not an OSError, so click does not turn it into exit status 1."""


def pipe_safe(command: Callable[..., int]) -> Callable[..., int]:
    """A closed stdout (``| head -1``) leaves the command as :class:`PipeClosed`, which click does not turn into exit
    status 1 ("findings failed", "problems found") as it does a BrokenPipeError; :func:`main` exits 141."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> int:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            raise PipeClosed from None

    return run


@app.command("check", cls=_Command)
@pipe_safe
def check_command(
    file: Annotated[list[str], typer.Argument(metavar="FILE", show_default=False, help="The return or bid: .xlsx/.xlsm/.ods, .csv, a folder of .csv, .json/.yaml, or - for standard input; or several, a folder of returns, a quoted glob ('returns/*.xlsx') to check a portfolio")],
    schedule: Annotated[str, typer.Option("--schedule", "-s", metavar="SCHEDULE", autocompletion=schedule_ids, help="Schedule id (see schedules/) or a schedule file")],
    format: Annotated[Format | None, typer.Option("--format", "-f", help="Output format (default: table on a terminal, else json; with several files, json gives JSON Lines)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file (format from its extension unless --format); with several files, a folder for one report each (json unless --format)")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 if a finding at or above this severity fails")] = FailOn.minor,  # type: ignore[attr-defined]
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Judge as of this date instead of the one the schedule names: 2026-09-30, 30/09/2026 or 30 September 2026")] = None,
    set_values: Annotated[list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="A contract value not in the file, e.g. --set contract_value=1650000 (repeatable)")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", metavar="PATH", help="Extra rule file or folder, subfolders too (repeatable); the schedule picks which run")] = None,
    waivers: Annotated[Path | None, typer.Option("--waivers", metavar="FILE", help="Waiver file: accepted deviations (YAML)")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", metavar="N", min=1, help="With several files: check them in this many processes")] = 1,
    max_findings: Annotated[int | None, typer.Option("--max-findings", metavar="N", min=0, help="Show at most N findings of each rule [default: 20 for table and markdown, 200 for html, all for json and csv]")] = None,
    reference: Annotated[list[Path] | None, typer.Option("--reference", metavar="FILE", help="Judge pay with this rate table instead of the shipped one (newer or corrected rates): YAML in the schema of contractcheck/data/uk_pay_floors.yaml, or of nmw_history.yaml for the history (repeatable, one of each)")] = None,
    max_file_mb: Annotated[int, typer.Option("--max-file-mb", metavar="MB", min=1, help="Refuse a return or bid file larger than this")] = DEFAULT_LIMITS.max_file_bytes // MB,
    max_inflated_mb: Annotated[int, typer.Option("--max-inflated-mb", metavar="MB", min=1, help="Refuse a workbook whose zip package inflates to more than this")] = DEFAULT_LIMITS.max_inflated_bytes // MB,
    max_cells: Annotated[int, typer.Option("--max-cells", metavar="N", min=1, help="Refuse a sheet whose used range (rows x columns) is larger than this")] = DEFAULT_LIMITS.max_cells,
    max_csv_value: Annotated[int, typer.Option("--max-csv-value", metavar="CHARS", min=1, help="Refuse a CSV line holding a value longer than this many characters")] = DEFAULT_LIMITS.max_csv_field,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no report and no progress (still written with -o); the exit code is the answer")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour in the table, even on a terminal (NO_COLOR=1 does the same)")] = False,
    template: Annotated[Path | None, typer.Option("--template", metavar="FOLDER", help="With --format html: a folder of the council's own report.html and/or report.css, used instead of the shipped ones")] = None,
    annotate: Annotated[Path | None, typer.Option("--annotate", metavar="OUT.xlsx", help="Also write the workbook with each failing cell coloured by severity and commented, and a first sheet listing the findings (.xlsx; .xlsm keeps an .xlsm's macros)")] = None,
) -> int:
    """Check a provider's return or bid (or a folder of them) against a contract schedule and report the findings.

    \b
    Examples:
      contractcheck check samples/failing-return.xlsx -s oxfordshire-help-to-live-at-home
      contractcheck check return.xlsx -s leicester-homecare -o report.md --as-of 30/09/2026
      contractcheck check returns/ -s statutory-minimum -j 2 -o reports/
      cat return.csv | contractcheck check - -s statutory-minimum --set period_end=2026-09-30

    Exit codes: 0 compliant (no finding at or above --fail-on); 1 findings failed; 2 the file could not be
    checked (one line on stderr says why); 130 interrupted.
    """
    limits = Limits(max_file_bytes=max_file_mb * MB, max_inflated_bytes=max_inflated_mb * MB, max_cells=max_cells,
                    max_yaml_bytes=DEFAULT_LIMITS.max_yaml_bytes, max_csv_field=max_csv_value)
    with using_limits(limits):
        return _check_command(file, schedule, format, output, fail_on, as_of, set_values, rules, waivers, jobs,
                              max_findings, reference, quiet, colour_wanted(no_color), template, annotate)


def colour_wanted(no_color: bool, stream: TextIO | None = None) -> bool:
    """Colour the table by severity: on a terminal only, never with ``--no-color`` or ``NO_COLOR`` set to
    anything (https://no-color.org), nor with ``TERM=dumb``."""
    stream = stream or sys.stdout
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _as_of_given(text: str | None) -> dt.date | None:
    """``--as-of`` read as a return's date cells are (30/09/2026, 2026-09-30, 30 September 2026)."""
    if text is None:
        return None
    from contractcheck.normalise import parse_given_date

    return parse_given_date(text, "--as-of")


def _check_command(file: list[str], schedule: str, format: Format | None, output: Path | None, fail_on: FailOn,
                   as_of: str | None, set_values: list[str] | None, rules: list[Path] | None,
                   waivers: Path | None, jobs: int, max_findings: int | None, reference: list[Path] | None,
                   quiet: bool = False, colour: bool = False, template: Path | None = None,
                   annotate: Path | None = None) -> int:
    options = _CheckOptions(schedule=schedule, format=format, output=output, fail_on=fail_on.value,
                            as_of=_as_of_given(as_of), set_values=_parse_sets(set_values or []),
                            rules=rules or None, waivers=waivers, max_findings=max_findings,
                            reference=reference or None, quiet=quiet, colour=colour, template=template,
                            annotate=annotate)
    if file == ["-"]:
        return _check_stdin(options)
    if "-" in file:
        raise UsageError("- (standard input) can only be checked on its own, not with other files")
    if len(file) == 1 and not _names_several(file[0]):
        return _check_one_file(Path(file[0]), options)
    if annotate is not None:
        raise UsageError("--annotate writes one workbook for one return: with several files, check each one on its "
                         "own to annotate it")
    return _check_batch(file, options, jobs)


def _names_several(name: str) -> bool:
    """Whether one FILE argument names a portfolio: a folder of returns, or a glob pattern (quoted, so the
    shell left it) that is no file's name."""
    path = Path(name)
    if path.is_dir():
        from contractcheck.batch import is_csv_folder_return

        return not is_csv_folder_return(path)
    return not path.exists() and any(ch in name for ch in "*?[")


@dataclass(frozen=True)
class _CheckOptions:
    """The check command's options, as the one-file and the batch paths both take them."""

    schedule: str
    format: Format | None
    output: Path | None
    fail_on: str
    as_of: dt.date | None
    set_values: dict[str, str]
    rules: list[Path] | None
    waivers: Path | None
    max_findings: int | None = None
    reference: list[Path] | None = None
    quiet: bool = False
    colour: bool = False
    template: Path | None = None
    annotate: Path | None = None  # the annotated workbook to write (one file only)

    def limit(self) -> dict[str, int]:
        """The renderers' ``max_findings=`` when --max-findings is given; else each format's own default (table,
        markdown: 20 findings of each rule; json, csv: all)."""
        return {} if self.max_findings is None else {"max_findings": self.max_findings}

    def render_options(self, fmt: str) -> dict[str, object]:
        """The renderer's options for a format: ``limit()``, the --template folder for html, and --fail-on for
        junit and github (a finding below it does not fail the CI view)."""
        return {**self.limit(), **({"templates": self.template} if fmt == "html" and self.template else {}),
                **({"fail_on": self.fail_on} if fmt in ("junit", "github") else {})}

    def check_template(self, fmt: str | None) -> None:
        """Refuse, before any file is read, --template without html output or with a folder whose templates are
        missing or do not parse (one line, exit 2)."""
        if self.template is None:
            return
        if fmt != "html":
            raise UsageError(f"--template {self.template} is for the HTML report: add --format html (or "
                             "--output report.html)")
        from contractcheck.report.html import check_templates

        check_templates(self.template)

    def other_inputs(self) -> list[Path]:
        """The files the check reads besides the returns: waivers, rules, a schedule given as a file, rate tables."""
        schedule_path = _as_path(self.schedule)
        return [p for p in (self.waivers, *(self.rules or []), schedule_path, *(self.reference or []))
                if p is not None]


def _check_one_file(file: Path, options: _CheckOptions, name: str | None = None) -> int:
    """Check one file and write its report (stdout, or ``--output``); ``name``: what the report calls the file
    when its path is not its name (standard input)."""
    # imported here, not at the top: --help, version and the rule tools start without pandas and pyarrow
    from contractcheck.api import check, exit_code_for
    from contractcheck.report.render import RENDERERS, render_table, write_json

    output = options.output
    if output is not None:
        check_output(output, inputs=[file, *options.other_inputs()])
    chosen = output_format(options.format, output)
    progress = _Stages(name or str(file), sys.stderr) if not options.quiet else None
    options.check_template(chosen)
    if options.annotate is not None:
        _check_annotate_target(options.annotate, file, output, options.other_inputs())
    try:
        report = check(file, options.schedule, as_of=options.as_of, set_values=options.set_values,
                       rules_paths=options.rules, waivers=options.waivers, reference=options.reference, name=name,
                       progress=progress.show if progress else None)
    except GivenValueError as exc:  # the API words it for any caller; here the user typed --set
        raise UsageError(f"--set {exc.key}={exc.text}: {exc.problem}") from exc
    finally:
        if progress:
            progress.stop()
    code = exit_code_for(report, options.fail_on)
    if options.annotate is not None:  # before the report: a workbook that cannot be written stops with exit 2
        _write_annotated(file, report, options.annotate, options.set_values, options.quiet)
    if options.quiet and output is None:
        return code
    if chosen is None:
        chosen = "table" if sys.stdout.isatty() else "json"
    # JSON is streamed as it is written (a million findings are never one string); the others are rendered whole
    text: str | Callable[[TextIO], None]
    if chosen == "json":
        text = functools.partial(write_json, report, max_findings=options.max_findings)
    elif chosen == "table" and output is None:  # laid out for this terminal: its width, colour if wanted
        text = render_table(report, **options.limit(), width=_terminal_width(), colour=options.colour)
    else:
        text = RENDERERS[chosen](report, **options.render_options(chosen))
    if output is not None:
        write_atomically(output, text)
        if not options.quiet:
            print(f"{report.summary.verdict}: report written to {output}", file=sys.stderr)
    else:
        with utf8_stdout(chosen):
            if isinstance(text, str):
                sys.stdout.write(text)
            else:
                text(sys.stdout)
    return code


def _terminal_width() -> int | None:
    """The width of the terminal stdout is shown on (None: not a terminal, so the table's own width)."""
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    import shutil

    return shutil.get_terminal_size().columns


#: the first bytes of each kind of file standard input may carry, and the name the readers know it by
_STDIN_KINDS = ((b"PK\x03\x04", ".xlsx"), (b"\xd0\xcf\x11\xe0", ".xls"))


def _stdin_suffix(head: bytes, zip_names: Callable[[], list[str]]) -> str:
    """The file extension standard input's bytes call for: a zip package is an .ods when it says so (its
    ``mimetype`` member), else an .xlsx; an OLE file an .xls; text starting ``{`` or ``[`` JSON; other text CSV."""
    for magic, suffix in _STDIN_KINDS:
        if head.startswith(magic):
            if suffix == ".xlsx" and "mimetype" in zip_names():
                return ".ods"
            return suffix
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return ".json" if text[:1] in (b"{", b"[") else ".csv"


def _check_stdin(options: _CheckOptions) -> int:
    """``check -``: the return on standard input (``curl … | contractcheck check - -s S``). Its bytes are kept in
    a private temporary folder (removed after) so the readers can sniff and seek them as they do a file; the
    report calls the file ``-``. Refused beyond --max-file-mb, like a file."""
    import zipfile

    from contractcheck.limits import current_limits

    limit = current_limits().max_file_bytes
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"-: standard input is larger than --max-file-mb {limit // MB} MB; give it as a file or "
                         "raise the limit")
    if not data:
        raise UsageError("-: standard input is empty; pipe a return into it, or name a file")

    def names() -> list[str]:

        try:
            return zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return []

    with tempfile.TemporaryDirectory(prefix="contractcheck-stdin-") as folder:
        path = Path(folder) / f"stdin{_stdin_suffix(data[:8], names)}"
        path.write_bytes(data)
        return _check_one_file(path, options, name="-")


class _Stages:
    """What a single check is doing, on a terminal's stderr, once it has taken more than a second (a spinner
    line with the stage and the seconds so far), cleared when the check ends. Nothing when stderr is no terminal.
    """

    AFTER = 1.0  # seconds before anything is shown: a quick check prints nothing
    EVERY = 0.25

    def __init__(self, name: str, stream: TextIO) -> None:
        self.name, self.stream, self.stage = name, stream, "starting"
        import shutil

        self.width = max(20, shutil.get_terminal_size().columns - 1)  # one short of the edge: no wrap
        self.started = time.monotonic()
        self.shown = False
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        try:
            live = stream.isatty()
        except (AttributeError, ValueError):
            live = False
        if live:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def show(self, stage: str) -> None:
        self.stage = stage

    def _run(self) -> None:
        if self._done.wait(self.AFTER):
            return
        frames = "|/-\\"
        n = 0
        while not self._done.is_set():
            seconds = time.monotonic() - self.started
            line = f"{frames[n % 4]} {self.name}: {self.stage} ({seconds:.0f} s)"
            self.stream.write("\r" + line[:self.width].ljust(self.width))
            self.stream.flush()
            self.shown = True
            n += 1
            self._done.wait(self.EVERY)

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        if self.shown:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
def _check_annotate_target(target: Path, file: Path, output: Path | None, others: list[Path]) -> None:
    """Refuse, before any work, an annotated workbook that is no .xlsx (.xlsm for an .xlsm), the report's file,
    or an input."""
    suffix, macros = target.suffix.lower(), file.suffix.lower() == ".xlsm"
    if suffix not in (".xlsx", ".xlsm") or (suffix == ".xlsm" and not macros):
        allowed = "an .xlsx (or .xlsm, keeping the macros)" if macros else "an .xlsx"
        raise UsageError(f"--annotate {target}: the annotated workbook is written as {allowed} file; "
                         f"give a name ending in .xlsx")
    check_output(target, inputs=[file, *others], option="--annotate")
    if output is not None and is_input(target, output):
        raise UsageError(f"--annotate {target} and --output {output} name the same file: give each its own")


def _write_annotated(file: Path, report: Report, target: Path, set_values: dict[str, str], quiet: bool = False) -> None:
    from contractcheck.api import annotate

    macros = target.suffix.lower() == ".xlsm"
    write_bytes_atomically(target, lambda stream: annotate(file, report, stream, set_values=set_values,
                                                           keep_macros=macros),
                           what="the annotated workbook")
    if not quiet:
        print(f"annotated workbook written to {target}", file=sys.stderr)


#: the file extension of a report written into an --output folder, by format
REPORT_SUFFIX = {"json": ".json", "csv": ".csv", "markdown": ".md", "table": ".txt", "junit": ".xml",
                 "sarif": ".sarif", "github": ".github.txt", "html": ".html"}


def _check_batch(names: list[str], options: _CheckOptions, jobs: int) -> int:
    """Several returns in one run: one result line each on stdout as they are checked (or JSON Lines with
    ``--format json``; or one report file each in the ``--output`` folder), then a summary. A file that
    cannot be checked gets its one-line error as its result and the batch goes on."""
    from contractcheck.api import exit_code_for
    from contractcheck.batch import check_many, expand_inputs
    from contractcheck.report.render import RENDERERS, write_json

    started = time.perf_counter()
    others = options.other_inputs()
    paths = expand_inputs(names, exclude=others)
    if not paths:
        raise UsageError(f"no returns found in {', '.join(names)} (looked for .xlsx, .xlsm, .xls, .ods, .csv, "
                         ".json, .yaml files and folders of .csv files)")
    chosen = options.format.value if options.format is not None else None
    targets: list[Path] = []
    if options.output is not None:
        named = SUFFIX_FORMATS.get(options.output.suffix.lower())
        if named is not None and not options.output.is_dir():  # -o reports.sarif: a file name, not a folder
            raise UsageError(f"--output {options.output}: with several files --output is a folder for one report "
                             f"each; give a folder name, with --format {named} for {named} reports")
        chosen = chosen or "json"
        targets = _report_targets(options.output, names, paths, others, chosen)
    elif chosen not in (None, "table", "json", "github"):
        raise UsageError(f"--format {chosen} with several files needs --output FOLDER (one report file each); "
                         "without it the results are one line a file, or JSON Lines with --format json")
    options.check_template(chosen)
    json_lines = options.output is None and chosen == "json" and not options.quiet
    lines_out = sys.stderr if json_lines else sys.stdout  # JSON Lines keep stdout for JSON alone
    progress = _Progress(len(paths), sys.stderr if not options.quiet else None)
    tally = _Tally()
    code: int = ExitCode.OK
    stack = ExitStack()
    try:
        stack.enter_context(utf8_stdout("json" if json_lines else chosen if chosen == "github" else None))
        items = check_many(paths, options.schedule, jobs=jobs, ordered=True, as_of=options.as_of,
                           set_values=options.set_values, rules_paths=options.rules, waivers=options.waivers,
                           reference=options.reference)
        for item in items:
            tally.add(item)
            progress.clear()
            if item.report is None:
                assert item.error is not None
                code = ExitCode.ERROR
                print(_error_line(item.path, item.error),
                      file=sys.stderr if json_lines or options.quiet else sys.stdout)
                if json_lines:
                    sys.stdout.write(_error_json(item.path, item.error))
            else:
                if code != ExitCode.ERROR:
                    code = max(code, exit_code_for(item.report, options.fail_on))
                if json_lines:
                    # from the columns, never one Finding object per finding
                    write_json(item.report, sys.stdout, max_findings=options.max_findings, compact=True)
                else:
                    if targets:
                        write_atomically(targets[item.index],
                                         RENDERERS[chosen or "json"](item.report,
                                                                     **options.render_options(chosen or "json")))
                    elif chosen == "github" and not options.quiet:  # each file's annotations, then its result
                        sys.stdout.write(RENDERERS["github"](item.report, **options.render_options("github")))
                    if not options.quiet:
                        print(_result_line(item.path, item.report))
            sys.stdout.flush()
            progress.show(tally.files)
    except KeyboardInterrupt:
        progress.clear()
        print(f"error: interrupted after {tally.files} of {len(paths)} files", file=sys.stderr)
        raise
    finally:
        progress.clear()
        stack.close()
    if options.quiet:
        return code
    where = f"\nreports written to {options.output}{os.sep}" if options.output is not None else ""
    print(tally.summary(time.perf_counter() - started, jobs) + where, file=lines_out)
    return code


def _report_targets(folder: Path, names: list[str], paths: list[Path], others: list[Path], fmt: str) -> list[Path]:
    """Where each return's report goes in the --output folder (made if missing), named after the return
    (``a.xlsx`` → ``a.xlsx.json``; a second ``a.xlsx`` from another folder → ``a.xlsx-2.json``). Refused,
    before any work, when the folder is or lies inside a folder being checked, or a report would replace
    an input."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--output {folder} is a file: with several returns give a folder, and one report a "
                         "return is written into it")
    folders = [Path(n) for n in names if Path(n).is_dir()] + [p for p in paths if p.is_dir()]
    for given in folders:
        if is_input(folder, given):
            raise UsageError(f"--output {folder} is inside {given}, a folder being checked; inputs are never "
                             "written: choose a folder outside it")
    if not folder.resolve().parent.is_dir():
        raise UsageError(f"--output folder's parent does not exist: {folder.resolve().parent}")
    suffix = REPORT_SUFFIX[fmt]
    taken: set[str] = set()
    targets: list[Path] = []
    for path in paths:
        base = path.resolve().name if path.name in ("", ".", "..") else path.name
        name, n = f"{base}{suffix}", 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}{suffix}"
        taken.add(name.lower())
        target = folder / name
        for given in (*paths, *others):
            if is_input(target, given):
                raise UsageError(f"--output {folder}: the report {target} would overwrite an input ({given}); "
                                 "inputs are never written: choose another folder")
        targets.append(target)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the --output folder {folder}: {exc.strerror or exc}") from None
    return targets


def _result_line(path: str, report: Report) -> str:
    """One checked file: verdict, failing findings by severity, the rules that failed, the path."""
    from contractcheck.severity import SEVERITIES

    counts = " ".join(f"{report.summary.findings.get(sev, 0):>2} {sev}" for sev in SEVERITIES)
    failed = ",".join(r.rule_id for r in report.results if r.status == "fail") or "-"
    return f"{report.summary.verdict:<15}  {counts}  failed: {failed}  {path}"


def _error_line(path: str, error: ContractcheckError) -> str:
    """One file that could not be checked: its one-line error, naming the file."""
    line = error.one_line()
    return f"{'could not check':<15}  {line}" + ("" if path in line else f" ({path})")


def _error_json(path: str, error: ContractcheckError) -> str:
    """A JSON Lines record for a file that could not be checked (it has no report)."""
    import json

    record = {"input": {"path": path}, "error": {"code": error.code, "message": error.one_line()}}
    return json.dumps(record, ensure_ascii=False) + "\n"


class _Tally:
    """The counts for the batch summary."""

    def __init__(self) -> None:
        from contractcheck.severity import SEVERITIES

        self.files = self.compliant = self.non_compliant = self.errors = 0
        self.findings: dict[str, int] = dict.fromkeys(SEVERITIES, 0)

    def add(self, item: BatchItem) -> None:
        self.files += 1
        if item.report is None:
            self.errors += 1
            return
        if item.report.summary.verdict == "compliant":
            self.compliant += 1
        else:
            self.non_compliant += 1
        for sev, n in item.report.summary.findings.items():
            self.findings[sev] = self.findings.get(sev, 0) + n

    def summary(self, seconds: float, jobs: int) -> str:
        found = ", ".join(f"{n} {sev}" for sev, n in self.findings.items())
        each = seconds / self.files if self.files else 0.0
        return (f"{self.files} files, {self.files - self.errors} checked: {self.compliant} compliant, "
                f"{self.non_compliant} non-compliant; {self.errors} could not be checked\n"
                f"findings (failing, not waived): {found}\n"
                f"time: {seconds:.1f} s, {each:.2f} s a file (--jobs {jobs})")


class _Progress:
    """``checked 12/200`` on stderr, rewritten in place, only when stderr is a terminal (never in a log or
    a pipe). A plain counter rather than a progress-bar library: it costs no dependency and no start-up."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.on = stream is not None and stream.isatty()
        self.shown = False

    def show(self, done: int) -> None:
        if self.on:
            self.stream.write(f"\rchecked {done}/{self.total}")
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.on and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


rules_app = typer.Typer(no_args_is_help=True, help="Lint, test, list, show and document rules.")
schedules_app = typer.Typer(no_args_is_help=True, help="List and show schedules.")
app.add_typer(rules_app, name="rules")
app.add_typer(schedules_app, name="schedules")

SchedOpt = Annotated[str | None, typer.Option("--schedule", "-s", metavar="SCHEDULE", autocompletion=schedule_ids, help="Show values in this schedule (id or file)")]
RulesOpt = Annotated[list[Path] | None, typer.Option("--rules", metavar="PATH", help="Extra rule file or folder (repeatable)")]


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@rules_app.command("lint", cls=_Command)
@pipe_safe
def rules_lint(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="PATH", help="Rule and schedule files or folders [default: the shipped ones]")] = None,
    schedule: Annotated[str | None, typer.Option(
        "--schedule", "-s", metavar="SCHEDULE", help="Check the rules against the fields this schedule declares too (id or file)")] = None,
    format: Annotated[LintFormat, typer.Option("--format", "-f", help="text (file:line: CODE message), json (a list of {file, line, column, code, message, severity}) or github (workflow commands)")] = LintFormat.text,
) -> int:
    """Check rule and schedule files without data: schema, ids, expressions and types, references, dates."""
    from contractcheck.authoring.lint import lint, render_lint

    result = lint(paths or None, schedule)
    sys.stdout.write(render_lint(result, format.value))
    return ExitCode.FINDINGS if result.problems else ExitCode.OK


@rules_app.command("test", cls=_Command)
@pipe_safe
def rules_test(
    rules: RulesOpt = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", "-r", metavar="RULE-ID", help="Only this rule id (repeatable)")] = None,
) -> int:
    """Run every rule's examples (records that must pass or fail) and report like a test runner."""
    from contractcheck.authoring.examples import run_examples
    from contractcheck.rules import load_rules

    results = run_examples(load_rules(rules or None), set(rule) if rule else None)
    failed = [r for r in results if not r.ok]
    for r in results:
        print(f"{'ok  ' if r.ok else 'FAIL'} {r.rule_id}: {r.example} (expects {r.expected.replace('_', ' ')})")
        if not r.ok:
            print("     " + r.detail.replace("\n", "\n     "))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return ExitCode.FINDINGS if failed else ExitCode.OK


@rules_app.command("list", cls=_Command)
@pipe_safe
def rules_list(
    schedule: SchedOpt = None,
    rules: RulesOpt = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", metavar="TAG", help="Only rules with this tag, e.g. pay (repeatable)")] = None,
) -> int:
    """A table of the rules (in a schedule, with its parameter values); --tag picks a topic."""
    from contractcheck.authoring.catalogue import rules_table
    from contractcheck.rules import load_rules, load_schedule

    sys.stdout.write(rules_table(load_rules(rules or None), load_schedule(schedule) if schedule else None, tag))
    return ExitCode.OK


@rules_app.command("functions", cls=_Command)
@pipe_safe
def rules_functions() -> int:
    """Every function a rule expression may call, with what it gives (from the language's own registry)."""
    from contractcheck.authoring.catalogue import functions_table

    sys.stdout.write(functions_table())
    return ExitCode.OK


@rules_app.command("show", cls=_Command)
@pipe_safe
def rules_show(rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="e.g. PAY-01")], schedule: SchedOpt = None,
               rules: RulesOpt = None) -> int:
    """One rule in full: what it checks, parameters, clause, fix, examples."""
    from contractcheck.authoring.catalogue import rule_detail

    return _show_rule(rule_detail, rule_id, schedule, rules)


def _show_rule(view, rule_id: str, schedule: str | None, rules: list[Path] | None) -> int:
    """Print a catalogue view of one rule, in a schedule when one is named."""
    from contractcheck.rules import load_rules, load_schedule

    sys.stdout.write(view(load_rules(rules or None), rule_id, load_schedule(schedule) if schedule else None))
    return ExitCode.OK


class DocFormat(StrEnum):
    markdown = "markdown"
    html = "html"


@rules_app.command("doc", cls=_Command)
@pipe_safe
def rules_doc(
    schedule: Annotated[str, typer.Argument(metavar="SCHEDULE", help="Schedule id or file")],
    format: Annotated[DocFormat, typer.Option("--format", "-f")] = DocFormat.markdown,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this file")] = None,
    rules: RulesOpt = None,
) -> int:
    """The schedule as a handbook for a tender pack: every obligation in plain words, with examples."""
    from contractcheck.authoring.handbook import schedule_handbook
    from contractcheck.rules import compile_schedule, load_rules, load_schedule

    loaded = load_schedule(schedule)
    if output is not None:
        check_output(output, inputs=[loaded.file, *(rules or [])])
    _, compiled = compile_schedule(loaded, load_rules(rules or None))
    text = schedule_handbook(loaded, compiled, format.value)
    if output is not None:
        write_atomically(output, text)
        print(f"handbook written to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return ExitCode.OK


@schedules_app.command("list", cls=_Command)
@pipe_safe
def schedules_list() -> int:
    """A table of the shipped schedules."""
    from contractcheck.authoring.catalogue import schedules_table

    sys.stdout.write(schedules_table())
    return ExitCode.OK


@schedules_app.command("show", cls=_Command)
@pipe_safe
def schedules_show(schedule: Annotated[str, typer.Argument(metavar="SCHEDULE", help="Schedule id or file")], rules: RulesOpt = None) -> int:
    """One schedule: where it comes from, what it extends, its rules and their parameter values."""
    from contractcheck.authoring.catalogue import schedule_detail
    from contractcheck.rules import load_rules, load_schedule

    sys.stdout.write(schedule_detail(load_schedule(schedule), load_rules(rules or None)))
    return ExitCode.OK


@app.command("explain", cls=_Command)
@pipe_safe
def explain_command(rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="e.g. APP-01")], schedule: SchedOpt = None,
                    rules: RulesOpt = None,
                    reference: Annotated[list[Path] | None, typer.Option("--reference", metavar="FILE", help="Run the examples with this pay-rate table instead of the shipped one (as check --reference; repeatable)")] = None,
                    ) -> int:
    """Explain a rule, running its examples to show how a finding's values are worked out."""
    from contractcheck.authoring.catalogue import explain
    from contractcheck.reference import load_reference, using_reference

    with using_reference(load_reference(reference or [])):  # the examples' pay functions read these rates
        return _show_rule(explain, rule_id, schedule, rules)


@app.command("template", cls=_Command)
def template_command(
    schedule: Annotated[str, typer.Argument(metavar="SCHEDULE", help="Schedule id or file")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="The workbook to write (.xlsx)")],
    rules: RulesOpt = None,
) -> int:
    """A blank return (or bid) workbook for a schedule: its sheets, columns, drop-downs and obligations."""
    from contractcheck.authoring.template import write_template
    from contractcheck.rules import load_schedule

    loaded = load_schedule(schedule)
    check_output(output, inputs=[*(s.file for s in (loaded, *loaded.chain)), *(rules or [])])
    sheets = write_template(loaded, output, rules=rules)
    print(f"template written to {output} ({', '.join(s.title for s in sheets)})", file=sys.stderr)
    return ExitCode.OK


class CompareFormat(StrEnum):
    """The formats compare writes (contractcheck.compare.COMPARE_FORMATS): not a report's junit/sarif/github."""

    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"
    xlsx = "xlsx"


@app.command("compare", cls=_Command)
@pipe_safe
def compare_command(
    bid: Annotated[list[str], typer.Argument(metavar="BID", show_default=False, help="The bids: files, a folder of bids, or a quoted glob ('bids/*.xlsx')")],
    schedule: Annotated[str, typer.Option("--schedule", "-s", metavar="SCHEDULE", autocompletion=schedule_ids, help="Schedule id (see schedules/) or a schedule file")],
    format: Annotated[CompareFormat | None, typer.Option("--format", "-f", help="Output format (default: table, or from the --output extension; xlsx needs --output)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the comparison to this file (.txt/.md/.csv/.json, .html for a page, .xlsx for a workbook)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Judge as of this date instead of each bid's contract start: 2027-04-01, 01/04/2027 or 1 April 2027")] = None,
    rules: RulesOpt = None,
    reference: Annotated[list[Path] | None, typer.Option("--reference", metavar="FILE", help="Judge pay with this rate table (as for check)")] = None,
) -> int:
    """The tender panel's view: a row per bid, its mandatory rules (pass/fail), price, pay, training, apprentices."""
    from contractcheck.batch import expand_inputs
    from contractcheck.compare import COMPARE_RENDERERS, compare, compare_format

    chosen = compare_format(None if format is None else format.value, output)
    paths = expand_inputs(bid)
    if output is not None:
        check_output(output, inputs=[*bid, *paths, *(rules or []), *(reference or [])])
    comparison = compare(paths, schedule, as_of=_as_of_given(as_of), rules_paths=rules,
                         reference=reference)
    if output is not None and chosen == "xlsx":
        from contractcheck.compare import render_xlsx

        data = render_xlsx(comparison)
        write_bytes_atomically(output, lambda stream: stream.write(data), what="the comparison")
        print(f"comparison written to {output}", file=sys.stderr)
    elif output is not None:
        text = COMPARE_RENDERERS[chosen](comparison)
        write_atomically(output, text)
        print(f"comparison written to {output}", file=sys.stderr)
    else:
        sys.stdout.write(COMPARE_RENDERERS[chosen](comparison))
    for row in comparison.could_not_check:
        print(row.error, file=sys.stderr)
    return ExitCode.ERROR if comparison.could_not_check else ExitCode.OK


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


@app.command("completion", cls=_Command)
def completion_command(
    ctx: typer.Context,
    shell: Annotated[Shell | None, typer.Argument(metavar="SHELL", help="bash, zsh, fish or powershell [default: the shell this runs in]")] = None,
    install: Annotated[bool, typer.Option("--install", help="Add it to the shell's start-up file instead of printing it")] = False,
) -> int:
    """Tab completion for your shell: print the script (or --install it). Commands, options, formats and schedule
    ids complete.

    \b
    Example: contractcheck completion bash --install   (then open a new terminal)
    """
    # typer's own completion (a command, not the root's --install-completion option: a root option is parsed,
    # and typer's pydantic adapters imported, on every command, which made `check -h` slow)
    from typer.completion import install_callback, show_callback

    (install_callback if install else show_callback)(ctx.find_root(), ctx.command.params[0],
                                                      shell.value if shell else True)
    return ExitCode.OK


@app.command("version", cls=_Command)
@pipe_safe
def version_command() -> int:
    """Print the version."""
    print(__version__)
    return ExitCode.OK


#: the shell's exit status for a program stopped by a closed pipe (128 + SIGPIPE): never "findings failed"
EXIT_PIPE_CLOSED = 128 + 13



def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM ends the run the way Ctrl-C does: ``finally`` blocks run, so no temporary report is left."""
    raise SystemExit(128 + signum)


def _stdout_gone() -> None:
    """The reader of stdout went away (``| head -1``): send what is left nowhere, so the exit flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn every failure into one line and exit code 2."""
    plain_when_needed(sys.stdout)
    plain_when_needed(sys.stderr)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    code = _run(argv)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_gone()
        code = EXIT_PIPE_CLOSED
    sys.exit(code)


def _help_at_once(args: list[str]) -> bool:
    """``contractcheck [COMMAND ...] -h``: print that command's help without parsing its options. Parsing makes
    typer build every option's converter (importing pydantic), which cost `check -h` a third of its time. Only the
    plain form is answered here (command names, then -h or --help); anything else goes through typer as usual."""
    if not args or args[-1] not in ("-h", "--help") or any(a.startswith("-") for a in args[:-1]):
        return False
    command = typer.main.get_command(app)
    # a context as typer would make it (its settings: -h), its options left unparsed
    ctx = command.context_class(command, info_name="contractcheck", **command.context_settings)
    for name in args[:-1]:
        sub = getattr(command, "get_command", lambda _ctx, _name: None)(ctx, name)
        if sub is None:
            return False
        command, ctx = sub, sub.context_class(sub, info_name=name, parent=ctx, **sub.context_settings)
    print(command.get_help(ctx))
    return True


def _run(argv: list[str] | None) -> int:
    """The command's exit status; every failure printed as one line (never a traceback)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] and args[0] in VERSION_FLAGS:
        print(f"contractcheck {__version__}")
        return ExitCode.OK
    if _help_at_once(args):
        return ExitCode.OK
    if os.environ.get("_CONTRACTCHECK_COMPLETE"):  # the shell asking for completions (contractcheck completion)
        from typer.completion import completion_init

        completion_init()
    try:
        code = app(args=argv, prog_name="contractcheck", standalone_mode=False)
    except TyperException as exc:  # typer's (vendored click) usage errors: bad option, missing argument
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(exc.format_message(), file=sys.stderr)
            return ExitCode.ERROR
        ctx = getattr(exc, "ctx", None)
        command = getattr(ctx, "command_path", None)  # "contractcheck rules lint", not just "lint"
        hint = f" (see: {command} --help)" if command and command != "contractcheck" else ""
        message = " ".join(exc.format_message().split())
        print(f"error USAGE: {message}{hint}", file=sys.stderr)
        return ExitCode.ERROR
    except ContractcheckError as exc:
        print(exc.one_line(), file=sys.stderr)
        return ExitCode.ERROR
    except (Abort, KeyboardInterrupt):
        print("error: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except (BrokenPipeError, PipeClosed):
        _stdout_gone()  # the reader of our output went away: not a verdict, and not "findings failed"
        return EXIT_PIPE_CLOSED
    except RecursionError:
        print("error INTERNAL: the input is nested too deeply to be read (RecursionError); please report it with "
              "the command that caused it", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        print(f"error INTERNAL: {type(exc).__name__}: {exc} (this is a bug in contractcheck; please report it)",
              file=sys.stderr)
        return ExitCode.ERROR
    return code if isinstance(code, int) else ExitCode.OK


if __name__ == "__main__":
    main()
