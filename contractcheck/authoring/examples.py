"""Rule examples: the small record sets written inside each rule, run as tests of the rule itself.

A rule author writes examples that must pass and must fail; this module runs them through the same normalise
and evaluate stages as a real return, so a rule cannot drift from what its author meant without a test saying
so. A failing example may pin what it expects besides the result:

- ``message``: the first finding's message, word for word;
- ``failing_rows``: exactly which of the example's rows fail (1 is the first record written under the rule's
  table), for a rule checked row by row.

The examples are built in memory (``normalise.dataset_from_mapping``); a finding's cell then reads like a JSON
return's, ``workforce[2].hourly_rate``, and its row is the record's place in the list. ``failing_cells`` gives
that projection of any report, for tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from contractcheck.as_of import DEFAULT_BASIS, EXAMPLE_AS_OF, as_of_from
from contractcheck.evaluate import Outcome, evaluate_rule
from contractcheck.normalise import Dataset, dataset_from_mapping
from contractcheck.report.model import Finding, Report
from contractcheck.return_format import ReturnFormat, return_format
from contractcheck.rules import (
    CompiledRule,
    Example,
    RuleLibrary,
    SourcedRule,
    compile_rule,
)


@dataclass
class ExampleResult:
    """One example run: whether the rule did what the example expects, and if not, what it did."""

    rule_id: str
    example: str
    expected: str
    ok: bool
    detail: str  # what happened, for a failure


def failing_cells(found: Report | Iterable[Finding]) -> list[tuple[str, str | None]]:
    """``(rule id, cell)`` of each failing finding, in order: a report in a form a test can compare at a glance.

    A waived finding is left out. The cell is as the report shows it (``Workforce!F7``, ``staff.csv!C12``,
    ``workforce[2].hourly_rate``), or None for a finding about the whole return.
    """
    findings = found.findings if isinstance(found, Report) else found
    return [(f.rule_id, f.location.cell) for f in findings if f.status == "fail"]


def example_as_of(example: Example, data: Dataset) -> pd.Timestamp:
    """The date an example is judged on: its ``as_of:``, else its contract dates, else ``EXAMPLE_AS_OF``.

    Contract dates are tried as for a schedule that does not choose (``as_of: period_end``) and never today, so
    an example gives the same result on any day it runs.
    """
    if example.as_of:
        return pd.Timestamp(example.as_of)
    found = as_of_from(DEFAULT_BASIS, data.kind, data.scalars)
    return found[0] if found is not None else pd.Timestamp(EXAMPLE_AS_OF)


def _run(sr: SourcedRule, example: Example, fmt: ReturnFormat | None) -> tuple[CompiledRule, Outcome]:
    fmt = fmt or return_format()
    compiled = compile_rule(sr, None, fmt, example.params)
    data = dataset_from_mapping(example.tables(), fmt, file=f"<{sr.rule.id} example>")
    return compiled, evaluate_rule(compiled, data, example_as_of(example, data))


def explain_example(sr: SourcedRule, example: Example, fmt: ReturnFormat | None = None) -> Outcome:
    """Evaluate one rule on one example, through the same stages as a real return."""
    return _run(sr, example, fmt)[1]


def run_example(sr: SourcedRule, example: Example, fmt: ReturnFormat | None = None) -> ExampleResult:
    """Evaluate one rule on one example and compare with what the example expects."""
    compiled, outcome = _run(sr, example, fmt)
    status = outcome.result.status
    problems: list[str] = []
    if status != example.expect:
        detail = f"expected {example.expect}, got {status}"
        problems.append(detail + (f" ({outcome.result.note})" if outcome.result.note else ""))
    elif example.expect == "fail":
        if example.failing_rows is not None:
            problems += _rows_problem(compiled, example.failing_rows, outcome.findings)
        if example.message is not None:
            got = outcome.findings[0].message if outcome.findings else ""
            want = " ".join(example.message.split())
            if got != want:
                problems.append(f"expected message:\n    {want}\n  got:\n    {got}")
    return ExampleResult(sr.rule.id, example.name, example.expect, not problems, "\n".join(problems))


def _rows_problem(cr: CompiledRule, pinned: list[int], findings: Sequence[Finding]) -> list[str]:
    """What is wrong with an example's ``failing_rows``, if anything (an empty list when the rows match)."""
    table = cr.row_table
    if table is None:
        whole = " or ".join(cr.rule.kinds())
        return [(f"failing_rows names rows of a table, but {cr.rule.id} is checked once for the whole {whole} "
                 f"(scope: {cr.rule.scope}); leave failing_rows out")]
    want = sorted(set(pinned))
    got = sorted({f.location.row for f in findings
                  if f.status == "fail" and f.location.sheet == table and f.location.row is not None})
    if got == want:
        return []
    return [f"expected {table} rows {_numbers(want)} to fail; rows that failed: {_numbers(got) or 'none'}"]


def _numbers(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows)


def run_examples(library: RuleLibrary, only: set[str] | None = None) -> list[ExampleResult]:
    """Every example of every rule in the library (or of the named rules)."""
    fmt = return_format()
    results: list[ExampleResult] = []
    for rid, versions in sorted(library.versions.items()):
        if only and rid not in only:
            continue
        for sr in versions:
            for example in sr.rule.examples:
                results.append(run_example(sr, example, fmt))
    return results
