"""``rules lint``: check rule and schedule files without any data, and report every problem found.

Compiling is the check: a rule's expressions are parsed and type-checked against the return format, so an
unknown field, a date compared with money or a function given the wrong arguments is found here, with the
file and line, before a return is ever read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contractcheck.errors import ContractcheckError, RuleError
from contractcheck.position import Position
from contractcheck.report.pipeline import escape_data, escape_property
from contractcheck.return_format import ReturnFormat, return_format
from contractcheck.rules import (
    RuleLibrary,
    SourcedRule,
    add_version,
    bundled_dir,
    compile_rule,
    compile_schedule,
    file_kind,
    load_schedule,
    read_rule_file,
    rule_files,
    schedule_format,
)
from contractcheck.rules.model import Schedule
from contractcheck.yamldata import load_yaml, validation_errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a rule or schedule file, where it is (a file and, when known, a line) and its code."""

    position: Position
    code: str
    message: str

    def render(self) -> str:
        """``file:line: CODE message``, as an editor or CI log links it (``file: CODE message`` without a line)."""
        return f"{self.position.render()}: {self.code} {self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        """File, then line, then code: the order problems are listed in."""
        return (self.position.file or "", self.position.line or 0, self.code)

    def as_dict(self) -> dict[str, Any]:
        """``{file, line, column, code, message, severity}`` for ``rules lint --format json``: ``line`` is the
        1-based line of the file (None when the problem is the whole file), ``column`` None (lint knows lines;
        a column inside an expression is in the message), ``severity`` always ``error``: every problem fails
        the lint."""
        return {"file": self.position.file, "line": self.position.line, "column": None, "code": self.code,
                "message": self.message, "severity": "error"}

    def github(self) -> str:
        """The problem as a GitHub workflow command: ``::error file=F,line=L,title=CODE::message``."""
        props = [("file", self.position.file or "")]
        if self.position.line:
            props.append(("line", str(self.position.line)))
        props.append(("title", self.code))
        joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
        return f"::error {joined}::{escape_data(self.message)}"


@dataclass
class LintResult:
    """Every problem found, with what was linted: the files read and how many rules and schedules they hold."""

    problems: list[Problem]
    files: list[Path]
    rules: int
    schedules: int


def summary(result: LintResult) -> str:
    """The last line of the text and GitHub forms: how many problems in how many rules, schedules and files."""
    what = f"{result.rules} rules and {result.schedules} schedules in {len(result.files)} files"
    return f"{len(result.problems)} problem(s) in {what}" if result.problems else f"no problems in {what}"


LINT_FORMATS = ("text", "json", "github")


def render_lint(result: LintResult, fmt: str = "text") -> str:
    """The lint result as ``text`` (``file:line: CODE message`` a problem, then the summary), ``json`` (a list of
    ``Problem.as_dict()``, indent 2) or ``github`` (a workflow command a problem, then the summary)."""
    if fmt == "json":
        return json.dumps([p.as_dict() for p in result.problems], indent=2, ensure_ascii=False) + "\n"
    lines = [p.github() if fmt == "github" else p.render() for p in result.problems]
    return "\n".join([*lines, summary(result)]) + "\n"


def _at(file: str | Path, line: int | None) -> Position:
    return Position(file=str(file), line=line)


def _problem(exc: ContractcheckError) -> Problem:
    """A problem from an error, at the error's own position (a file of ``?`` when it names none)."""
    return Problem(replace(exc.location, file=exc.location.file or "?"), exc.code, exc.message)


def lint(paths: list[Path] | None = None, schedule: str | None = None) -> LintResult:
    """Every problem in the given rule and schedule files (default: the shipped ones).

    Rules are compiled against the shipped return format or, given a ``schedule`` (an id or a file), against
    that format plus the fields the schedule declares, as ``check`` compiles them under that schedule; the
    schedule itself is linted too. A schedule that cannot be read raises its error: there is nothing to lint
    against.
    """
    given = rule_files(paths or [bundled_dir("rules"), bundled_dir("schedules")])
    fmt = return_format()
    if schedule is not None:
        loaded = load_schedule(schedule)
        fmt = schedule_format(loaded)
        if Path(loaded.file).resolve() not in {f.resolve() for f in given}:
            given = [*given, Path(loaded.file)]
    kinds = {f: file_kind(f) for f in given}
    problems: list[Problem] = [
        Problem(_at(f, 1), "LINT000", "neither a rule file (rules: [...]) nor a schedule (id: ...)")
        for f, k in kinds.items() if k == "other"
    ]
    linted_rules = [f for f, k in kinds.items() if k == "rules"]
    # schedules may use shipped rules: load those too (first, so that an id a linted file shares with a shipped
    # rule is reported at the linted file), reporting only files the user asked about
    shipped = rule_files([bundled_dir("rules")])
    linted = {f.resolve() for f in linted_rules}
    to_read = [f for f in shipped if f.resolve() not in linted] + linted_rules
    versions: dict[str, list[SourcedRule]] = {}
    for f in to_read:
        report = f.resolve() in linted
        found, errors = read_rule_file(f, every=report)
        if report:
            problems.extend(_problem(e) for e in errors)
        for sr in found:
            try:
                add_version(versions, sr)
            except RuleError as exc:
                if report:
                    problems.append(_problem(exc))
    valid = {(sr.file, sr.line) for vs in versions.values() for sr in vs}
    problems.extend(_duplicate_ids(linted_rules, valid, problems))
    library = RuleLibrary(versions, to_read)
    rule_count = 0
    for _, vs in sorted(versions.items()):
        for sr in vs:
            if Path(sr.file).resolve() not in linted:
                continue
            rule_count += 1
            problems.extend(_check_rule(sr, fmt))
    schedules = [f for f, k in kinds.items() if k == "schedule"]
    for f in schedules:
        shape = _schedule_shape_problems(f)
        if shape:
            problems.extend(shape)
            continue
        try:
            compile_schedule(load_schedule(str(f)), library)
        except ContractcheckError as exc:
            problems.append(_problem(exc))
    problems.sort(key=Problem.sort_key)
    return LintResult(problems, given, rule_count, len(schedules))


def _raw_ids(path: Path) -> list[tuple[str, int | None]]:
    """Each rule's id in a rule file as written, with its line, valid rule or not (nothing when it is no YAML)."""
    try:
        doc = load_yaml(path)
    except RuleError:
        return []
    rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
    if not isinstance(rules, list):
        return []
    return [(str(raw["id"]), doc.line_of(("rules", i))) for i, raw in enumerate(rules)
            if isinstance(raw, dict) and isinstance(raw.get("id"), (str, int))]


def _duplicate_ids(files: list[Path], valid: set[tuple[str, int | None]], found: list[Problem]) -> list[Problem]:
    """A rule id written twice in the linted files where either rule is invalid (two valid rules with one id are
    judged by ``add_version``: versions on dates that do not overlap are allowed), at the second, naming both
    places. ``valid``: (file, line) of each rule that loaded; ``found``: the problems already listed (a clash
    ``add_version`` reported is not reported again)."""
    first: dict[str, tuple[str, int | None]] = {}
    said = {(p.position.file, p.position.line) for p in found if p.code == "RULE002"}
    problems: list[Problem] = []
    for f in files:
        for rule_id, line in _raw_ids(f):
            here = (str(f), line)
            if rule_id not in first:
                first[rule_id] = here
                continue
            there = first[rule_id]
            if here in said or (here in valid and there in valid):
                continue
            problems.append(Problem(_at(f, line), "RULE002",
                                    f"rule id {rule_id} is defined twice: at {there[0]}:{there[1]} and at "
                                    f"{f}:{line}; give each rule its own id (a second version needs effective "
                                    "dates that do not overlap the first)"))
    return problems


def _schedule_shape_problems(path: Path) -> list[Problem]:
    """Every problem with a schedule's keys and values (each its own), as the schedule model finds them; none
    when it is well formed (compiling it then finds the rest) or cannot be read (loading it says why)."""
    try:
        doc = load_yaml(path)
    except RuleError:
        return []
    if not isinstance(doc.data, dict):
        return []
    try:
        Schedule.model_validate(doc.data)
    except ValidationError as exc:
        return [_problem(e) for e in validation_errors(exc, doc, (), "schedule")]
    return []


def _check_rule(sr: SourcedRule, fmt: ReturnFormat) -> list[Problem]:
    """A rule's own problems: it does not compile, a parameter nothing uses, no passing or no failing example."""
    rule = sr.rule
    try:
        compiled = compile_rule(sr, None, fmt)
    except RuleError as exc:
        return [_problem(exc)]
    found: list[Problem] = []
    used: set[str] = set(compiled.message_names)
    for part in [compiled.filter, compiled.assertion, *compiled.lets.values()]:
        if part is not None:
            used |= set(part.names_used)
    for name in rule.params:
        if name not in used:
            loc = sr.location("params", name)
            found.append(Problem(_at(sr.file, loc.line), "LINT001",
                                 f"{rule.id}: parameter '{name}' is declared but no expression or message uses it"))
    expects = {e.expect for e in rule.examples}
    missing = [k for k in ("pass", "fail") if k not in expects]
    if missing:
        found.append(Problem(_at(sr.file, sr.line), "LINT002",
                             f"{rule.id}: no example that must {' or '.join(missing)} (add examples: to the rule)"))
    return found
