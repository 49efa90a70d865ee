"""Rules and schedules: YAML data validated strictly, then compiled against the return format.

A rule file holds ``rules: [...]``; a schedule names a council's contract, the rules it includes and the
parameter values it sets. Validation is strict on purpose: a misspelt key must never silently weaken a
rule, so unknown keys, missing ids, duplicate ids and bad severities are errors naming file and line.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from contractcheck.errors import Location, RuleError, UsageError
from contractcheck.expressions import (
    Compiled,
    ExpressionError,
    Scope,
    TableSchema,
    ValueType,
    compile_expression,
)
from contractcheck.return_format import FieldSpec, ReturnFormat, return_format
from contractcheck.yamldata import YamlDocument, load_yaml

Severity = Literal["critical", "major", "minor", "info"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "major": 1, "minor": 2, "info": 3}
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}[a-z]?$")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

ParamType = Literal["number", "money", "percent", "date", "text", "yesno", "list"]
Scope_ = Literal["contract", "bid", "workforce", "training", "costs"]
BUILTIN_CHECKS = ("required_fields", "values_parse")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _fold_lines(cls, v: Any) -> Any:
        """Text folded over lines in YAML (``>``) reads as one line, without a trailing newline."""
        return " ".join(v.split()) if isinstance(v, str) and "\n" in v else v


class ParamSpec(Strict):
    """A number or list a schedule may set; the default applies when it does not."""

    type: ParamType
    default: Any = None
    description: str = ""

    def value_type(self) -> ValueType:
        return {"yesno": "bool", "list": "list"}.get(self.type, self.type)  # type: ignore[return-value]


class Example(Strict):
    """A small record set the rule must pass or fail on; run by ``rules test`` and the test suite."""

    name: str
    expect: Literal["pass", "fail", "not_applicable"]
    as_of: dt.date | None = None
    params: dict[str, Any] = {}
    contract: dict[str, Any] | None = None
    bid: dict[str, Any] | None = None
    workforce: list[dict[str, Any]] | None = None
    training: list[dict[str, Any]] | None = None
    costs: list[dict[str, Any]] | None = None
    message: str | None = None  # expected message of the first finding, for a failing example

    def tables(self) -> dict[str, Any]:
        return {
            name: value
            for name in ("contract", "bid", "workforce", "training", "costs")
            if (value := getattr(self, name)) is not None
        }


class Rule(Strict):
    """One obligation, written as data."""

    id: str
    title: str
    severity: Severity
    scope: Scope_
    applies_to: list[Literal["return", "bid"]] | None = None
    description: str = ""
    filter: str | None = None
    let: dict[str, str] = {}
    assert_: str | None = Field(default=None, alias="assert")
    check: Literal["required_fields", "values_parse"] | None = None
    when_blank: Literal["skip", "fail"] = "skip"
    when_missing: Literal["not_applicable", "fail"] = "not_applicable"
    field: str | None = None
    params: dict[str, ParamSpec] = {}
    message: str
    evidence: list[str] | None = None
    measure: str | None = None  # a let whose value every result shows, pass or fail (e.g. a share)
    reference: str
    remediation: str
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    version: str | None = None  # a label for this version of the rule; reports record which version judged
    tags: list[str] = []
    examples: list[Example] = []

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not RULE_ID.match(v):
            raise ValueError("a rule id is a topic and a number, like PAY-01 or ZHC-03")
        return v

    @field_validator("params")
    @classmethod
    def _param_names(cls, v: dict[str, ParamSpec]) -> dict[str, ParamSpec]:
        for name in v:
            if not PARAM_NAME.match(name):
                raise ValueError(f"parameter name {name!r} must be lower_case_with_underscores")
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        if (self.assert_ is None) == (self.check is None):
            raise ValueError("a rule needs exactly one of 'assert' (an expression) or 'check' (a built-in check)")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def kinds(self) -> list[str]:
        if self.applies_to:
            return list(self.applies_to)
        # a bid has a Bid sheet and Costs; a return has the Contract, Workforce and Training sheets (and Costs)
        return {"bid": ["bid"], "costs": ["return", "bid"]}.get(self.scope, ["return"])

    def version_label(self) -> str:
        if self.version:
            return self.version
        if self.effective_from or self.effective_to:
            return f"in force {self.effective_from or 'always'} to {self.effective_to or 'now'}"
        return "current"

    def overlaps(self, other: Rule) -> bool:
        """Two versions of one rule must not both be in force on any day."""
        start = max(self.effective_from or dt.date.min, other.effective_from or dt.date.min)
        end = min(self.effective_to or dt.date.max, other.effective_to or dt.date.max)
        return start <= end

    def in_force(self, on: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


class RuleOverride(Strict):
    severity: Severity | None = None
    when_missing: Literal["not_applicable", "fail"] | None = None
    reference: str | None = None


class Schedule(Strict):
    """A council contract's workforce schedule: which rules apply and with which parameter values."""

    id: str
    title: str
    council: str
    source: str
    version: str
    description: str = ""
    extends: str | None = None  # another schedule (id or path) whose rules and parameters this one builds on
    kind: Literal["return", "bid"] = "return"
    as_of: Literal["period_start", "period_end", "contract_start"] | dt.date = "period_end"
    rules: list[str]
    params: dict[str, dict[str, Any]] = {}
    overrides: dict[str, RuleOverride] = {}
    fields: dict[str, dict[str, FieldSpec]] = {}

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", v):
            raise ValueError("a schedule id is lower-case words joined by hyphens")
        return v


@dataclass
class SourcedRule:
    """A rule with the file and line it came from (for errors and provenance)."""

    rule: Rule
    file: str
    line: int | None
    doc: YamlDocument | None = None
    index: int = 0

    def location(self, *path: str | int) -> Location:
        if self.doc is None:
            return Location(file=self.file, line=self.line)
        return self.doc.location(("rules", self.index, *path))


@dataclass
class CompiledRule:
    """A rule ready to run under one schedule: parameters resolved, expressions compiled."""

    rule: Rule
    source: SourcedRule
    severity: Severity
    when_missing: str
    reference: str
    params: dict[str, Any]  # values in force now (the latest change), for display
    filter: Compiled | None
    lets: dict[str, Compiled]
    assertion: Compiled | None
    message_names: list[str]
    point_at: str | None  # the field whose cell a finding points at
    types: dict[str, ValueType] = field(default_factory=dict)  # type of every name a message may show
    param_history: dict[str, list[tuple[dt.date | None, Any]]] = field(default_factory=dict)
    param_overridden: set[str] = field(default_factory=set)  # parameters the schedule sets

    def params_on(self, on: dt.date) -> dict[str, Any]:
        """Parameter values in force on a date (a parameter may change, e.g. from 1 April)."""
        return {name: value_on(history, on) for name, history in self.param_history.items()}


def value_on(history: list[tuple[dt.date | None, Any]], on: dt.date) -> Any:
    """The last value whose start date is on or before ``on`` (a None start is 'always')."""
    current = history[0][1]
    for start, value in history:
        if start is None or start <= on:
            current = value
    return current


def _is_dated(value: Any) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, dict) and set(v) == {"from", "value"} for v in value))


# ------------------------------------------------------------------------------------------------
# Loading


def _validation_error(exc: ValidationError, doc: YamlDocument, prefix: tuple[str | int, ...], what: str) -> RuleError:
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    path = (*prefix, *loc)
    dotted = ".".join(str(p) for p in loc) or what
    kind = err["type"]
    if kind == "extra_forbidden":
        msg = f"unknown key '{loc[-1]}' in {what} (check the spelling; unknown keys are never ignored)"
    elif kind == "missing":
        msg = f"{what} is missing '{loc[-1]}'"
    else:
        msg = f"{what}: {dotted}: {err['msg']}"
    return RuleError(msg, code="RULE001", location=doc.location(path))


def read_rule_file(path: Path) -> tuple[list[SourcedRule], list[RuleError]]:
    """Every valid rule in a file, and a problem for each invalid one (lint reports them all)."""
    try:
        doc = load_yaml(path)
    except RuleError as exc:
        return [], [exc]
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return [], [RuleError("a rule file must be a mapping with a 'rules:' list", code="RULE000",
                              location=doc.location())]
    problems: list[RuleError] = []
    for key in sorted(set(data) - {"rules", "description"}):
        problems.append(RuleError(f"unknown top-level key '{key}' (a rule file has 'rules:')", code="RULE001",
                                  location=doc.location((key,))))
    found: list[SourcedRule] = []
    for i, raw in enumerate(data["rules"]):
        what = f"rule {raw.get('id', '#' + str(i + 1))}" if isinstance(raw, dict) else f"rule #{i + 1}"
        if not isinstance(raw, dict):
            problems.append(RuleError(f"{what} must be a mapping of keys", code="RULE001",
                                      location=doc.location(("rules", i))))
            continue
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            problems.append(_validation_error(exc, doc, ("rules", i), what))
            continue
        found.append(SourcedRule(rule, str(path), doc.line_of(("rules", i)), doc, i))
    return found, problems


def load_rule_file(path: Path) -> list[SourcedRule]:
    """Every rule in one YAML file, validated; the first problem is raised."""
    found, problems = read_rule_file(path)
    if problems:
        raise problems[0]
    return found


def bundled_dir(name: str) -> Path:
    """Where the shipped ``rules``/``schedules`` are: beside the package in a checkout, inside it when installed."""
    env = os.environ.get("CONTRACTCHECK_HOME")
    if env:
        return Path(env) / name
    inside = Path(str(resources.files("contractcheck"))) / "_bundled" / name
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / name


@dataclass
class RuleLibrary:
    """All known rules by id (each id may have several versions in force at different dates)."""

    versions: dict[str, list[SourcedRule]]
    files: list[Path]

    @property
    def rules(self) -> dict[str, SourcedRule]:
        """Each id's latest version (the one in force last)."""
        return {rid: max(vs, key=lambda v: v.rule.effective_from or dt.date.min) for rid, vs in self.versions.items()}

    def digest(self) -> str:
        h = hashlib.sha256()
        for f in sorted(self.files):
            h.update(f.name.encode())
            h.update(f.read_bytes())
        return h.hexdigest()


def rule_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml")))
        elif p.exists():
            files.append(p)
        else:
            raise RuleError("rules file or folder not found", code="RULE000", location=Location(file=str(p)))
    return files


def add_version(versions: dict[str, list[SourcedRule]], sr: SourcedRule) -> None:
    """Add a rule; a second rule with the same id is a new version only if their dates do not overlap."""
    for other in versions.get(sr.rule.id, []):
        if other.rule.overlaps(sr.rule):
            raise RuleError(
                f"rule id {sr.rule.id} is defined twice (first at {other.file}:{other.line}); a second version "
                f"needs effective dates that do not overlap the first",
                code="RULE002",
                location=Location(file=sr.file, line=sr.line),
            )
    versions.setdefault(sr.rule.id, []).append(sr)


def load_rules(paths: list[Path] | None = None) -> RuleLibrary:
    """Rules from the shipped library plus any extra files or folders; clashing ids are errors."""
    files = rule_files([bundled_dir("rules"), *(paths or [])])
    versions: dict[str, list[SourcedRule]] = {}
    for f in files:
        for sr in load_rule_file(f):
            add_version(versions, sr)
    return RuleLibrary(versions, files)


def find_schedule(name: str, base: Path | None = None) -> Path:
    """A schedule by id (beside the extending schedule, then the shipped ``schedules/``) or by path."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") or os.sep in name or "/" in name:
        if base is not None and not p.is_absolute() and (base / p).exists():
            return base / p
        if not p.exists():
            raise UsageError("schedule file not found", location=Location(file=name))
        return p
    folder = bundled_dir("schedules")
    for where in ([base] if base is not None else []) + [folder]:
        for ext in (".yaml", ".yml"):
            candidate = where / f"{name}{ext}"
            if candidate.exists():
                return candidate
    known = sorted(x.stem for x in folder.glob("*.y*ml")) if folder.is_dir() else []
    raise UsageError(f"unknown schedule '{name}'; known schedules: {', '.join(known) or 'none'}")


@dataclass
class LoadedSchedule:
    schedule: Schedule  # with everything it inherits merged in
    file: str
    doc: YamlDocument
    digest: str
    chain: list[LoadedSchedule] = field(default_factory=list)  # the schedules it extends, nearest first

    def lineage(self) -> list[str]:
        return [self.schedule.id, *(s.schedule.id for s in self.chain)]


def _read_schedule(path: Path) -> tuple[Schedule, YamlDocument]:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise RuleError("a schedule must be a mapping of keys", code="SCHED000", location=doc.location())
    try:
        return Schedule.model_validate(doc.data), doc
    except ValidationError as exc:
        raise _validation_error(exc, doc, (), "schedule") from None


def _merge(parent: Schedule, child: Schedule) -> Schedule:
    """The child's own keys win; rules add up; parameters and overrides merge rule by rule."""
    rules = list(parent.rules) + [r for r in child.rules if r not in parent.rules]
    params = {rid: dict(values) for rid, values in parent.params.items()}
    for rid, values in child.params.items():
        params.setdefault(rid, {}).update(values)
    overrides = dict(parent.overrides)
    for rid, o in child.overrides.items():
        base = overrides.get(rid)
        overrides[rid] = base.model_copy(update=o.model_dump(exclude_none=True)) if base else o
    fields = {t: dict(f) for t, f in parent.fields.items()}
    for t, f in child.fields.items():
        fields.setdefault(t, {}).update(f)
    update: dict[str, Any] = {"rules": rules, "params": params, "overrides": overrides, "fields": fields}
    for inherited in ("kind", "as_of"):
        if inherited not in child.model_fields_set:
            update[inherited] = getattr(parent, inherited)
    return child.model_copy(update=update)


def load_schedule(name: str, _seen: tuple[str, ...] = (), _base: Path | None = None) -> LoadedSchedule:
    """A schedule by id or path, with the schedules it extends merged in (a cycle is an error)."""
    path = find_schedule(name, _base)
    key = str(path.resolve())
    schedule, doc = _read_schedule(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if not schedule.extends:
        return LoadedSchedule(schedule, str(path), doc, digest)
    if key in _seen or schedule.extends == schedule.id:
        raise RuleError(f"schedule {schedule.id} extends {schedule.extends}, which leads back to itself (a cycle)",
                        code="SCHED004", location=doc.location(("extends",)))
    parent = load_schedule(schedule.extends, (*_seen, key), path.parent)
    merged = _merge(parent.schedule, schedule)
    combined = hashlib.sha256((digest + parent.digest).encode()).hexdigest()
    return LoadedSchedule(merged, str(path), doc, combined, [parent, *parent.chain])


# ------------------------------------------------------------------------------------------------
# Compiling a schedule's rules


def schemas_for(fmt: ReturnFormat) -> dict[str, TableSchema]:
    """Expression-language view of the return format."""
    out: dict[str, TableSchema] = {}
    for name, table in fmt.tables.items():
        fields: dict[str, ValueType] = {
            f: ("bool" if spec.type == "yesno" else spec.type) for f, spec in table.fields.items()  # type: ignore[misc]
        }
        out[name] = TableSchema(name, fields, table.key, table.layout)
    return out


def _owner(schedule: LoadedSchedule, section: str, key: str) -> LoadedSchedule:
    """The schedule in the chain that wrote a key (for error lines)."""
    for s in [schedule, *schedule.chain]:
        data = s.doc.data if isinstance(s.doc.data, dict) else {}
        if isinstance(data.get(section), dict) and key in data[section]:
            return s
    return schedule


def select_rules(schedule: LoadedSchedule, library: RuleLibrary) -> list[SourcedRule]:
    """Every version of the rules a schedule includes, by id or glob (``DATA-*``), in the order listed."""
    chosen: dict[str, list[SourcedRule]] = {}
    for owner in [schedule, *schedule.chain]:
        own = owner.doc.data.get("rules", []) if isinstance(owner.doc.data, dict) else []
        for i, pattern in enumerate(own):
            if not any(fnmatch.fnmatchcase(rid, str(pattern)) for rid in library.versions):
                close = [rid for rid in library.versions if rid.split("-")[0] == str(pattern).split("-")[0]]
                hint = f" (rules with that prefix: {', '.join(sorted(close))})" if close else ""
                raise RuleError(f"schedule includes rule '{pattern}', which does not exist{hint}", code="SCHED001",
                                location=owner.doc.location(("rules", i)))
    for pattern in schedule.schedule.rules:
        for rid in sorted(r for r in library.versions if fnmatch.fnmatchcase(r, pattern)):
            chosen.setdefault(rid, library.versions[rid])
    for section in ("params", "overrides"):
        for key in getattr(schedule.schedule, section):
            if key not in chosen:
                owner = _owner(schedule, section, key)
                raise RuleError(f"{section} given for rule '{key}', which the schedule does not include",
                                code="SCHED002", location=owner.doc.location((section, key)))
    return [v for versions in chosen.values() for v in versions]


_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def compile_rule(sr: SourcedRule, schedule: LoadedSchedule | None, fmt: ReturnFormat,
                 given_params: dict[str, Any] | None = None) -> CompiledRule:
    """Resolve parameters and compile a rule's expressions; errors name the rule, file and line."""
    rule = sr.rule
    overrides = schedule.schedule.overrides.get(rule.id) if schedule else None
    given = dict(schedule.schedule.params.get(rule.id, {})) if schedule else {}
    given.update(given_params or {})
    for name in given:
        if name not in rule.params:
            raise RuleError(
                f"schedule sets parameter '{name}' for {rule.id}, which declares: {', '.join(rule.params) or 'none'}",
                code="SCHED003",
                location=_owner(schedule, "params", rule.id).doc.location(("params", rule.id, name))
                if schedule else sr.location(),
            )
    history: dict[str, list[tuple[dt.date | None, Any]]] = {}
    for name, spec in rule.params.items():
        raw = given.get(name, spec.default)
        if raw is None:
            raise RuleError(f"{rule.id}: parameter '{name}' has no default and the schedule sets none",
                            code="RULE004", location=sr.location("params", name))
        entries: list[tuple[dt.date | None, Any]] = [(None, raw)]
        if _is_dated(raw):
            try:
                entries = sorted(((_as_date(v["from"]), v["value"]) for v in raw), key=lambda e: e[0])
            except ValueError:
                raise RuleError(f"{rule.id}: parameter '{name}': each change needs 'from' as a date (YYYY-MM-DD)",
                                code="RULE004", location=sr.location("params", name)) from None
        history[name] = [(start, _coerce_param(rule, name, spec, value, sr)) for start, value in entries]
    params = {name: h[-1][1] for name, h in history.items()}
    schemas = schemas_for(fmt)
    row_table = None if rule.scope in ("contract", "bid") else rule.scope
    param_types = {n: s.value_type() for n, s in rule.params.items()}
    for name in param_types:
        if row_table and name in schemas[row_table].fields or any(
            t.layout == "keyvalue" and name in t.fields for t in schemas.values()
        ):
            raise RuleError(f"{rule.id}: parameter '{name}' has the same name as a field; rename it",
                            code="RULE005", location=sr.location("params", name))
    scope = Scope(schemas, row_table, param_types, {})

    def build(text: str, part: tuple[str, ...], expect: ValueType | None, sc: Scope) -> Compiled:
        try:
            return compile_expression(text, sc, expect)
        except ExpressionError as exc:
            where = f", column {exc.column}" if exc.column else ""
            raise RuleError(f"rule {rule.id}, {' '.join(part)}{where}: {exc.message}", code="EXPR001",
                            location=sr.location(*part)) from None

    lets: dict[str, Compiled] = {}
    let_types: dict[str, ValueType] = {}
    for name, text in rule.let.items():
        if not PARAM_NAME.match(name):
            raise RuleError(f"{rule.id}: let name '{name}' must be lower_case_with_underscores", code="RULE005",
                            location=sr.location("let", name))
        compiled = build(text, ("let", name), None, Scope(schemas, row_table, param_types, dict(let_types)))
        lets[name] = compiled
        let_types[name] = compiled.type
    scope = Scope(schemas, row_table, param_types, let_types)
    filt = build(rule.filter, ("filter",), "bool", scope) if rule.filter else None
    assertion = build(rule.assert_, ("assert",), "bool", scope) if rule.assert_ else None

    types: dict[str, ValueType] = {**param_types, **let_types, "as_of": "date"}
    for t in schemas.values():
        if t.layout == "keyvalue" or t.name == row_table:
            for f, ty in t.fields.items():
                types.setdefault(f, ty)
    if rule.measure is not None and rule.measure not in lets:
        raise RuleError(f"{rule.id}: measure '{rule.measure}' must name one of the rule's lets",
                        code="RULE006", location=sr.location("measure"))
    names = _PLACEHOLDER.findall(rule.message)
    for n in names:
        if n not in types:
            raise RuleError(f"{rule.id}: message shows '{{{n}}}', which is not a field, parameter or let",
                            code="RULE006", location=sr.location("message"))
    point_at = rule.field
    if point_at is None and assertion is not None:
        own = [f for t, f in assertion.fields_used
               if f != "*" and (t == row_table if row_table else schemas[t].layout == "keyvalue")]
        ordered = [n for n in assertion.names_used if n in own]
        point_at = ordered[0] if ordered else None
    return CompiledRule(
        rule=rule,
        source=sr,
        severity=(overrides.severity if overrides and overrides.severity else rule.severity),
        when_missing=(overrides.when_missing if overrides and overrides.when_missing else rule.when_missing),
        reference=(overrides.reference if overrides and overrides.reference else rule.reference),
        params=params,
        param_history=history,
        param_overridden=set(given),
        filter=filt,
        lets=lets,
        assertion=assertion,
        message_names=names,
        point_at=point_at,
        types=types,
    )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _coerce_param(rule: Rule, name: str, spec: ParamSpec, value: Any, sr: SourcedRule) -> Any:
    """Parameter values are data too: check them against their declared type."""
    try:
        if spec.type in ("number", "money", "percent"):
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if spec.type == "date":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if spec.type == "yesno":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if spec.type == "list":
            if not isinstance(value, list) or not all(isinstance(x, (str, int, float)) for x in value):
                raise ValueError
            return tuple(value)
        return str(value)
    except (TypeError, ValueError):
        raise RuleError(f"{rule.id}: parameter '{name}' must be a {spec.type}, got {value!r}", code="RULE004",
                        location=sr.location("params", name)) from None


def compile_schedule(schedule: LoadedSchedule, library: RuleLibrary) -> tuple[ReturnFormat, list[CompiledRule]]:
    fmt = return_format().with_extra_fields(schedule.schedule.fields)
    return fmt, [compile_rule(sr, schedule, fmt) for sr in select_rules(schedule, library)]
