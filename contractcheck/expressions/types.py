"""The language's vocabulary: value types, errors, what a checked (sub-)expression is, and the run-time context.

This module imports nothing else from the package, so every other module of the language can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from contractcheck.value_types import NUMERIC, ValueType

__all__ = ["NUMERIC", "ValueType"]  # re-exported: the one vocabulary lives in contractcheck.value_types
Value = Any  # pd.Series | scalar (float, str, bool, pd.Timestamp, tuple, pd.NA)

NameKind = Literal["field", "keyvalue", "param", "let", "as_of"]
"""Where a name in an expression was found: a field of the rows being judged, a field of a key/value table
(the contract, the bid), a rule parameter, one of the rule's lets, or the as-of date."""


class ExpressionError(Exception):
    """An expression that cannot be accepted; ``column`` is 1-based within the expression text.

    Raised only while compiling: a compiled expression never raises it while evaluating.
    """

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


class MissingData(Exception):
    """Raised while evaluating when the data lacks a table or column the expression reads."""

    def __init__(self, table: str, field: str | None):
        super().__init__(f"{table}.{field}" if field else table)
        self.table = table
        self.field = field


@dataclass(frozen=True)
class TableSchema:
    """The fields of one table and their types, as the checker knows them before reading data."""

    name: str
    fields: Mapping[str, ValueType]
    key: str | None = None
    layout: Literal["keyvalue", "rows"] = "rows"


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
        """The context for an aggregate over ``table``. Lets come along: the compiler lets only the lets that
        are one value for all rows be read there, so none of them is a column of the outer rows."""
        return EvalContext(self.tables, self.scalars, self.params, self.as_of, table, self.keys, self.lets)


Runner = Callable[[EvalContext], Value]
"""A compiled (sub-)expression: evaluates over whole columns of the context's rows."""


@dataclass(frozen=True)
class Typed:
    """A checked sub-expression: its value type, how to evaluate it, and ``fixed``: True when it is certainly
    one value for every row (a literal, a parameter, a contract field, as_of, an aggregate, or anything made
    only of those); False when it may be a column aligned with the rows."""

    type: ValueType
    run: Runner
    fixed: bool


@dataclass(frozen=True)
class NameUse:
    """A name an expression reads: what kind of thing it is, its type, and (fields only) its table."""

    name: str
    kind: NameKind
    type: ValueType
    table: str | None = None


@dataclass
class Compiled:
    """A checked expression: its type, what it reads and calls, and the function that evaluates it."""

    text: str
    type: ValueType
    fn: Runner
    fields_used: set[tuple[str, str]]  # (table, field) read from data; (table, "*") for an aggregate's table
    names_used: list[str]  # in first-seen order: fields, params and lets named directly
    names: list[NameUse] = field(default_factory=list)  # every name read, as_of too, in first-seen order
    functions_used: list[str] = field(default_factory=list)  # functions called, in first-seen order
    fixed: bool = False  # True: certainly one value for all rows; False: may be a column aligned with the rows

    def evaluate(self, ctx: EvalContext) -> Value:
        return self.fn(ctx)
