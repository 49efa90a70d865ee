"""The compiler: expression text → a checked, vectorised ``Compiled``.

Parsing is Python's ``ast`` in ``eval`` mode; only the node types in ``_HANDLERS`` are accepted, and each
handler type-checks its node and returns a ``Typed`` (type, fixed-or-column, runner). Calls are looked up
in the scope's function registry and compiled by the entry itself; this module names no function.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from contractcheck.expressions.columns import (
    as_boolean,
    broadcast,
    casefold,
    clean_numeric,
    is_na,
    lookup_by_key,
    or_masks,
    read_column,
    set_na,
    to_date,
    to_float,
)
from contractcheck.expressions.functions import Entry, column_of, describe
from contractcheck.expressions.scope import Scope
from contractcheck.expressions.types import (
    NUMERIC,
    Compiled,
    EvalContext,
    ExpressionError,
    NameKind,
    NameUse,
    Runner,
    TableSchema,
    Typed,
    Value,
    ValueType,
)

MAX_EXPRESSION_LENGTH = 2000

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


def _comparable(a: ValueType, b: ValueType) -> bool:
    if a in NUMERIC and b in NUMERIC:
        return True
    return a == b


def _arity(entry: Entry) -> str:
    if entry.min_args == entry.max_args:
        return f"{entry.min_args} argument{'s' if entry.min_args != 1 else ''}"
    return f"{entry.min_args} to {entry.max_args} arguments"


def _constant(value: Value) -> Runner:
    return lambda ctx: value


@dataclass
class _Found:
    """What an expression reads and calls; shared by the compilers of its aggregates."""

    fields: set[tuple[str, str]] = field(default_factory=set)
    names: list[NameUse] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)

    def name(self, use: NameUse) -> None:
        if use not in self.names:
            self.names.append(use)

    def function(self, name: str) -> None:
        if name not in self.functions:
            self.functions.append(name)

    def names_used(self) -> list[str]:
        """Fields, parameters and lets named directly, in first-seen order (not as_of)."""
        out: list[str] = []
        for use in self.names:
            if use.kind != "as_of" and use.name not in out:
                out.append(use.name)
        return out


class Compiler:
    """Turns expression text into a checked, vectorised ``Compiled``."""

    def __init__(self, scope: Scope, found: _Found | None = None):
        self._scope = scope
        self.found = found if found is not None else _Found()

    @property
    def scope(self) -> Scope:
        return self._scope

    @property
    def row_table(self) -> str | None:
        return self._scope.row_table

    @property
    def tables(self) -> Mapping[str, TableSchema]:
        return self._scope.tables

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
        except (RecursionError, MemoryError):
            raise ExpressionError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)", 1) from None
        deepest = _depth(tree.body)
        if deepest is not None:
            raise ExpressionError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels: "
                                  "split it into lets)", column_of(deepest))
        top = self.node(tree.body)
        if expect == "yesno" and top.type != "yesno":
            raise ExpressionError(f"must be a true/false condition, but gives a {top.type} value", 1)
        return Compiled(source, top.type, top.run, set(self.found.fields), self.found.names_used(),
                        list(self.found.names), list(self.found.functions), top.fixed)

    # -- what registry entries may ask (functions.Compiles) ------------------------------------
    def node(self, node: ast.expr) -> Typed:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise ExpressionError(f"'{describe(node)}' is not allowed in a rule expression", column_of(node))
        return handler(self, node)

    def nested(self, table: str) -> Compiler:
        return Compiler(self.scope.nested(table), self.found)

    def optional(self, table: str) -> Compiler:
        """A compiler over the rows of ``table`` whose reads do not make the expression need that table (for an
        aggregate that treats a table the return leaves out as holding no rows)."""
        return Compiler(self.scope.nested(table))

    def reads(self, table: str, field: str) -> None:
        self.found.fields.add((table, field))

    def _use(self, name: str, kind: NameKind, ty: ValueType, table: str | None = None) -> None:
        self.found.name(NameUse(name, kind, ty, table))

    # -- leaves -------------------------------------------------------------------------------
    def _constant(self, node: ast.Constant) -> Typed:
        v = node.value
        if isinstance(v, bool):
            return Typed("yesno", _constant(v), True)
        if isinstance(v, (int, float)):
            try:
                number = float(v)
            except OverflowError:
                number = math.inf
            if not math.isfinite(number) or abs(number) > MAX_LITERAL:
                raise ExpressionError(f"the number {str(v)[:20]}… is too large (at most {MAX_LITERAL:.0e})",
                                      column_of(node))
            return Typed("number", _constant(number), True)
        if isinstance(v, str):
            return Typed("text", _constant(v), True)
        raise ExpressionError(f"the literal {v!r} is not allowed", column_of(node))

    def _list(self, node: ast.List | ast.Tuple) -> Typed:
        items = []
        for elt in node.elts:
            if not isinstance(elt, ast.Constant) or isinstance(elt.value, bool) or elt.value is None:
                raise ExpressionError("a list may hold only text or number literals", column_of(elt))
            items.append(elt.value)
        return Typed("list", _constant(tuple(items)), True)

    def _name(self, node: ast.Name) -> Typed:
        name = node.id
        scope = self.scope
        if name in scope.lets:
            self._use(name, "let", scope.lets[name])
            return Typed(scope.lets[name], lambda ctx: ctx.lets[name], scope.let_is_fixed(name))
        if name in scope.outer_lets:
            raise ExpressionError(
                f"'{name}' has a value for each row of the rule's table, so it cannot be used inside an "
                f"aggregate over {scope.row_table}",
                column_of(node),
            )
        if scope.row_table:
            table = scope.tables[scope.row_table]
            if name in table.fields:
                self._use(name, "field", table.fields[name], table.name)
                self.reads(table.name, name)
                return Typed(table.fields[name], lambda ctx: read_column(ctx, ctx.row_table, name), False)
        kv = scope.keyvalue_fields()
        if name in kv:
            table_name, ty = kv[name]
            self._use(name, "keyvalue", ty, table_name)
            self.reads(table_name, name)
            return Typed(ty, lambda ctx: ctx.scalars.get(name, pd.NA), True)
        if name in scope.params:
            self._use(name, "param", scope.params[name])
            return Typed(scope.params[name], lambda ctx: ctx.params[name], True)
        if name == "as_of":
            self._use(name, "as_of", "date")
            return Typed("date", lambda ctx: ctx.as_of, True)
        if name in ("true", "false", "True", "False"):
            return Typed("yesno", _constant(name.lower() == "true"), True)
        if name in scope.tables:
            raise ExpressionError(
                f"'{name}' is a table; use it inside count(), share(), sum(), exists(), has() or records()",
                column_of(node),
            )
        raise ExpressionError(self._unknown(name), column_of(node))

    def _unknown(self, name: str) -> str:
        known = set(self.scope.lets) | set(self.scope.params) | set(self.scope.keyvalue_fields()) | {"as_of"}
        where = "the contract"
        if self.scope.row_table:
            known |= set(self.scope.tables[self.scope.row_table].fields)
            where = f"the {self.scope.row_table} table"
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown field or parameter '{name}' in {where}{hint}"

    def _attribute(self, node: ast.Attribute) -> Typed:
        if not isinstance(node.value, ast.Name):
            raise ExpressionError("only table.field is allowed after a dot", column_of(node))
        table, name = node.value.id, node.attr
        schema = self.scope.tables.get(table)
        if schema is None:
            raise ExpressionError(f"unknown table '{table}'", column_of(node))
        if name not in schema.fields:
            close = difflib.get_close_matches(name, sorted(schema.fields), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ExpressionError(f"unknown field '{name}' in the {table} table{hint}",
                                  column_of(node.value) + len(table) + 1)
        ty = schema.fields[name]
        if schema.layout == "keyvalue":
            self._use(name, "keyvalue", ty, table)
            self.reads(table, name)
            return Typed(ty, lambda ctx: ctx.scalars.get(name, pd.NA), True)
        if table == self.scope.row_table:
            self._use(name, "field", ty, table)
            self.reads(table, name)
            return Typed(ty, lambda ctx: read_column(ctx, table, name), False)
        own = self.scope.row_table
        key = self.scope.tables[own].key if own else None
        if own and key and schema.key == key:
            # the same key on both sides (a pay reference period's worker_id names a Workforce row): the value
            # of that row, read by key, as a column of this table's rows
            self._use(name, "field", ty, table)
            self.reads(table, name)
            self.reads(table, key)
            self.reads(own, key)
            return Typed(ty, lambda ctx: lookup_by_key(ctx, own, table, key, name), False)
        raise ExpressionError(
            f"'{table}.{name}' is a field of another table; use count(), sum(), has() or records() to reach it",
            column_of(node),
        )

    # -- operators ----------------------------------------------------------------------------
    def _bool_op(self, node: ast.BoolOp) -> Typed:
        parts = [self.node(v) for v in node.values]
        for part, v in zip(parts, node.values):
            if part.type != "yesno":
                raise ExpressionError(f"'and'/'or' need true/false conditions, found a {part.type} value",
                                      column_of(v))
        runs = [p.run for p in parts]
        combine = operator.and_ if isinstance(node.op, ast.And) else operator.or_

        def run(ctx: EvalContext) -> Value:
            result = as_boolean(runs[0](ctx))
            for fn in runs[1:]:
                result = combine(result, as_boolean(fn(ctx)))
            return result

        return Typed("yesno", run, all(p.fixed for p in parts))

    def _unary_op(self, node: ast.UnaryOp) -> Typed:
        operand = self.node(node.operand)
        ty, fn = operand.type, operand.run
        if isinstance(node.op, ast.Not):
            if ty != "yesno":
                raise ExpressionError(f"'not' needs a true/false condition, found a {ty} value", column_of(node))

            def negate(ctx: EvalContext) -> Value:
                v = as_boolean(fn(ctx))
                if isinstance(v, pd.Series):
                    return ~v
                return pd.NA if v is pd.NA else not v

            return Typed("yesno", negate, operand.fixed)
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if ty not in NUMERIC:
                raise ExpressionError(f"a sign needs a number, found a {ty} value", column_of(node))
            if isinstance(node.op, ast.UAdd):
                return operand
            return Typed(ty, lambda ctx: -to_float(fn(ctx)), operand.fixed)
        raise ExpressionError(f"'{describe(node)}' is not allowed", column_of(node))

    def _bin_op(self, node: ast.BinOp) -> Typed:
        op = type(node.op)
        if op not in _ARITH:
            raise ExpressionError(f"the operator in '{describe(node)}' is not allowed (use + - * /)",
                                  column_of(node))
        left, right = self.node(node.left), self.node(node.right)
        for part, sub in ((left, node.left), (right, node.right)):
            if part.type not in NUMERIC:
                hint = " (use days_between(), add_days() for dates)" if part.type == "date" else ""
                raise ExpressionError(f"'{_SYMBOL[op]}' needs numbers, found a {part.type} value{hint}",
                                      column_of(sub))
        fn, lf, rf = _ARITH[op], left.run, right.run

        def run(ctx: EvalContext) -> Value:
            a, b = to_float(lf(ctx)), to_float(rf(ctx))
            if not isinstance(a, pd.Series) and not isinstance(b, pd.Series):
                if a is pd.NA or b is pd.NA:
                    return pd.NA
                if op is ast.Div and b == 0:
                    return pd.NA
                return fn(a, b)
            return clean_numeric(fn(a, b)) if op is ast.Div else fn(a, b)

        return Typed(_arith_type(op, left.type, right.type), run, left.fixed and right.fixed)

    def _compare(self, node: ast.Compare) -> Typed:
        left = node.left
        parts: list[Typed] = []
        for op, right in zip(node.ops, node.comparators):
            parts.append(self._one_comparison(op, left, right))
            left = right
        if len(parts) == 1:
            return parts[0]
        runs = [p.run for p in parts]

        def chain(ctx: EvalContext) -> Value:
            result = as_boolean(runs[0](ctx))
            for p in runs[1:]:
                result = result & as_boolean(p(ctx))
            return result

        return Typed("yesno", chain, all(p.fixed for p in parts))

    def _one_comparison(self, op: ast.cmpop, left: ast.expr, right: ast.expr) -> Typed:
        lhs, rhs = self.node(left), self.node(right)
        lt, lf, rt, rf = lhs.type, lhs.run, rhs.type, rhs.run
        fixed = lhs.fixed and rhs.fixed
        if isinstance(op, (ast.In, ast.NotIn)):
            if rt != "list":
                raise ExpressionError("'in' needs a list on its right, e.g. [\"Good\", \"Outstanding\"]",
                                      column_of(right))
            if not rhs.fixed:
                raise ExpressionError("'in' needs a fixed list on its right (a literal list or a parameter), "
                                      "not one that differs by row", column_of(right))
            negate = isinstance(op, ast.NotIn)

            def member(ctx: EvalContext) -> Value:
                a, items = lf(ctx), rf(ctx)
                if lt == "text":
                    a, items = casefold(a), tuple(casefold(str(i)) for i in items)
                if isinstance(a, pd.Series):
                    result = a.isin(items)
                    result = set_na(result.astype("boolean"), a.isna())
                    return ~result if negate else result
                if is_na(a):
                    return pd.NA
                return (a not in items) if negate else (a in items)

            return Typed("yesno", member, fixed)
        cmp = _COMPARE.get(type(op))
        if cmp is None:
            raise ExpressionError("this comparison is not allowed (use == != < <= > >= in)", column_of(left))
        if not _comparable(lt, rt):
            raise ExpressionError(f"cannot compare a {lt} value with a {rt} value", column_of(left))
        text = lt == "text" or rt == "text"
        dates = lt == "date" or rt == "date"

        def compare(ctx: EvalContext) -> Value:
            a, b = lf(ctx), rf(ctx)
            if text:
                a, b = casefold(a), casefold(b)
            elif dates:
                a, b = to_date(a), to_date(b)
            elif lt in NUMERIC or rt in NUMERIC:
                a, b = to_float(a), to_float(b)
            missing = or_masks(is_na(a), is_na(b))
            if missing is True:
                return pd.NA
            result = cmp(a, b)
            if isinstance(result, pd.Series):
                return set_na(result.astype("boolean"), missing)
            return bool(result)

        return Typed("yesno", compare, fixed)

    def _if_exp(self, node: ast.IfExp) -> Typed:
        test = self.node(node.test)
        if test.type != "yesno":
            raise ExpressionError("the condition after 'if' must be true/false", column_of(node.test))
        body, orelse = self.node(node.body), self.node(node.orelse)
        at, bt = body.type, orelse.type
        if not _comparable(at, bt):
            raise ExpressionError(f"both branches must have the same kind of value ({at} vs {bt})",
                                  column_of(node))
        cf, af, bf = test.run, body.run, orelse.run

        def choose(ctx: EvalContext) -> Value:
            c = as_boolean(cf(ctx))
            a, b = af(ctx), bf(ctx)
            if not isinstance(c, pd.Series):
                return pd.NA if c is pd.NA else (a if c else b)
            n = len(c)
            sa, sb = broadcast(a, n, c.index), broadcast(b, n, c.index)
            out = sb.where(~c.fillna(False).to_numpy(dtype=bool), sa)
            return out.where(~c.isna().to_numpy(), pd.NA) if c.isna().any() else out

        return Typed(at if at != "number" else bt, choose, test.fixed and body.fixed and orelse.fixed)

    # -- calls: looked up in the scope's registry, compiled by the entry ----------------------------
    def _call(self, node: ast.Call) -> Typed:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only the language's functions can be called", column_of(node))
        name = node.func.id
        functions = self.scope.functions
        entry = functions.get(name)
        if entry is None:
            close = difflib.get_close_matches(name, sorted(functions), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ExpressionError(f"unknown function '{name}'{hint}", column_of(node))
        if node.keywords:
            raise ExpressionError(f"{name}() takes its arguments by position: {entry.signature}", column_of(node))
        if not entry.min_args <= len(node.args) <= entry.max_args:
            raise ExpressionError(f"{name}() takes {_arity(entry)}: {entry.signature}", column_of(node))
        self.found.function(name)
        return entry.compile(node, self)


_HANDLERS: dict[type[ast.AST], Callable[[Compiler, Any], Typed]] = {
    ast.Constant: Compiler._constant,
    ast.List: Compiler._list,
    ast.Tuple: Compiler._list,
    ast.Name: Compiler._name,
    ast.Attribute: Compiler._attribute,
    ast.BoolOp: Compiler._bool_op,
    ast.UnaryOp: Compiler._unary_op,
    ast.BinOp: Compiler._bin_op,
    ast.Compare: Compiler._compare,
    ast.IfExp: Compiler._if_exp,
    ast.Call: Compiler._call,
}


#: how deeply an expression may nest (operators, calls, conditions): far above any rule, far below Python's stack
MAX_DEPTH = 100
#: the largest number a rule may write
MAX_LITERAL = 1e15


def _depth(root: ast.expr) -> ast.AST | None:
    """The first node deeper than ``MAX_DEPTH`` (walked without recursion), or None."""
    stack: list[tuple[ast.AST, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def compile_expression(text: str, scope: Scope, expect: ValueType | None = None) -> Compiled:
    """Parse and check ``text`` in ``scope``; raises ExpressionError with a 1-based column."""
    return Compiler(scope).compile(text, expect)
