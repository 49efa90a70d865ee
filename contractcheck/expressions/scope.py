"""What an expression can see while it is compiled: tables and their fields, parameters, lets and functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from contractcheck.expressions.aggregates import AGGREGATES
from contractcheck.expressions.functions import BUILTINS, Entry, FunctionRegistry
from contractcheck.expressions.types import Compiled, TableSchema, ValueType

STANDARD_FUNCTIONS: FunctionRegistry = BUILTINS | AGGREGATES
"""The language's own functions. Callers add domain functions (``reference.functions``) with ``|``."""


@dataclass(frozen=True)
class Scope:
    """Compile-time environment: the table a rule runs over, the other tables, parameters, lets, functions.

    A let is known to be one value for all rows when it is in ``fixed_lets`` (``with_let`` records that) or
    when the rule has no rows; any other let is taken to be a column, which is the safe side.
    """

    tables: Mapping[str, TableSchema]
    row_table: str | None  # None: the rule runs once over the contract (key/value tables)
    params: Mapping[str, ValueType] = field(default_factory=dict)
    lets: Mapping[str, ValueType] = field(default_factory=dict)
    functions: Mapping[str, Entry] = field(default_factory=lambda: STANDARD_FUNCTIONS)
    fixed_lets: frozenset[str] = frozenset()
    outer_lets: frozenset[str] = frozenset()  # inside an aggregate: the lets of the rule's rows (not readable)

    def keyvalue_fields(self) -> dict[str, tuple[str, ValueType]]:
        found: dict[str, tuple[str, ValueType]] = {}
        for t in self.tables.values():
            if t.layout == "keyvalue":
                for f, ty in t.fields.items():
                    found.setdefault(f, (t.name, ty))
        return found

    def let_is_fixed(self, name: str) -> bool:
        return self.row_table is None or name in self.fixed_lets

    def with_let(self, name: str, compiled: Compiled) -> Scope:
        """This scope plus a compiled let, remembering whether it is one value for all rows."""
        fixed = self.fixed_lets | {name} if compiled.fixed or self.row_table is None else self.fixed_lets
        return replace(self, lets={**self.lets, name: compiled.type}, fixed_lets=fixed)

    def nested(self, table: str) -> Scope:
        """The scope inside an aggregate over ``table``: its rows are the rows, and only the lets that are one
        value for all of the rule's rows can be read there."""
        fixed = {n: t for n, t in self.lets.items() if self.let_is_fixed(n)}
        return replace(self, row_table=table, lets=fixed, fixed_lets=frozenset(fixed),
                       outer_lets=self.outer_lets | (frozenset(self.lets) - frozenset(fixed)))
