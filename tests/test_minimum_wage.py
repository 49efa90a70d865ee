"""The minimum wage judged as the law judges it, case by case, through ``contractcheck.check()`` on small returns.

Each test is named after the rule it tests and cites its legal source: the National Minimum Wage Regulations 2015
(SI 2015/621: reg 4B the rate on the first day of the pay reference period, reg 5 apprentices, reg 6 pay reference
periods, reg 7 pay ÷ hours, reg 10 premium pay, regs 12-13 deductions and the worker's own costs, regs 14-16
accommodation, regs 21-22 salaried hours work, regs 32-34 waiting, training and travel) and the National Minimum
Wage Act 1998 (s.17 arrears at the current rate, s.28 the burden of proof). Rates: gov.uk/national-minimum-wage-rates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from contractcheck import check
from contractcheck.reference.minimum_wage import pay_basis, pay_frequency
from contractcheck.report.model import Report

MONTHLY_FROM_THE_1ST = {"pay_frequency": "Monthly", "pay_period_anchor": "2026-04-01"}
TAX_MONTHS = {"pay_frequency": "Monthly", "pay_period_anchor": "2026-04-06"}


def worker(**fields: Any) -> dict[str, Any]:
    return {"worker_id": "W1", "zero_hours": "N", **fields}


@pytest.fixture
def judge(tmp_path: Path):
    """Write a return as JSON and check it against statutory-minimum (as_of: the period's end)."""
    count = 0

    def run(contract: dict[str, Any], workforce: list[dict[str, Any]], pay: list[dict[str, Any]] | None = None,
            **options: Any) -> Report:
        nonlocal count
        count += 1
        data: dict[str, Any] = {"contract": {"provider_name": "Acme Care", "contract_ref": "T-1", **contract},
                                "workforce": workforce}
        if pay is not None:
            data["pay"] = pay
        path = tmp_path / f"return-{count}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return check(path, "statutory-minimum", **options)

    return run


def status(report: Report, rule_id: str) -> str:
    return next(r.status for r in report.results if r.rule_id == rule_id)


def messages(report: Report, rule_id: str) -> list[str]:
    return [f.message for f in report.findings if f.rule_id == rule_id]


def critical(report: Report) -> list[str]:
    return [f.rule_id for f in report.findings if f.severity == "critical"]


# --- reg 4B: the rate, age and apprenticeship on the first day of the pay reference period ----------------------


def test_pay_01_turning_21_mid_september_keeps_the_18_to_20_rate_for_the_september_prp(judge) -> None:
    """NMW Regulations 2015 reg 4B: the rate on the first day of the PRP applies to the whole PRP. Paid monthly
    from the 1st, a worker who turns 21 on 15 September 2026 is owed £10.85 (18-20 rate) for September, not
    £12.71: paid £10.85 is no breach and, the PRP being known, no query either."""
    september = {"period_start": "2026-07-01", "period_end": "2026-09-30", **MONTHLY_FROM_THE_1ST}
    report = judge(september, [worker(date_of_birth="2005-09-15", hourly_rate=10.85)])
    assert status(report, "PAY-01") == "pass" and status(report, "PAY-05") == "pass"
    assert critical(report) == []
    below = judge(september, [worker(date_of_birth="2005-09-15", hourly_rate=10.84)])
    assert messages(below, "PAY-01") == [
        "Worker W1 is paid £10.84 an hour, below £10.85 (18 to 20 rate from 1 April 2026): the least the statutory "
        "minimum can be for the pay reference period that includes 30 September 2026."]


def test_pay_05_turning_21_mid_september_with_the_pay_frequency_unknown_is_a_query(judge) -> None:
    """reg 4B with reg 6 (a PRP is a month at most): not knowing when the PRP began, £10.85 may be right (a PRP
    from before the 15th) or short (one from the 15th on): a minor query, never a critical breach."""
    report = judge({"period_start": "2026-07-01", "period_end": "2026-09-30"},
                   [worker(date_of_birth="2005-09-15", hourly_rate=10.85)])
    assert status(report, "PAY-01") == "pass"
    assert status(report, "PAY-05") == "fail" and critical(report) == []
    [query] = messages(report, "PAY-05")
    assert "(£10.85, 18 to 20 rate from 1 April 2026)" in query and "(£12.71, National Living Wage" in query


def test_pay_01_tax_month_quarter_ending_5_april_is_judged_at_the_march_rate(judge) -> None:
    """reg 4B and reg 6: in tax months (anchor 6 April 2026) the PRP containing 5 April 2026 began on 6 March 2026,
    so the rate from 1 April 2025 (£12.21) applies to it, not the April 2026 rate (£12.71)."""
    quarter = {"period_start": "2026-01-06", "period_end": "2026-04-05", **TAX_MONTHS}
    report = judge(quarter, [worker(date_of_birth="1980-01-01", hourly_rate=12.21)])
    assert status(report, "PAY-01") == "pass" and status(report, "PAY-05") == "pass"
    judged = next(f for f in judge(quarter, [worker(date_of_birth="1980-01-01", hourly_rate=12.20)]).findings
                  if f.rule_id == "PAY-01")
    assert (judged.evidence["first"], judged.evidence["last"]) == ("2026-03-06", "2026-03-06")  # the PRP is known
    assert judged.evidence["floor"] == 12.21
    assert judged.evidence["band"] == "National Living Wage (21 and over) from 1 April 2025"


def test_pay_05_tax_month_quarter_with_the_pay_frequency_unknown_is_a_query_not_a_breach(judge) -> None:
    """reg 4B and reg 6: without the pay frequency, the PRP containing 5 April 2026 may have begun on any day from
    6 March to 5 April, so £12.21 is at least the lowest floor (£12.21) but below the highest (£12.71): a query."""
    report = judge({"period_start": "2026-01-06", "period_end": "2026-04-05"},
                   [worker(date_of_birth="1980-01-01", hourly_rate=12.21)])
    assert status(report, "PAY-01") == "pass" and status(report, "PAY-05") == "fail"
    assert [f.severity for f in report.findings if f.rule_id.startswith("PAY")] == ["minor"]


def test_pay_05_a_rate_change_before_2014_inside_the_window_is_a_query_too(judge) -> None:
    """reg 4B and reg 6, on the history's rates: a quarter ending 5 October 2012 with the pay frequency unknown may
    end in a PRP begun before or on or after 1 October 2012, when the adult rate rose from £6.08 to £6.19; £6.08 is
    a query, as it is for an April change in the pay-floor file's years."""
    report = judge({"period_start": "2012-07-06", "period_end": "2012-10-05"},
                   [worker(date_of_birth="1980-01-01", hourly_rate=6.08)])
    assert status(report, "PAY-01") == "pass" and status(report, "PAY-05") == "fail"
    [query] = messages(report, "PAY-05")
    assert "(£6.19, National Minimum Wage (21 and over) from 1 October 2012)" in query


def test_pay_01_a_worker_who_left_in_march_aged_20_is_judged_on_the_leave_date(judge) -> None:
    """reg 4B: a leaver's last PRP is the one containing the leave date. Left 20 March 2026 aged 20 (21 on
    1 May 2026): the 18-20 rate from 1 April 2025 (£10.00) applies, not the National Living Wage at period end."""
    half_year = {"period_start": "2026-01-01", "period_end": "2026-06-30", **MONTHLY_FROM_THE_1ST}
    leaver = {"date_of_birth": "2005-05-01", "leave_date": "2026-03-20"}
    assert status(judge(half_year, [worker(hourly_rate=10.00, **leaver)]), "PAY-01") == "pass"
    assert messages(judge(half_year, [worker(hourly_rate=9.99, **leaver)]), "PAY-01") == [
        "Worker W1 is paid £9.99 an hour, below £10.00 (18 to 20 rate from 1 April 2025): the least the statutory "
        "minimum can be for the pay reference period that includes 20 March 2026."]


# --- reg 5: the apprentice rate, only once begun, under 19 or in the first 12 months ---------------------------


def test_pay_01_an_apprentice_in_year_one_on_the_first_day_of_the_prp_gets_the_apprentice_rate(judge) -> None:
    """reg 4B with reg 5: apprenticeship from 15 June 2025, aged 26: on 1 June 2026, the first day of the June PRP,
    the apprentice is still in the first 12 months, so £8.00 (apprentice rate from 1 April 2026) is owed for all
    of June although the first year ends mid-PRP."""
    quarter = {"period_start": "2026-04-01", "period_end": "2026-06-30", **MONTHLY_FROM_THE_1ST}
    apprentice = {"date_of_birth": "2000-01-01", "apprentice": "Y", "apprenticeship_start": "2025-06-15"}
    report = judge(quarter, [worker(hourly_rate=8.00, **apprentice)])
    assert status(report, "PAY-01") == "pass" and status(report, "PAY-05") == "pass"
    assert messages(judge(quarter, [worker(hourly_rate=7.99, **apprentice)]), "PAY-01") == [
        "Worker W1 is paid £7.99 an hour, below £8.00 (apprentice rate from 1 April 2026): the least the statutory "
        "minimum can be for the pay reference period that includes 30 June 2026."]


def test_pay_01_the_apprentice_rate_before_the_apprenticeship_has_begun_is_a_breach(judge) -> None:
    """reg 5: the apprentice rate is for a worker employed under an apprenticeship; before it starts (1 September
    2026) a 26-year-old is owed the National Living Wage, £12.71: £8.00 is a £4.71 an hour underpayment."""
    report = judge({"period_start": "2026-04-01", "period_end": "2026-06-30", **MONTHLY_FROM_THE_1ST},
                   [worker(date_of_birth="2000-01-01", hourly_rate=8.00, apprentice="Y",
                           apprenticeship_start="2026-09-01")])
    assert status(report, "PAY-01") == "fail"
    [finding] = [f for f in report.findings if f.rule_id == "PAY-01"]
    assert finding.severity == "critical" and finding.evidence["floor"] == 12.71


def test_pay_05_an_apprentice_with_no_start_date_is_a_query_not_a_breach(judge) -> None:
    """reg 5: whether a 26-year-old apprentice is in the first 12 months cannot be told without the start date;
    £8.00 is the apprentice rate (lowest) but below the National Living Wage (highest): a query to settle it."""
    report = judge({"period_start": "2026-04-01", "period_end": "2026-06-30", **MONTHLY_FROM_THE_1ST},
                   [worker(date_of_birth="2000-01-01", hourly_rate=8.00, apprentice="Y")])
    assert status(report, "PAY-01") == "pass" and status(report, "PAY-05") == "fail"
    assert critical(report) == []
    [query] = messages(report, "PAY-05")
    assert "(£8.00, apprentice rate from 1 April 2026)" in query


def test_pay_01_a_blank_apprentice_flag_is_not_an_apprenticeship(judge) -> None:
    """National Minimum Wage Act 1998 s.28: a worker is presumed to qualify for the minimum wage unless the
    contrary is shown, so the lower apprentice rate is for the employer to establish: a blank flag is the
    National Living Wage."""
    report = judge({"period_start": "2026-04-01", "period_end": "2026-06-30", **MONTHLY_FROM_THE_1ST},
                   [worker(date_of_birth="2000-01-01", hourly_rate=8.00, apprenticeship_start="2025-06-15")])
    assert status(report, "PAY-01") == "fail"


# --- regs 32-34 and no rounding; salaried staff (regs 21-22) ---------------------------------------------------


def test_pay_02_unpaid_travel_is_not_rounded_away(judge) -> None:
    """regs 7 and 34: £12.71 × 35 paid hours ÷ 35.01 hours of work = £12.7064 an hour, below £12.71. Rounding to
    the penny first would read £12.71 and pass; the law compares the amounts themselves."""
    report = judge({"period_start": "2026-04-01", "period_end": "2026-06-30"},
                   [worker(date_of_birth="1980-01-01", hourly_rate=12.71, average_hours=35, unpaid_travel_hours=0.01)])
    assert status(report, "PAY-02") == "fail"
    [finding] = [f for f in report.findings if f.rule_id == "PAY-02"]
    assert finding.evidence["effective_rate"] == pytest.approx(12.71 * 35 / 35.01, abs=1e-4)
    assert finding.evidence["effective_rate"] < 12.71


def test_pay_02_unpaid_waiting_and_training_count_as_working_time(judge) -> None:
    """regs 32 (waiting at or near work) and 33 (training): £13.00 × 30 ÷ 31 = £12.58, below £12.71."""
    report = judge({"period_start": "2026-04-01", "period_end": "2026-06-30"},
                   [worker(date_of_birth="1980-01-01", hourly_rate=13.00, average_hours=30, unpaid_waiting_hours=0.5,
                           unpaid_training_hours=0.5)])
    assert status(report, "PAY-02") == "fail"


def test_data_07_an_annual_salary_in_the_rate_column_is_not_a_pass(judge) -> None:
    """regs 21-22 (salaried hours work is judged on salary and annual hours): £23,000 in the hourly rate column is
    not £23,000 an hour; it cannot be judged either way, so it is a DATA-07 finding and the return is not
    compliant."""
    report = judge({"period_start": "2026-04-01", "period_end": "2026-06-30"},
                   [worker(date_of_birth="1980-01-01", hourly_rate=23000)])
    assert status(report, "PAY-01") == "not_applicable"
    assert status(report, "DATA-07") == "fail"
    assert report.summary.verdict == "non-compliant"


@pytest.mark.parametrize(("salary", "basis", "verdict"), [
    pytest.param(24000, "Annual", "fail", id="£24,000 a year over 37.5 × 52 hours = £12.31"),
    pytest.param(25000, "Annual", "pass", id="£25,000 a year = £12.82"),
    pytest.param(2000, "Monthly", "fail", id="£2,000 a month × 12 ÷ (37.5 × 52) = £12.31"),
    pytest.param(480, "Weekly", "pass", id="£480 a week ÷ 37.5 = £12.80"),
])
def test_pay_01_a_salaried_worker_is_judged_on_salary_over_a_year_of_basic_hours(
        judge, salary: int, basis: str, verdict: str) -> None:
    """regs 21-22: salaried hours work is paid for the basic hours of the year; here 37.5 contracted hours a week
    × 52 weeks, judged against £12.71 (National Living Wage from 1 April 2026)."""
    report = judge({"period_start": "2026-04-01", "period_end": "2026-06-30"},
                   [worker(date_of_birth="1980-01-01", salary=salary, pay_basis=basis, contracted_hours=37.5)])
    assert status(report, "PAY-01") == verdict
    if verdict == "fail":
        assert messages(report, "PAY-01")[0].startswith("Worker W1 is paid £12.31 an hour, below £12.71")


# --- past the known data ---------------------------------------------------------------------------------------


def test_pay_10_and_pay_13_a_return_past_the_known_rates_is_never_passed(judge) -> None:
    """The rates from 1 April 2027 are set by amending regulations contractcheck does not hold: pay cannot be judged,
    so PAY-01 and PAY-06 judge nothing and PAY-10 (workforce) and PAY-13 (Pay table) say so; never compliant."""
    report = judge({"period_start": "2027-04-01", "period_end": "2027-06-30"},
                   [worker(date_of_birth="1980-01-01", hourly_rate=12.71)],
                   [{"worker_id": "W1", "prp_start": "2027-04-01", "gross_pay": 1779.40, "hours_paid": 140}])
    assert status(report, "PAY-01") == "not_applicable" and status(report, "PAY-06") == "not_applicable"
    assert status(report, "PAY-10") == "fail" and status(report, "PAY-13") == "fail"
    assert report.summary.verdict == "non-compliant"


def test_pay_01_a_prp_that_may_begin_on_1_april_2027_is_not_judged_on_the_2026_rates(judge) -> None:
    """reg 4B: judged on 1 April 2027 with the pay frequency unknown, the PRP may begin that day, when rates not in
    the data apply; PAY-01 and PAY-05 do not judge the worker on the old ones (PAY-10 says why)."""
    report = judge({"period_start": "2027-01-01", "period_end": "2027-04-01"},
                   [worker(date_of_birth="1980-01-01", hourly_rate=12.71)])
    assert [r.not_judged for r in report.results if r.rule_id == "PAY-01"] == [1]
    assert status(report, "PAY-01") == "not_applicable" and status(report, "PAY-05") == "not_applicable"
    assert status(report, "PAY-10") == "fail"


# --- the Pay table: pay ÷ hours per pay reference period (PAY-06) ----------------------------------------------

QUARTER = {"period_start": "2026-04-01", "period_end": "2026-06-30"}
ADULT = [worker(date_of_birth="1980-01-01", hourly_rate=12.71)]


def prp(**fields: Any) -> dict[str, Any]:
    """May 2026, 140 hours paid £1,779.40 (£12.71 an hour) unless a field says otherwise."""
    return {"worker_id": "W1", "prp_start": "2026-05-01", "prp_end": "2026-05-31", "gross_pay": 1779.40,
            "hours_paid": 140, **fields}


def pay_06(judge, *rows: dict[str, Any], workforce: list[dict[str, Any]] = ADULT) -> list[dict[str, Any]]:
    report = judge(QUARTER, workforce, list(rows))
    return [f.evidence for f in report.findings if f.rule_id == "PAY-06"]


def test_pay_06_a_month_at_the_national_living_wage_passes(judge) -> None:
    """reg 7: £1,779.40 ÷ 140 hours = £12.71, the National Living Wage from 1 April 2026."""
    assert pay_06(judge, prp()) == []


@pytest.mark.parametrize("field", ["deductions", "worker_expenses"])
def test_pay_06_a_uniform_charged_or_bought_reduces_minimum_wage_pay(judge, field: str) -> None:
    """regs 12-13: a deduction for the employer's benefit (a uniform charge) or the worker's own unreimbursed cost
    of the job (a uniform bought) is taken off pay: (£1,779.40 − £20) ÷ 140 = £12.57, shortfall £20."""
    [evidence] = pay_06(judge, prp(**{field: 20}))
    assert evidence["minimum_wage_pay"] == pytest.approx(1759.40)
    assert evidence["shortfall"] == pytest.approx(20)


def test_pay_06_premium_pay_for_overtime_is_not_minimum_wage_pay(judge) -> None:
    """reg 10(j): the premium part of overtime pay does not count. 140 hours at £12.71 plus 10 hours' overtime at
    time and a half: only £12.71 of each overtime hour counts, so the month passes exactly — and fails if the
    basic pay is a penny an hour short, however large the premium."""
    overtime = prp(gross_pay=1779.40 + 10 * 12.71 * 1.5, premium_pay=10 * 12.71 * 0.5, hours_paid=150)
    assert pay_06(judge, overtime) == []
    short = prp(gross_pay=140 * 12.70 + 10 * 12.70 * 1.5, premium_pay=10 * 12.70 * 0.5, hours_paid=150)
    [evidence] = pay_06(judge, short)
    assert evidence["rate"] == pytest.approx(12.70)


def test_pay_06_free_accommodation_counts_as_pay_at_the_offset(judge) -> None:
    """regs 14-16: accommodation provided free counts as pay at the offset for each day (£11.10 from 1 April
    2026): £12.00 × 140 + 31 × £11.10 = £2,024.10, ÷ 140 = £14.46, above £12.71."""
    paid = prp(gross_pay=1680, accommodation_days=31)
    assert pay_06(judge, paid) == []
    [evidence] = pay_06(judge, prp(gross_pay=1680))  # the same pay without the accommodation falls short
    assert evidence["accommodation"] == 0


@pytest.mark.parametrize(("charge", "excess"), [
    pytest.param(300, 0, id="£300 for 31 days, below the £344.10 offset: no change"),
    pytest.param(344.10, 0, id="exactly the offset: no change"),
    pytest.param(500, 155.90, id="£500: pay reduced by the £155.90 above the offset"),
])
def test_pay_06_an_accommodation_charge_above_the_offset_reduces_pay_by_the_excess(
        judge, charge: float, excess: float) -> None:
    """regs 14-16: a charge for accommodation up to the offset (£11.10 a day from April 2026) does not reduce pay;
    above it, the excess does. At £12.71 × 140 exactly, any excess is a shortfall of that much."""
    found = pay_06(judge, prp(accommodation_days=31, accommodation_charge=charge))
    if excess == 0:
        assert found == []
    else:
        [evidence] = found
        assert evidence["accommodation"] == pytest.approx(-excess)
        assert evidence["shortfall"] == pytest.approx(excess)


@pytest.mark.parametrize("kind", ["unpaid_travel_hours", "unpaid_waiting_hours", "unpaid_training_hours",
                                  "other_unpaid_hours"])
def test_pay_06_unpaid_travel_waiting_and_training_are_hours_of_work(judge, kind: str) -> None:
    """regs 32 (waiting), 33 (training), 34 (travel between assignments) and 31 (all time work): 10 unpaid hours
    on top of 140 paid at £12.71 make £1,779.40 ÷ 150 = £11.86 an hour; shortfall 150 × £12.71 − £1,779.40."""
    [evidence] = pay_06(judge, prp(**{kind: 10}))
    assert evidence["hours"] == 150
    assert evidence["shortfall"] == pytest.approx(150 * 12.71 - 1779.40)


def test_pay_06_the_rate_on_the_first_day_of_the_prp_not_its_last(judge) -> None:
    """reg 4B: a worker turning 21 on 15 September 2026, paid monthly from the 1st, is owed £10.85 for September
    (the 18-20 rate on 1 September) and £12.71 from the October PRP on."""
    young = [worker(date_of_birth="2005-09-15", hourly_rate=10.85)]
    september = prp(prp_start="2026-09-01", prp_end="2026-09-30", gross_pay=140 * 10.85)
    october = prp(prp_start="2026-10-01", prp_end="2026-10-31", gross_pay=140 * 10.85)
    [evidence] = pay_06(judge, september, october, workforce=young)
    assert evidence["prp_start"] == "2026-10-01" and evidence["floor"] == 12.71


def test_pay_06_apprentice_rate_only_from_the_start_and_for_the_first_year(judge) -> None:
    """reg 4B with reg 5: an apprenticeship from 15 May 2025 (aged 25): the PRP from 1 May 2025 began before it, so
    the National Living Wage (£12.21) is owed for it; June 2025 and May 2026 begin in the first 12 months (£7.55,
    £8.00); the PRP from 1 June 2026 begins after the first anniversary: £12.71."""
    apprentice = [worker(date_of_birth="2000-01-01", hourly_rate=8.00, apprentice="Y",
                         apprenticeship_start="2025-05-15")]
    before = prp(prp_start="2025-05-01", prp_end="2025-05-31", gross_pay=140 * 7.55)
    first_year = prp(prp_start="2025-06-01", prp_end="2025-06-30", gross_pay=140 * 7.55)
    still_first_year = prp(prp_start="2026-05-01", prp_end="2026-05-31", gross_pay=140 * 8.00)
    second_year = prp(prp_start="2026-06-01", prp_end="2026-06-30", gross_pay=140 * 8.00)
    found = pay_06(judge, before, first_year, still_first_year, second_year, workforce=apprentice)
    assert [(e["prp_start"], e["floor"]) for e in found] == [("2025-05-01", 12.21), ("2026-06-01", 12.71)]


def test_pay_06_arrears_are_owed_at_todays_rate_and_totalled_per_worker(judge) -> None:
    """National Minimum Wage Act 1998 s.17(2)-(4): arrears are the higher of the shortfall and the shortfall ÷ the
    rate then × the rate in force when determined. June 2025: 100 hours at £12.00 against £12.21, shortfall £21.00,
    owed £21.00 ÷ 12.21 × 12.71 = £21.86 on 30 June 2026; May 2026: £20 deducted, owed £20.00; the worker: £41.86."""
    report = judge(QUARTER, ADULT, [
        prp(prp_start="2025-06-01", prp_end="2025-06-30", gross_pay=1200, hours_paid=100),
        prp(deductions=20),
        prp(prp_start="2026-06-01", prp_end="2026-06-30"),
    ])
    found = [f for f in report.findings if f.rule_id == "PAY-06"]
    assert [f.evidence["owed"] for f in found] == [pytest.approx(21 / 12.21 * 12.71, abs=0.005), 20]
    assert [f.evidence["worker_owed"] for f in found] == [pytest.approx(41.86, abs=0.005)] * 2
    assert [f.location.row for f in found] == [1, 2]
    assert found[0].message.endswith("owed £21.86 at the rates in force on 30 June 2026 (the worker's arrears in "
                                     "this table: £41.86).")


def test_pay_07_no_date_of_birth_on_the_18_to_20_rate_is_a_query_not_a_breach(judge) -> None:
    """reg 4B: without the date of birth the band on the PRP's first day is unknown; £10.85 (18-20 rate) is at
    least the lowest floor and below the highest: a query."""
    report = judge(QUARTER, [worker(hourly_rate=10.85)], [prp(gross_pay=140 * 10.85)])
    assert status(report, "PAY-06") == "pass" and status(report, "PAY-07") == "fail"


def test_pay_06_from_the_command_line_exits_1_with_the_finding_in_json(cli, tmp_path: Path) -> None:
    """What a contract officer runs: `contractcheck check FILE --schedule statutory-minimum`."""
    path = tmp_path / "return.json"
    path.write_text(json.dumps({"contract": {"provider_name": "Acme Care", "contract_ref": "T-1", **QUARTER},
                                "workforce": ADULT, "pay": [prp(deductions=20)]}), encoding="utf-8")
    result = cli("check", path, "--schedule", "statutory-minimum", "--format", "json")
    assert result.code == 1
    [finding] = [f for f in json.loads(result.out)["findings"] if f["rule_id"] == "PAY-06"]
    assert finding["severity"] == "critical" and "shortfall £20.00" in finding["message"]


# --- the words providers use for pay frequency and basis -------------------------------------------------------


def test_pay_frequency_and_basis_read_the_words_payroll_exports_use() -> None:
    """reg 6 (the PRP is the worker's pay period) and regs 21-22 (salary and its basis): the spellings of payroll
    exports and ASC-WDS are read as the canonical words; a blank or an unknown word is unknown, never monthly."""
    words = pd.Series([" Four  Weekly", "TAX_MONTH", "lunar", "2-weekly", None, "quarterly", "Monthly"],
                      index=[10, 11, 12, 13, 14, 15, 16])
    assert pay_frequency(words).tolist() == ["four-weekly", "monthly", "four-weekly", "fortnightly", pd.NA, pd.NA,
                                             "monthly"]
    assert pay_frequency(words).index.tolist() == words.index.tolist()
    assert pay_basis(pd.Series(["Annually", "per annum", "P.A.", "Hourly", ""])).tolist() == [
        "annual", "annual", "annual", "hourly", pd.NA]
    assert pay_frequency(pd.Series([], dtype="string")).tolist() == []
