"""Error codes and exit codes are a contract scripts match on: one table of codes, one enum of exit codes."""

from __future__ import annotations

import re
from pathlib import Path

from contractcheck.errors import ERROR_CODES, ContractcheckError, ExitCode

PACKAGE = Path(__file__).resolve().parents[1] / "contractcheck"
CODE_IN_SOURCE = re.compile(r"""code\s*=\s*"([A-Z]+[0-9]*)"|Problem\([^)]*?"(LINT[0-9]+)"|"(LINT[0-9]{3})\"""")


def codes_used_in_the_source() -> set[str]:
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for match in CODE_IN_SOURCE.finditer(path.read_text(encoding="utf-8")):
            used.add(next(g for g in match.groups() if g))
    return used


def test_every_error_code_the_code_raises_is_in_the_table() -> None:
    used = codes_used_in_the_source()
    assert {"RULE001", "SCHED001", "YAML003", "WAIVER001", "LINT002", "EXPR001", "USAGE"} <= used
    assert used - set(ERROR_CODES) == set()


def test_the_table_lists_no_code_that_nothing_raises() -> None:
    never_in_source = {"INTERNAL", "LOAD", "RULE", "CC000"}  # class defaults and the CLI's catch-all
    assert set(ERROR_CODES) - codes_used_in_the_source() <= never_in_source


def test_the_documented_error_codes_are_the_table() -> None:
    doc = (PACKAGE.parent / "docs" / "error-codes.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z]+[0-9]*)` \|", doc, flags=re.M))
    assert documented == set(ERROR_CODES)


def test_exit_codes_are_the_documented_numbers() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 130]
    assert ContractcheckError("x").one_line() == "error CC000: x"


def test_every_key_of_the_report_contract_has_a_description() -> None:
    """docs/report.md points at the model for each key's meaning: none may go without one."""
    from contractcheck.report import Report

    schema = Report.model_json_schema()
    models = {"Report": schema, **schema["$defs"]}
    undocumented = [f"{name}.{key}" for name, model in models.items()
                    for key, prop in model.get("properties", {}).items() if not prop.get("description")]
    assert undocumented == []
