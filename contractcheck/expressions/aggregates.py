"""Aggregates: functions whose first argument is a table and whose other arguments are read over its rows.

``count``, ``share``, ``sum``, ``total``, ``exists`` and ``listing`` give one value for the whole table. ``has``,
``records`` and ``missing_values`` give one value per row of the rule's table, linking the two tables by the key
field they share (``worker_id``): they are *per row*.

Each is one registry entry like the other functions: signature, doc, a ``Param`` rule for each argument
after the table, the result type, and an implementation that receives a ``Rows`` (the table's rows and the
arguments' runners). The compiler hands itself in (``Compiles.nested``), so this module does not import it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from contractcheck.expressions.columns import (
    broadcast,
    casefold,
    is_na,
    read_column,
    to_float,
)
from contractcheck.expressions.functions import (
    BOOL,
    LIST,
    NUMBER,
    TEXT,
    Call,
    Compiles,
    Entry,
    FunctionRegistry,
    Param,
    TypeRule,
    column_of,
    name_of,
)
from contractcheck.expressions.types import (
    EvalContext,
    ExpressionError,
    MissingData,
    Runner,
    Typed,
    Value,
    ValueType,
)

CONDITION = BOOL.called("condition")


@dataclass(frozen=True)
class Rows:
    """What an aggregate's implementation sees at run time."""

    table: str
    frame: pd.DataFrame  # the table's rows
    outer: EvalContext  # the context the aggregate is evaluated in (the rule's rows)
    args: Sequence[Runner]  # the arguments after the table, to run over the table's rows
    key: str | None  # per-row aggregates: the key field linking the rule's rows to the table's rows

    def over(self) -> EvalContext:
        return self.outer.for_table(self.table)

    def given(self, i: int) -> bool:
        return i < len(self.args)

    def value(self, i: int) -> Value:
        """Argument ``i`` evaluated over the table's rows."""
        return self.args[i](self.over())

    def meeting(self, i: int) -> np.ndarray:
        """Which of the table's rows meet condition argument ``i`` (every row when it was left out)."""
        if not self.given(i):
            return np.ones(len(self.frame), dtype=bool)
        v = self.value(i)
        if isinstance(v, pd.Series):
            mask: np.ndarray = v.fillna(False).to_numpy(dtype=bool)
            return mask
        return np.full(len(self.frame), False if is_na(v) else bool(v))

    def keys(self) -> tuple[pd.Series, pd.Series]:
        """(the rule's rows' keys, the table's keys), compared ignoring case and surrounding spaces."""
        assert self.key is not None, "only per-row aggregates link rows by key"
        return (casefold(read_column(self.outer, self.outer.row_table, self.key)),
                casefold(read_column(self.outer, self.table, self.key)))


@dataclass(frozen=True, kw_only=True)
class Aggregate(Entry):
    """A function over the rows of a table; ``params`` rule the arguments after the table."""

    impl: Callable[[Rows], Value]
    per_row: bool = False  # one value per row of the rule's table, linked by key; else one for the table
    # a table the return leaves out holds no rows (the rule still runs) instead of making the rule not applicable
    absent_is_empty: bool = False

    @property
    def min_args(self) -> int:
        return 1 + super().min_args  # the table first

    @property
    def max_args(self) -> int:
        return 1 + super().max_args

    def compile(self, node: ast.Call, compiler: Compiles) -> Typed:
        schemas = compiler.tables
        first = node.args[0]
        if not isinstance(first, ast.Name) or first.id not in schemas:
            tables = ", ".join(n for n, t in schemas.items() if t.layout == "rows")
            raise ExpressionError(f"{self.name}() needs a table name first (one of: {tables})", column_of(node))
        table = first.id
        if schemas[table].layout != "rows":
            raise ExpressionError(f"{self.name}() works over a table of rows, not '{table}'", column_of(first))
        inner = compiler.optional(table) if self.absent_is_empty else compiler.nested(table)
        args = [inner.node(a) for a in node.args[1:]]
        if not self.absent_is_empty:
            compiler.reads(table, "*")
        key = None
        if self.per_row:
            own = compiler.row_table
            key = schemas[own].key if own else None
            if not own or not key or key not in schemas[table].fields:
                raise ExpressionError(
                    f"{self.name}() links rows by key: the rule's table needs a key field that '{table}' also has",
                    column_of(node),
                )
            if not self.absent_is_empty:
                compiler.reads(table, key)
            compiler.reads(own, key)
        self.check_args(args, node.args[1:], first=1)
        result = self.result_type(Call(self.name, node, args, compiler.row_table))
        impl, runs, empty = self.impl, [a.run for a in args], self.absent_is_empty

        def run(ctx: EvalContext) -> Value:
            frame = ctx.tables.get(table)
            if frame is None and empty and key is not None:
                own_keys = read_column(ctx, ctx.row_table, key)
                return pd.Series(pd.NaT, index=own_keys.index, dtype="datetime64[ns]")
            if frame is None:
                raise MissingData(table, None)
            return impl(Rows(table, frame, ctx, runs, key))

        return Typed(result, run, fixed=not self.per_row)


AGGREGATES = FunctionRegistry()


def _aggregate(signature: str, doc: str, params: Sequence[Param], result: ValueType | TypeRule,
               per_row: bool = False, absent_is_empty: bool = False,
               ) -> Callable[[Callable[[Rows], Value]], Callable[[Rows], Value]]:
    """Register the decorated implementation as the aggregate named in ``signature``."""

    def register(impl: Callable[[Rows], Value]) -> Callable[[Rows], Value]:
        AGGREGATES.add(Aggregate(name=name_of(signature), signature=signature, doc=doc, params=tuple(params),
                                 result=result, per_row=per_row, absent_is_empty=absent_is_empty, impl=impl))
        return impl

    return register


@_aggregate("count(table, condition)", "number of rows of a table meeting the condition",
            [CONDITION.or_omitted()], "number")
def _count(rows: Rows) -> Value:
    return float(rows.meeting(0).sum())


@_aggregate("share(table, condition, among)", "fraction of rows (among those meeting 'among')",
            [CONDITION, CONDITION.or_omitted()], "percent")
def _share(rows: Rows) -> Value:
    among = rows.meeting(1)
    hit = rows.meeting(0) & among
    total = among.sum()
    return pd.NA if total == 0 else float(hit.sum() / total)


def _total_type(call: Call) -> ValueType:
    return call.args[0].type


@_aggregate("sum(table, value, condition)", "total of a value over rows meeting the condition",
            [NUMBER.called("value"), CONDITION.or_omitted()], _total_type)
def _sum(rows: Rows) -> Value:
    mask = rows.meeting(1)
    values = broadcast(to_float(rows.value(0)), len(rows.frame), rows.frame.index)
    return float(values[mask].sum())


@_aggregate("total(table, value, condition)",
            "total of a value over rows meeting the condition; blank (unknown) when no row meets it or one that "
            "does has the value blank — unlike sum, which counts nothing as 0",
            [NUMBER.called("value"), CONDITION.or_omitted()], _total_type)
def _total(rows: Rows) -> Value:
    mask = rows.meeting(1)
    values = broadcast(to_float(rows.value(0)), len(rows.frame), rows.frame.index)
    chosen = values[mask]
    if len(chosen) == 0 or bool(chosen.isna().any()):
        return pd.NA
    return float(chosen.sum())


@_aggregate("exists(table, condition)", "true if any row of the table meets the condition",
            [CONDITION.or_omitted()], "yesno")
def _exists(rows: Rows) -> Value:
    return bool(rows.meeting(0).any())


@_aggregate("listing(table, field, condition)",
            "the distinct values of a field over rows meeting the condition, in row order, each in double quotes and "
            "joined by ', ' (text, to name them in a message); blank when no row meets it",
            [TEXT.called("field"), CONDITION.or_omitted()], "text")
def _listing(rows: Rows) -> Value:
    mask = rows.meeting(1)
    values = broadcast(rows.value(0), len(rows.frame), rows.frame.index)[mask]
    seen = dict.fromkeys(str(v).strip() for v in values if not is_na(v) and str(v).strip())
    return ", ".join(f'"{v}"' for v in seen) if seen else pd.NA


@_aggregate("has(table, condition)", "per row: this row's key has a record in the table meeting the condition",
            [CONDITION], "yesno", per_row=True)
def _has(rows: Rows) -> Value:
    own, theirs = rows.keys()
    matched = theirs[rows.meeting(0)]
    return own.isin(matched.dropna().unique()).astype("boolean")


@_aggregate("records(table, condition)", "per row: how many records for this row's key meet the condition",
            [CONDITION.or_omitted()], "number", per_row=True)
def _records(rows: Rows) -> Value:
    own, theirs = rows.keys()
    counts = theirs[rows.meeting(0)].value_counts()
    return own.map(counts).fillna(0).astype("Float64")


@_aggregate("missing_values(table, field, required_list, condition)",
            "per row: which of the required values have no record for this row's key (text, comma separated)",
            [TEXT, LIST.must_be_fixed(), CONDITION.or_omitted()], "text", per_row=True)
def _missing_values(rows: Rows) -> Value:
    own, theirs = rows.keys()
    values = broadcast(casefold(rows.value(0)), len(rows.frame), rows.frame.index)
    required: Any = rows.value(1)
    mask = rows.meeting(2)
    result = pd.Series("", index=own.index, dtype="string")
    for item in required:  # one vectorised pass per required value, not per row
        have = theirs[mask & (values == casefold(str(item))).fillna(False).to_numpy(dtype=bool)]
        lacking = ~own.isin(have.dropna().unique()).to_numpy(dtype=bool)
        sep = np.where(result.str.len().to_numpy() > 0, ", ", "")
        result = result.where(~lacking, result + pd.Series(sep, index=result.index) + str(item))
    return result.where(result.str.len() > 0, pd.NA)


@_aggregate("earliest(table, date, condition)",
            "per row: the earliest date among the records for this row's key meeting the condition; blank when "
            "there is none, or when the return has no such table (the rule still runs)",
            [Param("a date", frozenset({"date"})).called("date"), CONDITION.or_omitted()], "date", per_row=True,
            absent_is_empty=True)
def _earliest(rows: Rows) -> Value:
    return _first_date(rows, "min")


@_aggregate("latest(table, date, condition)",
            "per row: the latest date among the records for this row's key meeting the condition; blank when "
            "there is none, or when the return has no such table (the rule still runs)",
            [Param("a date", frozenset({"date"})).called("date"), CONDITION.or_omitted()], "date", per_row=True,
            absent_is_empty=True)
def _latest(rows: Rows) -> Value:
    return _first_date(rows, "max")


def _first_date(rows: Rows, which: str) -> Value:
    """``earliest``/``latest``: per row, the ``which`` ("min" or "max") of the dates of its key's records."""
    own, theirs = rows.keys()
    dates = rows.value(0)
    if not isinstance(dates, pd.Series):
        dates = pd.Series(dates, index=rows.frame.index)
    dates = pd.to_datetime(dates, errors="coerce")
    mask = rows.meeting(1) & dates.notna().to_numpy(dtype=bool) & theirs.notna().to_numpy(dtype=bool)
    firsts = dates[mask].groupby(theirs[mask].to_numpy(dtype=object)).agg(which)
    out = pd.Series(pd.NaT, index=own.index, dtype="datetime64[ns]")
    if len(firsts):
        found = own.map(firsts.to_dict()).to_numpy(dtype=object)
        hit = pd.notna(found)
        out[hit] = pd.to_datetime(found[hit]).to_numpy()
    return out


@dataclass(frozen=True, kw_only=True)
class KeyTotal(Entry):
    """``key_total(value)``: per row, the total of ``value`` over every row of the rule's own table that has the
    same key (a worker's total over their pay reference periods). The value is read in the rule's own scope, so
    it may use the rule's lets; blanks add nothing."""

    def compile(self, node: ast.Call, compiler: Compiles) -> Typed:
        own = compiler.row_table
        key = compiler.tables[own].key if own else None
        if own is None or key is None:
            raise ExpressionError(f"{self.name}() totals rows that share a key: the rule's table needs a key field",
                                  column_of(node))
        args = [compiler.node(a) for a in node.args]
        self.check_args(args, node.args)
        compiler.reads(own, key)
        value = args[0].run
        result = self.result_type(Call(self.name, node, args, own))

        def run(ctx: EvalContext) -> Value:
            keys = casefold(read_column(ctx, own, key))
            amounts = broadcast(to_float(value(ctx)), len(keys), keys.index).astype("Float64")
            # each key's number, then one weighted count: no grouping of Python strings
            codes, distinct = pd.factorize(keys, use_na_sentinel=True)
            keyed = codes >= 0
            weights = amounts.to_numpy(dtype="float64", na_value=0.0)
            totals = np.bincount(codes[keyed], weights=weights[keyed], minlength=len(distinct))
            out = np.where(keyed, totals[np.maximum(codes, 0)] if len(distinct) else 0.0, np.nan)
            return pd.Series(out, index=keys.index, dtype="Float64").mask(~keyed)

        return Typed(result, run, False)


AGGREGATES.add(KeyTotal(name="key_total", signature="key_total(value)",
                        doc="per row: the total of the value over the rows of this table with the same key (a "
                            "worker's total over their pay reference periods; blanks add nothing)",
                        params=(NUMBER.called("value"),), result=_total_type))
