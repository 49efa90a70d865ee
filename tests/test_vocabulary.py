"""Coded fields read through vocabularies: providers' words and ASC-WDS codes become the canonical values rules
compare (return format v2, "Values"; contractcheck/data/vocabularies.yaml)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractcheck import check
from contractcheck.vocabulary import Vocabulary, match_key, vocabularies

ROOT = Path(__file__).resolve().parents[1]


def write_return(tmp_path: Path, workforce: list[dict[str, Any]], *, training: list[dict[str, Any]] | None = None,
                 **contract: Any) -> Path:
    data: dict[str, Any] = {
        "contract": {"provider_name": "P", "contract_ref": "C", "period_start": "2026-04-01",
                     "period_end": "2026-06-30", **contract},
        "workforce": workforce,
    }
    if training is not None:
        data["training"] = training
    path = tmp_path / "return.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def canonical(vocabulary: str, *words: str) -> list[Any]:
    values, _ = vocabularies()[vocabulary].canonical(pd.Series(list(words), dtype="string"))
    return [None if pd.isna(v) else v for v in values.tolist()]


@given(st.sampled_from(["Standards Met", "Care worker", "Moving and handling", "Worker preference"]),
       st.lists(st.sampled_from([" ", "-", "_", ".", ",", "'", "/"]), max_size=3), st.booleans())
def test_a_word_matches_whatever_its_case_spacing_and_punctuation(word: str, noise: list[str], upper: bool) -> None:
    spelt = "".join(noise) + (word.upper() if upper else word.lower()).replace(" ", "".join(noise) or " ")
    assert match_key(spelt) == match_key(word)


def test_a_year_or_a_bracketed_year_is_not_part_of_a_value() -> None:
    assert canonical("dspt_status", "Standards Met (2025-26)", "STANDARDS MET 2025/26", "standards-met") == \
        ["Standards Met"] * 3


def test_words_in_brackets_that_are_not_a_year_still_tell_values_apart() -> None:
    assert canonical("job_role", "Other (directly involved in providing care)",
                     "Other (not directly involved in providing care)") == \
        ["Other (directly involved in providing care)", "Other (not directly involved in providing care)"]


@pytest.mark.parametrize(("vocabulary", "word", "expected"), [
    ("job_role", "Carer", "Care worker"),
    ("job_role", "8", "Care worker"),  # ASC-WDS MAINJOBROLE 8
    ("job_role", "Nurse", "Registered nurse"),  # the v1 format's own word
    ("job_role", "Coordinator", "Care co-ordinator"),
    ("employment_status", "3", "Bank"),  # ASC-WDS EMPLSTATUS 3, Pool/Bank
    ("care_certificate", "Yes, completed", "Completed"),  # ASC-WDS CARECERT 1's label
    ("care_certificate", "Yes, in progress or partially completed", "In progress"),
    ("zero_hours_reason", "Worker's own preference", "Worker preference"),
    ("course", "Assisting and moving people", "Moving and handling"),  # ASC-WDS name since April 2024
    ("course", "15", "Moving and handling"),
    ("course", "Medication management", "Medication"),
    ("course", "Infection prevention and control", "Infection control"),
    ("course", "Oliver McGowan Mandatory Training (Tier 1)", "Oliver McGowan"),
    ("pay_frequency", "4-weekly", "Four-weekly"),
    ("pay_basis", "per annum", "Annual"),
    ("cqc_rating", "REQUIRES IMPROVEMENT", "Requires improvement"),
])
def test_providers_words_and_ascwds_codes_read_as_the_canonical_value(vocabulary: str, word: str,
                                                                       expected: str) -> None:
    assert canonical(vocabulary, word) == [expected]


def test_outside_a_closed_vocabulary_a_value_is_blank_outside_an_open_one_it_is_kept() -> None:
    assert canonical("job_role", "Wizard") == [None]
    assert canonical("course", "Lone working") == ["Lone working"]


def test_a_job_role_outside_the_vocabulary_is_a_data_finding_naming_the_nearest(tmp_path: Path) -> None:
    path = write_return(tmp_path, [
        {"worker_id": "W1", "job_role": "Care workr", "zero_hours": "N", "hourly_rate": 13, "start_date": "2026-05-01"},
    ])
    report = check(path, "oxfordshire-help-to-live-at-home")
    [finding] = [f for f in report.findings if f.rule_id == "DATA-03"]
    assert finding.message == "job_role 'Care workr' is not a job role this format knows, such as Senior " \
                              "management, Middle management or First-line manager (nearest: Care worker)"
    assert finding.evidence["nearest"] == "Care worker"
    assert finding.location.cell == "workforce[1].job_role"


def test_a_zero_hours_reason_in_the_workers_words_is_accepted(tmp_path: Path) -> None:
    """ZHC-01 refused "Worker's own preference" (issue 9): it is the accepted reason, in other words."""
    path = write_return(tmp_path, [
        {"worker_id": "W1", "zero_hours": "Y", "zero_hours_reason": "Worker's own preference",
         "zero_hours_evidence": "Signed statement 2026-02-03", "hourly_rate": 13},
    ])
    report = check(path, "leicester-homecare")
    assert not [f for f in report.findings if f.rule_id == "ZHC-01"]


def test_a_course_the_vocabulary_does_not_know_is_kept_and_reported_for_information(tmp_path: Path) -> None:
    path = write_return(tmp_path, [{"worker_id": "W1", "zero_hours": "N", "hourly_rate": 13}],
                        training=[{"worker_id": "W1", "course": "Hoist course", "completed_on": "2026-01-10"},
                                  {"worker_id": "W1", "course": "Assisting and moving people",
                                   "completed_on": "2026-01-10"}])
    report = check(path, "statutory-minimum")
    found = [f for f in report.findings if f.rule_id == "DATA-08"]
    assert [(f.severity, f.location.cell, f.evidence["value"]) for f in found] == \
        [("info", "training[1].course", "Hoist course")]


def test_a_schedule_adds_words_and_an_unknown_value_is_refused(tmp_path: Path, cli: Any) -> None:
    schedule = tmp_path / "mine.yaml"
    schedule.write_text("id: mine\ntitle: t\ncouncil: c\nsource: s\nversion: '1'\nextends: statutory-minimum\n"
                        "rules: [DATA-03]\nvocabularies:\n  job_role:\n    Care worker: [Enabler]\n", encoding="utf-8")
    path = write_return(tmp_path, [{"worker_id": "W1", "job_role": "Enabler", "zero_hours": "N", "hourly_rate": 13}])
    assert not [f for f in check(path, schedule).findings if f.rule_id == "DATA-03"]  # a Path names it too
    bad = tmp_path / "bad.yaml"
    bad.write_text(schedule.read_text(encoding="utf-8").replace("Care worker:", "Care wroker:"), encoding="utf-8")
    result = cli("check", path, "-s", bad)
    assert result.code == 2
    assert result.err.strip() == f"error SCHED005: {bad}:8: vocabularies: 'Care wroker' is not a job role of the " \
                                 "vocabulary (did you mean 'Care worker'?)"


def test_one_word_cannot_mean_two_values() -> None:
    with pytest.raises(ValueError, match="given for both 'A' and 'B'"):
        Vocabulary(title="t", closed=True, source="s", values={"A": ("x",), "B": ("X ",)})
