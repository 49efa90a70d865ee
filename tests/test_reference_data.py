"""The reference data behind the minimum wage: the history from October 2006 with accommodation offsets, rules
that never pass on rates the data does not hold, and ``--reference FILE`` for newer or corrected tables.

Legal cases are named after the rule they test and cite their source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.resources
import json
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from contractcheck import check
from contractcheck import reference as ref
from contractcheck.batch import check_many
from contractcheck.errors import RuleError
from contractcheck.reference import functions as language

D = dt.date
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def packaged(name: str) -> str:
    return importlib.resources.files("contractcheck").joinpath(f"data/{name}").read_text(encoding="utf-8")


def floor(age: Any, on: Any, apprentice: Any = False) -> Any:
    return ref.statutory_floor(age, on, apprentice).iloc[0]


# --- the shipped history file -------------------------------------------------------------------


def test_packaged_history_is_the_researched_file_under_a_header() -> None:
    """The shipped copy is ../shared/reference/nmw_history.yaml byte for byte below a header of comments saying
    where and when it was copied from (run in CI, where ../shared is beside every clone: it fails, never skips)."""
    shared = (SHARED / "nmw_history.yaml").read_text(encoding="utf-8")
    text = packaged("nmw_history.yaml")
    assert text.endswith(shared)
    header = text[: len(text) - len(shared)]
    assert header and all(line.startswith("#") for line in header.splitlines())
    assert "# Copied from: shared/reference/nmw_history.yaml" in header
    assert yaml.safe_load(text) == yaml.safe_load(shared)


def test_history_and_pay_floors_agree_on_every_overlapping_period() -> None:
    """Both files hold October 2014 onward: every period must start on the same day with the same rate for every
    age from 16 to 100 and the same apprentice rate (gov.uk national-minimum-wage-rates; gov.uk calculator data)."""
    history = ref.shipped_reference().history.periods
    floors = {p.effective_from: p for p in ref.shipped_reference().floors.statutory_periods}
    overlapping = [h for h in history if h.effective_from >= min(floors)]
    assert [h.effective_from for h in overlapping] == sorted(floors)  # the same periods, none missing
    for h in overlapping:
        period = floors[h.effective_from]
        as_floor = h.as_statutory_period(period.effective_to or D(2099, 1, 1), "history")
        for age in range(16, 101):
            ours, theirs = period.band_for_age(age), as_floor.band_for_age(age)
            assert ours is not None and theirs is not None
            assert (ours.rate, ours.is_nlw) == (theirs.rate, theirs.is_nlw), (h.effective_from, age)
        assert period.apprentice == h.apprentice, h.effective_from


def test_history_covers_every_day_from_october_2006() -> None:
    starts = [p.effective_from for p in ref.shipped_reference().periods]
    assert starts[0] == D(2006, 10, 1) and starts == sorted(starts)
    assert [p.effective_from for p in ref.shipped_reference().periods[:8]] == [D(y, 10, 1) for y in range(2006, 2014)]


# --- NMW before 2014, the bands and apprentice rate of the time ----------------------------------------


def test_pay_01_adult_rate_in_2007_at_22_is_5_52() -> None:
    """NMW Regulations 1999 reg 11 (adult rate from age 22 until October 2010); gov.uk rates from 1 October 2007:
    £5.52 an hour at 22."""
    assert floor(22, D(2007, 10, 1)) == 5.52
    assert floor(22, D(2008, 9, 30)) == 5.52
    assert ref.statutory_band(22, D(2007, 10, 1)).iloc[0] == "National Minimum Wage (22 and over) from 1 October 2007"


def test_pay_01_development_rate_in_2007_at_21_is_4_60() -> None:
    """NMW Regulations 1999 reg 13 (the 18-21 development rate); gov.uk rates from 1 October 2007: £4.60 an hour
    at 21, not the adult rate."""
    assert floor(21, D(2007, 11, 1)) == 4.60
    assert ref.statutory_band(21, D(2007, 11, 1)).iloc[0] == "18 to 21 rate from 1 October 2007"


@pytest.mark.parametrize(
    ("age", "on", "expected"),
    [
        pytest.param(21, D(2010, 10, 1), 5.93, id="adult rate from 21 from October 2010"),
        pytest.param(21, D(2010, 9, 30), 4.83, id="21 still on the 18-21 rate in September 2010"),
        pytest.param(17, D(2006, 10, 1), 3.30, id="16-17 rate 2006"),
        pytest.param(16, D(2012, 10, 1), 3.68, id="16-17 rate 2012 (unchanged from 2011)"),
        pytest.param(30, D(2014, 9, 30), 6.31, id="the day before the pay-floor file starts"),
    ],
)
def test_pay_01_rates_before_2014_from_the_calculator_data(age: int, on: dt.date, expected: float) -> None:
    """gov.uk minimum wage calculator rate data (alphagov/smart-answers minimum_wage.yml)."""
    assert floor(age, on) == expected


def test_pay_01_no_floor_under_16_before_2010_either() -> None:
    """NMW Act 1998 s.1(2)(c): only workers above compulsory school age; the calculator's "0-18" band is 16-17."""
    assert floor(15, D(2008, 1, 1)) is pd.NA


def test_pay_01_apprentice_before_october_2010_gets_the_rate_for_their_age() -> None:
    """The apprentice rate began on 1 October 2010 (National Minimum Wage (Amendment) Regulations 2010); before
    it an apprentice was paid at least the rate for their age (gov.uk calculator data has no apprentice rate)."""
    assert floor(17, D(2009, 11, 1), True) == 3.57
    assert floor(25, D(2009, 11, 1), True) == 5.80
    assert ref.statutory_band(17, D(2009, 11, 1), True).iloc[0] == "16 to 17 rate from 1 October 2009"
    assert floor(17, D(2010, 10, 1), True) == 2.50
    assert ref.statutory_band(17, D(2010, 10, 1), True).iloc[0] == "apprentice rate from 1 October 2010"


def test_pay_01_no_floor_before_october_2006() -> None:
    """Before the data's first period the rate is unknown here: blank (not judged), never a floor."""
    assert floor(30, D(2006, 9, 30)) is pd.NA
    assert ref.pay_floor_known(D(2006, 9, 30)).iloc[0] is False or not ref.pay_floor_known(D(2006, 9, 30)).iloc[0]
    assert bool(ref.pay_floor_known(D(2006, 10, 1)).iloc[0])


# --- the accommodation offset -----------------------------------------------------------------------


def test_accommodation_offset_from_1_october_2014_is_5_08_a_day() -> None:
    """NMW Regulations 2015 regs 14-16 (then the 1999 Regulations reg 36); gov.uk rates from 1 October 2014:
    £5.08 a day."""
    assert ref.accommodation_offset(D(2014, 10, 1)).iloc[0] == 5.08
    assert ref.accommodation_offset(D(2014, 9, 30)).iloc[0] == 4.91
    assert language.accommodation_offset(pd.Timestamp("2014-10-01")) == 5.08  # as a rule calls it, one date
    days = pd.Series(pd.to_datetime(["2006-10-01", "2016-04-01", "2026-04-01", None, "2006-09-30", "2027-04-01"]))
    assert ref.accommodation_offset(days).tolist() == [4.15, 5.35, 11.10, pd.NA, pd.NA, pd.NA]
    assert language.accommodation_offset(days).tolist() == [4.15, 5.35, 11.10, pd.NA, pd.NA, pd.NA]


def test_accommodation_offset_is_a_money_function_rules_can_call() -> None:
    entry = language.PAY_FUNCTIONS["accommodation_offset"]
    assert entry.result == "money" and "GBP per day" in entry.doc


# --- past the data's last known change -----------------------------------------------------------------


def test_pay_01_no_floor_from_the_next_expected_change() -> None:
    """Rates change every April (NMW Regulations 2015, amended yearly): from 1 April 2027 the shipped data does
    not know them, so there is no floor to judge by, and the pay functions give blank (not judged)."""
    assert floor(30, D(2027, 3, 31)) == 12.71
    assert floor(30, D(2027, 4, 1)) is pd.NA
    assert language.pay_floor(30, pd.Timestamp("2027-05-01"), False) is pd.NA
    assert language.pay_band(30, pd.Timestamp("2027-05-01"), False) is pd.NA
    assert language.pay_floor_known(pd.Timestamp("2027-05-01")) is False
    assert language.pay_floor_known(pd.Timestamp("2027-03-31")) is True


def test_pay_03_real_living_wage_unknown_from_the_next_expected_implement_by_date() -> None:
    """Living Wage Foundation: rates announced yearly, implemented by 1 May in recent years (2025 rates by
    1 May 2026). The next implement-by date is assumed 12 months after the latest in the data: 1 May 2027."""
    assert ref.shipped_reference().real_living_wage_next_due() == D(2027, 5, 1)
    assert language.living_wage(pd.Timestamp("2027-04-30"), False) == 13.45
    assert language.living_wage(pd.Timestamp("2027-05-01"), False) is pd.NA
    assert language.living_wage_known(pd.Timestamp("2027-05-01")) is False
    assert ref.real_living_wage_in_force(D(2027, 5, 1)) is None


def sample_return(tmp_path: Path, period_end: str, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({
        "contract": {"provider_name": "Acme Care", "contract_ref": "T-1", "period_start": "2027-04-01",
                     "period_end": period_end},
        "workforce": [
            {"worker_id": "W1", "date_of_birth": "1990-05-01", "hourly_rate": 12.80, "zero_hours": "N"},
            {"worker_id": "W2", "date_of_birth": "1990-05-01", "hourly_rate": 13.50, "zero_hours": "N"},
        ],
    }), encoding="utf-8")
    return path


def newer_table(tmp_path: Path) -> Path:
    """The shipped table with a 2027 period added (test figures, not real rates) and the next change moved on."""
    text = packaged("uk_pay_floors.yaml")
    text = text.replace("next_expected_change: 2027-04-01", "next_expected_change: 2028-04-01")
    text = text.replace("  - effective_from: 2026-04-01\n    effective_to: null",
                        "  - effective_from: 2026-04-01\n    effective_to: 2027-03-31")
    period_2027 = """  - effective_from: 2027-04-01
    effective_to: null
    nlw_min_age: 21
    bands:
      - {name: nlw_21_plus, min_age: 21, max_age: null, rate: 13.10, is_nlw: true}
      - {name: age_18_20,   min_age: 18, max_age: 20,   rate: 11.20, is_nlw: false}
      - {name: age_16_17,   min_age: 16, max_age: 17,   rate: 8.30,  is_nlw: false}
    apprentice: 8.30
    verified: false
    source: "test figures for 2027 (not real rates)"

"""
    marker = "# ---------------------------------------------------------------------------\n# Real Living Wage"
    assert marker in text
    path = tmp_path / "newer.yaml"
    path.write_text(text.replace(marker, period_2027 + marker, 1), encoding="utf-8")
    return path


def test_pay_10_a_return_judged_on_1_may_2027_is_not_compliant(tmp_path: Path) -> None:
    """The 1 April 2027 rates are not in the shipped data: pay cannot be judged, so the verdict must not read
    compliant; each worker gets a major PAY-10 finding saying how to give the rates (--reference)."""
    report = check(sample_return(tmp_path, "2027-05-01"), "statutory-minimum")
    assert report.summary.verdict == "non-compliant"
    results = {r.rule_id: r for r in report.results}
    assert results["PAY-01"].status == "not_applicable" and results["PAY-01"].not_judged == 2
    assert results["PAY-10"].status == "fail" and results["PAY-10"].failed == 2
    pay_10 = [f for f in report.findings if f.rule_id == "PAY-10"]
    assert [f.subject.key for f in pay_10] == ["W1", "W2"]
    assert {f.severity for f in pay_10} == {"major"}
    assert "--reference FILE" in pay_10[0].remediation
    assert "1 May 2027" in pay_10[0].message
    assert any("--reference FILE" in note for note in report.notes)


def test_pay_10_with_newer_rates_given_the_return_is_judged(tmp_path: Path) -> None:
    newer = newer_table(tmp_path)
    report = check(sample_return(tmp_path, "2027-05-01"), "statutory-minimum", reference=newer)
    results = {r.rule_id: r for r in report.results}
    assert results["PAY-10"].status == "pass"
    assert results["PAY-01"].status == "fail" and results["PAY-01"].failed == 1
    [finding] = [f for f in report.findings if f.rule_id == "PAY-01"]
    assert finding.subject.key == "W1" and "£13.10" in finding.message
    assert not any("--reference" in note for note in report.notes)
    used = report.reference_data["uk_pay_floors"]
    assert used["file"] == str(newer)
    assert used["sha256"] == hashlib.sha256(newer.read_bytes()).hexdigest()
    assert used["origin"].startswith("given with --reference")
    assert used["latest_period_source"] == "test figures for 2027 (not real rates)"
    assert report.reference_data["nmw_history"]["origin"] == "shipped with contractcheck"


def test_pay_11_real_living_wage_not_passed_past_its_next_implement_by_date(tmp_path: Path) -> None:
    report = check(sample_return(tmp_path, "2027-05-01"), "ethical-care-charter-homecare")
    results = {r.rule_id: r for r in report.results}
    assert results["PAY-03"].status == "not_applicable" and results["PAY-03"].not_judged == 2
    assert results["PAY-11"].status == "fail" and results["PAY-11"].failed == 2
    assert report.summary.verdict == "non-compliant"


@pytest.mark.parametrize(("contract_start", "real_living_wage", "newer", "status"), [
    pytest.param("2027-03-31", "Yes", False, "pass", id="the last day of the known statutory rates"),
    pytest.param("2027-04-01", "No", False, "fail", id="statutory rates from April 2027 not in the data"),
    pytest.param("2027-04-01", "No", True, "pass", id="statutory rates from April 2027 given"),
    pytest.param("2027-04-30", "Yes", True, "pass", id="the 2025 Real Living Wage still the latest due"),
    pytest.param("2027-05-01", "Yes", True, "fail", id="a newer Real Living Wage may be due"),
    pytest.param("2027-05-01", "No", True, "pass", id="no Real Living Wage commitment"),
])
def test_pay_12_a_bid_starting_past_the_data_is_not_passed(
    tmp_path: Path, contract_start: str, real_living_wage: str, newer: bool, status: str
) -> None:
    """PAY-04 judges a bid on the rates at contract start (NMW Regulations 2015; Living Wage Foundation where the
    bid commits to it); where those are not in the data, PAY-12 fails the bid instead of leaving it compliant."""
    bid = tmp_path / "bid.json"
    bid.write_text(json.dumps({"bid": {"bidder_name": "Acme Care", "tender_ref": "T1", "contract_start": contract_start,
                                       "care_worker_rate": 14.00, "real_living_wage": real_living_wage}}))
    report = check(bid, "oxfordshire-tender", reference=newer_table(tmp_path) if newer else None)
    assert {r.rule_id: r.status for r in report.results}["PAY-12"] == status


def test_the_shipped_schedules_with_pay_01_or_pay_03_run_pay_10_or_pay_11() -> None:
    from contractcheck.rules import load_schedule

    for path in sorted((Path(__file__).resolve().parents[1] / "schedules").glob("*.yaml")):
        rules = yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", [])
        assert ("PAY-01" in rules) == ("PAY-10" in rules), path.name
        assert ("PAY-03" in rules) == ("PAY-11" in rules), path.name
        assert ("PAY-04" in rules) == ("PAY-12" in rules), path.name
    assert load_schedule("leicester-homecare") is not None  # extends statutory-minimum, so runs PAY-10 too


# --- --reference: newer or corrected tables, one run at a time ------------------------------------------


def test_batch_workers_judge_with_the_rates_given(tmp_path: Path) -> None:
    newer = newer_table(tmp_path)
    paths = [sample_return(tmp_path, "2027-05-01", f"r{i}.json") for i in range(2)]
    for jobs in (1, 2):
        items = list(check_many(paths, "statutory-minimum", jobs=jobs, ordered=True, reference=[newer]))
        for item in items:
            assert item.report is not None, item.error
            assert {r.rule_id: r.status for r in item.report.results}["PAY-10"] == "pass", jobs
            assert item.report.reference_data["uk_pay_floors"]["file"] == str(newer)


def test_a_run_with_newer_rates_does_not_change_another_threads_rates(tmp_path: Path) -> None:
    newer = ref.load_reference([newer_table(tmp_path)])
    seen: dict[str, Any] = {}
    inside = threading.Event()
    release = threading.Event()

    def judge_with_newer() -> None:
        with ref.using_reference(newer):
            inside.set()
            release.wait(5)
            seen["newer"] = floor(30, D(2027, 5, 1))

    worker = threading.Thread(target=judge_with_newer)
    worker.start()
    inside.wait(5)
    seen["shipped"] = floor(30, D(2027, 5, 1))  # this thread has set nothing: the shipped data
    release.set()
    worker.join()
    assert seen == {"newer": 13.10, "shipped": pd.NA}
    assert ref.active_reference() is ref.shipped_reference()


def test_a_history_file_can_be_given_too(tmp_path: Path) -> None:
    text = packaged("nmw_history.yaml").replace("accommodation_offset: 5.08}", "accommodation_offset: 5.09}")
    corrected = tmp_path / "history.yaml"
    corrected.write_text(text, encoding="utf-8")
    data = ref.load_reference([corrected])
    assert ref.accommodation_offset(D(2014, 10, 1), reference=data).iloc[0] == 5.09
    assert data.floors is ref.shipped_reference().floors
    assert data.provenance()["nmw_history"]["file"] == str(corrected)


@pytest.mark.parametrize(
    ("text", "code", "line", "words"),
    [
        pytest.param("foo: 1\n", "REF000", 1, "not a pay-rate table", id="neither kind"),
        pytest.param("statutory_periods: []\n", "REF001", 1, "missing 'schema_version'", id="missing keys"),
        pytest.param("periods:\n  - {from: 2006-10-01, bands: {'0-18': 3.30, '18+': 4}, apprentice: null,\n"
                     "     accommodation_offset: -1}\n", "REF001", 3, "greater than 0", id="negative offset"),
        pytest.param("periods:\n  - {from: 2006-10-01, bands: {'0-18': 3.30, '20+': 4}, apprentice: null,\n"
                     "     accommodation_offset: 4}\n", "REF001", 2, "should start at 18", id="gap in the ages"),
        pytest.param("periods: [\n", "YAML001", 2, "YAML cannot be read", id="not YAML"),
    ],
)
def test_a_bad_reference_file_is_one_error_naming_its_line(
    tmp_path: Path, text: str, code: str, line: int, words: str
) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        ref.load_reference([path])
    error = caught.value
    assert error.code == code and error.location.line == line and words in error.one_line()
    assert error.one_line().startswith(f"error {code}: {path}:{line}: ")


def test_a_bad_value_in_a_reference_table_names_its_line(tmp_path: Path) -> None:
    newer = newer_table(tmp_path)
    text = newer.read_text(encoding="utf-8")
    line = text[: text.index("rate: 13.10")].count("\n") + 1
    newer.write_text(text.replace("rate: 13.10", "rate: -13.10"), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        ref.load_reference([newer])
    assert caught.value.one_line().startswith(f"error REF001: {newer}:{line}: ")


def test_cli_bad_reference_file_exits_2_with_one_line(cli, tmp_path: Path) -> None:
    bad = tmp_path / "rates.yaml"
    bad.write_text("statutory_periods: nope\n", encoding="utf-8")
    result = cli("check", sample_return(tmp_path, "2027-05-01"), "--schedule", "statutory-minimum",
                 "--reference", bad)
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith(f"error REF001: {bad}:1: ")


def test_cli_reference_judges_with_the_newer_rates(cli, tmp_path: Path) -> None:
    newer = newer_table(tmp_path)
    given = sample_return(tmp_path, "2027-05-01")
    without = cli("check", given, "--schedule", "statutory-minimum", "--format", "json")
    assert without.code == 1
    assert {r["rule_id"]: r["status"] for r in json.loads(without.out)["results"]}["PAY-10"] == "fail"
    result = cli("check", given, "--schedule", "statutory-minimum", "--format", "json", "--reference", newer)
    report = json.loads(result.out)
    assert {r["rule_id"]: r["status"] for r in report["results"]}["PAY-10"] == "pass"
    assert report["reference_data"]["uk_pay_floors"]["file"] == str(newer)
    assert "--reference" in cli("check", "--help").out


def test_cli_explain_runs_the_examples_with_the_rates_given(cli, tmp_path: Path) -> None:
    shipped = cli("explain", "PAY-10")
    assert "after the next expected change (1 April 2027) — expected to fail, got fail" in shipped.out
    given = cli("explain", "PAY-10", "--reference", newer_table(tmp_path))
    assert given.code == 0
    assert "after the next expected change (1 April 2027) — expected to fail, got pass" in given.out


def only_the_2027_period(tmp_path: Path, start: str = "2027-04-01") -> Path:
    """A pay-floor table holding only the period a user adds (the history fills the dates before it)."""
    text = newer_table(tmp_path).read_text(encoding="utf-8")
    head = text.index("\nstatutory_periods:\n")
    text = text[:head] + "\nstatutory_periods:\n" + text[text.index("  - effective_from: 2027-04-01"):]
    path = tmp_path / "only-2027.yaml"
    text = text.replace("effective_from: 2027-04-01", f"effective_from: {start}")
    next_change = dt.date.fromisoformat(start).replace(year=int(start[:4]) + 1).isoformat()
    path.write_text(text.replace("next_expected_change: 2028-04-01", f"next_expected_change: {next_change}"),
                    encoding="utf-8")
    return path


def test_a_table_of_only_the_new_period_is_enough(tmp_path: Path) -> None:
    data = ref.load_reference([only_the_2027_period(tmp_path)])
    on = pd.Series(pd.to_datetime(["2008-01-01", "2026-05-01", "2027-05-01"]))
    assert ref.statutory_floor(30, on, reference=data).tolist() == [5.52, 12.71, 13.10]
    assert ref.accommodation_offset(on, reference=data).tolist() == [4.30, 11.10, pd.NA]  # 2027's not given


def test_a_table_starting_long_after_the_history_ends_is_refused(tmp_path: Path) -> None:
    """The history's last rates (April 2026) must not be stretched over dates whose rates have since changed."""
    with pytest.raises(RuleError, match="add the periods between") as caught:
        ref.load_reference([only_the_2027_period(tmp_path, start="2028-04-01")])
    assert caught.value.code == "REF001"


def test_pay_01_a_2007_return_is_judged_on_the_2007_rates(tmp_path: Path) -> None:
    """NMW Regulations 1999 regs 11 and 13 as uprated from 1 October 2007 (gov.uk rates 2007: £5.52 at 22 and over,
    £4.60 at 18-21): a worker aged 22 paid £5.50 is underpaid; one aged 21 paid £4.60 is not."""
    path = tmp_path / "r2007.json"
    path.write_text(json.dumps({
        "contract": {"provider_name": "Acme Care", "contract_ref": "T-1", "period_start": "2007-10-01",
                     "period_end": "2007-11-30"},
        "workforce": [
            {"worker_id": "A22", "date_of_birth": "1985-01-15", "hourly_rate": 5.50, "zero_hours": "N"},
            {"worker_id": "B21", "date_of_birth": "1986-01-15", "hourly_rate": 4.60, "zero_hours": "N"},
        ],
    }), encoding="utf-8")
    report = check(path, "statutory-minimum")
    results = {r.rule_id: r for r in report.results}
    assert results["PAY-10"].status == "pass"
    assert (results["PAY-01"].checked, results["PAY-01"].failed) == (2, 1)
    [finding] = [f for f in report.findings if f.rule_id == "PAY-01"]
    assert finding.subject.key == "A22"
    assert "below £5.52 (National Minimum Wage (22 and over) from 1 October 2007)" \
        in finding.message
