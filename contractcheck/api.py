"""The library API: one call from a file and a schedule to a Report (the CLI is a thin layer over it)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from contractcheck._version import __version__
from contractcheck.as_of import as_of_candidates, as_of_from
from contractcheck.blank import is_blank
from contractcheck.errors import ExitCode, InputError, UsageError
from contractcheck.evaluate import evaluate_rule
from contractcheck.load import Source, open_source
from contractcheck.load.sidecar import contract_file_beside, read_contract_file
from contractcheck.normalise import Dataset, normalise, parse_given_date
from contractcheck.normalise.headings import names_like_tables
from contractcheck.position import Position
from contractcheck.recognise import refuse_if_not_a_return
from contractcheck.reference import PayReference, load_reference, shipped_reference, using_reference
from contractcheck.report.findings import Findings
from contractcheck.report.model import SEVERITIES, AsOf, InputInfo, Report, RuleResult, ScheduleInfo
from contractcheck.report.summary import summarise
from contractcheck.report.waivers import WaiverFile, apply_waivers, load_waivers
from contractcheck.return_format import ReturnFormat
from contractcheck.rules import (
    CompiledRule,
    LoadedSchedule,
    RuleLibrary,
    bundled_dir,
    compile_schedule,
    load_rules,
    load_schedule,
    version_in_force,
)
from contractcheck.wording import long_date


def resolve_as_of(
    schedule: LoadedSchedule, data: Dataset, override: dt.date | None
) -> tuple[pd.Timestamp, str, list[str]]:
    """The date the return is judged on: the option, else the schedule's choice of a contract date (``as_of``).

    InputError (exit 2) when the data lacks that date or it cannot be read, naming the cell: no other date stands
    in for it (:mod:`contractcheck.as_of`).
    """
    notes: list[str] = []
    if override is not None:
        return pd.Timestamp(override), "as-of date given (--as-of, or as_of= from Python)", notes
    basis = schedule.schedule.as_of
    found = as_of_from(basis, data.kind, data.scalars)  # the one policy: contractcheck.as_of
    if found is not None:
        when, how = found
        return when, how, notes
    assert not isinstance(basis, dt.date)  # a fixed date is always found
    raise _no_as_of(as_of_candidates(basis, data.kind)[0], data, schedule.schedule.id)


def _no_as_of(basis: str, data: Dataset, schedule_id: str) -> InputError:
    """The one line for a return or bid without the date its schedule judges on: unreadable (where) or missing."""
    give = "or give the date to judge on (--as-of YYYY-MM-DD, as_of= from Python)"
    for issue in data.issues:
        if issue.kind == "unparseable" and issue.field == basis:
            return InputError(
                f"{issue.message}; it is the date {schedule_id} judges the {data.kind} on: put it right (a date "
                f"written day first, e.g. 30/09/2026) {give}",
                code="ASOF", location=issue.position)
    sheet = next((kv for kv in data.keyvalues.values() if basis in kv.spec.fields), None)
    where = f" on the {sheet.spec.title} sheet" if sheet is not None else ""
    return InputError(
        f"the {data.kind} gives no {basis}, the date {schedule_id} judges it on: add {basis}{where} {give}",
        code="ASOF", location=Position(file=data.file, sheet=sheet.sheet if sheet is not None else None))


def run_rules(rules: list[CompiledRule], data: Dataset, as_of: pd.Timestamp) -> tuple[list[RuleResult], Findings]:
    """Judge a dataset by every rule (each id once, by its version in force on ``as_of``).

    Returns one result per rule id, in the schedule's order, and every finding sorted by severity, rule id and
    position (the report's order).
    """
    results: list[RuleResult] = []
    findings: list[Findings] = []
    versions: dict[str, list[CompiledRule]] = {}
    for cr in rules:
        versions.setdefault(cr.rule.id, []).append(cr)
    for candidates in versions.values():
        outcome = evaluate_rule(version_in_force(candidates, as_of.date()), data, as_of)
        results.append(outcome.result)
        findings.append(outcome.findings)
    return results, Findings.of(findings)


def check(
    path: str | Path,
    schedule: str | os.PathLike[str] | LoadedSchedule,
    *,
    as_of: dt.date | str | None = None,
    set_values: Mapping[str, str] | None = None,
    rules_paths: list[Path] | None = None,
    library: RuleLibrary | None = None,
    waivers: str | Path | None = None,
    reference: ReferenceGiven = None,
    name: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check a return or bid against a schedule and return the report (``docs/report.md``).

    - ``path``: the return or bid: ``.xlsx``/``.xlsm``/``.xls``/``.ods``, a ``.csv`` (the Workforce table), a
      folder of CSV files named after the tables, or ``.json``/``.yaml``. Never written to.
    - ``schedule``: a shipped schedule id (``oxfordshire-help-to-live-at-home``), a schedule file path, or a
      schedule already loaded with ``rules.load_schedule``.
    - ``as_of``: judge on this date instead of the date the schedule names (``contractcheck.as_of``): a date, or
      text in any form a return's date cells take (``2026-09-30``, ``30/09/2026``, ``30 September 2026``).
    - ``set_values``: contract or bid values the file does not hold, as text (``{"contract_value": "1650000"}``),
      parsed like the file's own cells; a single CSV takes its contract details from here.
    - ``rules_paths``: extra rule files or folders (read with subfolders), added to the shipped library.
    - ``library``: a rule library already loaded (``rules.load_rules``); ``rules_paths`` is then not used.
    - ``waivers``: a waiver file; matching findings are marked waived (``contractcheck.report.waivers``).
    - ``reference``: pay-rate tables to judge with instead of the shipped ones (newer or corrected rates): a
      file or a list of files, each in the schema of ``contractcheck/data/uk_pay_floors.yaml`` or
      ``contractcheck/data/nmw_history.yaml``; or a ``reference.PayReference`` already loaded. The report's
      ``reference_data`` names the files that judged (path, SHA-256, sources).
    - ``name``: what to call the file in the report and its findings when its path is not its name (the CLI
      passes ``-`` for standard input); a contract file beside it is then not looked for.
    - ``progress``: called with the name of each stage as it starts (``"reading"``, ``"judging 31 rules"``), for a
      caller that shows progress.

    Rules and schedule are compiled before the file is read. Problems *in* the data are findings in the
    report. Raises ``ContractcheckError`` (``InputError`` for a file that cannot be read, ``RuleError`` for
    invalid rules, schedule, waivers or reference data (codes ``REF000``/``REF001`` for a bad ``reference`` file),
    ``UsageError`` for bad arguments: ``GivenValueError`` for a ``set_values``
    entry that is no contract or bid field or does not read as one) when the check cannot be done; each
    renders as one line naming the file, sheet, row and column (``error.one_line()``).
    """
    prepared = prepare(schedule, rules_paths=rules_paths, library=library, waivers=waivers, reference=reference)
    return check_prepared(path, prepared, as_of=as_of, set_values=set_values, name=name, progress=progress)


@dataclass(frozen=True)
class PreparedSchedule:
    """A schedule made ready to judge any number of files: loaded, its rules compiled, waivers read.

    Made by :func:`prepare`; :func:`check_prepared` judges one file with it, so a batch
    (``contractcheck.batch.check_many``) pays for loading and compiling once, not once a file.
    """

    schedule: LoadedSchedule
    library: RuleLibrary
    format: ReturnFormat
    rules: list[CompiledRule]
    waivers: WaiverFile | None
    not_run: list[str]
    """ids of rules given beside the shipped library that the schedule does not select"""
    reference: PayReference
    """the pay-rate data every file is judged with (shipped, or given with ``reference=``), read once"""


#: what ``reference=`` accepts: nothing (the shipped data), a file, several files, or data already loaded
ReferenceGiven = PayReference | str | Path | Sequence[str | Path] | None


def resolve_reference(reference: ReferenceGiven) -> PayReference:
    """The pay-rate data a run judges with: the shipped data, or the files given read and validated once."""
    if reference is None:
        return shipped_reference()
    if isinstance(reference, PayReference):
        return reference
    return load_reference([reference] if isinstance(reference, (str, Path)) else list(reference))


def prepare(
    schedule: str | os.PathLike[str] | LoadedSchedule,
    *,
    rules_paths: list[Path] | None = None,
    library: RuleLibrary | None = None,
    waivers: str | Path | None = None,
    reference: ReferenceGiven = None,
) -> PreparedSchedule:
    """Load and compile a schedule (and read a waiver file and any pay-rate files) once, before any data is read.

    Arguments as :func:`check`. Raises ``RuleError`` for invalid rules, schedule, waivers or reference data and
    ``UsageError`` for an unknown schedule.
    """
    loaded = schedule if isinstance(schedule, LoadedSchedule) else load_schedule(os.fspath(schedule))
    library = library or load_rules(rules_paths)
    fmt, rules = compile_schedule(loaded, library)  # rules are checked before any data is read
    waiver_file = load_waivers(waivers) if waivers is not None else None
    return PreparedSchedule(schedule=loaded, library=library, format=fmt, rules=rules, waivers=waiver_file,
                            not_run=_extra_rules_not_run(library, rules), reference=resolve_reference(reference))


def check_prepared(
    path: str | Path,
    prepared: PreparedSchedule,
    *,
    as_of: dt.date | str | None = None,
    set_values: Mapping[str, str] | None = None,
    name: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check one return or bid with a schedule already prepared (:func:`prepare`): what :func:`check` does,
    without loading and compiling the schedule again. Arguments, result and errors as :func:`check`."""
    return check_prepared_with_data(path, prepared, as_of=as_of, set_values=set_values, name=name,
                                    progress=progress)[0]


def check_prepared_with_data(
    path: str | Path,
    prepared: PreparedSchedule,
    *,
    as_of: dt.date | str | None = None,
    set_values: Mapping[str, str] | None = None,
    source: Source | None = None,
    name: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Report, Dataset]:
    """:func:`check_prepared`, and the normalised data it judged (``Dataset``: the file's tables and contract or
    bid values, parsed), for a caller that shows the file's own figures beside the verdicts (``compare``).

    ``source``: the input already opened (e.g. one bid's sheets of a workbook holding several); ``path`` is then
    only what the report calls it."""
    stage = progress or _no_progress
    if isinstance(as_of, str):
        as_of = parse_given_date(as_of)
    loaded, library, rules, fmt = prepared.schedule, prepared.library, prepared.rules, prepared.format
    waiver_file = prepared.waivers
    stage("reading")
    source = source if source is not None else open_source(Path(path), name)
    beside = contract_file_beside(Path(path)) if name is None else None
    given = {**read_contract_file(beside), **(set_values or {})} if beside is not None else set_values
    data = normalise(source, fmt, extra_scalars=given)
    # a rule file or an unrelated workbook: "cannot check" (exit 2), never a verdict
    refuse_if_not_a_return(source, data, fmt, loaded.schedule.kind, loaded.schedule.id)
    when, basis, notes = resolve_as_of(loaded, data, as_of)
    notes = [*source.notes(), *notes]  # how the file was read (a CSV's separator, a hidden sheet passed over)
    hidden = names_like_tables(source.hidden_names(), fmt)
    if hidden:
        notes.insert(0, f"hidden sheets not checked: {', '.join(map(repr, hidden))} (unhide a sheet in the workbook "
                        "for it to be read)")
    if beside is not None:
        notes.append(f"contract values read from {beside} (values given with --set win over it)")
    not_run = prepared.not_run
    if not_run:
        notes.append(f"rules given with --rules (rules_paths) that schedule {loaded.schedule.id} does not include, "
                     f"so not run: {', '.join(not_run)} — add them to the schedule's rules: to run them")
    # a schedule holds a contract's rules for bids and for returns: the report lists those for this kind of file
    rules, others = rules_for_kind(rules, data.kind)
    if others and not any(set(cr.rule.kinds()) < _EVERY_KIND for cr in rules):
        # only the data checks every kind of file gets: a verdict from them would read as "compliant"
        written_for = sorted({kind for cr in others for kind in cr.rule.kinds()})
        raise UsageError(f"{source.given}: a {_KIND_WORDS[data.kind]}, but schedule {loaded.schedule.id} holds no "
                         f"rules for one (its rules are for {' and '.join(_KIND_WORDS[k] + 's' for k in written_for)})"
                         "; choose a schedule written for it (contractcheck schedules list)")
    pay_data = prepared.reference
    if when.date() >= pay_data.next_expected_change:
        last_day = long_date(pay_data.next_expected_change - dt.timedelta(days=1))
        notes.append(f"reference data: the statutory pay rates in use end on {last_day}, before "
                     f"{long_date(when.date())}; rules needing a later rate are not judged — give newer rates with "
                     "--reference FILE")
    stage(f"judging {len(rules)} rules")
    with using_reference(pay_data):  # the pay functions judge with this run's data (this thread only)
        results, findings = run_rules(rules, data, when)
    s = loaded.schedule
    report = Report(
        contractcheck_version=__version__,
        input=InputInfo(path=name if name is not None else str(path), kind=data.kind, sha256=source.sha256(),
                        tables=data.found, **header_facts(data)),
        schedule=ScheduleInfo(id=s.id, title=s.title, version=s.version, council=s.council, source=s.source,
                              sha256=loaded.digest, rules_sha256=library.digest()),
        as_of=AsOf(date=when.date().isoformat(), basis=basis),
        summary=summarise(results, findings),
        results=results,
        findings=findings,
        notes=notes,
        reference_data=pay_data.provenance(),
    )
    if waiver_file is not None:
        ref = data.scalars.get("contract_ref") or data.scalars.get("tender_ref")
        report = apply_waivers(report, waiver_file, when.date(), str(ref) if ref else None)
    return report, data


#: every kind of file a schedule's rules may judge (``Rule.applies_to``)
_EVERY_KIND = {"return", "bid", "grant"}
_KIND_WORDS = {"return": "workforce return", "bid": "tender bid", "grant": "grant application"}


def rules_for_kind(rules: list[CompiledRule], kind: str) -> tuple[list[CompiledRule], list[CompiledRule]]:
    """A schedule's rules split by the kind of file judged (``"return"`` or ``"bid"``): those that apply to it
    (``Rule.kinds()``: the rule's ``applies_to``, else where its table is used) and those for the other kind only.
    One schedule holds a contract's rules for its tender and its delivery; a report lists only the first."""
    own = [cr for cr in rules if kind in cr.rule.kinds()]
    return own, [cr for cr in rules if kind not in cr.rule.kinds()]


def _no_progress(stage: str) -> None:
    """The progress callback when the caller gives none."""


#: the Contract or Bid fields a report's head names (``InputInfo``): who, which contract or tender, which period
HEADER_FIELDS = ("provider_name", "contract_ref", "bidder_name", "tender_ref", "period_start", "period_end")


def header_facts(data: Dataset) -> dict[str, str]:
    """The facts a report's head names, from the normalised Contract or Bid table (or values given with
    ``set_values``): field → text as the file wrote it, or an ISO date for ``period_start``/``period_end``.
    A field that is absent, blank or could not be read is left out (the DATA rules report it)."""
    facts: dict[str, str] = {}
    for key in HEADER_FIELDS:
        value = data.scalars.get(key)
        if is_blank(value):
            continue
        if isinstance(value, (pd.Timestamp, dt.datetime)):
            facts[key] = value.date().isoformat()
        elif isinstance(value, dt.date):
            facts[key] = value.isoformat()
        else:
            facts[key] = str(value)
    return facts


def _extra_rules_not_run(library: RuleLibrary, rules: list[CompiledRule]) -> list[str]:
    """Ids of rules read from outside the shipped library that the schedule does not select."""
    shipped = bundled_dir("rules").resolve()
    chosen = {cr.rule.id for cr in rules}
    extra = {rid for rid, versions in library.versions.items() for sr in versions
             if shipped not in Path(sr.file).resolve().parents}
    return sorted(extra - chosen)


def annotate(
    path: str | Path,
    report: Report,
    stream: IO[bytes],
    *,
    set_values: Mapping[str, str] | None = None,
    keep_macros: bool = False,
) -> None:
    """Write the annotated workbook of a checked file to ``stream`` (xlsx bytes): each failing cell filled by its
    severity and commented, and a first sheet "Findings" listing every finding with a link to its cell
    (:mod:`contractcheck.report.annotate`).

    - ``path``: the file or folder ``report`` was made from (as given to :func:`check`); only read. An
      ``.xlsx``/``.xlsm`` is copied, everything else is built from its tables as read.
    - ``set_values``: as given to :func:`check`; a ``provider_name`` there (or in a contract file beside the
      file) names the provider on the Findings sheet.
    - ``keep_macros``: keep an ``.xlsm`` workbook's macros (the stream is then an ``.xlsm`` file).

    Raises ``InputError`` when the file changed after it was checked or cannot be read again.
    """
    from contractcheck.report.annotate import write_annotated  # here: a check without it never imports openpyxl

    beside = contract_file_beside(Path(path))
    given = {**(read_contract_file(beside) if beside is not None else {}), **(set_values or {})}
    write_annotated(path, report, stream, provider=given.get("provider_name") or None, keep_macros=keep_macros)


def exit_code_for(report: Report, fail_on: str = "minor") -> int:
    """The exit code for a report: ``ExitCode.OK`` (0) when nothing fails at or above ``fail_on``, else
    ``ExitCode.FINDINGS`` (1). ``fail_on`` is a severity or ``"never"``; anything else raises ``UsageError``.
    Waived findings never count."""
    if fail_on == "never":
        return ExitCode.OK
    if fail_on not in SEVERITIES:
        raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)} or never, not {fail_on!r}")
    return ExitCode.FINDINGS if report.any_failing(fail_on) else ExitCode.OK
