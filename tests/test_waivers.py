"""Waivers: deviations a council has accepted, applied to a report without hiding anything.

The report is the shipped failing sample checked against the Oxfordshire schedule (as of 30 September 2026):
it fails PAY-02 for worker W0102, DSPT-01 for the contract, and more.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from contractcheck import check, exit_code_for
from contractcheck.errors import RuleError, UsageError
from contractcheck.report.model import Report
from contractcheck.report.render import render_json
from contractcheck.report.waivers import apply_waivers, load_waivers

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = "oxfordshire-help-to-live-at-home"
AS_OF = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def report() -> Report:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        return check("samples/failing-return.xlsx", SCHEDULE)


@pytest.fixture
def write(tmp_path):
    """Write a waiver file (YAML text) and load it."""

    def _write(text: str):
        path = tmp_path / "waivers.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return load_waivers(path)

    return _write


def waiver(rule: str, subject: str, expires: str = "2027-03-31", extra: str = "", approved: str = "2026-06-01") -> str:
    return f"""\
  - rule: {rule}
    subject: {subject}
    reason: Accepted at the contract review meeting
    approved_by: J. Smith, Contract Manager
    approved_on: {approved}
    expires: {expires}
{extra}"""


def findings(report: Report, rule_id: str, key: str | None = "any") -> list:
    return [f for f in report.findings if f.rule_id == rule_id and (key == "any" or f.subject.key == key)]


def result(report: Report, rule_id: str):
    return next(r for r in report.results if r.rule_id == rule_id)


def test_the_sample_waiver_file_waives_pay02_for_w0102_and_reports_the_expired_one(report, monkeypatch):
    monkeypatch.chdir(ROOT)
    waived = apply_waivers(report, load_waivers(Path("samples/waivers.yaml")), AS_OF)

    [pay] = findings(waived, "PAY-02", "W0102")
    assert pay.status == "waived"
    assert pay.waiver == {
        "reason": "Travel time paid via a monthly travel allowance not shown in the return; payslips seen 2026-10-03",
        "approved_by": "J. Smith, Contract Manager",
        "approved_on": "2026-10-03",
        "expires": "2027-03-31",
        "file": "samples/waivers.yaml",
        "line": 13,
    }
    pay02 = result(waived, "PAY-02")
    assert (pay02.status, pay02.checked, pay02.failed, pay02.waived) == ("waived", 1, 1, 1)
    assert waived.summary.findings["critical"] == report.summary.findings["critical"] - 1

    # the DSPT-01 waiver expired on 30 June 2026, before the return's period end: it waives nothing
    [dspt] = findings(waived, "DSPT-01")
    assert dspt.status == "fail"
    [expired] = findings(waived, "WAIVER-01")
    assert expired.severity == "minor"
    assert "DSPT-01" in expired.message and "30 June 2026" in expired.message
    assert "samples/waivers.yaml:20" in expired.message
    assert waived.waivers == {"file": "samples/waivers.yaml", "waivers": 2, "applied": 1, "expired": 1, "unused": 0,
                              "other_contract": 0, "findings_waived": 1}

    # the report given is left as it was
    assert findings(report, "PAY-02")[0].status == "fail" and not report.waivers


def test_waived_findings_stop_counting_towards_the_exit_code(report, write):
    assert exit_code_for(report, fail_on="critical") == 1  # PAY-01 for W0101 and W0105, PAY-02 for W0102
    waivers = write("waivers:\n" + waiver("PAY-01", "W0101") + waiver("PAY-01", "W0105") + waiver("PAY-02", "W0102"))
    waived = apply_waivers(report, waivers, AS_OF)
    assert exit_code_for(waived, fail_on="critical") == 0
    assert exit_code_for(waived) == 1  # the major and minor findings still fail
    assert [f.status for f in findings(waived, "PAY-01")] == ["waived", "waived"]
    assert waived.summary.findings["critical"] == 0


def test_waiving_every_finding_makes_the_return_compliant(report, write):
    entries = {(f.rule_id, f.subject.key or "contract") for f in report.findings}
    waived = apply_waivers(report, write("waivers:\n" + "".join(waiver(r, s) for r, s in sorted(entries))), AS_OF)
    assert waived.summary.verdict == "compliant"
    assert waived.summary.rules_failed == 0
    assert exit_code_for(waived) == 0
    assert all(f.status == "waived" for f in waived.findings)  # still listed, marked
    assert len(waived.findings) == len(report.findings)


def test_one_waiver_covers_every_finding_of_its_rule_for_that_worker(report, write):
    waived = apply_waivers(report, write("waivers:\n" + waiver("DATA-02", "W0108")), AS_OF)
    assert [f.status for f in findings(waived, "DATA-02", "W0108")] == ["waived", "waived"]
    assert result(waived, "DATA-02").waived == 2


def test_worker_ids_match_in_any_case_and_contract_means_no_worker(report, write):
    waived = apply_waivers(report, write("waivers:\n" + waiver("PAY-02", "w0102") + waiver("APP-01", "Contract")),
                           AS_OF)
    assert findings(waived, "PAY-02", "W0102")[0].status == "waived"
    assert findings(waived, "APP-01", None)[0].status == "waived"


def test_a_waiver_that_does_not_fully_cover_a_rule_leaves_the_rule_failing(report, write):
    waived = apply_waivers(report, write("waivers:\n" + waiver("PAY-01", "W0101")), AS_OF)
    pay01 = result(waived, "PAY-01")
    assert (pay01.status, pay01.failed, pay01.waived) == ("fail", 2, 1)
    assert [(f.subject.key, f.status) for f in findings(waived, "PAY-01")] == [("W0101", "waived"),
                                                                               ("W0105", "fail")]


def test_an_expired_waiver_waives_nothing_and_is_reported(report, write):
    waived = apply_waivers(report, write("waivers:\n" + waiver("PAY-02", "W0102", expires="2026-09-29")), AS_OF)
    assert findings(waived, "PAY-02")[0].status == "fail"
    [expired] = findings(waived, "WAIVER-01")
    assert expired.title == "Waiver expired"
    assert expired.location.file.endswith("waivers.yaml") and expired.location.line == 2
    assert expired.evidence["expires"] == "2026-09-29"
    assert expired.remediation == "Renew the waiver with a new expiry date and approval, or fix the deviation."
    assert "PAY-02" in expired.message and "W0102" in expired.message and "29 September 2026" in expired.message
    wr = result(waived, "WAIVER-01")
    assert (wr.status, wr.checked, wr.failed) == ("fail", 1, 1)


def test_a_waiver_expiring_on_the_as_of_date_still_applies(report, write):
    waived = apply_waivers(report, write("waivers:\n" + waiver("PAY-02", "W0102", expires="2026-09-30")), AS_OF)
    assert findings(waived, "PAY-02")[0].status == "waived"
    assert not findings(waived, "WAIVER-01")


def test_expiry_is_judged_on_the_reports_as_of_date_by_default(report, write):
    waivers = write("waivers:\n" + waiver("PAY-02", "W0102", expires="2026-09-29"))
    assert findings(apply_waivers(report, waivers), "WAIVER-01")
    assert not findings(apply_waivers(report, waivers, dt.date(2026, 9, 1)), "WAIVER-01")


def test_an_unused_waiver_is_reported_so_waiver_files_do_not_go_stale(report, write):
    waivers = write("waivers:\n" + waiver("PAY-02", "W0102") + waiver("PAY-01", "W0999") + waiver("DATA-01", "contract")
                    + waiver("ZHC-01", "contract"))
    waived = apply_waivers(report, waivers, AS_OF)
    unused = findings(waived, "WAIVER-02")
    assert [f.severity for f in unused] == ["info"] * 3
    messages = " ".join(f.message for f in unused)
    assert "PAY-01 found nothing for worker W0999" in messages
    assert "DATA-01 passed" in messages
    assert f"schedule {SCHEDULE} does not check ZHC-01" in messages
    assert unused[0].remediation == "Remove the waiver, or check its rule and subject."
    wr = result(waived, "WAIVER-02")
    assert (wr.checked, wr.failed) == (4, 3)
    assert waived.waivers["unused"] == 3 and waived.waivers["applied"] == 1


def test_a_waiver_for_another_contract_is_skipped(report, write):
    mine = waiver("PAY-02", "W0102", extra="    contract_ref: occ-htlah-2015-11\n")
    theirs = waiver("PAY-01", "W0101", extra="    contract_ref: LCC-HOME-2022-04\n")
    waived = apply_waivers(report, write("waivers:\n" + mine + theirs), AS_OF, contract_ref="OCC-HTLAH-2015-11")
    assert findings(waived, "PAY-02")[0].status == "waived"
    assert findings(waived, "PAY-01", "W0101")[0].status == "fail"
    assert not findings(waived, "WAIVER-02")
    assert waived.waivers["other_contract"] == 1


def test_a_contract_bound_waiver_does_not_apply_when_the_contract_is_not_known(report, write):
    waivers = write("waivers:\n" + waiver("PAY-02", "W0102", extra="    contract_ref: OCC-HTLAH-2015-11\n"))
    waived = apply_waivers(report, waivers, AS_OF)
    assert findings(waived, "PAY-02")[0].status == "fail"
    assert "contract reference is not known" in findings(waived, "WAIVER-02")[0].message


def test_json_without_waivers_is_unchanged_and_with_waivers_round_trips(report, write):
    assert '"waive' not in render_json(report) and '"line"' not in render_json(report)
    waived = apply_waivers(report, write("waivers:\n" + waiver("PAY-02", "W0102")), AS_OF)
    data = json.loads(render_json(waived))
    assert data["waivers"]["applied"] == 1
    assert Report.model_validate(data) == waived


def test_waivers_cannot_be_applied_twice(report, write):
    waived = apply_waivers(report, write("waivers: []\n"), AS_OF)
    with pytest.raises(UsageError, match="already applied"):
        apply_waivers(waived, write("waivers: []\n"), AS_OF)


GOOD = waiver("PAY-02", "W0102")


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("waivers:\n" + GOOD.replace("    reason:", "    reasons:"), 4, "unknown key 'reasons'"),
        ("waivers:\n" + "".join(x for x in GOOD.splitlines(keepends=True) if "reason" not in x), 2,
         "is missing 'reason'"),
        ("waivers:\n" + GOOD.replace("Accepted at the contract review meeting", '""'), 4, "must not be empty"),
        ("waivers:\n" + waiver("PAY-02", "W0102", expires="2027-02-30"), 7, "is not a date"),
        ("waivers:\n" + waiver("PAY-02", "W0102", expires="31/03/2027"), 7, "YYYY-MM-DD"),
        ("waivers:\n" + waiver("PAY-02", "W0102", expires="2026-01-01"), 7, "is before approved_on"),
        ("waivers:\n" + GOOD + waiver("PAY-02", "w0102"), 8, "written twice (first on line 2)"),
        ("waivers:\n" + waiver("PAY-02", "0102"), 3, "write it in quotes"),
        ("waivers:\n" + waiver("pay 2", "W0102"), 2, "a rule id is a topic and a number"),
        ("waiver:\n" + GOOD, 1, "'waivers:' list"),
        ("waivers:\n  - rule: PAY-02\n    subject: [W0102\n", 4, "YAML cannot be read"),
    ],
    ids=["unknown key", "missing reason", "empty reason", "bad date", "not ISO date", "expires before approved",
         "duplicate", "numeric subject", "bad rule id", "no waivers list", "broken YAML"],
)
def test_a_bad_waiver_file_is_an_error_naming_file_and_line(tmp_path, text, line, says):
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_waivers(path)
    one_line = caught.value.one_line()
    assert f"waivers.yaml:{line}" in one_line
    assert says in one_line
    assert "\n" not in one_line


def test_a_missing_waiver_file_is_an_error(tmp_path):
    with pytest.raises(RuleError, match="file not found"):
        load_waivers(tmp_path / "nowhere.yaml")
