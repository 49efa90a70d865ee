"""Evaluate stage: compiled rules × a normalised dataset → per-rule results and findings.

Each rule is evaluated once over whole columns (filter, lets, assertion); the rows that fail become one
columnar block of findings (``contractcheck.report.findings.FindingBlock``): their rows, keys, messages and
evidence as columns, each message and evidence value worded once per distinct value, not once per row.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from contractcheck.blank import is_null
from contractcheck.expressions import EvalContext, MissingData
from contractcheck.normalise import DataIssue, Dataset, Table, UnreadableCells
from contractcheck.position import Position
from contractcheck.report.findings import ARROW_MIN, FindingBlock, Findings
from contractcheck.report.model import EXTENT_OVER, Extent, Finding, FindingLocation, RuleResult, Status, Subject
from contractcheck.rules import CompiledRule
from contractcheck.rules.model import PLACEHOLDER, fill_message, fill_messages, message_names
from contractcheck.wording import numbers_words, share_words
from contractcheck.wording import value_words as format_value


class Outcome:
    """One rule's result and its findings (a ``Findings``: single findings and columnar blocks of failing rows)."""

    def __init__(self, result: RuleResult, findings: Iterable[Finding | FindingBlock] = ()) -> None:
        self.result = result
        self.findings = Findings.of(findings)


# ------------------------------------------------------------------------------------------------
# Formatting values for messages and evidence


def evidence_value(value: Any) -> Any:
    """JSON-friendly evidence: dates as ISO text, numbers rounded to pence, blanks as null."""
    if isinstance(value, (list, tuple)):
        return [evidence_value(v) for v in value]
    if is_null(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (float, np.floating, int, np.integer)):
        v = float(value)
        if math.isfinite(v) and v == int(v) and abs(v) < 2**53:
            return int(v)
        return round(v, 4)
    return str(value)


def evidence_numbers(values: np.ndarray) -> list[Any]:
    """``evidence_value`` of each number of a float array at once (whole numbers as int, else to 4 places)."""
    floats = values.astype(float)
    whole = np.isfinite(floats) & (np.abs(floats) < 2**53)
    whole[whole] = floats[whole] == np.trunc(floats[whole])
    out = np.empty(len(floats), dtype=object)
    out[whole] = floats[whole].astype(np.int64).tolist()
    out[~whole] = list(map(round, floats[~whole].tolist(), itertools.repeat(4)))
    return out.tolist()


def per_value(values: Any, positions: np.ndarray, word: Callable[[Any], Any], *, text_as_is: bool = False,
              numbers: Callable[[np.ndarray], list[Any] | None] | None = None, as_arrow: bool = False) -> Any:
    """``word`` of the value at each failing row, as an object array; one word when ``values`` is one value.

    A column is worded once per distinct value (``pd.factorize``), not once per row; a column of mixed Python
    objects (where 1 and True would count as one value) is worded value by value. ``text_as_is``: the caller's
    ``word`` of a text is the text itself, so a text column is taken as it is (blanks worded once). ``numbers``:
    ``word`` for a whole float array at once (None when it cannot), used for the distinct values of a float column.
    ``as_arrow``: the words as an Arrow string array (a text column taken, the distinct words taken by their
    codes, all in Arrow: no Python string per row), or an object array when a word is not text.
    """
    if not isinstance(values, pd.Series):
        return word(values)
    if as_arrow and text_as_is and isinstance(values.dtype, pd.StringDtype):
        taken = pc.take(pa.array(values.array), pa.array(positions, pa.int64()))
        taken = taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken
        return pc.fill_null(taken, word(None)) if taken.null_count else taken
    # the column's own array, taken by position: a Series' iloc costs ~170 µs whatever its length, which is
    # most of wording a 90-worker return
    picked = values.array.take(positions)
    if text_as_is and isinstance(picked.dtype, pd.StringDtype):
        blank = np.asarray(picked.isna(), dtype=bool)
        out = picked.to_numpy(dtype=object, na_value=None)
        if blank.any():
            out[blank] = word(None)
        return out
    out = np.empty(len(picked), dtype=object)
    if pd.api.types.is_object_dtype(picked.dtype) and \
            pd.api.types.infer_dtype(picked, skipna=True) not in ("string", "empty"):
        out[:] = [word(v) for v in picked.tolist()]
        return _arrow_text(out) if as_arrow else out
    codes, uniques = pd.factorize(picked, use_na_sentinel=True)
    worded = np.empty(len(uniques) + 1, dtype=object)
    done = numbers(np.asarray(uniques, dtype=float)) \
        if numbers is not None and pd.api.types.is_float_dtype(picked.dtype) else None
    worded[:-1] = done if done is not None else [word(v) for v in uniques]
    worded[-1] = word(None)  # code -1: a blank
    if as_arrow:
        distinct = _arrow_text(worded)
        if isinstance(distinct, pa.Array):
            return pc.take(distinct, pa.array(np.where(codes < 0, len(uniques), codes), pa.int64()))
    return worded[codes]


def _arrow_text(words: np.ndarray) -> pa.Array | np.ndarray:
    """Words as an Arrow string array; as they are when one is not text."""
    try:
        return pa.array(words, pa.string(), from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return words


#: what makes a word unsafe to put in a message as it is (``fill_message`` collapses whitespace): empty, a space
#: at either end, two spaces, or any whitespace but a space (every character ``str.isspace`` knows, for RE2)
_UNSPACED = (r"^$|^ | $|  |[\t\n\x0b\x0c\r\x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
             r"\x{202f}\x{205f}\x{3000}]")


def fill_messages_arrow(template: str, words: dict[str, Any], n: int) -> pa.Array | None:
    """``fill_messages`` done by Arrow: the template's literal parts (spaced as ``fill_message`` spaces them) and
    each name's words joined row by row in C++, no Python string per row. None when it cannot give the same
    text (a name's words are not all Arrow text, or one could change how the message is spaced): then use
    ``fill_messages``."""
    parts = PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
    pieces: list[Any] = [parts[0]]
    for i in range(1, len(parts), 2):
        value = words.get(parts[i], "{" + parts[i] + "}")
        if isinstance(value, str):
            pieces[-1] += value + parts[i + 1]
        elif isinstance(value, pa.Array) and (pa.types.is_string(value.type) or pa.types.is_large_string(value.type)):
            if value.null_count or len(value) != n or pc.any(pc.match_substring_regex(value, _UNSPACED)).as_py():
                return None
            pieces += [value.cast(pa.string()), parts[i + 1]]
        else:
            return None
    if len(pieces) == 1:
        return None
    last = len(pieces) - 1
    for i in range(0, len(pieces), 2):
        pieces[i] = _spaced(pieces[i], first=i == 0, last=i == last)
    return pc.binary_join_element_wise(*pieces, "")


def _spaced(text: str, *, first: bool, last: bool) -> str:
    """A literal part of a message spaced as ``" ".join(message.split())`` leaves it beside words that neither
    start nor end with a space: each run of whitespace one space, none at the message's ends."""
    inner = " ".join(text.split())
    if not inner:
        out = " " if text else ""
    else:
        out = (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")
    if first:
        out = out.lstrip(" ")
    if last:
        out = out.rstrip(" ")
    return out


# ------------------------------------------------------------------------------------------------


def _result(cr: CompiledRule, *, status: Status, checked: int, failed: int, note: str | None = None,
            not_judged: int = 0) -> RuleResult:
    """One rule's result, with the rule's id, title, severity and clause as the schedule has them."""
    rule = cr.rule
    return RuleResult(rule_id=rule.id, title=rule.title, severity=cr.severity, status=status, checked=checked,
                      failed=failed, reference=cr.reference, note=note, not_judged=not_judged)


def _not_applicable(cr: CompiledRule, note: str) -> Outcome:
    rule = cr.rule
    return Outcome(RuleResult(rule_id=rule.id, title=rule.title, severity=cr.severity, status="not_applicable",
                              checked=0, failed=0, reference=cr.reference, note=note), [])


# Findings are built from values this module has already typed, so they skip pydantic's validation
# (model_construct): with thousands of failing rows, validating each one again was most of the evaluate time.
_location = FindingLocation.at


def _subject(table: str, key: str | None = None) -> Subject:
    return Subject.model_construct(table=table, key=key)


def _finding(cr: CompiledRule, message: str, subject: Subject, location: FindingLocation,
             evidence: dict[str, Any]) -> Finding:
    rule = cr.rule
    return Finding.model_construct(rule_id=rule.id, title=rule.title, severity=cr.severity, status="fail",
                                   message=message, subject=subject, location=location, evidence=evidence,
                                   reference=cr.reference, remediation=rule.remediation)


def evaluate_rule(cr: CompiledRule, data: Dataset, as_of: pd.Timestamp) -> Outcome:
    """Judge one rule; the result records the rule version and parameter values that judged it."""
    outcome = _judge(cr, data, as_of)
    rule = cr.rule
    if rule.version or rule.effective_from or rule.effective_to:
        outcome.result.version = rule.version_label()
    if outcome.result.status != "not_applicable" or outcome.findings:
        outcome.result.params = {k: evidence_value(v) for k, v in cr.params_on(as_of.date()).items()}
    return outcome


def _judge(cr: CompiledRule, data: Dataset, as_of: pd.Timestamp) -> Outcome:
    rule = cr.rule
    if data.kind not in rule.kinds():
        return _not_applicable(cr, f"applies to {' and '.join(k + 's' for k in rule.kinds())} only")
    if not rule.in_force(as_of.date()):
        span = f"{rule.effective_from or 'the start'} to {rule.effective_to or 'now'}"
        return _not_applicable(cr, f"not in force on {as_of.date().isoformat()} (in force {span})")
    if rule.check is not None:
        return BUILTIN_CHECKS[rule.check](cr, data)
    return _expression_rule(cr, data, as_of)


def _values_parse(cr: CompiledRule, data: Dataset) -> Outcome:
    """Every value that could not be read as its type, every heading row not found and every duplicate heading.

    A row table's unreadable cells are one block per column (``Table.unreadable``), worded column by column: a
    column of text in a money field costs arrays, not an object per cell.
    """
    issues = [i for i in data.issues if i.kind in ("unparseable", "no_header", "duplicate_heading")]
    findings: list[Finding | FindingBlock] = [_issue_finding(cr, i) for i in issues]
    for table in data.tables.values():
        findings += [_unreadable_block(cr, table, cells) for cells in table.unreadable.values()]
    failed = sum(len(f) if isinstance(f, FindingBlock) else 1 for f in findings)
    return Outcome(_result(cr, status="fail" if failed else "pass", checked=1, failed=failed), findings)


def _issue_finding(cr: CompiledRule, issue: DataIssue) -> Finding:
    return _finding(cr, issue.message, _subject(table=issue.table, key=issue.key),
                    _location(issue.position, issue.field, None),
                    {"value": evidence_value(issue.value), "expected": issue.expected} if issue.expected else {})


def _unreadable_block(cr: CompiledRule, table: Table, cells: UnreadableCells) -> FindingBlock:
    """A column's unreadable cells as one block: each cell's value as read and what it should have been."""
    rule = cr.rule
    value = per_value(pd.Series(cells.values, dtype=object), np.arange(len(cells)), evidence_value,
                      text_as_is=True, numbers=evidence_numbers)
    evidence: dict[str, Any] = {"value": value, "expected": cells.expected}
    varying = {"value"}
    if cells.nearest is not None:  # a coded field: the canonical value nearest each cell
        evidence["nearest"] = cells.nearest
        varying.add("nearest")
    return FindingBlock(
        rule_id=rule.id, title=rule.title, severity=cr.severity, reference=cr.reference, remediation=rule.remediation,
        table=table.name, field=cells.field, heading=None, file=table.file or "", sheet=table.sheet,
        style=table.style, column=cells.column, rows=cells.rows, keys=cells.keys,
        messages=np.asarray(cells.messages(), dtype=object), evidence=evidence, varying=frozenset(varying))


def _unrecognised_values(cr: CompiledRule, data: Dataset) -> Outcome:
    """Every cell of a coded field outside its (open) vocabulary: kept as written, reported with the nearest
    canonical value so the provider can use the word the schedules know."""
    findings: list[Finding | FindingBlock] = [
        _unreadable_block(cr, table, cells) for table in data.tables.values() for cells in table.unrecognised.values()
    ]
    failed = sum(len(f) if isinstance(f, FindingBlock) else 1 for f in findings)
    return Outcome(_result(cr, status="fail" if failed else "pass", checked=1, failed=failed), findings)


def _required_fields(cr: CompiledRule, data: Dataset) -> Outcome:
    """Required tables and columns present, required values not blank (one finding per gap)."""
    findings: list[Finding | FindingBlock] = [
        _finding(cr, i.message, _subject(table=i.table), _location(i.position, None, None), {})
        for i in data.issues if i.kind == "missing_table"
    ]
    checked = 0
    unreadable: dict[tuple[str, str], Any] = {}  # (table, field) → rows of cells that did not read
    for issue in data.issues:
        if issue.kind == "unparseable" and issue.field and issue.position.row is not None:
            unreadable.setdefault((issue.table, issue.field), []).append(issue.position.row)
    for table_name, table in data.tables.items():
        for fname, cells in table.unreadable.items():
            unreadable[(table_name, fname)] = cells.rows
    for name, kv in data.keyvalues.items():
        for fname, fspec in kv.spec.fields.items():
            if not fspec.required:
                continue
            checked += 1
            if is_null(kv.values.get(fname, pd.NA)) and kv.rows.get(fname) not in unreadable.get((name, fname), []):
                pos = kv.position(fname)
                if pos.row is None:
                    pos = Position(file=kv.file, sheet=kv.sheet, style=kv.style)
                what = "is blank" if fname in kv.values else "is missing"
                findings.append(_finding(cr, f"{kv.spec.title} field {fname} {what}", _subject(table=name),
                                         _location(pos, fname, kv.headings.get(fname)), {"field": fname}))
    for name, table in data.tables.items():
        if data.kind in table.spec.required_in and len(table.frame) == 0:  # headings and nothing under them
            noun = table.spec.row_noun
            findings.append(_finding(
                cr, f"{table.spec.title} has headings but no {noun}s: a {data.kind} with no {noun}s cannot be "
                    f"judged (fill in a row per {noun})",
                _subject(table=name), _location(Position(file=table.file, sheet=table.sheet, style=table.style),
                                               None, None), {}))
        key = table.spec.key
        for fname, fspec in table.spec.fields.items():
            if not fspec.required:
                continue
            checked += 1
            if fname not in table.present:
                findings.append(_finding(
                    cr, f"{table.spec.title} has no column for {fname} (add a column headed '{fname}')",
                    _subject(table=name), _location(Position(file=table.file, sheet=table.sheet, style=table.style),
                                                   fname, None), {"field": fname}))
                continue
            blank = table.frame[fname].isna().to_numpy() & ~np.isin(table.rows, unreadable.get((name, fname), []))
            for other in fspec.unless:  # e.g. no hourly rate is needed where a salary is given
                if other in table.frame.columns:
                    blank &= table.frame[other].isna().to_numpy()
            positions = np.flatnonzero(blank)
            if len(positions) > EXTENT_OVER and len(positions) == len(table.frame):
                findings.append(_whole_column_blank(cr, table, fname, fspec.unless))
                continue
            if len(positions):
                rows = np.array(list(map(str, table.rows[positions].tolist())), dtype=object)
                instead = f" (and no {' or '.join(fspec.unless)} is given)" if fspec.unless else ""
                messages = (f"{table.spec.title} row " + rows + f": {fname} is blank{instead}").tolist()
                keys = per_value(table.frame[key], positions, _key_words, text_as_is=True) \
                    if key and key != fname else np.full(len(positions), None, dtype=object)
                findings.append(_block(cr, table, positions, field=fname, keys=keys, messages=messages,
                                       evidence={"field": fname}))
    failed = sum(len(f) if isinstance(f, FindingBlock) else 1 for f in findings)
    return Outcome(_result(cr, status="fail" if failed else "pass", checked=max(checked, 1), failed=failed), findings)


def _out_of_scope(cr: CompiledRule, row_table: str, rows: int) -> str:
    """Why a row rule judged nothing: the table has no rows, or none of its rows is one the rule is for."""
    if rows == 0:
        return f"no {row_table} rows are in scope"
    who = f"{rows:,} {row_table} row" + ("s" if rows != 1 else "")
    if cr.rule.filter:
        return (f"none of the {who} is one this rule judges (which rows it judges: contractcheck rules show "
                f"{cr.rule.id})")
    return f"none of the {who} could be judged"


def _whole_column_blank(cr: CompiledRule, table: Table, fname: str, unless: tuple[str, ...]) -> Finding:
    """A required column blank on every row (more than ``EXTENT_OVER``): one finding for the column, at its first
    cell, rather than one per row. It is one mistake (the column was never filled in), and a million findings
    saying so would bury the rest of the report and cost memory for nothing."""
    n = len(table.frame)
    first, last = int(table.rows[0]), int(table.rows[-1])
    where = Position(file=table.file, sheet=table.sheet, row=first, column=table.columns.get(fname),
                     style=table.style)
    span = ""
    first_cell = where.cell()
    if first_cell and "!" in first_cell and where.column:  # a sheet's (or a CSV's) range: Workforce!C2:C26
        span = f" ({first_cell}:{where.column}{last})"
    instead = f" and no {' or '.join(unless)} is given" if unless else ""
    noun = table.spec.row_noun or "row"
    message = (f"{table.spec.title} column {fname} is blank on every row{span}{instead}: all {n:,} {noun}s "
               "(fill the column in)")
    return _finding(cr, message, _subject(table=table.name), _location(where, fname, table.headings.get(fname)),
                    {"field": fname, "rows_blank": n})


#: the checks a rule names with ``check:`` instead of an ``assert:`` expression (rules.model.BuiltinCheck)
BUILTIN_CHECKS: dict[str, Callable[[CompiledRule, Dataset], Outcome]] = {
    "values_parse": _values_parse,
    "required_fields": _required_fields,
    "unrecognised_values": _unrecognised_values,
}


def _missing_note(exc: MissingData, data: Dataset) -> str:
    if exc.field:
        return f"no {exc.field} column in {exc.table}"
    return f"no {exc.table} table in the {data.kind}"


def _expression_rule(cr: CompiledRule, data: Dataset, as_of: pd.Timestamp) -> Outcome:
    rule = cr.rule
    row_table = cr.row_table
    keys = {n: t.spec.key for n, t in data.tables.items()}
    ctx = EvalContext(data.frames(), data.scalars, cr.params_on(as_of.date()), as_of, row_table, keys)
    needed = {t for t, _ in (cr.assertion.fields_used if cr.assertion else set())}
    for let in cr.lets.values():
        needed |= {t for t, _ in let.fields_used}
    missing_tables = sorted(
        t for t in needed if t not in data.tables and t not in data.keyvalues and t not in cr.keyvalue_tables
    )
    if row_table and row_table not in data.tables:
        missing_tables = sorted({row_table, *missing_tables})
    try:
        if missing_tables:
            raise MissingData(missing_tables[0], None)
        absent = _absent_required_columns(cr, data)
        if absent:  # unknown stays unknown: never a pass, never a 0% share over a column that is not there
            table, fname = absent[0]
            return _not_judged_without_column(cr, data, table, fname)
        for name, compiled in cr.lets.items():
            ctx.lets[name] = compiled.evaluate(ctx)
        selected = cr.filter.evaluate(ctx) if cr.filter else True
        verdict = cr.assertion.evaluate(ctx) if cr.assertion else True
    except MissingData as exc:
        note = _missing_note(exc, data)
        if cr.when_missing == "fail":
            return _missing_finding(cr, data, exc, note)
        return _not_applicable(cr, note)
    if row_table is None:
        outcome = _scalar_outcome(cr, data, ctx, selected, verdict)
    else:
        outcome = _rows_outcome(cr, data, ctx, row_table, selected, verdict)
    measured = [name for name in rule.measures() if not isinstance(ctx.lets.get(name), pd.Series)]
    if measured:
        outcome.result.measures = {name: evidence_value(ctx.lets.get(name)) for name in measured}
        shown = "; ".join(f"{name.replace('_', ' ')}: {format_value(ctx.lets.get(name), cr.types.get(name))}"
                          for name in measured)
        outcome.result.note = f"{shown}; {outcome.result.note}" if outcome.result.note else shown
    return outcome


def _not_judged_note(cr: CompiledRule, table: Table, row_table: str, unknown: np.ndarray) -> str:
    """Why rows could not be judged, telling a value that is blank from one that could not be read."""
    read: set[str] = set()
    for compiled in (cr.assertion, cr.filter, *cr.lets.values()):
        if compiled is not None:
            read |= {f for t, f in compiled.fields_used if t == row_table}
    unreadable = np.zeros(len(table.rows), dtype=bool)
    for fname in read & set(table.unreadable):
        unreadable |= np.isin(table.rows, table.unreadable[fname].rows)
    cannot_read = int((unknown & unreadable).sum())
    total = int(unknown.sum())
    if not cannot_read:
        return f"{total} row(s) could not be judged: a value the rule needs is blank"
    if cannot_read == total:
        return f"{total} row(s) could not be judged: a value the rule needs could not be read (see DATA-03)"
    return (f"{total} row(s) could not be judged: a value the rule needs is blank in {total - cannot_read} and "
            f"could not be read in {cannot_read} (see DATA-03)")


def _absent_required_columns(cr: CompiledRule, data: Dataset) -> list[tuple[str, str]]:
    """(table, field) of the required columns the rule reads that the data's table lacks (sorted).

    Only required fields count: an optional column (leave_date, unpaid_travel_hours) that is absent means "none",
    which the rule's own expressions handle; a required one (zero_hours) that is absent means "not known".
    A field required ``unless`` another is given counts only when that other column is absent too.
    """
    read: set[tuple[str, str]] = set()
    for compiled in (cr.assertion, cr.filter, *cr.lets.values()):
        if compiled is not None:
            read |= compiled.fields_used
    absent = []
    for table_name, fname in read:
        table = data.tables.get(table_name)
        spec = table.spec.fields.get(fname) if table is not None else None
        if table is None or spec is None or not spec.required or fname in table.present:
            continue
        if any(other in table.present for other in spec.unless):
            continue
        absent.append((table_name, fname))
    return sorted(absent)


def _not_judged_without_column(cr: CompiledRule, data: Dataset, table_name: str, fname: str) -> Outcome:
    """A rule that reads a required column the table lacks: not judged, with why and how many rows."""
    table = data.tables[table_name]
    rows = len(table.frame)
    noun = table.spec.row_noun
    note = (f"not judged: the {data.kind} has no {fname} column in {table.spec.title}, so {rows} {noun}(s) "
            f"cannot be judged")
    if cr.when_missing == "fail":
        return _missing_finding(cr, data, MissingData(table_name, fname), note)
    outcome = _not_applicable(cr, note)
    outcome.result.not_judged = rows
    return outcome


def _missing_finding(cr: CompiledRule, data: Dataset, exc: MissingData, note: str) -> Outcome:
    rule = cr.rule
    what = f"the {exc.field} column of the {exc.table.capitalize()} sheet" if exc.field else \
        f"a {exc.table.capitalize()} sheet"
    message = f"{rule.title}: the schedule requires {what}, and the {data.kind} has none"
    finding = _finding(cr, message, _subject(table=exc.table),
                       FindingLocation(file=data.file, field=exc.field), {"missing": exc.field or exc.table})
    return Outcome(RuleResult(rule_id=rule.id, title=rule.title, severity=cr.severity, status="fail", checked=1,
                              failed=1, reference=cr.reference, note=note), [finding])


def _shown(name: str, cr: CompiledRule, ctx: EvalContext) -> Any:
    """The value a finding shows for a name: a column aligned with the rows, or one value.

    The name was compiled with the rule (``CompiledRule.shown``), so it is read exactly as the assertion
    reads it; a column the file does not have shows as blank rather than stopping the rule.
    """
    try:
        return cr.shown[name].evaluate(ctx)
    except MissingData:
        return pd.NA


def _blank_inputs(names: list[str], cr: CompiledRule, ctx: EvalContext) -> list[str]:
    """The fields and parameters behind blank ``let`` values that are blank themselves (a rule over one contract
    or bid), so "not judged" can say what the file lacks rather than only the name of a working step."""
    found: list[str] = []
    seen: set[str] = set()
    todo = [n for n in names if n in cr.lets]
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        for used in cr.lets[name].names_used:
            if used in cr.lets:
                if is_null(ctx.lets.get(used)):
                    todo.append(used)
            elif used in cr.shown and is_null(_shown(used, cr, ctx)) and used not in found:
                found.append(used)
    return found


def _filled(template: str, cr: CompiledRule, ctx: EvalContext) -> str:
    """A rule's own words with its {names} filled in, as its message is."""
    names = message_names(template)
    return fill_message(template, {n: format_value(_shown(n, cr, ctx), cr.types.get(n)) for n in names})


def _scalar_outcome(cr: CompiledRule, data: Dataset, ctx: EvalContext, selected: Any, verdict: Any) -> Outcome:
    rule = cr.rule
    if isinstance(selected, pd.Series) or isinstance(verdict, pd.Series):
        raise ValueError(f"{rule.id}: a contract rule must give one answer, not one per row")  # compile-time guard
    if selected is not True and (is_null(selected) or not selected):
        return Outcome(_result(cr, status="not_applicable", checked=0, failed=0,
                                  note="the filter does not select this contract"), [])
    if is_null(verdict) and cr.rule.when_blank == "skip":
        blanks = [n for n in (cr.assertion.names_used if cr.assertion else []) if is_null(_shown(n, cr, ctx))]
        note = f"cannot be judged: {', '.join(blanks) or 'a value'} is blank"
        behind = _blank_inputs(blanks, cr, ctx)
        if behind:  # a let is blank because a value it reads is: name that value, what the bid or return lacks
            note += f" ({', '.join(behind)} {'is' if len(behind) == 1 else 'are'} blank)"
        explained = [n for n in dict.fromkeys([*blanks, *behind]) if n in rule.not_judged]
        if explained:  # the rule says why, in its own words
            note = "cannot be judged: " + "; ".join(_filled(rule.not_judged[n], cr, ctx) for n in explained)
        return Outcome(_result(cr, status="not_applicable", checked=0, failed=0, note=note, not_judged=1), [])
    if verdict is True:
        return Outcome(_result(cr, status="pass", checked=1, failed=0), [])
    names = cr.evidence_names
    values = {n: _shown(n, cr, ctx) for n in dict.fromkeys([*names, *cr.message_names])}
    message = fill_message(rule.message, {n: format_value(values[n], cr.types.get(n)) for n in cr.message_names})
    kv_name = rule.scope if rule.scope in data.keyvalues else next(iter(data.keyvalues), None)
    field = cr.point_at
    pos = Position(file=data.file)
    heading = None
    for kv in data.keyvalues.values():
        if field and field in kv.rows:
            pos, heading = kv.position(field), kv.headings.get(field)
            break
    else:
        read = [t for t, _ in (cr.assertion.fields_used if cr.assertion else set()) if t in data.tables]
        if read:
            table = data.tables[sorted(read)[0]]
            pos = Position(file=table.file, sheet=table.sheet, style=table.style)
        elif kv_name:
            kv = data.keyvalues[kv_name]
            pos = Position(file=kv.file, sheet=kv.sheet, style=kv.style)
    evidence = {n: evidence_value(v) for n, v in values.items()}
    finding = _finding(cr, message, _subject(table=kv_name or rule.scope), _location(pos, field, heading), evidence)
    return Outcome(_result(cr, status="fail", checked=1, failed=1), [finding])


def _rows_outcome(cr: CompiledRule, data: Dataset, ctx: EvalContext, row_table: str, selected: Any,
                  verdict: Any) -> Outcome:
    rule = cr.rule
    table = data.tables[row_table]
    n = len(table.frame)
    sel = _mask(selected, n, default_na=False)
    if isinstance(verdict, pd.Series):
        v = verdict.astype("boolean") if verdict.dtype != "boolean" else verdict
        unknown = v.isna().to_numpy()
        failed_mask = (~v.fillna(True)).to_numpy(dtype=bool)
    else:
        unknown = np.full(n, is_null(verdict))
        failed_mask = np.full(n, (not is_null(verdict)) and not bool(verdict))
    if rule.when_blank == "fail":
        failed_mask = failed_mask | unknown
        unknown = np.zeros(n, dtype=bool)
    failed_mask &= sel
    not_judged = int((unknown & sel).sum())
    checked = int(sel.sum()) - not_judged
    failed_positions = np.flatnonzero(failed_mask)
    note = _not_judged_note(cr, table, row_table, unknown & sel) if not_judged else None
    if checked == 0 and len(failed_positions) == 0:
        why = note or _out_of_scope(cr, row_table, n)
        return Outcome(_result(cr, status="not_applicable", checked=0, failed=0, note=why,
                                  not_judged=not_judged), [])
    findings = _row_findings(cr, ctx, table, failed_positions)
    result = _result(cr, status="fail" if findings else "pass", checked=checked, failed=len(failed_positions),
                     note=note, not_judged=not_judged)
    result.extent = _extent(len(failed_positions), checked, table.spec.row_noun)
    return Outcome(result, findings)


def _extent(failed: int, checked: int, noun: str) -> Extent | None:
    """How widespread a row rule's failures are, when they are more than ``EXTENT_OVER`` rows."""
    if failed <= EXTENT_OVER:
        return None
    return Extent(failed=failed, of=checked, share=round(failed / checked, 4) if checked else 0.0,
                  rows=f"{noun}s", text=share_words(failed, checked, noun))


def _mask(value: Any, n: int, default_na: bool) -> np.ndarray:
    if isinstance(value, pd.Series):
        return value.astype("boolean").fillna(default_na).to_numpy(dtype=bool)
    if is_null(value):
        return np.full(n, default_na)
    return np.full(n, bool(value))


def _block(cr: CompiledRule, table: Any, positions: np.ndarray, *, field: str | None, keys: Any,
           messages: Sequence[str] | pa.Array, evidence: dict[str, Any]) -> FindingBlock:
    """The failing rows of one rule in one table, as columns (``contractcheck.report.findings``)."""
    rule = cr.rule
    varying = frozenset(n for n, v in evidence.items() if isinstance(v, np.ndarray))
    return FindingBlock(
        rule_id=rule.id, title=rule.title, severity=cr.severity, reference=cr.reference, remediation=rule.remediation,
        table=table.name, field=field, heading=table.headings.get(field) if field else None, file=table.file or "",
        sheet=table.sheet, style=table.style, column=table.columns.get(field) if field else None,
        rows=np.asarray(table.rows[positions], dtype=np.int64), keys=np.asarray(keys, dtype=object),
        messages=messages if isinstance(messages, pa.Array) else np.asarray(messages, dtype=object),
        evidence=evidence, varying=varying)


def _key_words(v: Any) -> str | None:
    return None if is_null(v) else str(v)


def _as_said(words: Any, said: tuple[np.ndarray, np.ndarray], rows: np.ndarray) -> Any:
    """A message value's words with the cells a table words as written (``Table.said``) put in, by row."""
    said_rows, said_words = said
    at = np.isin(rows, said_rows)
    if not at.any() or not isinstance(words, (np.ndarray, pa.Array)):  # one word: not a column of the table
        return words
    arrow = isinstance(words, pa.Array)
    out = np.array(words.to_pylist() if isinstance(words, pa.Array) else list(words), dtype=object)
    by_row = dict(zip(said_rows.tolist(), said_words.tolist()))
    out[at] = [by_row[r] for r in rows[at].tolist()]
    return pa.array(out.tolist(), type=pa.string()) if arrow else out


def _row_findings(cr: CompiledRule, ctx: EvalContext, table: Any, positions: np.ndarray) -> list[FindingBlock]:
    """The failing rows as one block: messages worded per distinct value, evidence made JSON-ready per distinct
    value, no Python loop over the rows."""
    if len(positions) == 0:
        return []
    rule = cr.rule
    n = len(positions)
    values = {name: _shown(name, cr, ctx) for name in dict.fromkeys([*cr.evidence_names, *cr.message_names])}
    words = {name: per_value(values[name], positions, functools.partial(format_value, type_=cr.types.get(name)),
                             text_as_is=cr.types.get(name) in (None, "text"),
                             numbers=functools.partial(numbers_words, type_=cr.types.get(name)),
                             as_arrow=n >= ARROW_MIN)
             for name in cr.message_names}
    for name in set(cr.message_names) & set(getattr(table, "said", {})):  # "999 (don't know)", never "blank"
        words[name] = _as_said(words[name], table.said[name], table.rows[positions])
    messages: Any = fill_messages_arrow(rule.message, words, n) if n >= ARROW_MIN else None
    if messages is None:
        messages = fill_messages(rule.message, {k: v.to_numpy(zero_copy_only=False) if isinstance(v, pa.Array) else v
                                                for k, v in words.items()}, n)
    evidence = {name: per_value(values[name], positions, evidence_value, text_as_is=True, numbers=evidence_numbers)
                for name in cr.evidence_names}
    key = table.spec.key
    keys = per_value(table.frame[key], positions, _key_words, text_as_is=True) if key else \
        np.full(n, None, dtype=object)
    return [_block(cr, table, positions, field=cr.point_at, keys=keys, messages=messages, evidence=evidence)]
