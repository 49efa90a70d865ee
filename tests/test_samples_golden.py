"""Golden reports: each shipped sample checked against its schedule must give exactly the stored report.

To accept an intended change, regenerate with ``CONTRACTCHECK_UPDATE_GOLDEN=1 pytest tests/test_samples_golden.py``
and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from contractcheck import check, exit_code_for
from contractcheck.report.render import RENDERERS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CONTRACTCHECK_UPDATE_GOLDEN") == "1"

CASES = [
    ("compliant-return.xlsx", "oxfordshire-help-to-live-at-home", 0),
    ("failing-return.xlsx", "oxfordshire-help-to-live-at-home", 1),
    ("failing-return.xlsx", "leicester-homecare", 1),
    ("failing-return.xlsx", "statutory-minimum", 1),
    ("messy-return.xlsx", "oxfordshire-help-to-live-at-home", 1),
    ("csv-return", "leicester-homecare", 1),
    ("tender-bid.xlsx", "oxfordshire-tender", 1),
    # a tender's five bids against the contract's one schedule (its bid rules)
    ("tender/a-sound.xlsx", "oxfordshire-help-to-live-at-home", 0),
    ("tender/b-no-training-line.xlsx", "oxfordshire-help-to-live-at-home", 1),
    ("tender/c-training-in-on-costs.xlsx", "oxfordshire-help-to-live-at-home", 1),
    ("tender/d-price-cannot-pay.xlsx", "oxfordshire-help-to-live-at-home", 1),
    ("tender/e-lines-do-not-add-up.xlsx", "oxfordshire-help-to-live-at-home", 1),
    ("pay-return.xlsx", "statutory-minimum", 1),
    ("ascwds-export", "leicester-homecare", 1),
    ("ascwds-export", "ascwds-format", 1),
    ("grants/sound-application.xlsx", "norfolk-workforce-development-fund", 0),
    ("grants/over-allocation.xlsx", "norfolk-workforce-development-fund", 1),
    ("grants/late-application.xlsx", "norfolk-workforce-development-fund", 1),
]
SUFFIX = {"json": "json", "markdown": "md", "table": "txt", "csv": "csv", "html": "html"}


def _compare(path: Path, text: str) -> None:
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path.name} is missing; run with CONTRACTCHECK_UPDATE_GOLDEN=1 to create it")
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from the golden report"


@pytest.mark.parametrize(("sample", "schedule", "exit_code"), CASES, ids=[f"{s}-{c}" for s, c, _ in CASES])
def test_sample_report_matches_golden(sample, schedule, exit_code, monkeypatch):
    monkeypatch.chdir(ROOT)
    report = check(f"samples/{sample}", schedule)
    assert exit_code_for(report) == exit_code
    stem = f"{Path(sample.replace('/', '-')).stem}--{schedule}"
    _compare(GOLDEN / f"{stem}.json", RENDERERS["json"](report))
    _compare(GOLDEN / f"{stem}.md", RENDERERS["markdown"](report))


@pytest.mark.parametrize("fmt", ["table", "csv", "html"])
def test_other_formats_match_golden(fmt, monkeypatch):
    monkeypatch.chdir(ROOT)
    report = check("samples/failing-return.xlsx", "oxfordshire-help-to-live-at-home")
    _compare(GOLDEN / f"failing-return--oxfordshire-help-to-live-at-home.{SUFFIX[fmt]}", RENDERERS[fmt](report))


def test_json_report_keeps_the_contract_keys(monkeypatch):
    """The keys ../shared/spec/report.md names, with their meanings."""
    monkeypatch.chdir(ROOT)
    data = json.loads(RENDERERS["json"](check("samples/failing-return.xlsx", "oxfordshire-help-to-live-at-home")))
    assert {"contractcheck_version", "input", "schedule", "summary", "results", "findings"} <= set(data)
    assert set(data["input"]) >= {"path", "kind", "sha256"}
    assert set(data["summary"]) >= {"verdict", "rules_checked", "rules_failed", "findings"}
    finding = data["findings"][0]
    assert set(finding) >= {"rule_id", "severity", "status", "message", "subject", "location", "evidence",
                            "reference", "remediation"}
    assert set(finding["location"]) >= {"file", "sheet", "row", "column", "cell", "field"}
    ranks = {"critical": 0, "major": 1, "minor": 2, "info": 3}
    keys = [(ranks[f["severity"]], f["rule_id"]) for f in data["findings"]]
    assert keys == sorted(keys)


def test_pay_finding_points_at_the_cell_and_shows_the_values(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = check("samples/failing-return.xlsx", "statutory-minimum")
    pay = next(f for f in report.findings if f.rule_id == "PAY-01" and f.subject.key == "W0101")
    assert pay.location.cell == "Workforce!K2"
    assert pay.evidence["pay_rate"] == 12.5
    assert pay.evidence["floor"] == 12.71
    assert pay.evidence["band"] == "National Living Wage (21 and over) from 1 April 2026"
    assert "National Minimum Wage" in pay.reference


def test_pay_sample_shows_each_breach_at_its_pay_cell_with_the_arrears(monkeypatch):
    """The year of pay in samples/pay-return.xlsx: three real breaches (unpaid travel and waiting over Christmas,
    the apprentice rate not raised in April, uniform deductions), each at its gross pay cell, with arrears at the
    rates in force on 30 September 2026; the rest of the year passes, including the worker who turned 21 in June
    (reg 4B) and the live-in worker's free accommodation."""
    monkeypatch.chdir(ROOT)
    report = check("samples/pay-return.xlsx", "statutory-minimum")
    found = [(f.location.cell, f.subject.key, round(f.evidence["owed"], 2), round(f.evidence["worker_owed"], 2))
             for f in report.findings if f.rule_id == "PAY-06"]
    assert found == [("Pay!D17", "P002", 97.89, 97.89), ("Pay!D56", "A001", 45.0, 45.0),
                     ("Pay!D74", "U001", 26.02, 51.02), ("Pay!D80", "U001", 25.0, 51.02)]
    assert {r.rule_id: r.status for r in report.results}["PAY-01"] == "pass"


def test_readme_worked_example_is_the_real_output():
    """The README shows what `make demo` prints: keep it true."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    golden = (GOLDEN / "failing-return--oxfordshire-help-to-live-at-home.txt").read_text(encoding="utf-8")
    assert golden in readme


def test_every_golden_file_is_one_a_test_writes():
    """A golden left behind when a sample or its naming changes is checked by nothing and misleads a reader (and
    the schema test would still validate it): each file here is a sample's report, another format of the failing
    sample, the handbook or the compare view."""
    made = {f"{Path(s.replace('/', '-')).stem}--{c}.{ext}" for s, c, _ in CASES for ext in ("json", "md")}
    made |= {f"failing-return--oxfordshire-help-to-live-at-home.{ext}" for ext in SUFFIX.values()}
    made |= {"handbook-oxfordshire-help-to-live-at-home.md", "compare--oxfordshire-help-to-live-at-home.json",
             "compare--oxfordshire-help-to-live-at-home.txt"}
    assert sorted(p.name for p in GOLDEN.iterdir() if p.name not in made) == []


def test_readme_json_example_is_the_real_first_finding():
    """The README's JSON example (the failing sample's first finding) is what the JSON report holds, key for key."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.index("for example the first finding:")
    start = readme.index("```json\n", after) + len("```json\n")
    shown = json.loads(readme[start:readme.index("```", start)])
    golden = json.loads((GOLDEN / "failing-return--oxfordshire-help-to-live-at-home.json").read_text(encoding="utf-8"))
    assert shown == golden["findings"][0]
