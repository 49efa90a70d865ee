"""Command line: a thin typer layer over the library API. Parses options, calls ``check``, renders.

Every failure to check prints one line on stderr and exits 2; a traceback is never shown.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from typer.exceptions import Abort, TyperException

from contractcheck._version import __version__
from contractcheck.errors import ContractcheckError, ExitCode, GivenValueError, OutputError, UsageError
from contractcheck.severity import FAIL_ON_CHOICES

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Check care providers' workforce returns and bids against a contract's workforce schedule.")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


# the choices come from the one list of severities (contractcheck.severity)
FailOn = StrEnum("FailOn", {name: name for name in FAIL_ON_CHOICES})  # type: ignore[misc]


SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".txt": "table"}


# Characters reports use that a legacy console code page (Windows cp1252) may lack, and how they read there.
_PLAIN = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≠": "!=", "×": "x", "÷": "/", "…": "...", "✓": "yes",
          "✗": "no", "—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "£": "GBP "}


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


def _is_input(output: Path, given: Path) -> bool:
    """Whether writing ``output`` would change ``given``: the same file, or a file inside a folder given."""
    try:
        if output.exists() and given.exists() and os.path.samefile(output, given):
            return True
    except OSError:
        pass
    out, inp = output.resolve(), given.resolve()
    return out == inp or (given.is_dir() and inp in out.parents)


def check_output(path: Path, inputs: Sequence[Path | str | None] = ()) -> None:
    """Refuse, before any work, an output that cannot be written or would change an input (``UsageError``).

    ``inputs`` are the files (and folders) the command reads: an output that would replace or add to one of
    them is refused, so a report can never overwrite the return, schedule or waivers it came from.
    """
    for given in inputs:
        if given is not None and _is_input(path, Path(given)):
            raise UsageError(f"--output {path} would overwrite an input ({given}); inputs are never written: "
                             "choose another file name")
    if path.is_dir():
        raise UsageError(f"--output {path} is a folder: give a file name, e.g. {path / 'report.json'}")
    directory = path.resolve().parent
    if not directory.is_dir():
        raise UsageError(f"--output folder does not exist: {directory}")


def write_atomically(path: Path, text: str) -> None:
    """Write the whole report or nothing: a half-written file must never look complete.

    Raises ``OutputError`` (one line, exit 2) when the file cannot be written: no permission, disk full.
    """
    directory = path.resolve().parent
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write the report to {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def output_format(chosen: Format | None, output: Path | None) -> str | None:
    """The format asked for: ``--format``, else the output file's extension; None: decide by the terminal.

    An extension that names no format we write (``.xlsx``, ``.html``) is refused (``UsageError``) rather than
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


@app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(help="The return or bid: .xlsx/.xlsm/.ods, .csv, a folder of .csv, .json/.yaml")],
    schedule: Annotated[str, typer.Option("--schedule", "-s", help="Schedule id (see schedules/) or a schedule file")],
    format: Annotated[Format | None, typer.Option("--format", "-f", help="Output format [default: table on a terminal, else json]")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file (format from its extension unless --format)")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 if a finding at or above this severity fails")] = FailOn.minor,  # type: ignore[attr-defined]
    as_of: Annotated[dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Judge as of this date (YYYY-MM-DD) instead of the schedule's date")] = None,
    set_values: Annotated[list[str] | None, typer.Option("--set", help="A contract value not in the file, e.g. --set contract_value=1650000 (repeatable)")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule file or folder, subfolders too (repeatable); the schedule picks which run")] = None,
    waivers: Annotated[Path | None, typer.Option("--waivers", help="Waiver file: accepted deviations (YAML)")] = None,
) -> int:
    """Check a provider's return or bid against a contract schedule and report the findings."""
    # imported here, not at the top: --help, version and the rule tools start without pandas and pyarrow
    from contractcheck.api import check, exit_code_for
    from contractcheck.report.render import RENDERERS

    if output is not None:
        check_output(output, inputs=[file, waivers, *(rules or []), _as_path(schedule)])
    chosen = output_format(format, output)
    try:
        report = check(file, schedule, as_of=as_of.date() if as_of else None, set_values=_parse_sets(set_values or []),
                       rules_paths=rules or None, waivers=waivers)
    except GivenValueError as exc:  # the API words it for any caller; here the user typed --set
        raise UsageError(f"--set {exc.key}={exc.text}: {exc.problem}") from exc
    if chosen is None:
        chosen = "table" if sys.stdout.isatty() else "json"
    text = RENDERERS[chosen](report)
    code = exit_code_for(report, fail_on.value)
    if output is not None:
        write_atomically(output, text)
        print(f"{report.summary.verdict}: report written to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return code


rules_app = typer.Typer(no_args_is_help=True, help="Lint, test, list, show and document rules.")
schedules_app = typer.Typer(no_args_is_help=True, help="List and show schedules.")
app.add_typer(rules_app, name="rules")
app.add_typer(schedules_app, name="schedules")

SchedOpt = Annotated[str | None, typer.Option("--schedule", "-s", help="Show values in this schedule (id or file)")]
RulesOpt = Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule file or folder (repeatable)")]


@rules_app.command("lint")
def rules_lint(
    paths: Annotated[list[Path] | None, typer.Argument(help="Rule and schedule files or folders [default: the shipped ones]")] = None,
    schedule: Annotated[str | None, typer.Option(
        "--schedule", "-s", help="Check the rules against the fields this schedule declares too (id or file)")] = None,
) -> int:
    """Check rule and schedule files without data: schema, ids, expressions and types, references, dates."""
    from contractcheck.authoring.lint import lint

    result = lint(paths or None, schedule)
    for problem in result.problems:
        print(problem.render())
    what = f"{result.rules} rules and {result.schedules} schedules in {len(result.files)} files"
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {what}")
        return ExitCode.FINDINGS
    print(f"no problems in {what}")
    return ExitCode.OK


@rules_app.command("test")
def rules_test(
    rules: RulesOpt = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", "-r", help="Only this rule id (repeatable)")] = None,
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


@rules_app.command("list")
def rules_list(
    schedule: SchedOpt = None,
    rules: RulesOpt = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Only rules with this tag, e.g. pay (repeatable)")] = None,
) -> int:
    """A table of the rules (in a schedule, with its parameter values); --tag picks a topic."""
    from contractcheck.authoring.catalogue import rules_table
    from contractcheck.rules import load_rules, load_schedule

    sys.stdout.write(rules_table(load_rules(rules or None), load_schedule(schedule) if schedule else None, tag))
    return ExitCode.OK


@rules_app.command("functions")
def rules_functions() -> int:
    """Every function a rule expression may call, with what it gives (from the language's own registry)."""
    from contractcheck.authoring.catalogue import functions_table

    sys.stdout.write(functions_table())
    return ExitCode.OK


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="e.g. PAY-01")], schedule: SchedOpt = None,
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


@rules_app.command("doc")
def rules_doc(
    schedule: Annotated[str, typer.Argument(help="Schedule id or file")],
    format: Annotated[DocFormat, typer.Option("--format", "-f")] = DocFormat.markdown,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file")] = None,
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


@schedules_app.command("list")
def schedules_list() -> int:
    """A table of the shipped schedules."""
    from contractcheck.authoring.catalogue import schedules_table

    sys.stdout.write(schedules_table())
    return ExitCode.OK


@schedules_app.command("show")
def schedules_show(schedule: Annotated[str, typer.Argument(help="Schedule id or file")], rules: RulesOpt = None) -> int:
    """One schedule: where it comes from, what it extends, its rules and their parameter values."""
    from contractcheck.authoring.catalogue import schedule_detail
    from contractcheck.rules import load_rules, load_schedule

    sys.stdout.write(schedule_detail(load_schedule(schedule), load_rules(rules or None)))
    return ExitCode.OK


@app.command("explain")
def explain_command(rule_id: Annotated[str, typer.Argument(help="e.g. APP-01")], schedule: SchedOpt = None,
                    rules: RulesOpt = None) -> int:
    """Explain a rule, running its examples to show how a finding's values are worked out."""
    from contractcheck.authoring.catalogue import explain

    return _show_rule(explain, rule_id, schedule, rules)


@app.command("version")
def version_command() -> int:
    """Print the version."""
    print(__version__)
    return ExitCode.OK


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn every failure into one line and exit code 2."""
    plain_when_needed(sys.stdout)
    plain_when_needed(sys.stderr)
    try:
        code = app(args=argv, prog_name="contractcheck", standalone_mode=False)
    except TyperException as exc:  # typer's (vendored click) usage errors: bad option, missing argument
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(exc.format_message(), file=sys.stderr)
            sys.exit(ExitCode.ERROR)
        ctx = getattr(exc, "ctx", None)
        command = getattr(ctx, "command_path", None)  # "contractcheck rules lint", not just "lint"
        hint = f" (see: {command} --help)" if command and command != "contractcheck" else ""
        message = " ".join(exc.format_message().split())
        print(f"error USAGE: {message}{hint}", file=sys.stderr)
        sys.exit(ExitCode.ERROR)
    except ContractcheckError as exc:
        print(exc.one_line(), file=sys.stderr)
        sys.exit(ExitCode.ERROR)
    except Abort:
        print("error: interrupted", file=sys.stderr)
        sys.exit(ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(ExitCode.FINDINGS)  # the reader of our output went away: unchanged from before, not a verdict
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        print(f"error INTERNAL: {type(exc).__name__}: {exc} (this is a bug in contractcheck; please report it)",
              file=sys.stderr)
        sys.exit(ExitCode.ERROR)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


if __name__ == "__main__":
    main()
