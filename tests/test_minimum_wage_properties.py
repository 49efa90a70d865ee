"""Property tests: the vectorised pay reference period and floor code agrees with a plain per-row Python oracle.

The oracle is written from the law with ``datetime`` and the rate table itself (every statutory period the
look-ups use, from 1 October 2006: ``active_reference().periods``; the pay-floor file alone, ``pay_floors()``,
begins in October 2014), one row and one day at a time:

* reg 6: a PRP is the worker's pay period, a month at most; weekly, fortnightly and four-weekly PRPs repeat from any
  PRP's first day (the anchor); monthly ones start on the anchor's day of each month (clamped to a short month);
* reg 4B: the floor of a PRP is the rate in force on its first day, for the age and apprenticeship on that day;
* reg 5: the apprentice rate only once the apprenticeship has begun, under 19 or in its first 12 months;
* a range: over every day a PRP containing the day judged could begin, and over what the return leaves unknown
  (date of birth, an apprentice's start date), the lowest and the highest floor; none where a day has no rate.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from contractcheck import check
from contractcheck.reference.minimum_wage import FloorRange, earliest_prp_start, prp_start_containing
from contractcheck.reference.pay_floors import StatutoryPeriod, active_reference, pay_floors

D = dt.date
DAY = dt.timedelta(days=1)
LENGTH = {"weekly": 7, "fortnightly": 14, "four-weekly": 28}
FREQUENCIES = [*LENGTH, "monthly"]
PERIODS: list[StatutoryPeriod] = list(active_reference().periods)
LAST_KNOWN = pay_floors().next_expected_change - DAY

dates = st.dates(D(2006, 1, 1), D(2027, 12, 31))
dates_in_the_data = st.dates(D(2006, 11, 15), D(2027, 3, 31))


# --- the oracle ------------------------------------------------------------------------------------------------


def add_months(d: dt.date, months: int) -> dt.date:
    year, month = divmod(d.month - 1 + months, 12)
    year, month = d.year + year, month + 1
    return D(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def monthly_start(year: int, month: int, day_of_month: int) -> dt.date:
    return D(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def oracle_prp_start(day: dt.date, frequency: str, anchor: dt.date) -> dt.date:
    """Walk the PRPs from the anchor to the one that contains the day."""
    if frequency == "monthly":
        start = monthly_start(day.year, day.month, anchor.day)
        if start > day:
            before = add_months(D(day.year, day.month, 1), -1)
            start = monthly_start(before.year, before.month, anchor.day)
        return start
    step = dt.timedelta(days=LENGTH[frequency])
    start = anchor
    while start > day:
        start -= step
    while start + step <= day:
        start += step
    return start


def oracle_earliest(day: dt.date, frequency: str | None) -> dt.date:
    if frequency in LENGTH:
        return day - dt.timedelta(days=LENGTH[frequency] - 1)
    return add_months(day, -1) + DAY  # a month at most (reg 6): the day after the same date a month earlier


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def period_on(day: dt.date) -> StatutoryPeriod | None:
    if day > LAST_KNOWN:
        return None
    return next((p for p in PERIODS if p.effective_from <= day and (p.effective_to is None or day <= p.effective_to)),
                None)


def oracle_floor(day: dt.date, age: int, apprentice_rate: bool) -> float | None:
    period = period_on(day)
    if period is None or age < 16:
        return None
    if apprentice_rate and period.apprentice is not None:
        return period.apprentice
    band = period.band_for_age(age)
    return None if band is None else band.rate


def oracle_range(born: dt.date | None, age: int | None, apprentice: bool | None, start: dt.date | None,
                 first: dt.date, last: dt.date) -> tuple[float | None, float | None]:
    """Every day from first to last, every age and apprenticeship the return leaves possible."""
    floors: list[float | None] = []
    day = first
    while day <= last:
        if born is not None:
            ages = [age_on(born, day)]
        elif age is not None:
            ages = [age - 1, age]  # an age given is the age on `last`: a year younger at the PRP's start is possible
        else:
            ages = [*range(16, 27), 100]  # every band boundary since 2006 lies from 16 to 25
        for years in ages:
            if not apprentice:  # a blank flag is no apprenticeship (NMW Act 1998 s.28)
                rates = [False]
            elif start is None:
                rates = [False, True]
            else:
                rates = [start <= day and (years < 19 or day < add_months(start, 12))]
            floors += [oracle_floor(day, years, r) for r in rates]
        day += DAY
    if any(f is None for f in floors):
        return None, None
    known = [f for f in floors if f is not None]
    return min(known), max(known)


# --- the properties --------------------------------------------------------------------------------------------


def series(values: list[Any]) -> pd.Series:
    return pd.Series(pd.to_datetime(values))


def at_or_none(values: pd.Series) -> list[dt.date | None]:
    return [None if pd.isna(v) else v.date() for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(dates, st.sampled_from(FREQUENCIES), dates), min_size=1, max_size=40))
def test_prp_start_containing_agrees_with_walking_the_periods(rows: list[tuple[dt.date, str, dt.date]]) -> None:
    """reg 6: the PRP containing a day, for any frequency and anchor (before or after the day)."""
    days, frequencies, anchors = zip(*rows)
    found = prp_start_containing(series(list(days)), pd.Series(frequencies, dtype="string"), series(list(anchors)))
    assert at_or_none(found) == [oracle_prp_start(d, f, a) for d, f, a in rows]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(dates, st.sampled_from([*FREQUENCIES, None]), dates), min_size=1, max_size=40))
def test_earliest_prp_start_is_the_oracles_and_never_after_a_real_prps_start(
        rows: list[tuple[dt.date, str | None, dt.date]]) -> None:
    """reg 6: the earliest a PRP containing the day could begin; whatever the anchor, the PRP that does contain it
    begins on or after that day and on or before the day itself, so the window of PRP starts misses none."""
    days, frequencies, anchors = zip(*rows)
    earliest = at_or_none(earliest_prp_start(series(list(days)), pd.Series(frequencies, dtype="string")))
    assert earliest == [oracle_earliest(d, f) for d, f, _ in rows]
    for (day, frequency, anchor), first in zip(rows, earliest):
        if frequency is not None:
            assert first is not None and first <= oracle_prp_start(day, frequency, anchor) <= day


workers = st.fixed_dictionaries({
    "born": st.one_of(st.none(), st.dates(D(1940, 1, 1), D(1990, 12, 31)), st.dates(D(1990, 1, 1), D(2010, 12, 31))),
    "age": st.one_of(st.none(), st.integers(17, 80)),
    "apprentice": st.one_of(st.none(), st.booleans()),
    "start": st.one_of(st.none(), dates),
    "day": dates,
    "frequency": st.one_of(st.none(), st.sampled_from(FREQUENCIES)),
    "anchor": st.one_of(st.none(), dates),
})


def window(w: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """As PAY-01 reads it: the PRP containing the day where frequency and anchor are known, else from the earliest
    start a PRP containing the day could have to the day itself."""
    if w["frequency"] is not None and w["anchor"] is not None:
        start = oracle_prp_start(w["day"], w["frequency"], w["anchor"])
        return start, start
    return oracle_earliest(w["day"], w["frequency"]), w["day"]


def judged(w: dict[str, Any]) -> bool:
    """Workers at least 16 on every day of the window (younger is outside the minimum wage: no range)."""
    first, _ = window(w)
    if w["born"] is not None:
        return age_on(w["born"], first) >= 16
    return True


@settings(max_examples=60, deadline=None)
@given(st.lists(workers.filter(judged), min_size=1, max_size=15))
def test_floor_range_agrees_with_every_day_and_every_unknown_of_the_oracle(ws: list[dict[str, Any]]) -> None:
    """regs 4B, 5 and 6: the lowest and highest floor of FloorRange are the least and greatest floor the oracle
    finds over every possible PRP start day and everything the return leaves unknown about the worker."""
    windows = [window(w) for w in ws]
    found = FloorRange.compute(
        series([w["born"] for w in ws]), pd.Series([w["age"] for w in ws], dtype="Float64"),
        pd.Series([w["apprentice"] for w in ws], dtype="boolean"), series([w["start"] for w in ws]),
        series([f for f, _ in windows]), series([last for _, last in windows]))
    expected = [oracle_range(w["born"], w["age"], w["apprentice"], w["start"], f, last)
                for w, (f, last) in zip(ws, windows)]
    lowest = [None if pd.isna(v) else float(v) for v in found.lowest]
    highest = [None if pd.isna(v) else float(v) for v in found.highest]
    assert list(zip(lowest, highest)) == expected


# --- PAY-06, end to end ----------------------------------------------------------------------------------------

pennies = st.integers(0, 300_000).map(lambda p: p / 100)
quarter_hours = st.integers(4, 800).map(lambda q: q / 4)
pay_rows = st.fixed_dictionaries({
    "born": st.one_of(st.none(), st.dates(D(1950, 1, 1), D(2006, 12, 31))),
    "apprentice": st.one_of(st.none(), st.booleans()),
    "start": st.one_of(st.none(), st.dates(D(2005, 1, 1), D(2026, 12, 31))),
    "prp_start": dates_in_the_data,
    "gross_pay": pennies,
    "premium_pay": st.one_of(st.none(), st.integers(0, 20_000).map(lambda p: p / 100)),
    "deductions": st.one_of(st.none(), st.integers(0, 10_000).map(lambda p: p / 100)),
    "hours_paid": quarter_hours,
    "unpaid_travel_hours": st.one_of(st.none(), st.integers(0, 80).map(lambda q: q / 4)),
    "accommodation_days": st.one_of(st.none(), st.integers(0, 31)),
    "accommodation_charge": st.one_of(st.none(), st.integers(0, 60_000).map(lambda p: p / 100)),
})


def offset_on(day: dt.date) -> float:
    return next(p.accommodation_offset for p in reversed(active_reference().history.periods)
                if p.effective_from <= day)


def oracle_pay_06(row: dict[str, Any]) -> bool | None:
    """True: a breach (pay ÷ hours below the least floor the PRP can carry); None: not judged."""
    offset = offset_on(row["prp_start"])
    if row["accommodation_charge"] and row["accommodation_days"] is None:
        return None  # charged for accommodation on days not given: the offset to set against it is unknown
    days, charge = row["accommodation_days"] or 0, row["accommodation_charge"] or 0
    if charge <= 0 and days <= 0:
        accommodation = 0.0
    elif charge <= 0:
        accommodation = offset * days  # free: pay at the offset for each day (regs 14-16)
    else:
        accommodation = offset * days - charge if charge > offset * days else 0.0
    pay = row["gross_pay"] - (row["premium_pay"] or 0) - (row["deductions"] or 0) - 0 + accommodation
    hours = row["hours_paid"] + (row["unpaid_travel_hours"] or 0) + 0 + 0 + 0
    lowest, _ = oracle_range(row["born"], None, row["apprentice"], row["start"], row["prp_start"], row["prp_start"])
    if lowest is None:
        return None
    return pay / hours < lowest


# each example is a whole check (about a second): few examples of many rows, and no slow shrinking
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(rows=st.lists(pay_rows, min_size=1, max_size=40))
def test_pay_06_breaches_are_the_oracles(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    """regs 4B, 5, 7, 10, 12-16, 34 over a whole return: PAY-06 finds a breach in exactly the Pay rows where the
    oracle's pay ÷ hours is below the least floor the PRP can carry."""
    workforce, pay = [], []
    for i, row in enumerate(rows):
        worker = {"worker_id": f"W{i}", "zero_hours": "N", "hourly_rate": 13,
                  "date_of_birth": row["born"] and row["born"].isoformat(),
                  "apprentice": None if row["apprentice"] is None else ("Y" if row["apprentice"] else "N"),
                  "apprenticeship_start": row["start"] and row["start"].isoformat()}
        workforce.append(worker)
        pay.append({"worker_id": f"W{i}", "prp_start": row["prp_start"].isoformat(),
                    **{k: row[k] for k in ("gross_pay", "premium_pay", "deductions", "hours_paid",
                                           "unpaid_travel_hours", "accommodation_days", "accommodation_charge")}})
    path = tmp_path / "return.json"
    path.write_text(json.dumps({"contract": {"provider_name": "P", "contract_ref": "C", "period_start": "2026-01-01",
                                             "period_end": "2026-03-31"}, "workforce": workforce, "pay": pay}),
                    encoding="utf-8")
    report = check(path, "statutory-minimum")
    breaches = sorted(f.location.row for f in report.findings if f.rule_id == "PAY-06")
    assert breaches == [i + 1 for i, row in enumerate(rows) if oracle_pay_06(row)]
