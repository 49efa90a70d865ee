"""Rules and schedules as data: the strict models a rule file and a schedule file are validated against.

Validation is strict on purpose: a misspelt key must never silently weaken a rule, so unknown keys, missing
ids, duplicate ids and bad severities are errors naming file and line (``contractcheck.yamldata``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, PositiveInt, field_validator, model_validator

from contractcheck.as_of import DEFAULT_BASIS, DateBasis
from contractcheck.errors import Location
from contractcheck.return_format import FieldSpec, return_format
from contractcheck.severity import Severity
from contractcheck.value_types import ParamType, ValueType
from contractcheck.yamldata import Strict, YamlDocument

RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}[a-z]?$")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: ``{name}`` in a rule's message: the value of a field, parameter or let, worded for reading
PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def message_names(template: str) -> list[str]:
    """The names a message shows, in the order written (a name shown twice is listed twice)."""
    return PLACEHOLDER.findall(template)


def fill_message(template: str, words: dict[str, str]) -> str:
    """The message with each ``{name}`` replaced by its words, on one line."""
    return " ".join(PLACEHOLDER.sub(lambda m: words.get(m.group(1), m.group(0)), template).split())


def fill_messages(template: str, words: Mapping[str, Any], n: int) -> list[str]:
    """``fill_message`` for ``n`` rows at once: each name's words are one text for all rows or one per row.

    The template becomes one format string (a name's single text written into it), filled row by row and spaced
    as ``fill_message`` spaces them by C-level ``map`` calls, not a Python loop over the rows.
    """
    parts = PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
    form = [_braced(parts[0])]
    columns: list[Any] = []
    for i in range(1, len(parts), 2):
        value = words.get(parts[i], "{" + parts[i] + "}")
        if isinstance(value, str):
            form.append(_braced(value))
        else:
            form.append("{}")
            columns.append(value)
        form.append(_braced(parts[i + 1]))
    text = "".join(form)
    raw = map(text.format, *columns) if columns else [text.format()] * n
    return list(map(" ".join, map(str.split, raw)))


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def check_rule_id(v: str) -> str:
    """A rule id is a topic and a number (``PAY-01``, ``ZHC-03``, ``DATA-05a``); raises ValueError otherwise."""
    if not RULE_ID.match(v):
        raise ValueError("a rule id is a topic and a number, like PAY-01 or ZHC-03")
    return v

#: the built-in checks a rule may name instead of an expression (implemented in evaluate.BUILTIN_CHECKS)
BuiltinCheck = Literal["required_fields", "values_parse", "unrecognised_values"]


class ParamSpec(Strict):
    """A number or list a schedule may set; the default applies when it does not."""

    type: ParamType
    default: Any = None
    description: str = ""

    def value_type(self) -> ValueType:
        return self.type


class Example(Strict):
    """A small record set the rule must pass or fail on; run by ``rules test`` and the test suite.

    Besides the keys below, an example holds one key per table of the return format (``contract:`` a mapping
    for a key/value table, ``workforce:`` a list of rows for a row table); they are gathered into ``tables``.
    """

    name: str
    expect: Literal["pass", "fail", "not_applicable"]
    as_of: dt.date | None = None  # without it: the example's contract dates, else as_of.EXAMPLE_AS_OF
    params: dict[str, Any] = {}
    message: str | None = None  # expected message of the first finding, for a failing example
    # for a failing example of a rule over a table of rows: exactly which of the example's rows fail
    # (1 is the first record written under the rule's table), so a rule cannot fail the right way on the wrong row
    failing_rows: list[PositiveInt] | None = Field(default=None, min_length=1)
    tables_: dict[str, Any] = Field(default={}, alias="tables", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _gather_tables(cls, raw: Any) -> Any:
        """Move the table keys (whichever tables the return format has) into ``tables``."""
        if not isinstance(raw, dict):
            return raw
        fmt = return_format()
        own = {k: v for k, v in raw.items() if k not in fmt.tables}
        tables: dict[str, Any] = {}
        for name, value in raw.items():
            if name not in fmt.tables or value is None:
                continue
            if fmt.is_keyvalue(name) and not isinstance(value, dict):
                raise ValueError(f"'{name}' is a key/value table: give it as a mapping of field: value")
            if not fmt.is_keyvalue(name) and not (isinstance(value, list) and all(isinstance(r, dict) for r in value)):
                raise ValueError(f"'{name}' is a table of rows: give it as a list of mappings, one a row")
            tables[name] = value
        return {**own, "tables": tables}

    @model_validator(mode="after")
    def _rows_fail_only_in_a_failing_example(self) -> Example:
        if self.failing_rows is not None and self.expect != "fail":
            raise ValueError("failing_rows names the rows that fail: it needs expect: fail")
        return self

    def tables(self) -> dict[str, Any]:
        """Table name → a mapping (key/value table) or a list of row mappings, as written in the example."""
        return dict(self.tables_)


class Rule(Strict):
    """One obligation, written as data."""

    id: str
    title: str
    severity: Severity
    scope: str  # the table the rule runs over: a table of the return format
    applies_to: list[Literal["return", "bid", "grant"]] | None = None
    description: str = ""
    filter: str | None = None
    let: dict[str, str] = {}
    assert_: str | None = Field(default=None, alias="assert")
    check: BuiltinCheck | None = None
    when_blank: Literal["skip", "fail"] = "skip"
    when_missing: Literal["not_applicable", "fail"] = "not_applicable"
    field: str | None = None
    params: dict[str, ParamSpec] = {}
    message: str
    # why the rule cannot judge, in its own words, where a value it needs is blank: the blank value's name (a field
    # or let) → the words, which may show {names} as the message does ("the 2026-27 price is not published: set
    # minimum_price"); a blank value not named here reads "X is blank"
    not_judged: dict[str, str] = {}
    evidence: list[str] | None = None
    # a let (or several) whose value every result shows, pass or fail (e.g. a share, and how many were unknown)
    measure: str | list[str] | None = None

    def measures(self) -> list[str]:
        """The lets ``measure`` names, as a list (none, one or several)."""
        if self.measure is None:
            return []
        return [self.measure] if isinstance(self.measure, str) else list(self.measure)
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
        return check_rule_id(v)

    @field_validator("scope")
    @classmethod
    def _scope_is_a_table(cls, v: str) -> str:
        tables = return_format().tables
        if v not in tables:
            raise ValueError(f"scope must be a table of the return format: {', '.join(tables)}")
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
        """Whether the rule judges returns, bids or both: as the rule says, else where its table appears."""
        if self.applies_to:
            return list(self.applies_to)
        return list(return_format().tables[self.scope].used_in)

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
    kind: Literal["return", "bid", "grant"] = "return"
    as_of: DateBasis | dt.date = DEFAULT_BASIS  # the date judged on: see contractcheck.as_of
    rules: list[str]
    params: dict[str, dict[str, Any]] = {}
    overrides: dict[str, RuleOverride] = {}
    # the rules a tender panel treats as pass/fail before scoring (contractcheck compare): ids or globs of the
    # schedule's rules; when not given, the rules whose severity (after overrides) is critical
    mandatory: list[str] | None = None
    fields: dict[str, dict[str, FieldSpec]] = {}
    # more words for canonical values of the shipped vocabularies: {job_role: {Care worker: [enabler]}}
    vocabularies: dict[str, dict[str, list[str]]] = {}

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


