"""The shipped rules and schedules, and how bad rule files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractcheck.authoring.examples import run_examples
from contractcheck.errors import RuleError, UsageError
from contractcheck.rules import compile_schedule, load_rule_file, load_rules, load_schedule

LIBRARY = load_rules()
SHIPPED_SCHEDULES = sorted(p.stem for p in (Path(__file__).parent.parent / "schedules").glob("*.yaml"))
EXAMPLES = run_examples(LIBRARY)


@pytest.mark.parametrize("result", EXAMPLES, ids=[f"{r.rule_id}: {r.example}" for r in EXAMPLES])
def test_rule_example(result):
    assert result.ok, result.detail


@pytest.mark.parametrize("rule_id", sorted(LIBRARY.rules))
def test_every_rule_has_a_passing_and_a_failing_example(rule_id):
    expects = {e.expect for e in LIBRARY.rules[rule_id].rule.examples}
    assert {"pass", "fail"} <= expects


@pytest.mark.parametrize("schedule", SHIPPED_SCHEDULES)
def test_shipped_schedules_compile(schedule):
    _, rules = compile_schedule(load_schedule(schedule), LIBRARY)
    assert rules


def test_required_schedules_are_shipped():
    assert {"oxfordshire-help-to-live-at-home", "leicester-homecare", "statutory-minimum",
            "oxfordshire-tender", "ethical-care-charter-homecare"} <= set(SHIPPED_SCHEDULES)


RULE = """\
rules:
  - id: PAY-99
    title: t
    severity: major
    scope: workforce
    assert: {assertion}
    message: m
    reference: r
    remediation: x
{extra}"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("assertion", "extra", "expected"),
    [
        ("hourly_rate > 1", "    severty: major\n", "rules.yaml:10: unknown key 'severty'"),
        ("hourly_rate > 1", "    tags: [a\n", "rules.yaml:11: YAML cannot be read"),
        ("hourly_rat > 1", "", "rule PAY-99, assert, column 1: unknown field or parameter 'hourly_rat'"),
        ("hourly_rate >", "", "rule PAY-99, assert, column 14: syntax error"),
        ("hourly_rate > 1", "    message: again\n", "rules.yaml:10: key 'message' is written twice"),
    ],
)
def test_bad_rule_files_are_refused_with_file_and_line(tmp_path, assertion, extra, expected):
    path = write(tmp_path, RULE.format(assertion=f'"{assertion}"', extra=extra))
    with pytest.raises(RuleError) as err:
        from contractcheck.return_format import return_format
        from contractcheck.rules import compile_rule

        for sr in load_rule_file(path):
            compile_rule(sr, None, return_format())
    assert expected in err.value.one_line()


def test_bad_severity_is_refused(tmp_path):
    path = write(tmp_path, RULE.format(assertion='"hourly_rate > 1"', extra="").replace("major", "urgent"))
    with pytest.raises(RuleError, match="severity"):
        load_rule_file(path)


def test_python_object_tag_is_refused(tmp_path):
    path = write(tmp_path, "rules: !!python/object/apply:os.system [echo hi]\n")
    with pytest.raises(RuleError) as err:
        load_rule_file(path)
    assert "Python object tag is not allowed" in err.value.one_line()


def test_duplicate_rule_ids_across_files_are_refused(tmp_path):
    write(tmp_path, RULE.format(assertion='"hourly_rate > 1"', extra="").replace("PAY-99", "PAY-01"))
    with pytest.raises(RuleError, match="PAY-01 is defined twice"):
        load_rules([tmp_path])


def test_unknown_schedule_names_the_known_ones():
    with pytest.raises(UsageError, match="known schedules: .*statutory-minimum"):
        load_schedule("nowhere-council")


def test_schedule_including_a_missing_rule_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("id: s\ntitle: t\ncouncil: c\nsource: s\nversion: '1'\nrules: [PAY-01, APP-09]\n")
    with pytest.raises(RuleError, match=r"s.yaml:6: schedule includes rule 'APP-09', which does not exist"):
        compile_schedule(load_schedule(str(path)), LIBRARY)


def test_schedule_setting_an_undeclared_parameter_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("id: s\ntitle: t\ncouncil: c\nsource: s\nversion: '1'\nrules: [APP-01]\n"
                    "params:\n  APP-01:\n    per_valu: 250000\n")
    with pytest.raises(RuleError, match=r"s.yaml:9: .*parameter 'per_valu' for APP-01"):
        compile_schedule(load_schedule(str(path)), LIBRARY)
