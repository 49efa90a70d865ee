"""The functions rules may call: a registry with one entry per function.

An entry holds everything about its function in one place:

- its ``signature`` (shown in errors and in the handbook) and ``doc`` (what it gives);
- a ``Param`` rule for each argument: the value types it accepts and whether it must be *fixed* (one value
  for all rows: a literal, a parameter, a contract field, ``as_of``, an aggregate) rather than a column;
- its result type, or a type rule (a function of the checked call) for results that depend on the arguments
  or for checks no ``Param`` can say, such as "a literal date";
- its vectorised implementation, called with the arguments' values (each a Series or a scalar).

The compiler knows no function by name: it looks the name up in the registry its ``Scope`` hands it, checks
arity, and asks the entry to compile the call. Everything an entry can check is checked there, before any
data is read, so an implementation never meets a value its rules refused.

``BUILTINS`` here are the functions over values; ``aggregates.AGGREGATES`` are those over a table's rows.
Domain functions (the pay floors) live with their data and are handed in through the ``Scope``.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NoReturn, Protocol, TypeVar

import numpy as np
import pandas as pd

from contractcheck.expressions.columns import (
    MAX_SHIFT_DAYS,
    blank,
    broadcast,
    casefold,
    common_index,
    completed_years,
    days_between,
    is_na,
    or_masks,
    set_na,
    shift_date,
    to_float,
)
from contractcheck.expressions.types import (
    NUMERIC,
    EvalContext,
    ExpressionError,
    TableSchema,
    Typed,
    Value,
    ValueType,
)

MAX_VARIADIC_ARGS = 8


def column_of(node: ast.AST) -> int:
    """The 1-based column of a node within the expression text."""
    return getattr(node, "col_offset", 0) + 1


def describe(node: ast.AST) -> str:
    """A node as the rule author wrote it (``ast.unparse`` handles every node ``ast.parse`` makes)."""
    return ast.unparse(node)


# --------------------------------------------------------------------------------------------
# What an entry is made of


@dataclass(frozen=True)
class Param:
    """The rule one argument must meet, checked while compiling."""

    what: str  # what is expected, as errors say it: "a date"
    types: frozenset[str] | None = None  # the value types accepted; None: any
    fixed: bool = False  # must be one value for all rows, not a column of the rows being judged
    optional: bool = False  # may be left out (only at the end)
    label: str | None = None  # how errors name the argument ("condition"); else "argument N"

    def must_be_fixed(self) -> Param:
        return replace(self, fixed=True)

    def or_omitted(self) -> Param:
        return replace(self, optional=True)

    def called(self, label: str) -> Param:
        return replace(self, label=label)

    def check(self, function: str, position: int, arg: Typed, node: ast.expr) -> None:
        """Raise ExpressionError unless ``arg`` (the ``position``-th argument, 0-based) meets this rule."""
        where = self.label or f"argument {position + 1}"
        if self.types is not None and arg.type not in self.types:
            raise ExpressionError(f"{function}() {where} must be {self.what}, found a {arg.type} value",
                                  column_of(node))
        if self.fixed and not arg.fixed:
            raise ExpressionError(
                f"{function}() {where} must be a fixed value (a literal, parameter or contract field), "
                f"not a column: '{describe(node)}'",
                column_of(node),
            )


ANY = Param("a value")
NUMBER = Param("a number", NUMERIC)
DATE = Param("a date", frozenset({"date"}))
TEXT = Param("text", frozenset({"text"}))
BOOL = Param("true/false", frozenset({"yesno"}))
LIST = Param("a list", frozenset({"list"}))


class Compiles(Protocol):
    """What an entry may ask of the compiler while compiling a call. The compiler hands itself in, so no
    entry imports it (nor the Scope)."""

    @property
    def row_table(self) -> str | None:
        """The table whose rows are being judged; None for a rule over the contract."""
        ...

    @property
    def tables(self) -> Mapping[str, TableSchema]:
        """Every table of the format and its fields' types."""
        ...

    def node(self, node: ast.expr) -> Typed:
        """Compile an argument in the current scope."""
        ...

    def nested(self, table: str) -> Compiles:
        """A compiler over the rows of ``table`` (for aggregates); what it reads counts as read by this one."""
        ...

    def optional(self, table: str) -> Compiles:
        """A compiler over the rows of ``table`` whose reads do not make the expression need the table."""
        ...

    def reads(self, table: str, field: str) -> None:
        """Record that the expression reads ``table.field`` from the data."""
        ...


@dataclass(frozen=True)
class Call:
    """A call whose arguments passed their ``Param`` rules, as a type rule sees it."""

    name: str
    node: ast.Call
    args: Sequence[Typed]  # for an aggregate: the arguments after the table
    row_table: str | None  # the table whose rows are being judged

    def fail(self, message: str, at: ast.AST | None = None) -> NoReturn:
        raise ExpressionError(message, column_of(at if at is not None else self.node))


TypeRule = Callable[[Call], ValueType]


@dataclass(frozen=True, kw_only=True)
class Entry:
    """What every registry entry has: name, signature and doc, argument rules and result type."""

    name: str
    signature: str  # how the handbook and errors show a call: "add_days(date, n)"
    doc: str  # what the function gives, in a phrase (the handbook's function list)
    params: tuple[Param, ...]
    result: ValueType | TypeRule
    variadic: bool = False  # the last Param repeats, up to MAX_VARIADIC_ARGS arguments in all

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.params if not p.optional)

    @property
    def max_args(self) -> int:
        return MAX_VARIADIC_ARGS if self.variadic else len(self.params)

    def check_args(self, args: Sequence[Typed], nodes: Sequence[ast.expr], first: int = 0) -> None:
        """Check each argument against its Param; ``first`` is the position of ``args[0]`` in the call."""
        for i, (arg, node) in enumerate(zip(args, nodes)):
            self.params[min(i, len(self.params) - 1)].check(self.name, first + i, arg, node)

    def result_type(self, call: Call) -> ValueType:
        return self.result(call) if callable(self.result) else self.result

    def compile(self, node: ast.Call, compiler: Compiles) -> Typed:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Function(Entry):
    """A function over values: its arguments are compiled in the caller's scope and evaluated, then handed to
    ``impl`` (each a Series aligned with the rows, or a scalar). The result is fixed when every argument is."""

    impl: Callable[..., Value]

    def compile(self, node: ast.Call, compiler: Compiles) -> Typed:
        args = [compiler.node(a) for a in node.args]
        self.check_args(args, node.args)
        result = self.result_type(Call(self.name, node, args, compiler.row_table))
        impl, runs = self.impl, [a.run for a in args]

        def run(ctx: EvalContext) -> Value:
            return impl(*[r(ctx) for r in runs])

        return Typed(result, run, all(a.fixed for a in args))


Impl = TypeVar("Impl", bound=Callable[..., Any])


def name_of(signature: str) -> str:
    return signature.split("(", 1)[0].strip()


class FunctionRegistry(Mapping[str, Entry]):
    """Functions by name. Fill one with the ``function`` decorator (or ``add``); combine two with ``|``."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> Entry:
        if entry.name in self._entries:
            raise ValueError(f"function {entry.name}() is defined twice")
        self._entries[entry.name] = entry
        return entry

    def function(self, signature: str, doc: str, params: Sequence[Param], result: ValueType | TypeRule,
                 *, variadic: bool = False) -> Callable[[Impl], Impl]:
        """Register the decorated vectorised implementation as the function named in ``signature``."""

        def register(impl: Impl) -> Impl:
            self.add(Function(name=name_of(signature), signature=signature, doc=doc, params=tuple(params),
                              result=result, variadic=variadic, impl=impl))
            return impl

        return register

    def __getitem__(self, name: str) -> Entry:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __or__(self, other: Mapping[str, Entry]) -> FunctionRegistry:
        return FunctionRegistry([*self.values(), *other.values()])

    def __repr__(self) -> str:
        return f"FunctionRegistry({', '.join(self._entries)})"


# --------------------------------------------------------------------------------------------
# The built-in functions over values

BUILTINS = FunctionRegistry()


@BUILTINS.function("is_blank(value)", "true where the value is blank (never unknown)", [ANY], "yesno")
def _is_blank(v: Value) -> Value:
    return blank(v)


@BUILTINS.function("present(value)", "true where the value is not blank", [ANY], "yesno")
def _present(v: Value) -> Value:
    found = blank(v)
    return ~found if isinstance(found, pd.Series) else not found


def _one_kind(call: Call) -> ValueType:
    if len({("numeric" if a.type in NUMERIC else a.type) for a in call.args}) > 1:
        call.fail(f"{call.name}() needs values of one kind")
    return call.args[0].type


@BUILTINS.function("coalesce(a, b, …)", "the first value that is not blank", [ANY, ANY], _one_kind,
                   variadic=True)
def _coalesce(*values: Value) -> Value:
    result = values[0]
    for nxt in values[1:]:
        if isinstance(result, pd.Series):
            if isinstance(nxt, pd.Series) and result.dtype.kind == "M" and nxt.dtype != result.dtype:
                nxt = pd.to_datetime(nxt).astype(result.dtype)  # dates of another unit: one dtype to fill from
            result = result.where(~result.isna(), nxt) if not isinstance(nxt, pd.Series) else result.fillna(nxt)
        elif is_na(result):
            result = nxt
    return result


def _iso_date(text: str) -> pd.Timestamp:
    return pd.Timestamp(dt.date.fromisoformat(text))


def _literal_date(call: Call) -> ValueType:
    arg = call.node.args[0]
    if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
        call.fail('date() takes a literal like date("2025-04-01")')
    try:
        _iso_date(arg.value)
    except ValueError:
        call.fail(f"date({arg.value!r}) is not a date in YYYY-MM-DD form", arg)
    return "date"


@BUILTINS.function('date("2025-04-01")', "a date literal", [ANY], _literal_date)
def _date(text: str) -> Value:
    return _iso_date(text)


@BUILTINS.function("days_between(start, end)", "days from start to end", [DATE, DATE], "number")
def _days_between(start: Value, end: Value) -> Value:
    return days_between(start, end)


@BUILTINS.function("weeks_between(start, end)", "weeks from start to end (fractional)", [DATE, DATE], "number")
def _weeks_between(start: Value, end: Value) -> Value:
    days = days_between(start, end)
    return pd.NA if days is pd.NA else days / 7


@BUILTINS.function("years_between(start, end)", "whole years from start to end", [DATE, DATE], "number")
def _years_between(start: Value, end: Value) -> Value:
    return completed_years(start, end)


@BUILTINS.function("age_on(date_of_birth, on)", "age in whole years on a date", [DATE, DATE], "number")
def _age_on(date_of_birth: Value, on: Value) -> Value:
    return completed_years(date_of_birth, on)


# The count must be fixed: one offset moves the whole column of dates (pandas has no per-row month offset).
_HOW_MANY = NUMBER.must_be_fixed()


def _within_dates(unit: str, days_each: int) -> Callable[[Call], ValueType]:
    """A checker: a literal ``n`` that moves a date past any real date is refused (a parameter or field that
    does so gives blank, as every unknown date does: ``columns.shift_date``)."""

    def check(call: Call) -> ValueType:
        arg = call.node.args[1] if len(call.node.args) > 1 else None
        if isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub):
            arg = arg.operand
        if isinstance(arg, ast.Constant) and isinstance(arg.value, (int, float)) and not isinstance(arg.value, bool):
            if abs(arg.value) * days_each > MAX_SHIFT_DAYS:
                call.fail(f"{call.name}() moves a date past any real date: at most "
                          f"{MAX_SHIFT_DAYS // days_each:,} {unit}", arg)
        return "date"

    return check


@BUILTINS.function("add_days(date, n)", "the date n days later", [DATE, _HOW_MANY], _within_dates("days", 1))
def _add_days(date: Value, n: Value) -> Value:
    return shift_date(date, n, "days")


@BUILTINS.function("add_weeks(date, n)", "the date n weeks later", [DATE, _HOW_MANY], _within_dates("weeks", 7))
def _add_weeks(date: Value, n: Value) -> Value:
    return shift_date(date, n, "weeks")


def _whole_months(call: Call) -> ValueType:
    arg = call.node.args[1]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, float) and not arg.value.is_integer():
        call.fail("add_months() moves by whole calendar months, e.g. add_months(start_date, 3)", arg)
    return _within_dates("months", 31)(call)


# add_months takes a count per row too (a course's refresh interval looked up per training record): the
# rows are shifted once per distinct count, so a column of a few intervals costs a few offsets.
@BUILTINS.function("add_months(date, n)",
                   "the date n calendar months later (n whole; a fraction from a parameter or field gives blank)",
                   [DATE, NUMBER], _whole_months)
def _add_months(date: Value, n: Value) -> Value:
    return shift_date(date, n, "months")


def _same_as_first(call: Call) -> ValueType:
    return call.args[0].type


def _elementwise(x: Value, fn: Callable[[Any], Any]) -> Value:
    """``fn`` over numbers: a float64 array for a column, a float for a scalar; blanks stay blank."""
    v = to_float(x)
    if isinstance(v, pd.Series):
        return pd.Series(fn(v.to_numpy(dtype="float64", na_value=np.nan)), index=v.index, dtype="Float64")
    return pd.NA if v is pd.NA else float(fn(v))


@BUILTINS.function("floor(x)", "round down to a whole number", [NUMBER], _same_as_first)
def _floor(x: Value) -> Value:
    return _elementwise(x, np.floor)


@BUILTINS.function("ceil(x)", "round up to a whole number", [NUMBER], _same_as_first)
def _ceil(x: Value) -> Value:
    return _elementwise(x, np.ceil)


def _whole_places(call: Call) -> ValueType:
    if len(call.node.args) == 2:
        arg = call.node.args[1]
        if not isinstance(arg, ast.Constant) or not isinstance(arg.value, int) or isinstance(arg.value, bool):
            call.fail("round() takes a whole number of places, e.g. round(x, 2)", arg)
        if abs(arg.value) > 15:  # a float has no more digits than that
            call.fail("round() takes between -15 and 15 places, e.g. round(x, 2)", arg)
    return call.args[0].type


@BUILTINS.function("round(x, places)", "round to a number of decimal places (a half goes to the even digit: "
                   "round(0.125, 2) is 0.12)", [NUMBER, ANY.or_omitted()],
                   _whole_places)
def _round(x: Value, places: float = 0) -> Value:
    return _elementwise(x, lambda a: np.round(a, int(places)))


@BUILTINS.function("abs(x)", "absolute value", [NUMBER], _same_as_first)
def _abs(x: Value) -> Value:
    return _elementwise(x, np.abs)


def _numbers_or_dates(call: Call) -> ValueType:
    types = [a.type for a in call.args]
    if all(t in NUMERIC for t in types):
        return "money" if "money" in types else types[0]
    if all(t == "date" for t in types):
        return "date"
    call.fail(f"{call.name}() needs numbers or dates of one kind")


def _extreme(values: Sequence[Value], pick: str) -> Value:
    """The smallest or largest value (per row when any is a column); blanks are ignored."""
    index = common_index(list(values))
    if index is None:
        present = [v for v in values if not is_na(v)]
        return (min if pick == "min" else max)(present) if present else pd.NA
    frame = pd.concat([broadcast(v, len(index), index) for v in values], axis=1)
    return frame.min(axis=1) if pick == "min" else frame.max(axis=1)


@BUILTINS.function("min(a, b, …)", "the smallest of the values (blanks ignored)", [ANY, ANY], _numbers_or_dates,
                   variadic=True)
def _min(*values: Value) -> Value:
    return _extreme(values, "min")


@BUILTINS.function("max(a, b, …)", "the largest of the values (blanks ignored)", [ANY, ANY], _numbers_or_dates,
                   variadic=True)
def _max(*values: Value) -> Value:
    return _extreme(values, "max")


@BUILTINS.function('contains(text, "part")', "text contains the part (any case)", [TEXT, TEXT.must_be_fixed()],
                   "yesno")
def _contains(text: Value, part: Value) -> Value:
    text, part = casefold(text), casefold(part)
    if is_na(part):  # a blank part (a contract field left empty): unknown, like any comparison with a blank
        return pd.Series(pd.NA, index=text.index, dtype="boolean") if isinstance(text, pd.Series) else pd.NA
    if isinstance(text, pd.Series):
        return text.str.contains(part, regex=False).astype("boolean")
    return pd.NA if is_na(text) else part in text


def _a_field_of_the_rows(call: Call) -> ValueType:
    if not isinstance(call.node.args[0], ast.Name) or not call.row_table or call.args[0].fixed:
        call.fail(f"{call.name}() takes a field of the rule's table")
    return "yesno"


def _repeats(v: Value, keep: Any) -> Value:
    """Rows whose value (compared as ``==`` compares it) another row also has; blanks are never repeats.
    ``keep=False`` marks every such row, ``keep="first"`` all but the first in the table's order."""
    if not isinstance(v, pd.Series):  # not fixed, yet one value here (a let such as coalesce("x", field))
        return False
    key = casefold(v) if v.dtype != "Float64" else v
    return (key.duplicated(keep=keep) & key.notna()).astype("boolean")


@BUILTINS.function("duplicated(field)", "true where the value appears in more than one row", [ANY],
                   _a_field_of_the_rows)
def _duplicated(v: Value) -> Value:
    return _repeats(v, False)


@BUILTINS.function("duplicated_after_first(field)",
                   "true where an earlier row has the same value (the first occurrence passes)",
                   [ANY], _a_field_of_the_rows)
def _duplicated_after_first(v: Value) -> Value:
    return _repeats(v, "first")


def _unknown_where_blank(result: Value, *values: Value) -> Value:
    """``result`` with unknown wherever any of ``values`` is blank (Kleene: a blank is never equal)."""
    missing: Value = False
    for v in values:
        missing = or_masks(missing, blank(v))
    return set_na(result, missing)


@BUILTINS.function("exactly(a, b)",
                   "text equal character for character: case counts (== ignores case); blank gives unknown",
                   [TEXT, TEXT], "yesno")
def _exactly(a: Value, b: Value) -> Value:
    if not isinstance(a, pd.Series) and not isinstance(b, pd.Series):
        return pd.NA if blank(a) or blank(b) else a == b
    left = a.astype("string[pyarrow]") if isinstance(a, pd.Series) else a
    right = b.astype("string[pyarrow]") if isinstance(b, pd.Series) else b
    same = (left == right).astype("boolean")
    return _unknown_where_blank(same, a, b)


def _as_text(item: Any) -> str:
    """A list item as the text it matches: 3 and 3.0 both as "3"."""
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    return str(item)


@BUILTINS.function("exactly_in(text, list)",
                   "text is one of the listed values character for character: case counts (in ignores case); "
                   "blank gives unknown",
                   [TEXT, LIST.must_be_fixed()], "yesno")
def _exactly_in(text: Value, items: Value) -> Value:
    if not isinstance(items, (tuple, list)):  # no list at all (never from a literal or a list parameter)
        return pd.Series(pd.NA, index=text.index, dtype="boolean") if isinstance(text, pd.Series) else pd.NA
    allowed = [_as_text(i) for i in items]
    if not isinstance(text, pd.Series):
        return pd.NA if blank(text) else text in allowed
    found = text.astype("string[pyarrow]").isin(allowed).astype("boolean")
    return _unknown_where_blank(found, text)


@BUILTINS.function("blank_if(condition, value)",
                   "the value, or blank where the condition is true (a row the data cannot settle is not judged)",
                   [BOOL, ANY], lambda call: call.args[1].type)
def _blank_if(condition: Value, value: Value) -> Value:
    hit = condition.fillna(False).to_numpy(dtype=bool) if isinstance(condition, pd.Series) \
        else (not is_na(condition) and bool(condition))
    if not isinstance(condition, pd.Series) and not isinstance(value, pd.Series):
        return (pd.NaT if isinstance(value, (pd.Timestamp, dt.date)) else pd.NA) if hit else value
    index = common_index([condition, value])
    out = value.copy() if isinstance(value, pd.Series) else broadcast(value, len(index), index)  # type: ignore[arg-type]
    if out.dtype == object:
        out = out.convert_dtypes()
    out[np.asarray(hit, dtype=bool) if isinstance(hit, np.ndarray) else np.full(len(out), hit)] = pd.NA
    return out


@BUILTINS.function("lookup(value, keys, numbers)",
                   "the number at the position of the value in keys (text compared ignoring case); blank if absent",
                   [TEXT, LIST.must_be_fixed(), LIST.must_be_fixed()], "number")
def _lookup(value: Value, keys: Value, numbers: Value) -> Value:
    table = {casefold(str(k)): float(n) for k, n in zip(keys, numbers)}
    if isinstance(value, pd.Series):
        return casefold(value).map(table).astype("Float64")
    return pd.NA if blank(value) else table.get(casefold(str(value)), pd.NA)


@BUILTINS.function("as_percent(x)", "a fraction read as a percentage (0.25 shows as 25%): a rate worked out by "
                   "division, such as turnover", [NUMBER], "percent")
def _as_percent(x: Value) -> Value:
    return to_float(x)
