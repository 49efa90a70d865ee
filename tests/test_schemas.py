"""The JSON Schemas shipped in contractcheck/schemas/ say what the models say, and every shipped rule file,
schedule, waiver file and golden JSON report is valid against its schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from contractcheck.rules.library import file_kind
from contractcheck.schemas import SCHEMA_DIR, schema_path, schema_text, schemas

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "python -m contractcheck.schemas"


@pytest.mark.parametrize("name", sorted(schemas()))
def test_the_committed_schema_is_the_one_the_models_give(name: str) -> None:
    committed = schema_path(name).read_text(encoding="utf-8")
    assert committed == schema_text(schemas()[name]), f"{name}.schema.json is stale: run `{REGENERATE}`"


def test_no_schema_file_ships_that_the_models_do_not_give() -> None:
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(f"{n}.schema.json" for n in schemas())


def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _as_json(data: Any) -> Any:
    """YAML as an editor's YAML server reads it: dates are text (``2026-04-01``)."""
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def _problems(name: str, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(_as_json(data))]


YAML_FILES = sorted([*ROOT.glob("rules/*.yaml"), *ROOT.glob("schedules/*.yaml")])


@pytest.mark.parametrize("path", YAML_FILES, ids=[f"{p.parent.name}/{p.name}" for p in YAML_FILES])
def test_every_shipped_rule_file_and_schedule_is_valid_against_its_schema(path: Path) -> None:
    kind = {"rules": "rules", "schedule": "schedule"}[file_kind(path)]
    assert _problems(kind, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_the_sample_waiver_file_is_valid_against_its_schema() -> None:
    assert _problems("waivers", yaml.safe_load((ROOT / "samples" / "waivers.yaml").read_text(encoding="utf-8"))) == []


# every golden JSON report (the compare view's golden is the panel's table, not a report)
GOLDEN = sorted(p for p in (ROOT / "tests" / "golden").glob("*.json") if not p.name.startswith("compare--"))


@pytest.mark.parametrize("path", GOLDEN, ids=[p.name for p in GOLDEN])
def test_every_golden_json_report_is_valid_against_the_report_schema(path: Path) -> None:
    assert _problems("report", json.loads(path.read_text(encoding="utf-8"))) == []


def test_a_report_with_waivers_and_omitted_findings_is_valid_too(cli) -> None:
    result = cli("check", "samples/failing-return.xlsx", "-s", "oxfordshire-help-to-live-at-home",
                 "--waivers", "samples/waivers.yaml", "--max-findings", "1", "-f", "json")
    assert result.code == 1, result.err
    assert _problems("report", json.loads(result.out)) == []


def test_the_schemas_catch_what_an_editor_should_flag() -> None:
    rule = yaml.safe_load((ROOT / "rules" / "apprentices.yaml").read_text(encoding="utf-8"))
    rule["rules"][0]["severity"] = "serious"
    rule["rules"][0]["asert"] = "x > 1"
    found = _problems("rules", rule)
    assert any("'serious' is not one of" in p for p in found)
    assert any("'asert' was unexpected" in p for p in found)
    waivers = {"waivers": [{"rule": "PAY-02", "subject": "W0102", "reason": "r", "approved_by": "J. Smith",
                            "approved_on": "2026-10-03"}]}
    assert _problems("waivers", waivers) == ["['waivers', 0]: 'expires' is a required property"]


def test_the_sample_waiver_files_editor_hint_names_the_shipped_schema() -> None:
    """A ``# yaml-language-server: $schema=PATH`` comment, with PATH relative to the file, is what an editor with
    the YAML language server reads; the line replaced a blank comment, so waiver line numbers did not move."""
    path = ROOT / "samples" / "waivers.yaml"
    hints = [line.split("$schema=", 1)[1].split()[0] for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# yaml-language-server: $schema=")]
    assert hints == ["../contractcheck/schemas/waivers.schema.json"]
    assert (path.parent / hints[0]).resolve() == schema_path("waivers").resolve()
