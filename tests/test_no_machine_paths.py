"""No path of a development machine in what ships or in reports: a report names its data relative to the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|home|root|Users|tmp)/[\w.-]+")
SHIPPED = [*sorted((ROOT / "contractcheck" / "data").iterdir()), *sorted((ROOT / "rules").glob("*.yaml")),
           *sorted((ROOT / "schedules").glob("*.yaml")), *sorted((ROOT / "tests" / "golden").iterdir()),
           *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_development_machine_path(path: Path) -> None:
    found = MACHINE_PATH.findall(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.relative_to(ROOT)} names {found}"


def test_the_report_names_its_pay_floor_data_relative_to_the_project() -> None:
    from contractcheck import check

    info = check(ROOT / "samples" / "compliant-return.xlsx", "statutory-minimum").reference_data["uk_pay_floors"]
    assert info["file"] == "contractcheck/data/uk_pay_floors.yaml"
    assert info["copied_from"] == "shared/reference/uk_pay_floors.yaml"
