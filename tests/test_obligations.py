"""Issue 9's cases, each as an officer would try it: a small return, the schedule that judges it, and the answer
the contract or the law gives (its source in the docstring). Returns are written as YAML, one key per table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from contractcheck import check
from contractcheck.expressions import EvalContext, Scope, compile_expression
from contractcheck.report.model import RuleResult
from contractcheck.return_format import return_format
from contractcheck.rules.compile import schemas_for

Row = dict[str, Any]


def judge(tmp: Path, rule: str, *, contract: Row, workforce: list[Row], training: list[Row] | None = None,
          params: Row | None = None, schedule: str | None = None) -> tuple[RuleResult, list[Any]]:
    """One rule's result and findings on the return given: under a shipped schedule, or alone with ``params``."""
    tables: Row = {"contract": {"provider_name": "P", "contract_ref": "C1", **contract}, "workforce": workforce}
    if training is not None:
        tables["training"] = training
    data = tmp / "return.yaml"
    data.write_text(yaml.safe_dump(tables, sort_keys=False), encoding="utf-8")
    if schedule is None:
        path = tmp / "schedule.yaml"
        path.write_text(yaml.safe_dump({"id": "case", "title": "case", "council": "any", "source": "test",
                                        "version": "1", "rules": [rule], "params": {rule: params or {}}}),
                        encoding="utf-8")
        schedule = str(path)
    report = check(data, schedule)
    result = next(r for r in report.results if r.rule_id == rule)
    return result, [f for f in report.findings if f.rule_id == rule]


def worker(wid: str, **fields: Any) -> Row:
    return {"worker_id": wid, "hourly_rate": 13, "zero_hours": "N", **fields}


QUARTER = {"period_start": dt.date(2026, 7, 1), "period_end": dt.date(2026, 9, 30)}


# --- CC-01 -----------------------------------------------------------------------------------------------------


def test_cc01_a_care_worker_sixty_weeks_in_who_never_began_fails(tmp_path):
    """Started 60 weeks before the period end and never began: overdue, so in scope until done (the old rule only
    looked at starters of the last 52 weeks and passed them). Source: Care Certificate within 12 weeks of starting
    (Skills for Care's figure, the contract's term)."""
    result, findings = judge(tmp_path, "CC-01", contract=QUARTER, workforce=[
        worker("W1", job_role="Care worker", start_date=dt.date(2025, 7, 30), care_certificate="Not started")])
    assert (result.status, result.failed) == ("fail", 1)
    assert "was due by 22 October 2025 and is 'Not started'" in findings[0].message


def test_cc01_a_worker_who_left_inside_the_twelve_weeks_passes(tmp_path):
    """A leaver is judged at the leave date: leaving in week 8 breaks no 12-week obligation."""
    result, _ = judge(tmp_path, "CC-01", contract=QUARTER, workforce=[
        worker("W1", job_role="Care worker", start_date=dt.date(2026, 7, 6), leave_date=dt.date(2026, 8, 28),
               care_certificate="In progress")])
    assert (result.status, result.failed) == ("pass", 0)


def test_cc01_a_blank_start_date_or_role_is_counted_as_not_judged(tmp_path):
    """The data cannot settle it: counted in not_judged (the old rule dropped these rows without a word)."""
    result, _ = judge(tmp_path, "CC-01", contract=QUARTER, workforce=[
        worker("W1", job_role="Care worker", care_certificate="Not started"),
        worker("W2", start_date=dt.date(2025, 1, 6), care_certificate="Not started"),
        worker("W3", job_role="Care worker", start_date=dt.date(2026, 1, 5), care_certificate="Completed",
               care_certificate_date=dt.date(2026, 3, 2))])
    assert (result.status, result.checked, result.failed, result.not_judged) == ("pass", 1, 0, 2)


def test_a_blank_start_date_is_a_data_finding_with_its_cell(tmp_path):
    """The worker CC-01 cannot judge is reported by DATA-13, so the provider knows which cell to fill."""
    result, findings = judge(tmp_path, "DATA-13", contract=QUARTER, schedule="oxfordshire-help-to-live-at-home",
                             workforce=[worker("W1", job_role="Care worker", care_certificate="Not started")])
    assert (result.status, findings[0].subject.key, findings[0].location.field) == ("fail", "W1", "start_date")


def test_cc01_accepts_the_level_2_adult_social_care_certificate_unless_the_schedule_does_not(tmp_path):
    """The Level 2 Adult Social Care Certificate (Ofqual-regulated, built on the Care Certificate standards) is
    accepted by default, recorded as a Training record; a schedule can accept the Care Certificate alone."""
    case = {"contract": QUARTER,
            "workforce": [worker("W1", job_role="Care worker", start_date=dt.date(2026, 4, 6),
                                 care_certificate="Not started")],
            "training": [{"worker_id": "W1", "course": "Level 2 Adult Social Care Certificate",
                          "completed_on": dt.date(2026, 6, 19)}]}
    assert judge(tmp_path, "CC-01", **case)[0].status == "pass"
    result, _ = judge(tmp_path, "CC-01", **case, params={"accepted_certificates": ["Care Certificate"]})
    assert result.status == "fail"


def test_cc01_still_judges_a_return_without_a_training_sheet(tmp_path):
    """The messy sample has no Training sheet: CC-01 reads the Care Certificate columns and still judges."""
    result, _ = judge(tmp_path, "CC-01", contract=QUARTER, workforce=[
        worker("W1", job_role="Care worker", start_date=dt.date(2026, 1, 5), care_certificate="In progress")])
    assert (result.status, result.failed) == ("fail", 1)


# --- TRN-01 ----------------------------------------------------------------------------------------------------

FOUR = ["Safeguarding adults", "Moving and handling", "Medication", "Infection control"]


def test_trn01_gives_a_new_starter_the_induction_weeks(tmp_path):
    """A worker in their second week has not failed mandatory training; at week 14 with nothing, they have.
    Source: the induction period (12 weeks by default, as for the Care Certificate) is a contract term."""
    records = [{"worker_id": "W9", "course": "Safeguarding adults", "completed_on": dt.date(2026, 1, 5)}]
    new = judge(tmp_path, "TRN-01", contract=QUARTER, training=records,
                workforce=[worker("W1", start_date=dt.date(2026, 9, 21))])[0]
    late = judge(tmp_path, "TRN-01", contract=QUARTER, training=records,
                 workforce=[worker("W1", start_date=dt.date(2026, 6, 22))])[0]
    assert (new.status, late.status) == ("pass", "fail")


def test_trn01_a_blank_expiry_runs_out_after_the_courses_refresh_interval(tmp_path):
    """Moving and handling done two years ago with no expiry recorded is out of date (Skills for Care: refresh at
    least annually); the old rule treated a blank expiry as never expiring."""
    result, findings = judge(tmp_path, "TRN-01", contract=QUARTER, workforce=[
        worker("W1", start_date=dt.date(2020, 1, 6))], training=[
        {"worker_id": "W1", "course": c, "completed_on": dt.date(2026, 2, 2) if c != "Moving and handling"
         else dt.date(2024, 9, 2)} for c in FOUR])
    assert result.status == "fail"
    assert findings[0].message.endswith("for Moving and handling.")


def test_trn01_knows_the_oliver_mcgowan_training(tmp_path):
    """Oliver McGowan training is statutory for CQC-registered providers (Health and Care Act 2022 s.181; Code
    of Practice final 6 September 2025): the Gloucestershire schedule requires it, the course has a refresh
    interval."""
    base = [{"worker_id": "W1", "course": c, "completed_on": dt.date(2026, 2, 2)} for c in FOUR]
    staff = [worker("W1", start_date=dt.date(2020, 1, 6))]
    without = judge(tmp_path, "TRN-01", contract=QUARTER, workforce=staff, training=base,
                    schedule="gloucestershire-homecare-training")
    done = judge(tmp_path, "TRN-01", contract=QUARTER, workforce=staff, schedule="gloucestershire-homecare-training",
                 training=[*base, {"worker_id": "W1", "course": "Oliver McGowan", "completed_on": dt.date(2025, 3, 3)}])
    assert without[1][0].message.endswith("for Oliver McGowan.")
    assert done[0].status == "pass"


# --- DSPT-01, ZHC-01, APP-01, DATA-05 -----------------------------------------------------------------------------


def test_dspt01_standards_met_published_in_2024_fails_in_2026(tmp_path):
    """The DSPT must be republished every year by 30 June (NHS England): a 2024 publication is out of date in
    2026 whatever its status; this year's passes; a blank publication date is not judged."""
    old = judge(tmp_path, "DSPT-01", workforce=[worker("W1")],
                contract={**QUARTER, "dspt_status": "Standards Met", "dspt_published": dt.date(2024, 6, 20)})[0]
    new = judge(tmp_path, "DSPT-01", workforce=[worker("W1")],
                contract={**QUARTER, "dspt_status": "Standards Met", "dspt_published": dt.date(2025, 11, 3)})[0]
    blank = judge(tmp_path, "DSPT-01", workforce=[worker("W1")],
                  contract={**QUARTER, "dspt_status": "Standards Met"})[0]
    assert (old.status, new.status, blank.status, blank.not_judged) == ("fail", "pass", "not_applicable", 1)


def test_zhc01_accepts_the_canonical_worker_preference(tmp_path):
    """Leicester (2023): zero-hours only for the worker's own preference, written as the canonical value."""
    result, _ = judge(tmp_path, "ZHC-01", contract=QUARTER, workforce=[
        worker("W1", zero_hours="Y", zero_hours_reason="Worker preference"),
        worker("W2", zero_hours="Y", zero_hours_reason="Employer need")], schedule="leicester-homecare")
    assert (result.checked, result.failed) == (2, 1)


@pytest.mark.parametrize(("params", "required"), [
    ({}, 3),                                              # per whole £500,000: 3.3 → 3
    ({"rounding": "part"}, 4),                            # per £500,000 or part: 3.3 → 4
    ({"value_basis": "annual"}, 0),                       # £1.65m over 5 years = £330,000 a year → 0
    ({"value_basis": "annual", "rounding": "part"}, 1),   # … or part → 1
])
def test_app01_says_which_reading_of_per_500000_it_used(tmp_path, params, required):
    """Oxfordshire (2015): one apprentice per £500,000 of business awarded. Whether 'per' counts a part and
    whether the value is annual are the contract's to say; the finding's evidence records the reading."""
    contract = {**QUARTER, "contract_value": 1_650_000, "contract_start": dt.date(2024, 4, 1),
                "contract_end": dt.date(2029, 3, 31)}
    result, findings = judge(tmp_path, "APP-01", contract=contract, params=params, workforce=[worker("W1")])
    if required == 0:
        assert result.status == "pass"
        return
    evidence = findings[0].evidence
    assert evidence["required"] == required
    assert (evidence["rounding"], evidence["value_basis"]) == (params.get("rounding", "whole"),
                                                               params.get("value_basis", "whole_term"))


@pytest.mark.parametrize(("born", "status"), [
    (dt.date(2010, 8, 15), "pass"),   # 15 on 30 July 2026, but left school on the last Friday of June 2026
    (dt.date(2010, 9, 15), "fail"),   # 15 and a school year short of leaving
])
def test_data05_the_youngest_worker_is_above_compulsory_school_age(tmp_path, born, status):
    """NMW Act 1998 s.1(2)(c): the minimum wage covers workers above compulsory school age, which in England ends
    on the last Friday in June of the school year in which a young person turns 16 (Education Act 1996 s.8)."""
    result, _ = judge(tmp_path, "DATA-05", contract={"period_start": dt.date(2026, 7, 1),
                                                     "period_end": dt.date(2026, 7, 30)},
                      workforce=[worker("W1", date_of_birth=born)])
    assert result.status == status


# --- the new measures -------------------------------------------------------------------------------------------


def test_qual01_leicester_reports_the_qualification_share_against_its_40_percent(tmp_path):
    """Leicester (seed): 40% of direct care staff hold a relevant qualification (Level 2 or above)."""
    staff = [worker("W1", job_role="Care worker", qualification_level=2),
             worker("W2", job_role="Care worker", qualification_level=1),
             worker("W3", job_role="Senior care worker", qualification_level=0),
             worker("W4", job_role="Support worker", qualification_level=0),
             worker("W5", job_role="Registered manager", qualification_level=5)]
    result, findings = judge(tmp_path, "QUAL-01", contract=QUARTER, workforce=staff, schedule="leicester-homecare")
    assert (result.status, result.measures) == ("fail", {"qualified_share": 0.25})
    assert "25% of the 4 direct care staff" in findings[0].message


def test_wf_rules_report_turnover_vacancies_and_sickness_without_a_target(tmp_path):
    """Leavers ÷ average headcount, vacancies ÷ (filled + vacant posts), mean days sick (Skills for Care's
    measures): reported in every result, and no target in Leicester's schedule, so none fails."""
    staff = [worker("W1", start_date=dt.date(2020, 1, 6), leave_date=dt.date(2026, 8, 14), sick_days=4),
             worker("W2", start_date=dt.date(2020, 1, 6), sick_days=6),
             worker("W3", start_date=dt.date(2020, 1, 6), sick_days=10),
             worker("W4", start_date=dt.date(2026, 8, 17), sick_days=2)]
    contract = {**QUARTER, "vacancies": 1}
    found = {rule: judge(tmp_path, rule, contract=contract, workforce=staff, schedule="leicester-homecare")[0]
             for rule in ("WF-01", "WF-02", "WF-03")}
    assert {r: (x.status, x.measures) for r, x in found.items()} == {
        "WF-01": ("pass", {"turnover": 0.3333}),        # 1 leaver ÷ ((3 + 3) ÷ 2)
        "WF-02": ("pass", {"vacancy_rate": 0.25}),      # 1 ÷ (3 filled + 1 vacant)
        "WF-03": ("pass", {"average_sick_days": 6}),    # (6 + 10 + 2) ÷ 3 in post
    }


def test_wf01_fails_only_against_a_target(tmp_path):
    """A council that sets a 30% ceiling on a quarter's turnover sees the breach; the measure is the same."""
    staff = [worker("W1", start_date=dt.date(2020, 1, 6), leave_date=dt.date(2026, 8, 14)),
             worker("W2", start_date=dt.date(2020, 1, 6))]
    result, _ = judge(tmp_path, "WF-01", contract=QUARTER, workforce=staff, params={"max_turnover": 0.3})
    assert (result.status, result.measures) == ("fail", {"turnover": 0.6667})


def test_cqc01_a_scheme_for_providers_that_need_to_improve(tmp_path):
    """Norfolk's quality grant (2016-17) was aimed at providers rated Requires improvement or Inadequate: an
    allowed set of ratings is the schedule's; by default only Inadequate fails."""
    ri = {**QUARTER, "cqc_rating": "Requires improvement"}
    assert judge(tmp_path, "CQC-01", contract=ri, workforce=[worker("W1")])[0].status == "pass"
    good = judge(tmp_path, "CQC-01", contract={**QUARTER, "cqc_rating": "Good"}, workforce=[worker("W1")],
                 params={"allowed_ratings": ["Requires improvement", "Inadequate"]})[0]
    assert (good.status, good.measures) == ("fail", {"rating": "Good"})


def test_wds01_and_dbs01_report_how_old_the_records_are(tmp_path):
    """ASC-WDS updated within the contract's days of the period end; DBS checks renewed within its years (a DBS
    certificate has no statutory expiry, so both are contract terms)."""
    wds = judge(tmp_path, "WDS-01", contract={**QUARTER, "ascwds_updated": dt.date(2026, 5, 1)},
                workforce=[worker("W1")], params={"max_days": 90})[0]
    dbs = judge(tmp_path, "DBS-01", contract=QUARTER, workforce=[
        worker("W1", dbs_check_date=dt.date(2025, 2, 3)), worker("W2", dbs_check_date=dt.date(2022, 2, 3))])[0]
    assert (wds.status, wds.measures) == ("fail", {"days_since_update": 152})
    assert (dbs.status, dbs.failed, dbs.measures) == ("fail", 1, {"in_date_share": 0.5})


def test_gloucestershire_reports_each_specialist_course_share(tmp_path):
    """Gloucestershire's training topics (seed): dementia, delegated healthcare activities, complex behaviours
    (positive behaviour support), digital skills; each share is a measure with its own target."""
    staff = [worker("W1", job_role="Care worker"), worker("W2", job_role="Care worker")]
    records = [{"worker_id": w, "course": c, "completed_on": dt.date(2026, 5, 1)}
               for w, c in [("W1", "Dementia"), ("W2", "Dementia"), ("W1", "Digital skills")]]
    shares = {rule: judge(tmp_path, rule, contract=QUARTER, workforce=staff, training=records,
                          schedule="gloucestershire-homecare-training")[0]
              for rule in ("TRN-02", "TRN-03", "TRN-04", "TRN-05")}
    assert {r: (x.status, x.measures["trained_share"]) for r, x in shares.items()} == {
        "TRN-02": ("pass", 1), "TRN-03": ("fail", 0), "TRN-04": ("fail", 0), "TRN-05": ("fail", 0.5)}


# --- the language functions the rules needed ---------------------------------------------------------------------


def test_add_months_moves_each_row_by_its_own_count():
    """TRN-01 moves each training record by its course's refresh interval."""
    scope = Scope(schemas_for(return_format()), "workforce", {})
    compiled = compile_expression("add_months(start_date, contracted_hours)", scope)
    frame = pd.DataFrame({"start_date": pd.to_datetime(["2026-01-31", "2026-01-15", None]),
                          "contracted_hours": pd.array([1, 12, 3], dtype="Float64")})
    ctx = EvalContext({"workforce": frame}, {}, {}, pd.Timestamp("2026-09-30"), "workforce")
    out = compiled.evaluate(ctx)
    assert [None if pd.isna(d) else d.date().isoformat() for d in out] == ["2026-02-28", "2027-01-15", None]
