"""The evaluate stage on its own: one compiled rule over a small in-memory dataset, read like examples.

The data go through the same normalise stage as a file (``dataset_from_mapping``); rules are written as the YAML
would be, so each test shows a rule, the records and what the stage makes of them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from contractcheck.evaluate import Outcome, evaluate_rule, fill_messages_arrow
from contractcheck.normalise import dataset_from_mapping
from contractcheck.return_format import return_format
from contractcheck.rules import Rule, SourcedRule, compile_rule
from contractcheck.rules.model import fill_messages

CONTRACT = {"provider_name": "Acme Care", "contract_ref": "C-1", "period_start": "2026-04-01",
            "period_end": "2026-06-30"}
AS_OF = pd.Timestamp(dt.date(2026, 6, 30))


def rule(**fields: Any) -> SourcedRule:
    """A rule as a YAML file would give it; ``assert`` defaults to a pay test unless a check is named."""
    base: dict[str, Any] = {"id": "TST-01", "title": "A test rule", "severity": "major", "scope": "workforce",
                            "message": "Worker {worker_id} is paid {hourly_rate}.", "reference": "Clause 1",
                            "remediation": "Put it right."}
    if "check" not in fields:
        base["assert"] = "hourly_rate >= 12.21"
    return SourcedRule(Rule.model_validate({**base, **fields}), "test-rules.yaml", 1)


def run(sr: SourcedRule, tables: dict[str, Any], as_of: pd.Timestamp = AS_OF) -> Outcome:
    fmt = return_format()
    data = dataset_from_mapping(tables, fmt, file="return.json")
    return evaluate_rule(compile_rule(sr, None, fmt), data, as_of)


def worker(worker_id: str, rate: Any, **more: Any) -> dict[str, Any]:
    return {"worker_id": worker_id, "zero_hours": "N", "hourly_rate": rate, **more}


def test_only_the_failing_rows_become_findings_pointing_at_the_asserted_cell() -> None:
    outcome = run(rule(),
                  {"contract": CONTRACT, "workforce": [worker("W1", 12.50), worker("W2", 11.90), worker("W3", 13)]})
    assert (outcome.result.status, outcome.result.checked, outcome.result.failed) == ("fail", 3, 1)
    [finding] = outcome.findings
    assert finding.message == "Worker W2 is paid £11.90."
    assert finding.subject.key == "W2"
    assert (finding.location.field, finding.location.cell) == ("hourly_rate", "workforce[2].hourly_rate")
    assert finding.evidence["hourly_rate"] == 11.9


def test_a_blank_value_is_not_judged_never_passed_or_failed() -> None:
    outcome = run(rule(),
                  {"contract": CONTRACT, "workforce": [worker("W1", 12.50), worker("W2", "")]})
    assert (outcome.result.status, outcome.result.checked, outcome.result.not_judged) == ("pass", 1, 1)
    assert outcome.findings == []
    assert "could not be judged" in (outcome.result.note or "")


def test_a_missing_required_column_is_one_finding_not_one_per_row() -> None:
    sr = rule(id="DATA-91", check="required_fields", scope="contract", message="missing")
    workforce = [{"worker_id": f"W{i}", "zero_hours": "N"} for i in range(50)]
    outcome = run(sr, {"contract": CONTRACT, "workforce": workforce})
    missing = [f for f in outcome.findings if "no column for hourly_rate" in f.message]
    assert len(missing) == 1
    assert missing[0].location.field == "hourly_rate"
    assert outcome.result.status == "fail"


def test_a_rule_over_a_table_the_return_lacks_does_not_apply_and_says_why() -> None:
    sr = rule(scope="training", message="{course}", **{"assert": "completed_on <= as_of"})
    outcome = run(sr, {"contract": CONTRACT, "workforce": [worker("W1", 13)]})
    assert outcome.result.status == "not_applicable"
    assert outcome.result.note == "no training table in the return"


def test_a_rule_not_in_force_on_the_as_of_date_does_not_apply() -> None:
    sr = rule(effective_from="2027-04-01")
    outcome = run(sr, {"contract": CONTRACT, "workforce": [worker("W1", 1)]})
    assert outcome.result.status == "not_applicable"
    assert outcome.result.note == "not in force on 2026-06-30 (in force 2027-04-01 to now)"


def test_a_bid_rule_does_not_judge_a_return() -> None:
    sr = rule(scope="bid", message="bid", **{"assert": "contract_start <= as_of"})
    outcome = run(sr, {"contract": CONTRACT, "workforce": [worker("W1", 13)]})
    assert outcome.result.status == "not_applicable"
    assert outcome.result.note == "applies to bids only"


def test_the_result_records_the_parameters_in_force_on_the_as_of_date() -> None:
    sr = rule(params={"floor": {"type": "money", "default": [{"from": "2025-04-01", "value": 12.21},
                                                            {"from": "2026-04-01", "value": 12.71}]}},
              message="Worker {worker_id} is paid {hourly_rate}, below {floor}.",
              **{"assert": "hourly_rate >= floor"})
    tables = {"contract": CONTRACT, "workforce": [worker("W1", 12.50)]}
    before = run(sr, tables, pd.Timestamp(dt.date(2026, 3, 31)))
    after = run(sr, tables)
    assert (before.result.status, before.result.params) == ("pass", {"floor": 12.21})
    assert (after.result.status, after.result.params) == ("fail", {"floor": 12.71})
    assert after.findings[0].message == "Worker W1 is paid £12.50, below £12.71."


def test_evidence_shows_only_values_the_rule_has_one_of_not_those_read_inside_an_aggregate() -> None:
    """COST-01 once listed category/per_hour/annual as null: they belong to other rows, not to the finding."""
    sr = rule(scope="contract", applies_to=["return"], message="No training line ({training}).",
              let={"training": 'sum(costs, per_hour, contains(category, "training"))'},
              **{"assert": 'exists(costs, contains(category, "training"))'})
    outcome = run(sr, {"contract": CONTRACT, "workforce": [worker("W1", 13)],
                       "costs": [{"category": "Overheads", "per_hour": 4.1}]})
    [finding] = outcome.findings
    assert finding.evidence == {"training": 0}
    assert finding.message == "No training line (£0.00)."  # a sum of money reads as money


def test_an_evidence_name_the_rule_cannot_read_is_refused_when_compiling() -> None:
    import pytest

    from contractcheck.errors import RuleError

    with pytest.raises(RuleError, match="evidence names 'wage', which is not a field, parameter or let"):
        compile_rule(rule(evidence=["hourly_rate", "wage"]), None, return_format())


# Arrow fills a message column exactly as fill_messages fills it row by row, or says it cannot

KEEP_SPACING = ["W1", "Acme Care", "£12.21", "ok", "a b c", "£1,650,000", "nbsp-less", "'quoted'"]
CHANGE_SPACING = ["", " lead", "trail ", "two  spaces", "tab\there", "new\nline", "nbsp\xa0x", "em\u2003space", "\x1c"]
TEMPLATES = ["Worker {worker_id} is paid {rate} an hour.", "  {worker_id}   has\n{rate}  ", "{worker_id}{rate}",
             "Role '{worker_id}' ({rate}), floor {floor}.", " {unknown} and {worker_id} ", "\t{rate}\xa0x {floor} "]


def _fill_both(template: str, pool: list[str]) -> tuple[pa.Array | None, list[str]]:
    rng = random.Random(template + "".join(pool))
    ids, rates = ([rng.choice(pool) for _ in range(300)] for _ in range(2))
    words: dict[str, Any] = {"worker_id": pa.array(ids), "rate": pa.array(rates), "floor": "£12.21"}
    return fill_messages_arrow(template, words, 300), fill_messages(template, {**words, "worker_id": ids,
                                                                               "rate": rates}, 300)


@pytest.mark.parametrize("template", TEMPLATES)
def test_arrow_fills_messages_as_fill_messages_does(template: str) -> None:
    filled, expected = _fill_both(template, KEEP_SPACING)
    assert filled is not None and filled.to_pylist() == expected


@pytest.mark.parametrize("template", TEMPLATES)
def test_arrow_leaves_words_that_would_change_the_spacing_to_fill_messages(template: str) -> None:
    filled, _ = _fill_both(template, KEEP_SPACING + CHANGE_SPACING)
    assert filled is None


def test_arrow_fills_messages_of_words_that_keep_their_spacing() -> None:
    words = {"worker_id": pa.array(["W1", "W 2"]), "rate": pa.array(["£9.00", "£1,000"])}
    filled = fill_messages_arrow("  Worker {worker_id}\n is paid  {rate}. ", words, 2)
    assert filled is not None and filled.to_pylist() == ["Worker W1 is paid £9.00.", "Worker W 2 is paid £1,000."]


def test_every_whitespace_python_knows_sends_a_word_back_to_fill_messages() -> None:
    spaces = [c for c in map(chr, range(0x110000)) if c.isspace() and c != " "]
    words = {"worker_id": pa.array([f"a{c}b" for c in spaces])}
    assert fill_messages_arrow("id {worker_id}", {**words}, len(spaces)) is None
    for c in spaces:
        assert fill_messages_arrow("id {worker_id}", {"worker_id": pa.array([f"a{c}b"])}, 1) is None, hex(ord(c))
