"""Rule examples: the small record sets written inside each rule, run as tests of the rule itself.

A rule author writes examples that must pass and must fail (with the expected message); this module runs
them through the same normalise and evaluate stages as a real return, so a rule cannot drift from what its
author meant without a test saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from contractcheck.as_of import DEFAULT_BASIS, EXAMPLE_AS_OF, as_of_from
from contractcheck.evaluate import Outcome, evaluate_rule
from contractcheck.return_format import ReturnFormat, return_format
from contractcheck.normalise import Dataset, dataset_from_mapping
from contractcheck.rules import Example, RuleLibrary, SourcedRule, compile_rule


@dataclass
class ExampleResult:
    rule_id: str
    example: str
    expected: str
    ok: bool
    detail: str  # what happened, for a failure


def example_as_of(example: Example, data: Dataset) -> pd.Timestamp:
    """The date an example is judged on: its ``as_of:``, else its contract dates, else ``EXAMPLE_AS_OF``.

    Contract dates are tried as for a schedule that does not choose (``as_of: period_end``) and never today, so
    an example gives the same result on any day it runs.
    """
    if example.as_of:
        return pd.Timestamp(example.as_of)
    found = as_of_from(DEFAULT_BASIS, data.kind, data.scalars)
    return found[0] if found is not None else pd.Timestamp(EXAMPLE_AS_OF)


def explain_example(sr: SourcedRule, example: Example, fmt: ReturnFormat | None = None) -> Outcome:
    """Evaluate one rule on one example, through the same stages as a real return."""
    fmt = fmt or return_format()
    compiled = compile_rule(sr, None, fmt, example.params)
    data = dataset_from_mapping(example.tables(), fmt, file=f"<{sr.rule.id} example>")
    return evaluate_rule(compiled, data, example_as_of(example, data))


def run_example(sr: SourcedRule, example: Example, fmt: ReturnFormat | None = None) -> ExampleResult:
    """Evaluate one rule on one example and compare with what the example expects."""
    outcome = explain_example(sr, example, fmt)
    status = outcome.result.status
    ok = status == example.expect
    detail = f"expected {example.expect}, got {status}"
    if outcome.result.note:
        detail += f" ({outcome.result.note})"
    if ok and example.expect == "fail" and example.message is not None:
        got = outcome.findings[0].message if outcome.findings else ""
        want = " ".join(example.message.split())
        if got != want:
            ok, detail = False, f"expected message:\n    {want}\n  got:\n    {got}"
    return ExampleResult(sr.rule.id, example.name, example.expect, ok, "" if ok else detail)


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
