"""Compiling a schedule's rules against the return format: parameters resolved, expressions type-checked.

Everything a rule could get wrong is found here, before any data is read; errors name the rule, file and line.
``check`` compiles the rules its schedule selects; ``rules lint`` compiles every rule it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from contractcheck.errors import RuleError
from contractcheck.expressions import (
    STANDARD_FUNCTIONS,
    Compiled,
    ExpressionError,
    FunctionRegistry,
    Scope,
    TableSchema,
    ValueType,
    compile_expression,
)
from contractcheck.reference.functions import PAY_FUNCTIONS
from contractcheck.return_format import ReturnFormat
from contractcheck.rules.library import RuleLibrary
from contractcheck.rules.model import PARAM_NAME, ParamSpec, Rule, SourcedRule, message_names
from contractcheck.rules.schedules import LoadedSchedule, _owner, schedule_format, select_rules
from contractcheck.severity import Severity

#: a parameter's values with the date each starts from (None: from always), in date order
History = list[tuple[dt.date | None, Any]]


@dataclass
class CompiledRule:
    """A rule ready to run under one schedule: parameters resolved, expressions compiled."""

    rule: Rule
    source: SourcedRule
    severity: Severity
    when_missing: str
    reference: str
    params: dict[str, Any]  # each parameter's latest value, for display; params_on(date) gives those in force then
    filter: Compiled | None
    lets: dict[str, Compiled]
    assertion: Compiled | None
    message_names: list[str]  # the names the message shows ({name}), in the order written
    point_at: str | None  # the field whose cell a finding points at
    row_table: str | None = None  # the table of rows the rule runs over; None: once over the key/value tables
    keyvalue_tables: frozenset[str] = frozenset()  # tables of the format read as one value per field
    types: dict[str, ValueType] = field(default_factory=dict)  # type of every name a finding shows, and lets
    # every name a finding shows (its message and its evidence), compiled by the one resolver, the expression
    # compiler, so a name means the same in the assertion, the message and the evidence
    shown: dict[str, Compiled] = field(default_factory=dict)
    evidence_names: list[str] = field(default_factory=list)  # the names in a finding's evidence, in order
    param_history: dict[str, History] = field(default_factory=dict)  # every parameter's values, by start date
    param_overridden: set[str] = field(default_factory=set)  # parameters the schedule sets

    def params_on(self, on: dt.date) -> dict[str, Any]:
        """Parameter values in force on a date (a parameter may change, e.g. from 1 April)."""
        return {name: value_on(history, on) for name, history in self.param_history.items()}


def value_on(history: History, on: dt.date) -> Any:
    """The last value whose start date is on or before ``on`` (a None start is 'always')."""
    current = history[0][1]
    for start, value in history:
        if start is None or start <= on:
            current = value
    return current


def is_dated(value: Any) -> bool:
    """A parameter value that changes on dates: a list of ``{from: DATE, value: …}``."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, dict) and set(v) == {"from", "value"} for v in value))


def history_of(raw: Any) -> History:
    """A parameter value as written, as the dated history it stands for (values not yet checked).

    A plain value is ``[(None, value)]``; a dated one is each ``(from, value)`` in date order. Raises
    ValueError when a ``from`` is not a date.
    """
    if not is_dated(raw):
        return [(None, raw)]
    changes = sorted(((_as_date(v["from"]), v["value"]) for v in raw), key=lambda change: change[0])
    return [(start, value) for start, value in changes]


def schemas_for(fmt: ReturnFormat) -> dict[str, TableSchema]:
    """Expression-language view of the return format."""
    out: dict[str, TableSchema] = {}
    for name, table in fmt.tables.items():
        fields: dict[str, ValueType] = {
            f: spec.type for f, spec in table.fields.items()
        }
        out[name] = TableSchema(name, fields, table.key, table.layout)
    return out


_RULE_FUNCTIONS = STANDARD_FUNCTIONS | PAY_FUNCTIONS


def rule_functions() -> FunctionRegistry:
    """The functions rule expressions may call: the language's own plus the pay functions."""
    return _RULE_FUNCTIONS


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
    history: dict[str, History] = {}
    for name, spec in rule.params.items():
        raw = given.get(name, spec.default)
        if raw is None:
            raise RuleError(f"{rule.id}: parameter '{name}' has no default and the schedule sets none",
                            code="RULE004", location=sr.location("params", name))
        try:
            entries = history_of(raw)
        except ValueError:
            raise RuleError(f"{rule.id}: parameter '{name}': each change needs 'from' as a date (YYYY-MM-DD)",
                            code="RULE004", location=sr.location("params", name)) from None
        history[name] = [(start, _coerce_param(rule, name, spec, value, sr)) for start, value in entries]
    params = {name: h[-1][1] for name, h in history.items()}
    schemas = schemas_for(fmt)
    row_table = None if fmt.is_keyvalue(rule.scope) else rule.scope
    param_types = {n: s.value_type() for n, s in rule.params.items()}
    for name in param_types:
        if row_table and name in schemas[row_table].fields or any(
            t.layout == "keyvalue" and name in t.fields for t in schemas.values()
        ):
            raise RuleError(f"{rule.id}: parameter '{name}' has the same name as a field; rename it",
                            code="RULE005", location=sr.location("params", name))
    scope = Scope(schemas, row_table, param_types, {}, functions=rule_functions())

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
        compiled = build(text, ("let", name), None, scope)
        lets[name] = compiled
        let_types[name] = compiled.type
        scope = scope.with_let(name, compiled)
    filt = build(rule.filter, ("filter",), "yesno", scope) if rule.filter else None
    assertion = build(rule.assert_, ("assert",), "yesno", scope) if rule.assert_ else None

    for measured in rule.measures():
        if measured not in lets:
            raise RuleError(f"{rule.id}: measure '{measured}' must name one of the rule's lets",
                            code="RULE006", location=sr.location("measure"))
    names = message_names(rule.message)
    own = {u.name for u in assertion.names if u.kind != "field" or u.table == row_table} if assertion else set()
    if rule.evidence is not None:
        evidence_names = list(dict.fromkeys(rule.evidence))
    else:
        # by default: the values the assertion read for this row or contract (not those it read inside an
        # aggregate over another table, which have no one value here), the working (lets), and the message's
        evidence_names = list(dict.fromkeys([*(n for n in (assertion.names_used if assertion else []) if n in own),
                                             *lets, *names]))
    not_judged_names = list(dict.fromkeys(n for text in rule.not_judged.values() for n in message_names(text)))
    shown: dict[str, Compiled] = {}
    for part, listed in (("message", names), ("evidence", evidence_names), ("not_judged", not_judged_names)):
        for n in listed:
            if n in shown:
                continue
            try:
                shown[n] = compile_expression(n, scope)
            except ExpressionError:
                raise RuleError(f"{rule.id}: {part} shows '{{{n}}}', which is not a field, parameter or let"
                                if part != "evidence" else
                                f"{rule.id}: evidence names '{n}', which is not a field, parameter or let",
                                code="RULE006", location=sr.location(part)) from None
    types: dict[str, ValueType] = {**let_types, **{n: c.type for n, c in shown.items()}}
    point_at = rule.field
    if point_at is None and assertion is not None:
        # the first field the assertion reads of the rule's own rows (of the contract, for a contract rule)
        point_at = next((u.name for u in assertion.names
                         if (u.kind == "field" and u.table == row_table) or (not row_table and u.kind == "keyvalue")),
                        None)
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
        row_table=row_table,
        keyvalue_tables=frozenset(fmt.keyvalue_tables()),
        types=types,
        shown=shown,
        evidence_names=evidence_names,
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
    """Every rule a schedule includes, compiled with its parameters, before any data is read.

    Returns the return format the data will be read with (the shipped one plus the fields the schedule
    declares) and the compiled rules, every version of each, in the schedule's order. Raises ``RuleError``
    naming the file and line (SCHEDxxx for the schedule, RULExxx/EXPR001 for a rule).
    """
    fmt = schedule_format(schedule)
    return fmt, [compile_rule(sr, schedule, fmt) for sr in select_rules(schedule, library)]


def version_in_force(candidates: list[CompiledRule], on: dt.date) -> CompiledRule:
    """The version of one rule that judges on a date: the one in force then, else the last one listed.

    A rule with no version in force still runs, and its result says it did not apply on that date
    (``evaluate``: "not in force on …").
    """
    in_force = [cr for cr in candidates if cr.rule.in_force(on)]
    return in_force[0] if in_force else candidates[-1]
