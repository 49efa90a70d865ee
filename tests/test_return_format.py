"""The return format is data: a new table is one entry in return_format.yaml, with no code to change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from contractcheck import check
from contractcheck import return_format as rf

REGISTRATION = """\
  registration:
    layout: keyvalue
    title: Registration
    used_in: [return]
    aliases: [cqc registration]
    fields:
      registered_manager: {type: text, aliases: [manager]}
      manager_in_post: {type: yesno}
"""

RULE = """\
rules:
  - id: REG-01
    title: A registered manager is in post
    severity: major
    scope: registration
    assert: manager_in_post
    message: "No registered manager in post (named: {registered_manager})."
    reference: Health and Social Care Act 2008 (Regulated Activities) Regulations 2014, reg. 7
    remediation: Appoint a registered manager and tell CQC.
    examples:
      - {name: in post, expect: pass, registration: {registered_manager: A. Smith, manager_in_post: "Y"}}
      - {name: not in post, expect: fail, registration: {registered_manager: A. Smith, manager_in_post: "N"}}
"""


@pytest.fixture
def format_with_a_registration_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    shipped = rf.format_text()
    monkeypatch.setattr(rf, "format_text", lambda: shipped.rstrip() + "\n" + REGISTRATION)
    rf.return_format.cache_clear()
    yield
    monkeypatch.undo()
    rf.return_format.cache_clear()


def test_a_new_key_value_table_is_one_entry_in_the_format_file(format_with_a_registration_table, tmp_path: Path):
    assert rf.return_format().is_keyvalue("registration")
    rules = tmp_path / "registration.yaml"
    rules.write_text(RULE, encoding="utf-8")
    schedule = tmp_path / "s.yaml"
    schedule.write_text("id: s\ntitle: t\ncouncil: c\nsource: s\nversion: '1'\nrules: [REG-01]\n", encoding="utf-8")
    data = tmp_path / "return.json"
    data.write_text(json.dumps({
        "contract": {"provider_name": "Acme", "contract_ref": "C-1", "period_start": "2026-04-01",
                     "period_end": "2026-06-30"},
        "registration": {"manager": "A. Smith", "manager_in_post": "N"},
        "workforce": [{"worker_id": "W1", "zero_hours": "N", "hourly_rate": 13}],
    }), encoding="utf-8")

    report = check(data, str(schedule), rules_paths=[rules])

    assert report.input.tables["registration"] == "registration"
    [result] = report.results
    assert (result.rule_id, result.status) == ("REG-01", "fail")
    [finding] = report.findings
    assert finding.message == "No registered manager in post (named: A. Smith)."
    assert finding.subject.table == "registration"
    assert finding.location.field == "manager_in_post"


def test_rule_examples_over_a_new_table_run_too(format_with_a_registration_table, tmp_path: Path):
    from contractcheck.authoring.examples import run_examples
    from contractcheck.rules import load_rules

    rules = tmp_path / "registration.yaml"
    rules.write_text(RULE, encoding="utf-8")
    results = run_examples(load_rules([rules]), only={"REG-01"})
    assert [(r.example, r.ok) for r in results] == [("in post", True), ("not in post", True)]


def test_after_the_change_the_shipped_format_is_back() -> None:
    assert "registration" not in rf.return_format().tables


def test_every_field_of_the_format_has_a_row_in_the_documented_contract() -> None:
    """docs/return-format.md is the contract the code keeps to: no field of return_format.yaml goes undocumented,
    and each is documented under its own table (a v1 "Sheet" section or a v2 "New fields in" section)."""
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "return-format.md").read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    for section in re.split(r"^### ", doc, flags=re.MULTILINE)[1:]:
        heading, _, body = section.partition("\n")
        table = re.search(r"`(\w+)`", heading)
        if table is None:
            continue
        for cell in re.findall(r"^\| ([^|]+?) \|", body, flags=re.MULTILINE):
            documented.setdefault(table.group(1).lower(), set()).update(n.strip() for n in cell.split(","))
    missing = [f"{table}.{field}" for table, spec in rf.return_format().tables.items() for field in spec.fields
               if field not in documented.get(table, set())]
    assert missing == []
