"""The rule expression language: parsed, checked, then evaluated over whole pandas columns.

Rule text is parsed with Python's ``ast`` (mode ``eval``) and only a whitelist of node types is accepted:
literals, names, ``table.field``, arithmetic, comparisons (``in`` too), ``and``/``or``/``not``,
``a if c else b`` and calls of the functions in ``FUNCTIONS``. Every name and function is resolved and
every operation type-checked *before* any data is read, so a typo is an error with the rule id and the
column in the expression. Nothing is ever passed to ``eval``/``exec``.

Missing values follow three-valued (Kleene) logic: a comparison with a blank is unknown, ``unknown or
True`` is True. An assertion that comes out unknown is "not judged" for that row (the DATA rules report
the blank), so a blank never passes or fails a rule by accident.

At run time a value is either a pandas Series aligned with the rows of the rule's table, or a scalar
(a contract field, a parameter, an aggregate, a literal). Scalars stay scalars: they broadcast for free.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from contractcheck import reference

ValueType = Literal["number", "money", "percent", "date", "text", "bool", "list", "table"]
NUMERIC: frozenset[str] = frozenset({"number", "money", "percent"})
Value = Any  # pd.Series | scalar (float, str, bool, pd.Timestamp, tuple, pd.NA)

MAX_EXPRESSION_LENGTH = 2000


class ExpressionError(Exception):
    """An expression that cannot be accepted; ``column`` is 1-based within the expression text."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


# --------------------------------------------------------------------------------------------
# What an expression can see


@dataclass(frozen=True)
class TableSchema:
    """The fields of one table and their types, as the checker knows them before reading data."""

    name: str
    fields: Mapping[str, ValueType]
    key: str | None = None
    layout: Literal["keyvalue", "rows"] = "rows"


@dataclass(frozen=True)
class Scope:
    """Compile-time environment: the table a rule runs over, the other tables, parameters, lets."""

    tables: Mapping[str, TableSchema]
    row_table: str | None  # None: the rule runs once over the contract (key/value tables)
    params: Mapping[str, ValueType] = field(default_factory=dict)
    lets: Mapping[str, ValueType] = field(default_factory=dict)

    def keyvalue_fields(self) -> dict[str, tuple[str, ValueType]]:
        found: dict[str, tuple[str, ValueType]] = {}
        for t in self.tables.values():
            if t.layout == "keyvalue":
                for f, ty in t.fields.items():
                    found.setdefault(f, (t.name, ty))
        return found

    def with_row_table(self, table: str | None) -> Scope:
        return Scope(self.tables, table, self.params, self.lets)


@dataclass
class Compiled:
    """A checked expression: its type, what it reads, and the function that evaluates it."""

    text: str
    type: ValueType
    fn: Callable[[EvalContext], Value]
    fields_used: set[tuple[str, str]]  # (table, field) read from data
    names_used: list[str]  # in first-seen order: fields, params and lets named directly

    def evaluate(self, ctx: EvalContext) -> Value:
        return self.fn(ctx)


@dataclass
class EvalContext:
    """Run-time environment: the data, parameter values, and computed lets."""

    tables: Mapping[str, pd.DataFrame]
    scalars: Mapping[str, Any]  # key/value table fields, merged
    params: Mapping[str, Any]
    as_of: pd.Timestamp
    row_table: str | None
    keys: Mapping[str, str | None] = field(default_factory=dict)  # table → key field
    lets: dict[str, Value] = field(default_factory=dict)

    def rows(self) -> pd.DataFrame | None:
        return self.tables.get(self.row_table) if self.row_table else None

    def nrows(self) -> int:
        rows = self.rows()
        return 1 if rows is None else len(rows)

    def for_table(self, table: str) -> EvalContext:
        return EvalContext(self.tables, self.scalars, self.params, self.as_of, table, self.keys, {})


# --------------------------------------------------------------------------------------------
# Missing values and small vectorised helpers


def is_na(v: Value) -> Any:
    """Elementwise 'is blank' for a Series, a bool for a scalar."""
    if isinstance(v, pd.Series):
        return v.isna()
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return False


def _as_boolean(v: Value) -> Value:
    """Nullable boolean Series or a scalar True/False/pd.NA."""
    if isinstance(v, pd.Series):
        if v.dtype == "boolean":
            return v
        if v.dtype == bool:
            return v.astype("boolean")
        return v.astype("boolean")
    if is_na(v):
        return pd.NA
    return bool(v)


def _set_na(result: Value, missing: Value) -> Value:
    """Make ``result`` unknown wherever ``missing`` is True (works for scalars and Series)."""
    if isinstance(result, pd.Series):
        result = _as_boolean(result) if result.dtype in (bool, "boolean") else result
        if isinstance(missing, pd.Series):
            if missing.any():
                result = result.copy()
                result[missing.to_numpy(dtype=bool)] = pd.NA
        elif missing:
            result = pd.Series(pd.NA, index=result.index, dtype=result.dtype)
        return result
    if isinstance(missing, pd.Series):
        out = pd.Series(result, index=missing.index, dtype="boolean" if isinstance(result, bool) else None)
        out[missing.to_numpy(dtype=bool)] = pd.NA
        return out
    return pd.NA if missing else result


def _or_masks(a: Value, b: Value) -> Value:
    if isinstance(a, pd.Series) or isinstance(b, pd.Series):
        return a | b
    return bool(a) or bool(b)


def _casefold(v: Value) -> Value:
    """Text as compared: trimmed and lower-cased (Arrow's lower-casing runs natively; casefold does not)."""
    if isinstance(v, pd.Series):
        return v.astype("string[pyarrow]").str.strip().str.lower()
    if isinstance(v, str):
        return v.strip().lower()
    if isinstance(v, tuple):
        return tuple(_casefold(x) for x in v)
    return v


def _to_float(v: Value) -> Value:
    if isinstance(v, pd.Series):
        return v if v.dtype == "Float64" else v.astype("Float64")
    if is_na(v):
        return pd.NA
    return float(v)


def _to_date(v: Value) -> Value:
    if isinstance(v, pd.Series):
        return v if str(v.dtype).startswith("datetime64") else pd.to_datetime(v, errors="coerce")
    if is_na(v):
        return pd.NaT
    return pd.Timestamp(v)


def _clean_numeric(v: Value) -> Value:
    """Division and friends can make inf/NaN; both mean 'cannot be judged' here."""
    if isinstance(v, pd.Series):
        arr = v.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(arr)
        if bad.any():
            v = v.copy()
            v[bad] = pd.NA
        return v
    if v is pd.NA or v is None:
        return pd.NA
    return v if math.isfinite(v) else pd.NA


def _date_parts(d: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return d.dt.year.to_numpy(dtype="float64", na_value=np.nan), d.dt.month.to_numpy(
        dtype="float64", na_value=np.nan
    ), d.dt.day.to_numpy(dtype="float64", na_value=np.nan)


def _completed_years(start: Value, end: Value) -> Value:
    """Whole years from start to end (age on a date): birthdays count on the day."""
    if not isinstance(start, pd.Series) and not isinstance(end, pd.Series):
        if is_na(start) or is_na(end):
            return pd.NA
        s, e = pd.Timestamp(start), pd.Timestamp(end)
        return float(e.year - s.year - ((e.month, e.day) < (s.month, s.day)))
    index = start.index if isinstance(start, pd.Series) else end.index
    s = _to_date(start) if isinstance(start, pd.Series) else pd.Series(_to_date(start), index=index)
    e = _to_date(end) if isinstance(end, pd.Series) else pd.Series(_to_date(end), index=index)
    sy, sm, sd = _date_parts(s)
    ey, em, ed = _date_parts(e)
    before_birthday = (em < sm) | ((em == sm) & (ed < sd))
    years = ey - sy - before_birthday.astype("float64")
    return pd.Series(years, index=index, dtype="Float64").where(~(s.isna() | e.isna()).to_numpy(), pd.NA)


def _days_between(start: Value, end: Value) -> Value:
    delta = _to_date(end) - _to_date(start)
    if isinstance(delta, pd.Series):
        return (delta.dt.days).astype("Float64")
    return pd.NA if is_na(delta) else float(delta.days)


def broadcast(v: Value, n: int, index: pd.Index | None = None) -> pd.Series:
    """A Series of length n for any value (used only where a per-row result is required)."""
    if isinstance(v, pd.Series):
        return v
    idx = index if index is not None else pd.RangeIndex(n)
    if isinstance(v, bool) or v is pd.NA:
        return pd.Series(v, index=idx, dtype="boolean")
    return pd.Series([v] * n, index=idx) if isinstance(v, tuple) else pd.Series(v, index=idx)


# --------------------------------------------------------------------------------------------
# Functions rules may call. Each entry: (argument kinds, result type builder, implementation).


@dataclass(frozen=True)
class Function:
    """A function of the language; ``signature`` is shown in errors and in the rule author docs."""

    name: str
    signature: str
    doc: str
    min_args: int
    max_args: int
    aggregate: bool = False  # first argument is a table name; later ones are evaluated over it


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in [
        Function("is_blank", "is_blank(value)", "true where the value is blank (never unknown)", 1, 1),
        Function("present", "present(value)", "true where the value is not blank", 1, 1),
        Function("coalesce", "coalesce(a, b, …)", "the first value that is not blank", 2, 8),
        Function("date", 'date("2025-04-01")', "a date literal", 1, 1),
        Function("days_between", "days_between(start, end)", "days from start to end", 2, 2),
        Function("weeks_between", "weeks_between(start, end)", "weeks from start to end (fractional)", 2, 2),
        Function("years_between", "years_between(start, end)", "whole years from start to end", 2, 2),
        Function("age_on", "age_on(date_of_birth, on)", "age in whole years on a date", 2, 2),
        Function("add_days", "add_days(date, n)", "the date n days later", 2, 2),
        Function("add_weeks", "add_weeks(date, n)", "the date n weeks later", 2, 2),
        Function("add_months", "add_months(date, n)", "the date n calendar months later", 2, 2),
        Function("floor", "floor(x)", "round down to a whole number", 1, 1),
        Function("ceil", "ceil(x)", "round up to a whole number", 1, 1),
        Function("round", "round(x, places)", "round to a number of decimal places", 1, 2),
        Function("abs", "abs(x)", "absolute value", 1, 1),
        Function("min", "min(a, b, …)", "the smallest of the values (blanks ignored)", 2, 8),
        Function("max", "max(a, b, …)", "the largest of the values (blanks ignored)", 2, 8),
        Function("contains", 'contains(text, "part")', "text contains the part (any case)", 2, 2),
        Function("duplicated", "duplicated(field)", "true where the value appears in more than one row", 1, 1),
        Function(
            "pay_floor",
            "pay_floor(age, on, apprentice_rate)",
            "statutory National Minimum/Living Wage hourly floor for the age on the date",
            3,
            3,
        ),
        Function("pay_band", "pay_band(age, on, apprentice_rate)", "name of the statutory band used", 3, 3),
        Function(
            "living_wage",
            "living_wage(on, london)",
            "Real Living Wage (Living Wage Foundation) rate in force on the date, UK or London",
            1,
            2,
        ),
        Function("count", "count(table, condition)", "number of rows of a table meeting the condition", 1, 2, True),
        Function("share", "share(table, condition, among)", "fraction of rows (among those meeting 'among')", 2, 3, True),
        Function("sum", "sum(table, value, condition)", "total of a value over rows meeting the condition", 2, 3, True),
        Function("exists", "exists(table, condition)", "true if any row of the table meets the condition", 1, 2, True),
        Function("has", "has(table, condition)", "per row: this row's key has a record in the table meeting the condition", 2, 2, True),
        Function("records", "records(table, condition)", "per row: how many records for this row's key meet the condition", 1, 2, True),
        Function(
            "missing_values",
            "missing_values(table, field, required_list, condition)",
            "per row: which of the required values have no record for this row's key (text, comma separated)",
            3,
            4,
            True,
        ),
    ]
}

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Eq: "==", ast.NotEq: "!=",
           ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _arith_type(op: type, a: ValueType, b: ValueType) -> ValueType:
    if op in (ast.Add, ast.Sub):
        if "money" in (a, b):
            return "money"
        return "percent" if a == b == "percent" else "number"
    if op is ast.Mult:
        return "money" if "money" in (a, b) else "number"
    # division: money / number = money; money / money = number
    if a == "money" and b != "money":
        return "money"
    return "number"


# --------------------------------------------------------------------------------------------
# The compiler


class Compiler:
    """Turns expression text into a checked, vectorised ``Compiled``."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.fields_used: set[tuple[str, str]] = set()
        self.names_used: list[str] = []

    # -- entry point --------------------------------------------------------------------------
    def compile(self, text: str, expect: ValueType | None = None) -> Compiled:
        if not isinstance(text, str) or not text.strip():
            raise ExpressionError("the expression is empty")
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise ExpressionError(f"the expression is longer than {MAX_EXPRESSION_LENGTH} characters")
        source = " ".join(text.split())  # rule files may fold long expressions over lines
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as exc:
            # Python reports offset 0 when the text ends too early: point just past the end
            col = exc.offset if exc.offset else len(source) + 1
            msg = exc.msg if exc.offset else f"{exc.msg} (the expression ends too early)"
            raise ExpressionError(f"syntax error: {msg}", col) from None
        ty, fn = self._node(tree.body)
        if expect == "bool" and ty != "bool":
            raise ExpressionError(f"must be a true/false condition, but gives a {ty} value", 1)
        return Compiled(source, ty, fn, set(self.fields_used), list(self.names_used))

    # -- dispatch -----------------------------------------------------------------------------
    def _node(self, node: ast.AST) -> tuple[ValueType, Callable[[EvalContext], Value]]:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ExpressionError(f"'{_describe(node)}' is not allowed in a rule expression", _col(node))
        return method(node)

    def _use(self, name: str) -> None:
        if name not in self.names_used:
            self.names_used.append(name)

    # -- leaves -------------------------------------------------------------------------------
    def _Constant(self, node: ast.Constant):
        v = node.value
        if isinstance(v, bool):
            return "bool", lambda ctx: v
        if isinstance(v, (int, float)):
            f = float(v)
            return "number", lambda ctx: f
        if isinstance(v, str):
            return "text", lambda ctx: v
        raise ExpressionError(f"the literal {v!r} is not allowed", _col(node))

    def _List(self, node: ast.List | ast.Tuple):
        items = []
        for elt in node.elts:
            if not isinstance(elt, ast.Constant) or isinstance(elt.value, bool) or elt.value is None:
                raise ExpressionError("a list may hold only text or number literals", _col(elt))
            items.append(elt.value)
        value = tuple(items)
        return "list", lambda ctx: value

    _Tuple = _List

    def _Name(self, node: ast.Name):
        name = node.id
        scope = self.scope
        if name in scope.lets:
            self._use(name)
            return scope.lets[name], lambda ctx: ctx.lets[name]
        if scope.row_table:
            table = scope.tables[scope.row_table]
            if name in table.fields:
                self._use(name)
                self.fields_used.add((table.name, name))
                return table.fields[name], lambda ctx: _column(ctx, ctx.row_table, name)
        kv = scope.keyvalue_fields()
        if name in kv:
            table_name, ty = kv[name]
            self._use(name)
            self.fields_used.add((table_name, name))
            return ty, lambda ctx: ctx.scalars.get(name, pd.NA)
        if name in scope.params:
            self._use(name)
            return scope.params[name], lambda ctx: ctx.params[name]
        if name == "as_of":
            return "date", lambda ctx: ctx.as_of
        if name in ("true", "false", "True", "False"):
            value = name.lower() == "true"
            return "bool", lambda ctx: value
        if name in scope.tables:
            raise ExpressionError(
                f"'{name}' is a table; use it inside count(), share(), sum(), exists(), has() or records()",
                _col(node),
            )
        raise ExpressionError(self._unknown(name), _col(node))

    def _unknown(self, name: str) -> str:
        known = set(self.scope.lets) | set(self.scope.params) | set(self.scope.keyvalue_fields()) | {"as_of"}
        where = "the contract"
        if self.scope.row_table:
            known |= set(self.scope.tables[self.scope.row_table].fields)
            where = f"the {self.scope.row_table} table"
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown field or parameter '{name}' in {where}{hint}"

    def _Attribute(self, node: ast.Attribute):
        if not isinstance(node.value, ast.Name):
            raise ExpressionError("only table.field is allowed after a dot", _col(node))
        table, name = node.value.id, node.attr
        schema = self.scope.tables.get(table)
        if schema is None:
            raise ExpressionError(f"unknown table '{table}'", _col(node))
        if name not in schema.fields:
            close = difflib.get_close_matches(name, sorted(schema.fields), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ExpressionError(f"unknown field '{name}' in the {table} table{hint}", _col(node.value) + len(table) + 1)
        if schema.layout == "keyvalue":
            self._use(name)
            self.fields_used.add((table, name))
            return schema.fields[name], lambda ctx: ctx.scalars.get(name, pd.NA)
        if table == self.scope.row_table:
            self._use(name)
            self.fields_used.add((table, name))
            return schema.fields[name], lambda ctx: _column(ctx, table, name)
        raise ExpressionError(
            f"'{table}.{name}' is a field of another table; use count(), sum(), has() or records() to reach it",
            _col(node),
        )

    # -- operators ----------------------------------------------------------------------------
    def _BoolOp(self, node: ast.BoolOp):
        parts = [self._node(v) for v in node.values]
        for (ty, _), v in zip(parts, node.values):
            if ty != "bool":
                raise ExpressionError(f"'and'/'or' need true/false conditions, found a {ty} value", _col(v))
        fns = [fn for _, fn in parts]
        combine = operator.and_ if isinstance(node.op, ast.And) else operator.or_

        def run(ctx: EvalContext) -> Value:
            result = _as_boolean(fns[0](ctx))
            for fn in fns[1:]:
                result = combine(result, _as_boolean(fn(ctx)))
            return result

        return "bool", run

    def _UnaryOp(self, node: ast.UnaryOp):
        ty, fn = self._node(node.operand)
        if isinstance(node.op, ast.Not):
            if ty != "bool":
                raise ExpressionError(f"'not' needs a true/false condition, found a {ty} value", _col(node))

            def negate(ctx: EvalContext) -> Value:
                v = _as_boolean(fn(ctx))
                if isinstance(v, pd.Series):
                    return ~v
                return pd.NA if v is pd.NA else not v

            return "bool", negate
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if ty not in NUMERIC:
                raise ExpressionError(f"a sign needs a number, found a {ty} value", _col(node))
            if isinstance(node.op, ast.UAdd):
                return ty, fn
            return ty, lambda ctx: -_to_float(fn(ctx))
        raise ExpressionError(f"'{_describe(node)}' is not allowed", _col(node))

    def _BinOp(self, node: ast.BinOp):
        op = type(node.op)
        if op not in _ARITH:
            raise ExpressionError(f"the operator in '{_describe(node)}' is not allowed (use + - * /)", _col(node))
        lt, lf = self._node(node.left)
        rt, rf = self._node(node.right)
        for ty, sub in ((lt, node.left), (rt, node.right)):
            if ty not in NUMERIC:
                hint = " (use days_between(), add_days() for dates)" if ty == "date" else ""
                raise ExpressionError(f"'{_SYMBOL[op]}' needs numbers, found a {ty} value{hint}", _col(sub))
        result_type = _arith_type(op, lt, rt)
        fn = _ARITH[op]

        def run(ctx: EvalContext) -> Value:
            a, b = _to_float(lf(ctx)), _to_float(rf(ctx))
            if not isinstance(a, pd.Series) and not isinstance(b, pd.Series):
                if a is pd.NA or b is pd.NA:
                    return pd.NA
                if op is ast.Div and b == 0:
                    return pd.NA
                return fn(a, b)
            return _clean_numeric(fn(a, b)) if op is ast.Div else fn(a, b)

        return result_type, run

    def _Compare(self, node: ast.Compare):
        left = node.left
        parts = []
        for op, right in zip(node.ops, node.comparators):
            parts.append(self._one_comparison(op, left, right))
            left = right
        if len(parts) == 1:
            return "bool", parts[0]

        def chain(ctx: EvalContext) -> Value:
            result = _as_boolean(parts[0](ctx))
            for p in parts[1:]:
                result = result & _as_boolean(p(ctx))
            return result

        return "bool", chain

    def _one_comparison(self, op: ast.cmpop, left: ast.AST, right: ast.AST) -> Callable[[EvalContext], Value]:
        lt, lf = self._node(left)
        rt, rf = self._node(right)
        if isinstance(op, (ast.In, ast.NotIn)):
            if rt != "list":
                raise ExpressionError("'in' needs a list on its right, e.g. [\"Good\", \"Outstanding\"]", _col(right))
            negate = isinstance(op, ast.NotIn)

            def member(ctx: EvalContext) -> Value:
                a, items = lf(ctx), rf(ctx)
                if lt == "text":
                    a, items = _casefold(a), tuple(_casefold(str(i)) for i in items)
                if isinstance(a, pd.Series):
                    result = a.isin(items)
                    result = _set_na(result.astype("boolean"), a.isna())
                    return ~result if negate else result
                if is_na(a):
                    return pd.NA
                return (a not in items) if negate else (a in items)

            return member
        cmp = _COMPARE.get(type(op))
        if cmp is None:
            raise ExpressionError("this comparison is not allowed (use == != < <= > >= in)", _col(left))
        if not _comparable(lt, rt):
            raise ExpressionError(f"cannot compare a {lt} value with a {rt} value", _col(left))
        text = lt == "text" or rt == "text"
        dates = lt == "date" or rt == "date"

        def compare(ctx: EvalContext) -> Value:
            a, b = lf(ctx), rf(ctx)
            if text:
                a, b = _casefold(a), _casefold(b)
            elif dates:
                a, b = _to_date(a), _to_date(b)
            elif lt in NUMERIC or rt in NUMERIC:
                a, b = _to_float(a), _to_float(b)
            missing = _or_masks(is_na(a), is_na(b))
            if missing is True:
                return pd.NA
            result = cmp(a, b)
            if isinstance(result, pd.Series):
                return _set_na(result.astype("boolean"), missing)
            return bool(result)

        return compare

    def _IfExp(self, node: ast.IfExp):
        ct, cf = self._node(node.test)
        if ct != "bool":
            raise ExpressionError("the condition after 'if' must be true/false", _col(node.test))
        at, af = self._node(node.body)
        bt, bf = self._node(node.orelse)
        if not _comparable(at, bt):
            raise ExpressionError(f"both branches must have the same kind of value ({at} vs {bt})", _col(node))

        def choose(ctx: EvalContext) -> Value:
            c = _as_boolean(cf(ctx))
            a, b = af(ctx), bf(ctx)
            if not isinstance(c, pd.Series):
                return pd.NA if c is pd.NA else (a if c else b)
            n = len(c)
            sa, sb = broadcast(a, n, c.index), broadcast(b, n, c.index)
            out = sb.where(~c.fillna(False).to_numpy(dtype=bool), sa)
            return out.where(~c.isna().to_numpy(), pd.NA) if c.isna().any() else out

        return at if at != "number" else bt, choose

    # -- calls --------------------------------------------------------------------------------
    def _Call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only the language's functions can be called", _col(node))
        name = node.func.id
        spec = FUNCTIONS.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, sorted(FUNCTIONS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ExpressionError(f"unknown function '{name}'{hint}", _col(node))
        if node.keywords:
            raise ExpressionError(f"{name}() takes its arguments by position: {spec.signature}", _col(node))
        if not spec.min_args <= len(node.args) <= spec.max_args:
            raise ExpressionError(f"{name}() takes {_arity(spec)}: {spec.signature}", _col(node))
        if spec.aggregate:
            return self._aggregate(spec, node)
        args = [self._node(a) for a in node.args]
        return getattr(self, "_fn_" + name)(node, args)

    def _require(self, node: ast.Call, args, index: int, allowed: set[str], what: str) -> None:
        ty = args[index][0]
        if ty not in allowed:
            raise ExpressionError(
                f"{node.func.id}() argument {index + 1} must be {what}, found a {ty} value", _col(node.args[index])
            )

    def _fn_is_blank(self, node, args):
        fn = args[0][1]
        return "bool", lambda ctx: _blank(fn(ctx))

    def _fn_present(self, node, args):
        fn = args[0][1]

        def run(ctx):
            v = _blank(fn(ctx))
            return ~v if isinstance(v, pd.Series) else not v

        return "bool", run

    def _fn_coalesce(self, node, args):
        types = {t for t, _ in args}
        if len({("numeric" if t in NUMERIC else t) for t in types}) > 1:
            raise ExpressionError("coalesce() needs values of one kind", _col(node))
        fns = [f for _, f in args]

        def run(ctx):
            result = fns[0](ctx)
            for f in fns[1:]:
                nxt = f(ctx)
                if isinstance(result, pd.Series):
                    result = result.where(~result.isna(), nxt) if not isinstance(nxt, pd.Series) else result.fillna(nxt)
                elif is_na(result):
                    result = nxt
            return result

        return args[0][0], run

    def _fn_date(self, node, args):
        arg = node.args[0]
        if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
            raise ExpressionError('date() takes a literal like date("2025-04-01")', _col(node))
        try:
            value = pd.Timestamp(dt.date.fromisoformat(arg.value))
        except ValueError:
            raise ExpressionError(f"date({arg.value!r}) is not a date in YYYY-MM-DD form", _col(arg)) from None
        return "date", lambda ctx: value

    def _two_dates(self, node, args):
        self._require(node, args, 0, {"date"}, "a date")
        self._require(node, args, 1, {"date"}, "a date")
        return args[0][1], args[1][1]

    def _fn_days_between(self, node, args):
        a, b = self._two_dates(node, args)
        return "number", lambda ctx: _days_between(a(ctx), b(ctx))

    def _fn_weeks_between(self, node, args):
        a, b = self._two_dates(node, args)

        def run(ctx):
            d = _days_between(a(ctx), b(ctx))
            return pd.NA if d is pd.NA else d / 7

        return "number", run

    def _fn_years_between(self, node, args):
        a, b = self._two_dates(node, args)
        return "number", lambda ctx: _completed_years(a(ctx), b(ctx))

    _fn_age_on = _fn_years_between

    def _shift(self, node, args, unit: str):
        self._require(node, args, 0, {"date"}, "a date")
        self._require(node, args, 1, NUMERIC, "a number")
        d, n = args[0][1], args[1][1]

        def run(ctx):
            base, count = _to_date(d(ctx)), n(ctx)
            if isinstance(count, pd.Series):
                raise ExpressionError(f"{node.func.id}() needs a fixed number, not a column")
            if is_na(count) or (not isinstance(base, pd.Series) and is_na(base)):
                return pd.NaT
            if unit == "months":
                return base + pd.DateOffset(months=int(count))
            return base + pd.to_timedelta(float(count) * (7 if unit == "weeks" else 1), unit="D")

        return "date", run

    def _fn_add_days(self, node, args):
        return self._shift(node, args, "days")

    def _fn_add_weeks(self, node, args):
        return self._shift(node, args, "weeks")

    def _fn_add_months(self, node, args):
        return self._shift(node, args, "months")

    def _numeric_unary(self, node, args, fn: Callable[[Any], Any]):
        self._require(node, args, 0, NUMERIC, "a number")
        f = args[0][1]

        def run(ctx):
            v = _to_float(f(ctx))
            if isinstance(v, pd.Series):
                arr = fn(v.to_numpy(dtype="float64", na_value=np.nan))
                return pd.Series(arr, index=v.index, dtype="Float64")
            return pd.NA if v is pd.NA else float(fn(v))

        return args[0][0], run

    def _fn_floor(self, node, args):
        return self._numeric_unary(node, args, np.floor)

    def _fn_ceil(self, node, args):
        return self._numeric_unary(node, args, np.ceil)

    def _fn_abs(self, node, args):
        return self._numeric_unary(node, args, np.abs)

    def _fn_round(self, node, args):
        places = 0
        if len(node.args) == 2:
            arg = node.args[1]
            if not isinstance(arg, ast.Constant) or not isinstance(arg.value, int) or isinstance(arg.value, bool):
                raise ExpressionError("round() takes a whole number of places, e.g. round(x, 2)", _col(arg))
            places = arg.value
        return self._numeric_unary(node, args[:1], lambda x: np.round(x, places))

    def _extreme(self, node, args, pick: str):
        types = [t for t, _ in args]
        if all(t in NUMERIC for t in types):
            out_type: ValueType = "money" if "money" in types else types[0]
        elif all(t == "date" for t in types):
            out_type = "date"
        else:
            raise ExpressionError(f"{pick}() needs numbers or dates of one kind", _col(node))
        fns = [f for _, f in args]

        def run(ctx):
            values = [f(ctx) for f in fns]
            if not any(isinstance(v, pd.Series) for v in values):
                present = [v for v in values if not is_na(v)]
                return (min if pick == "min" else max)(present) if present else pd.NA
            n = ctx.nrows()
            index = next(v.index for v in values if isinstance(v, pd.Series))
            frame = pd.concat([broadcast(v, n, index) for v in values], axis=1)
            return frame.min(axis=1) if pick == "min" else frame.max(axis=1)

        return out_type, run

    def _fn_min(self, node, args):
        return self._extreme(node, args, "min")

    def _fn_max(self, node, args):
        return self._extreme(node, args, "max")

    def _fn_contains(self, node, args):
        self._require(node, args, 0, {"text"}, "text")
        self._require(node, args, 1, {"text"}, "text")
        a, b = args[0][1], args[1][1]

        def run(ctx):
            text, part = _casefold(a(ctx)), _casefold(b(ctx))
            if isinstance(part, pd.Series):
                raise ExpressionError("contains() needs fixed text as its second argument")
            if isinstance(text, pd.Series):
                return text.str.contains(part, regex=False).astype("boolean")
            return pd.NA if is_na(text) else part in text

        return "bool", run

    def _fn_duplicated(self, node, args):
        if not isinstance(node.args[0], ast.Name) or not self.scope.row_table:
            raise ExpressionError("duplicated() takes a field of the rule's table", _col(node))
        f = args[0][1]

        def run(ctx):
            v = f(ctx)
            if not isinstance(v, pd.Series):
                return False
            key = _casefold(v) if v.dtype != "Float64" else v
            dup = key.duplicated(keep=False) & key.notna()
            return dup.astype("boolean")

        return "bool", run

    def _fn_pay_floor(self, node, args):
        return self._pay(node, args, reference.statutory_floor, "money")

    def _fn_pay_band(self, node, args):
        return self._pay(node, args, reference.statutory_band, "text")

    def _pay(self, node, args, lookup, out_type: ValueType):
        self._require(node, args, 0, NUMERIC, "an age")
        self._require(node, args, 1, {"date"}, "a date")
        self._require(node, args, 2, {"bool"}, "true/false (does the apprentice rate apply)")
        fa, fd, fb = (f for _, f in args)

        def run(ctx):
            age, on, appr = fa(ctx), fd(ctx), fb(ctx)
            if not any(isinstance(v, pd.Series) for v in (age, on, appr)):
                result = lookup(pd.Series([age], dtype="Float64"), pd.Series([_to_date(on)]),
                                pd.Series([appr], dtype="boolean"))
                v = result.iloc[0]
                return pd.NA if is_na(v) else (float(v) if out_type == "money" else str(v))
            n = ctx.nrows()
            index = next(v.index for v in (age, on, appr) if isinstance(v, pd.Series))
            return lookup(
                _to_float(broadcast(age, n, index)),
                _to_date(broadcast(on, n, index)),
                _as_boolean(broadcast(appr, n, index)),
            )

        return out_type, run

    def _fn_living_wage(self, node, args):
        self._require(node, args, 0, {"date"}, "a date")
        if len(args) == 2:
            self._require(node, args, 1, {"bool"}, "true/false (London)")
        fd = args[0][1]
        fl = args[1][1] if len(args) == 2 else (lambda ctx: False)

        def run(ctx):
            on, london = fd(ctx), fl(ctx)
            if not isinstance(on, pd.Series) and not isinstance(london, pd.Series):
                london_flag = False if is_na(london) else bool(london)
                v = reference.real_living_wage(pd.Series([_to_date(on)]), pd.Series([london_flag], dtype="boolean")).iloc[0]
                return pd.NA if is_na(v) else float(v)
            n = ctx.nrows()
            index = next(v.index for v in (on, london) if isinstance(v, pd.Series))
            return reference.real_living_wage(
                _to_date(broadcast(on, n, index)), _as_boolean(broadcast(london, n, index)).fillna(False)
            )

        return "money", run

    # -- aggregates over another (or the same) table --------------------------------------------
    def _aggregate(self, spec: Function, node: ast.Call):
        first = node.args[0]
        if not isinstance(first, ast.Name) or first.id not in self.scope.tables:
            tables = ", ".join(n for n, t in self.scope.tables.items() if t.layout == "rows")
            raise ExpressionError(f"{spec.name}() needs a table name first (one of: {tables})", _col(node))
        table = first.id
        if self.scope.tables[table].layout != "rows":
            raise ExpressionError(f"{spec.name}() works over a table of rows, not '{table}'", _col(first))
        inner = Compiler(self.scope.with_row_table(table))
        inner_args = [inner._node(a) for a in node.args[1:]]
        self.fields_used |= inner.fields_used
        self.fields_used.add((table, "*"))
        for n in inner.names_used:
            self._use(n)
        name = spec.name
        per_row = name in ("has", "records", "missing_values")
        if per_row:
            own = self.scope.row_table
            own_key = self.scope.tables[own].key if own else None
            if not own or not own_key or own_key not in self.scope.tables[table].fields:
                raise ExpressionError(
                    f"{name}() links rows by key: the rule's table needs a key field that '{table}' also has", _col(node)
                )
            self.fields_used.add((table, own_key))
            self.fields_used.add((own, own_key))
        cond_index = {"count": 0, "share": 0, "exists": 0, "has": 0, "records": 0, "sum": 1, "missing_values": 2}[name]
        for i, (ty, _) in enumerate(inner_args):
            if i >= cond_index and name != "missing_values" and ty != "bool":
                raise ExpressionError(f"{name}() condition must be true/false, found a {ty} value", _col(node.args[i + 1]))
        if name == "sum" and inner_args[0][0] not in NUMERIC:
            raise ExpressionError("sum() adds up numbers", _col(node.args[1]))
        if name == "missing_values":
            if inner_args[0][0] != "text" or inner_args[1][0] != "list":
                raise ExpressionError("missing_values(table, text_field, list, condition)", _col(node))
            if len(inner_args) == 4 - 1 and inner_args[2][0] != "bool":
                raise ExpressionError("missing_values() condition must be true/false", _col(node.args[3]))
        fns = [f for _, f in inner_args]

        def rows_meeting(ctx: EvalContext, fn) -> np.ndarray:
            sub = ctx.for_table(table)
            frame = sub.rows()
            n = 0 if frame is None else len(frame)
            if fn is None:
                return np.ones(n, dtype=bool)
            v = fn(sub)
            if isinstance(v, pd.Series):
                return v.fillna(False).to_numpy(dtype=bool)
            return np.full(n, False if is_na(v) else bool(v))

        def run(ctx: EvalContext) -> Value:
            frame = ctx.tables.get(table)
            if frame is None:
                raise MissingData(table, None)
            if name == "count":
                return float(rows_meeting(ctx, fns[0] if fns else None).sum())
            if name == "exists":
                return bool(rows_meeting(ctx, fns[0] if fns else None).any())
            if name == "share":
                among = rows_meeting(ctx, fns[1] if len(fns) > 1 else None)
                hit = rows_meeting(ctx, fns[0]) & among
                total = among.sum()
                return pd.NA if total == 0 else float(hit.sum() / total)
            if name == "sum":
                mask = rows_meeting(ctx, fns[1] if len(fns) > 1 else None)
                values = broadcast(_to_float(fns[0](ctx.for_table(table))), len(frame), frame.index)
                return float(values[mask].sum())
            key = self.scope.tables[ctx.row_table].key
            own_keys = _casefold(_column(ctx, ctx.row_table, key))
            other_keys = _casefold(_column(ctx, table, key))
            if name == "has":
                matched = other_keys[rows_meeting(ctx, fns[0])]
                return own_keys.isin(matched.dropna().unique()).astype("boolean")
            if name == "records":
                matched = other_keys[rows_meeting(ctx, fns[0] if fns else None)]
                counts = matched.value_counts()
                return own_keys.map(counts).fillna(0).astype("Float64")
            # missing_values: for each required value, which keys have a matching record
            sub = ctx.for_table(table)
            values = _casefold(fns[0](sub))
            required = fns[1](sub)
            mask = rows_meeting(ctx, fns[2] if len(fns) > 2 else None)
            result = pd.Series("", index=own_keys.index, dtype="string")
            for item in required:
                have = other_keys[mask & (values == _casefold(str(item))).fillna(False).to_numpy(dtype=bool)]
                lacking = ~own_keys.isin(have.dropna().unique()).to_numpy(dtype=bool)
                sep = np.where(result.str.len().to_numpy() > 0, ", ", "")
                result = result.where(~lacking, result + pd.Series(sep, index=result.index) + str(item))
            return result.where(result.str.len() > 0, pd.NA)

        out: ValueType = {"count": "number", "share": "percent", "sum": inner_args[0][0] if name == "sum" else "number",
                          "exists": "bool", "has": "bool", "records": "number", "missing_values": "text"}[name]
        return out, run


class MissingData(Exception):
    """Raised while evaluating when the data lacks a table or column the expression reads."""

    def __init__(self, table: str, field: str | None):
        super().__init__(f"{table}.{field}" if field else table)
        self.table = table
        self.field = field


def _column(ctx: EvalContext, table: str | None, name: str) -> pd.Series:
    frame = ctx.tables.get(table) if table else None
    if frame is None:
        raise MissingData(table or "?", None)
    if name not in frame.columns:
        raise MissingData(table, name)
    return frame[name]


def _blank(v: Value) -> Value:
    if isinstance(v, pd.Series):
        blank = v.isna()
        if v.dtype == "string" or v.dtype == object:
            blank = blank | (v.astype("string").str.strip() == "").fillna(True)
        return blank.astype("boolean").fillna(True)
    if isinstance(v, str):
        return not v.strip()
    return bool(is_na(v))


def _comparable(a: ValueType, b: ValueType) -> bool:
    if a in NUMERIC and b in NUMERIC:
        return True
    return a == b


def _col(node: ast.AST) -> int:
    return getattr(node, "col_offset", 0) + 1


def _arity(spec: Function) -> str:
    if spec.min_args == spec.max_args:
        return f"{spec.min_args} argument{'s' if spec.min_args != 1 else ''}"
    return f"{spec.min_args} to {spec.max_args} arguments"


def _describe(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node ast.parse produces
        return type(node).__name__


def compile_expression(text: str, scope: Scope, expect: ValueType | None = None) -> Compiled:
    """Parse and check ``text`` in ``scope``; raises ExpressionError with a 1-based column."""
    return Compiler(scope).compile(text, expect)
