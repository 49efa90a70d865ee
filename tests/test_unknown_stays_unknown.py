"""Unknown stays unknown: what the return does not say is never a pass, a 0% share or a compliant verdict."""

from __future__ import annotations

import json
from pathlib import Path

from workbooks import contract_workbook

CONTRACT = {"provider_name": "P", "contract_ref": "C", "period_start": "2026-07-01", "period_end": "2026-09-30",
            "contract_value": 100000, "dspt_status": "Standards Met"}


def write(path: Path, workforce: list[dict]) -> Path:
    path.write_text(json.dumps({"contract": CONTRACT, "workforce": workforce}), encoding="utf-8")
    return path


def results(cli, path: Path, schedule: str) -> tuple[int, dict]:
    run = cli("check", str(path), "-s", schedule, "-f", "json")
    return run.code, json.loads(run.out)


def test_a_zero_hours_share_without_a_zero_hours_column_is_not_judged_never_0_percent(tmp_path: Path, cli) -> None:
    worker = {"job_role": "Care worker", "hourly_rate": 13.5, "date_of_birth": "1980-01-01"}
    path = write(tmp_path / "r.json", [{"worker_id": "W1", **worker}, {"worker_id": "W2", **worker}])
    _, report = results(cli, path, "leicester-homecare")
    share = next(r for r in report["results"] if r["rule_id"] == "ZHC-03")
    assert share["status"] != "pass"
    assert share["measures"] == {}
    assert share["not_judged"] == 2
    assert "no zero_hours column" in share["note"]


def test_an_absent_optional_column_still_means_none(tmp_path: Path, cli) -> None:
    # no leave_date column: nobody left, so the share is judged over everyone
    worker = {"job_role": "Care worker", "hourly_rate": 13.5, "date_of_birth": "1980-01-01"}
    path = write(tmp_path / "r.json", [{"worker_id": "W1", "zero_hours": "Y", **worker},
                                       {"worker_id": "W2", "zero_hours": "N", **worker}])
    _, report = results(cli, path, "leicester-homecare")
    share = next(r for r in report["results"] if r["rule_id"] == "ZHC-03")
    assert share["measures"] == {"zero_hours_share": 0.5, "unknown_workers": 0}


def test_a_workforce_with_headings_and_no_workers_is_never_compliant(tmp_path: Path, cli) -> None:


    path = tmp_path / "empty.xlsx"
    workbook, when = contract_workbook(path)
    workbook.add_worksheet("Workforce").write_row("A1", ["worker_id", "zero_hours", "hourly_rate", "date_of_birth"])
    workbook.close()
    code, report = results(cli, path, "statutory-minimum")
    assert code == 1
    assert report["summary"]["verdict"] != "compliant"
    assert "Workforce has headings but no workers" in json.dumps(report)


def test_a_value_that_could_not_be_read_is_not_called_blank(tmp_path: Path, cli) -> None:
    worker = {"job_role": "Care worker", "zero_hours": "N", "date_of_birth": "1980-01-01"}
    path = write(tmp_path / "r.json", [{"worker_id": "W1", "hourly_rate": "tbc", **worker},
                                       {"worker_id": "W2", "hourly_rate": None, "salary": None, **worker},
                                       {"worker_id": "W3", "hourly_rate": 13.5, **worker}])
    _, report = results(cli, path, "statutory-minimum")
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-01")
    assert pay["not_judged"] == 2
    assert pay["note"] == "2 row(s) could not be judged: a value the rule needs is blank in 1 and could not be read " \
                          "in 1 (see DATA-03)"


def test_a_worker_whose_contract_type_is_not_known_is_neither_zero_hours_nor_not(tmp_path: Path, cli) -> None:
    """ZHC-03 (Leicester: the share of zero-hours workers reported): one zero-hours worker and two whose contract
    type is not known (blank, or ASC-WDS 999) is a share of 1 of 1 known, with 2 unknown, and the ceiling of 50%
    is not judged (the true share is 33% or more) — never "1 of 3 (33.3%), pass"."""
    worker = {"job_role": "Care worker", "hourly_rate": 13.5, "date_of_birth": "1980-01-01"}
    path = write(tmp_path / "r.json", [{"worker_id": "W1", "zero_hours": "Y", **worker},
                                       {"worker_id": "W2", "zero_hours": "", **worker},
                                       {"worker_id": "W3", "zero_hours": "", **worker}])
    _, report = results(cli, path, "leicester-homecare")
    share = next(r for r in report["results"] if r["rule_id"] == "ZHC-03")
    assert share["status"] == "not_applicable"
    assert share["measures"] == {"zero_hours_share": 1.0, "unknown_workers": 2.0}
    assert share["note"].startswith("zero hours share: 100%; unknown workers: 2")
