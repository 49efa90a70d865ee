"""The gov.uk minimum wage calculator's worked scenarios, written as Pay rows, give the calculator's verdicts (PAY-06).

The scenarios are facts (inputs and expected outputs) from the calculator's own tests: alphagov/smart-answers,
``test/unit/calculators/minimum_wage_calculator_test.rb`` (the "Scenario" contexts from the Low Pay Commission /
HMRC worked examples, and the apprentice historical adjustment). Each is one pay reference period: the
calculator's ``date`` is the PRP's first day and its ``pay_frequency`` the PRP's length in days. How its inputs
become a Pay row:

* overtime: the calculator counts overtime at the lower of the basic and the overtime rate, so the rest of the
  overtime pay is ``premium_pay`` (reg 10(j)); a payslip gives it in pennies, so it is rounded to the penny;
* accommodation: a charge of £X a day on D days a week over the PRP is ``accommodation_charge`` X × the days and
  ``accommodation_days`` the days (only PRPs whose days come out whole are used: 7, 14 and 30-day ones with
  accommodation every day, or weekly ones);
* the calculator's "historical entitlement" is floor × hours, its "underpayment" our ``shortfall`` and its
  "historical adjustment" our ``owed`` (NMW Act 1998 s.17), as of the date its test fixes with Timecop.

The calculator rounds the hourly rate (and the accommodation cost) to pennies before comparing; PAY-06 does not
round. In these scenarios that never changes a verdict — the closest calls are scenario 5 (£290 ÷ 60 = £4.8333,
read by the calculator as £4.83, equal to the £4.83 rate: both pass) and scenario 8 (£6.0691 against £6.08: both
fail) — but it moves two amounts by a penny, noted where they are checked.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from contractcheck import check


@dataclass(frozen=True)
class Scenario:
    """One calculator scenario: who, when, the PRP's length, pay and hours, and the calculator's answers."""

    age: int
    date: dt.date
    days: int
    basic_pay: float
    basic_hours: float
    below: bool
    overtime_hours: float = 0
    overtime_rate: float = 0
    accommodation_charge_a_day: float = 0  # 0 with accommodation_days: free accommodation
    accommodation_days: int = 0
    apprentice: bool = False
    entitlement: float | None = None  # the calculator's "historical entitlement": floor × hours
    underpayment: float | None = None
    adjustment: float | None = None  # the calculator's "historical adjustment" (s.17 arrears) on `determined`
    determined: dt.date | None = None
    exact_adjustment: float | None = None  # where the calculator's penny rounding moves its adjustment


D = dt.date
SCENARIOS = {
    "19 in October 2010, £187.46 for 39 hours, below £4.92": Scenario(
        19, D(2010, 10, 1), 7, 187.46, 39, below=True, entitlement=191.88, underpayment=4.42),
    "19 in October 2010, accommodation charged £7.99 a day on 4 days above the £4.61 offset": Scenario(
        19, D(2010, 10, 1), 7, 187.46, 39, below=True, accommodation_charge_a_day=7.99, accommodation_days=4),
    "scenario 1: 24 in August 2012, £168 for 40 hours a week, below £6.08": Scenario(
        24, D(2012, 8, 1), 7, 168, 40, below=True),
    "scenario 1: with 7 hours overtime at £5.70 and free accommodation every day: £4.90, still below": Scenario(
        24, D(2012, 8, 1), 7, 168, 40, below=True, overtime_hours=7, overtime_rate=5.70, accommodation_days=7),
    "scenario 2: 23, fortnight from 1 October 2012, overtime and free accommodation 6 days a week: £6.80, above":
        Scenario(23, D(2012, 10, 1), 14, 420, 70, below=False, overtime_hours=2, overtime_rate=8,
                 accommodation_days=12),
    "scenario 2: the same with accommodation charged £7.50 a day: £5.55, below £6.19": Scenario(
        23, D(2012, 10, 1), 14, 420, 70, below=True, overtime_hours=2, overtime_rate=8,
        accommodation_charge_a_day=7.50, accommodation_days=12),
    "scenario 2: charged £4.50 a day, under the £4.82 offset: no change, £6.00, below": Scenario(
        23, D(2012, 10, 1), 14, 420, 70, below=True, overtime_hours=2, overtime_rate=8,
        accommodation_charge_a_day=4.50, accommodation_days=12),
    "scenario 4: overtime at £2, below the basic rate, counts at £2: £2.40, below": Scenario(
        24, D(2011, 10, 1), 7, 100, 40, below=True, overtime_hours=10, overtime_rate=2),
    "scenario 5: 21 in October 2009 on the 18-21 rate, £290 for 60 hours over 12 days: £4.83, not below": Scenario(
        21, D(2009, 10, 1), 12, 290, 60, below=False),
    "scenario 5: with 5 hours overtime at £6, not below": Scenario(
        21, D(2009, 10, 1), 12, 290, 60, below=False, overtime_hours=5, overtime_rate=6),
    "scenario 7: 17 in October 2007, 30 days, overtime and free accommodation every day: £3.82, above £3.40":
        Scenario(17, D(2007, 10, 1), 30, 450, 150, below=False, overtime_hours=8, overtime_rate=4,
                 accommodation_days=30),
    "scenario 7: the same with accommodation charged £5 a day: £2.87, below": Scenario(
        17, D(2007, 10, 1), 30, 450, 150, below=True, overtime_hours=8, overtime_rate=4,
        accommodation_charge_a_day=5, accommodation_days=30, entitlement=537.20),
    "scenario 8: 24 in August 2012, overtime at £12, accommodation charged £30 a day: £6.07, below £6.08": Scenario(
        24, D(2012, 8, 21), 7, 350, 35, below=True, overtime_hours=10, overtime_rate=12,
        accommodation_charge_a_day=30, accommodation_days=7),
    "scenario 12: 17 in January 2009, 30 days, accommodation charged £10 a day, arrears as of 30 September 2013":
        Scenario(17, D(2009, 1, 10), 30, 840, 210, below=True, accommodation_charge_a_day=10, accommodation_days=30,
                 entitlement=741.30, adjustment=70.38, determined=D(2013, 9, 30),
                 # the calculator rounds the accommodation cost, 30 × (£4.46 − £10) = −£166.20, to −£166.21,
                 # so its arrears are a penny higher than the exact £67.50 ÷ £3.53 × £3.68
                 exact_adjustment=70.37),
    "apprentice under 19, week from 1 November 2010, £78 for 35 hours, arrears as of 30 September 2013": Scenario(
        17, D(2010, 11, 1), 7, 78, 35, below=True, apprentice=True, underpayment=9.50, adjustment=10.07,
        determined=D(2013, 9, 30)),
}


def as_return(s: Scenario) -> dict:
    """The scenario as a return: the worker (born the day before their birthday that gives the age on the PRP's
    first day) and one Pay row for the PRP."""
    born = D(s.date.year - s.age, s.date.month, s.date.day) - dt.timedelta(days=1)
    basic_rate = s.basic_pay / s.basic_hours
    person = {"worker_id": "W1", "zero_hours": "N", "date_of_birth": born.isoformat(), "hourly_rate": basic_rate}
    if s.apprentice:
        person |= {"apprentice": "Y", "apprenticeship_start": (s.date - dt.timedelta(days=60)).isoformat()}
    row = {"worker_id": "W1", "prp_start": s.date.isoformat(),
           "prp_end": (s.date + dt.timedelta(days=s.days - 1)).isoformat(),
           "gross_pay": round(s.basic_pay + s.overtime_hours * s.overtime_rate, 2),
           "premium_pay": round(s.overtime_hours * max(0.0, s.overtime_rate - basic_rate), 2),
           "hours_paid": s.basic_hours + s.overtime_hours}
    if s.accommodation_days:
        row |= {"accommodation_days": s.accommodation_days,
                "accommodation_charge": round(s.accommodation_charge_a_day * s.accommodation_days, 2)}
    end = s.date + dt.timedelta(days=s.days - 1)
    return {"contract": {"provider_name": "Acme Care", "contract_ref": "T-1", "period_start": s.date.isoformat(),
                         "period_end": end.isoformat()},
            "workforce": [person], "pay": [row]}


@pytest.mark.parametrize("scenario", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_pay_06_gives_the_gov_uk_calculators_verdict(scenario: Scenario, tmp_path: Path) -> None:
    """NMW Regulations 2015 regs 4B, 7, 10, 14-16; NMW Act 1998 s.17 — as the gov.uk calculator applies them."""
    path = tmp_path / "return.json"
    path.write_text(json.dumps(as_return(scenario)), encoding="utf-8")
    report = check(path, "statutory-minimum", as_of=scenario.determined)
    findings = [f for f in report.findings if f.rule_id == "PAY-06"]
    assert bool(findings) == scenario.below
    if not findings:
        return
    [evidence] = [f.evidence for f in findings]
    if scenario.entitlement is not None:
        assert evidence["floor"] * evidence["hours"] == pytest.approx(scenario.entitlement, abs=0.005)
    if scenario.underpayment is not None:
        assert evidence["shortfall"] == pytest.approx(scenario.underpayment, abs=0.005)
    if scenario.adjustment is not None:
        expected = scenario.exact_adjustment if scenario.exact_adjustment is not None else scenario.adjustment
        assert round(evidence["owed"], 2) == expected
