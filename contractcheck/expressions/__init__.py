"""The rule expression language: parsed, checked, then evaluated over whole pandas columns.

Rule text is parsed with Python's ``ast`` (mode ``eval``) and only a whitelist of node types is accepted:
literals, names, ``table.field``, arithmetic, comparisons (``in`` too), ``and``/``or``/``not``,
``a if c else b`` and calls of the functions in the scope's registry (``Scope.functions``). Every name and
function is resolved and every operation type-checked *before* any data is read, so a typo is an error with
the rule id and the column in the expression. Nothing is ever passed to ``eval``/``exec``.

Missing values follow three-valued (Kleene) logic: a comparison with a blank is unknown, ``unknown or
True`` is True. An assertion that comes out unknown is "not judged" for that row (the DATA rules report
the blank), so a blank never passes or fails a rule by accident.

At run time a value is either a pandas Series aligned with the rows of the rule's table, or a scalar
(a contract field, a parameter, an aggregate, a literal). Scalars stay scalars: they broadcast for free.
The compiler knows which is which (``Typed.fixed``), so a function argument that must be one fixed value
(``add_days(date, n)``'s ``n``) is refused at compile time when it is a column, never while evaluating: once
compiled, an expression raises only ``MissingData`` (a table or column absent from the data).

The package, by concern:

- ``types``: the value types (``ValueType``, ``NUMERIC``), the errors, ``Typed``/``Compiled``, ``EvalContext``;
- ``scope``: ``Scope``, what an expression can see while compiled, including the functions it may call;
- ``columns``: three-valued logic and the vectorised helpers everything else uses;
- ``compiler``: the AST whitelist, names, operators, comparisons and their type rules;
- ``functions``: the function registry (one entry per function) and the built-in functions;
- ``aggregates``: the functions over a table's rows (``count``, ``share``, ``has``…), registry entries too.

The language imports no domain data: functions such as ``pay_floor`` are registry entries kept with their data
(``contractcheck.reference.functions``) and handed in through ``Scope(functions=...)``.
"""

from __future__ import annotations

from contractcheck.expressions.aggregates import AGGREGATES, Aggregate, Rows
from contractcheck.expressions.columns import broadcast, is_na
from contractcheck.expressions.compiler import MAX_EXPRESSION_LENGTH, compile_expression
from contractcheck.expressions.functions import (
    ANY,
    BOOL,
    BUILTINS,
    DATE,
    LIST,
    NUMBER,
    TEXT,
    Call,
    Entry,
    Function,
    FunctionRegistry,
    Param,
)
from contractcheck.expressions.scope import STANDARD_FUNCTIONS, Scope
from contractcheck.expressions.types import (
    NUMERIC,
    Compiled,
    EvalContext,
    ExpressionError,
    MissingData,
    NameKind,
    NameUse,
    TableSchema,
    Typed,
    Value,
    ValueType,
)

FUNCTIONS = STANDARD_FUNCTIONS  # the name callers used before the registry; pay functions are not in it

__all__ = [
    "AGGREGATES", "ANY", "BOOL", "BUILTINS", "DATE", "FUNCTIONS", "LIST", "MAX_EXPRESSION_LENGTH", "NUMBER",
    "NUMERIC", "STANDARD_FUNCTIONS", "TEXT", "Aggregate", "Call", "Compiled", "Entry", "EvalContext",
    "ExpressionError", "Function", "FunctionRegistry", "MissingData", "NameKind", "NameUse", "Param", "Rows",
    "Scope", "TableSchema", "Typed", "Value", "ValueType", "broadcast", "compile_expression", "is_na",
]
