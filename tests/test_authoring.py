"""The rule author's tools agree with the checker: one as-of policy, examples that pin their failing rows,
and every rule that ``rules lint`` accepts runs on real returns."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from contractcheck import check
from contractcheck.api import resolve_as_of
from contractcheck.as_of import EXAMPLE_AS_OF, as_of_candidates, as_of_from
from contractcheck.authoring.examples import failing_cells, run_examples
from contractcheck.authoring.handbook import schedule_handbook
from contractcheck.authoring.lint import Problem, lint
from contractcheck.errors import ContractcheckError, InputError
from contractcheck.normalise import dataset_from_mapping
from contractcheck.position import Position
from contractcheck.return_format import return_format
from contractcheck.rules import compile_schedule, load_rules, load_schedule

ROOT = Path(__file__).resolve().parent.parent
OXFORDSHIRE = "oxfordshire-help-to-live-at-home"


def rules_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules" / "mine.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------
# One as-of policy


def test_a_return_is_judged_on_the_schedules_date_and_no_other():
    assert as_of_candidates("period_end", "return") == ["period_end"]
    assert as_of_candidates("period_start", "return") == ["period_start"]
    assert as_of_from("period_end", "return", {"period_start": dt.date(2026, 7, 1)}) is None


def test_a_bid_is_judged_on_its_contract_start():
    assert as_of_candidates("contract_start", "bid") == ["contract_start"]
    assert as_of_candidates("period_end", "bid") == ["contract_start"]
    start = dt.date(2026, 6, 1)
    assert as_of_from("period_end", "bid", {"contract_start": start}) == (pd.Timestamp(start),
                                                                          "contract_start of the bid")


def test_a_fixed_date_in_the_schedule_wins_over_any_date_in_the_data():
    fixed = dt.date(2026, 1, 31)
    assert as_of_from(fixed, "return", {"period_end": dt.date(2025, 6, 30)}) == (pd.Timestamp(fixed),
                                                                                  "fixed by the schedule")


def test_data_without_any_of_the_dates_leaves_the_choice_to_the_caller():
    assert as_of_from("period_end", "return", {"contract_start": dt.date(2026, 6, 1)}) is None


def test_check_never_falls_back_to_another_date_it_stops_and_names_the_missing_one():
    data = dataset_from_mapping({"contract": {"period_start": "2025-04-01"}}, return_format())
    with pytest.raises(InputError, match=r"gives no period_end, the date .* judges it on") as raised:
        resolve_as_of(load_schedule(OXFORDSHIRE), data, None)
    assert raised.value.code == "ASOF"


def test_an_unreadable_date_the_schedule_needs_is_named_with_its_cell():
    data = dataset_from_mapping({"contract": {"period_start": "2026-07-01", "period_end": "09/30/2026"}},
                                return_format())
    said = r"period_end '09/30/2026' reads only month first.*it is the date .* judges the return on"
    with pytest.raises(InputError, match=said) as raised:
        resolve_as_of(load_schedule(OXFORDSHIRE), data, None)
    assert raised.value.location.sheet == "contract" or raised.value.location.row is not None


def test_an_as_of_date_given_is_used_whatever_the_return_lacks():
    data = dataset_from_mapping({"contract": {}}, return_format())
    when, basis, _ = resolve_as_of(load_schedule(OXFORDSHIRE), data, dt.date(2026, 9, 30))
    assert when == pd.Timestamp(2026, 9, 30) and basis.startswith("as-of date given")


def test_the_handbook_says_no_other_date_stands_in_for_the_schedules():
    schedule = load_schedule(OXFORDSHIRE)
    text = schedule_handbook(schedule, compile_schedule(schedule, load_rules())[1])
    assert schedule.schedule.as_of == "period_end"
    assert "no other date stands in for it" in text


DATED_RULE = """\
    rules:
      - id: TST-01
        title: Started by the date judged on
        severity: minor
        scope: workforce
        assert: start_date <= as_of
        message: "Worker {worker_id} starts on {start_date}, after {as_of}."
        reference: Test clause 1
        remediation: Check the start date.
        examples:
          - name: started long ago
            expect: pass
            workforce: [{worker_id: W1, start_date: 2020-01-01}]
          - name: starts after the fixed example date
            expect: fail
            workforce: [{worker_id: W1, start_date: 2026-05-01}]
            message: "Worker W1 starts on 1 May 2026, after 1 April 2026."
          - name: judged on the example's own period end
            expect: pass
            contract: {period_start: 2026-04-01, period_end: 2026-06-30}
            workforce: [{worker_id: W1, start_date: 2026-05-01}]
    """


def test_an_example_without_dates_is_judged_on_a_fixed_day_never_today(tmp_path):
    assert EXAMPLE_AS_OF == dt.date(2026, 4, 1)
    results = run_examples(load_rules([rules_file(tmp_path, DATED_RULE)]), only={"TST-01"})
    assert [(r.example, r.ok, r.detail) for r in results] == [
        ("started long ago", True, ""),
        ("starts after the fixed example date", True, ""),
        ("judged on the example's own period end", True, ""),
    ]


# ------------------------------------------------------------------------------------------------
# Examples that pin which rows fail

PINNED_RULE = """\
    rules:
      - id: TST-02
        title: Paid at least £12
        severity: major
        scope: workforce
        assert: hourly_rate >= 12
        message: "Worker {worker_id} is paid {hourly_rate}."
        reference: Test clause 2
        remediation: Pay more.
        examples:
          - name: everyone paid enough
            expect: pass
            workforce: [{worker_id: W1, hourly_rate: 13}]
          - name: the second and third are paid too little
            expect: fail
            workforce:
              - {worker_id: W1, hourly_rate: 13}
              - {worker_id: W2, hourly_rate: 11}
              - {worker_id: W3, hourly_rate: 10}
            failing_rows: %s
    """


def test_an_example_may_pin_exactly_which_rows_fail(tmp_path):
    library = load_rules([rules_file(tmp_path, PINNED_RULE % "[2, 3]")])
    assert [(r.example, r.ok) for r in run_examples(library, only={"TST-02"})] == [
        ("everyone paid enough", True),
        ("the second and third are paid too little", True),
    ]


def test_a_wrong_pin_fails_rules_test_naming_the_rows_expected_and_those_that_failed(cli, tmp_path):
    path = rules_file(tmp_path, PINNED_RULE % "[1, 2]")
    result = cli("rules", "test", "--rules", path, "--rule", "TST-02")
    assert result.code == 1
    assert "FAIL TST-02: the second and third are paid too little (expects fail)" in result.out
    assert "expected workforce rows 1, 2 to fail; rows that failed: 2, 3" in result.out
    assert result.out.strip().splitlines()[-1] == "1 passed, 1 failed"


def test_a_pin_is_refused_on_a_rule_checked_once_for_the_whole_return(tmp_path):
    rule = """\
        rules:
          - id: TST-03
            title: A contract value
            severity: minor
            scope: contract
            assert: contract_value > 0
            message: "No contract value."
            reference: Test clause 3
            remediation: Give it.
            examples:
              - {name: zero, expect: fail, contract: {contract_value: 0}, failing_rows: [1]}
        """
    [result] = run_examples(load_rules([rules_file(tmp_path, rule)]), only={"TST-03"})
    assert not result.ok
    assert result.detail == ("failing_rows names rows of a table, but TST-03 is checked once for the whole return "
                             "(scope: contract); leave failing_rows out")


def test_a_pin_on_an_example_that_must_pass_is_refused_with_file_and_line(cli, tmp_path):
    text = (PINNED_RULE % "[2, 3]").replace("expect: pass\n", "expect: pass\n            failing_rows: [1]\n")
    result = cli("rules", "lint", rules_file(tmp_path, text))
    assert result.code == 1
    assert "mine.yaml:11: RULE001 rule TST-02: examples.0: Value error, failing_rows names the rows that fail: " \
           "it needs expect: fail" in result.out


def test_failing_cells_gives_each_failing_finding_as_rule_and_cell(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = check("samples/failing-return.xlsx", OXFORDSHIRE)
    cells = failing_cells(report)
    assert cells[:3] == [("PAY-01", "Workforce!K2"), ("PAY-01", "Workforce!K6"), ("PAY-02", "Workforce!J3")]
    assert ("COST-01", None) in cells  # a finding about the return as a whole has no cell


def test_failing_cells_leaves_out_waived_findings(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = check("samples/failing-return.xlsx", OXFORDSHIRE, waivers="samples/waivers.yaml")
    assert ("PAY-02", "Workforce!J3") not in failing_cells(report)
    assert ("PAY-01", "Workforce!K2") in failing_cells(report.findings)


# ------------------------------------------------------------------------------------------------
# Lint problems


def test_lint_problems_read_file_line_code_message_and_sort_by_file_then_line():
    problems = [
        Problem(Position(file="b.yaml", line=3), "LINT001", "TST-01: parameter 'x' is declared but not used"),
        Problem(Position(file="a.yaml", line=12), "EXPR001", "rule TST-02, assert: unknown name 'hourly'"),
        Problem(Position(file="a.yaml"), "LINT000", "neither a rule file nor a schedule"),
    ]
    assert [p.render() for p in sorted(problems, key=Problem.sort_key)] == [
        "a.yaml: LINT000 neither a rule file nor a schedule",
        "a.yaml:12: EXPR001 rule TST-02, assert: unknown name 'hourly'",
        "b.yaml:3: LINT001 TST-01: parameter 'x' is declared but not used",
    ]


# ------------------------------------------------------------------------------------------------
# A rule that lint accepts can run

SAMPLES = sorted(p.name for p in (ROOT / "samples").glob("*.xlsx")) + ["csv-return"]


def every_rule_schedule(tmp_path: Path) -> Path:
    """A schedule of every shipped rule with its defaults: each rule compiled as ``rules lint`` compiles it."""
    path = tmp_path / "every-rule.yaml"
    path.write_text(textwrap.dedent("""\
        id: every-rule
        title: Every shipped rule
        council: Test
        source: tests/test_authoring.py
        version: "1"
        rules: ["*"]
        """), encoding="utf-8")
    return path


def test_the_shipped_rules_are_lint_clean():
    assert [p.render() for p in lint().problems] == []


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_rule_lint_accepts_runs_on_the_shipped_sample(sample, tmp_path):
    library = load_rules()
    try:
        report = check(ROOT / "samples" / sample, load_schedule(str(every_rule_schedule(tmp_path))),
                       library=library)
    except ContractcheckError as exc:
        pytest.fail(f"{sample} could not be checked: {exc.one_line()}")
    except Exception as exc:  # noqa: BLE001 - what the command line would print as error INTERNAL
        pytest.fail(f"{sample}: error INTERNAL: {type(exc).__name__}: {exc}")
    # a report lists the rules for its kind of file (a return's, or a bid's)
    assert {r.rule_id for r in report.results} == {
        rid for rid, versions in library.versions.items() if report.input.kind in versions[0].rule.kinds()}
