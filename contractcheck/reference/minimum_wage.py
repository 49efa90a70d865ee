"""When a minimum wage rate applies: pay reference periods and the range of floors a worker could be owed.

The National Minimum Wage is judged per **pay reference period** (PRP: the period a worker is paid for, a month
at most — National Minimum Wage Regulations 2015 reg 6) against the rate, the worker's age and apprenticeship on
the **first day of the PRP** (reg 4B). A workforce return says only what a worker was paid at the end of the
period, so the PRP that day fell in is known only when the pay frequency and a first day of some PRP are known.
Otherwise the floor is a range: the lowest and the highest floor any PRP containing that day could carry.
Below the lowest is a breach whatever the PRP; between the two is a query that more data would settle.

The same range covers what the return leaves unknown about the worker: no date of birth (any age band; an
``age`` given instead is read as the age on the day judged, so a year younger at the PRP start is possible) or,
for a worker the return says is an apprentice, no apprenticeship start date (reg 5: the apprentice rate is for an
apprentice under 19, or in the first 12 months of the apprenticeship, and only once it has begun). A blank
apprentice flag is not an apprenticeship: the lower rate is the employer's to establish (National Minimum Wage
Act 1998 s.28 presumes a worker qualifies for the minimum wage unless the contrary is shown).

Everything here is vectorised over whole columns (pandas Series of dates, numbers and flags); nothing loops per
row. Dates are ``datetime64`` Series; floors are GBP an hour (``Float64``, NA where unknown).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from contractcheck.reference.pay_floors import active_reference, statutory_band, statutory_floor
from contractcheck.vocabulary import match_key, vocabularies

#: the words for pay frequencies and pay bases are the vocabularies' (data/vocabularies.yaml: pay_frequency,
#: pay_basis); here each canonical value is lower-cased: ``weekly``, ``fortnightly``, ``four-weekly``, ``monthly``
#: (``monthly`` PRPs are calendar months from the anchor's day of the month: a tax month runs from the 6th) and
#: ``hourly``, ``weekly``, ``monthly``, ``annual``.

#: weeks in a year for turning weekly contracted hours into basic annual hours (regs 21-22: salaried hours work is
#: judged on the salary and the basic hours of the year). 52 rather than 52.14 (365 ÷ 7): the higher hourly figure,
#: so that a rounding convention is never the cause of a breach.
WEEKS_A_YEAR = 52.0

#: days in a PRP of a fixed length (a monthly PRP is a calendar month)
PERIOD_DAYS: dict[str, int] = {"weekly": 7, "fortnightly": 14, "four-weekly": 28}

_WEEKS_PER_BASIS = {"hourly": np.nan, "weekly": 1.0, "monthly": WEEKS_A_YEAR / 12, "annual": WEEKS_A_YEAR}

#: ages "unknown, as young as could be" and "unknown, as old as could be": the youngest band and the top band
_YOUNGEST, _OLDEST = 16.0, 200.0


def pay_frequency(words: pd.Series) -> pd.Series:
    """The canonical pay frequency (``weekly``, ``fortnightly``, ``four-weekly``, ``monthly``) for each row's
    words, NA where blank or not a frequency this knows (which then counts as unknown, never as monthly)."""
    return _canonical(words, "pay_frequency")


def _canonical(words: pd.Series, vocabulary: str) -> pd.Series:
    """Each row's canonical value of a vocabulary, lower-cased; the few distinct values are read, not every row (a
    column of a million rows holds a handful of spellings). Words the normaliser already made canonical read as
    themselves; a word outside the vocabulary is NA (unknown)."""
    lookup = vocabularies()[vocabulary].lookup()
    codes, distinct = pd.factorize(words.astype("string"), use_na_sentinel=True)
    found = [lookup.get(match_key(str(v))) for v in distinct.tolist()]
    canonical = np.array([f.lower() if f else None for f in found], dtype=object)
    picked: np.ndarray = canonical[np.maximum(codes, 0)] if len(canonical) else np.full(len(codes), None, dtype=object)
    none = np.full(len(codes), None, dtype=object)
    return pd.Series(np.where(codes >= 0, picked, none), index=words.index, dtype="string")


def pay_basis(words: pd.Series) -> pd.Series:
    """The canonical pay basis (``hourly``, ``weekly``, ``monthly``, ``annual``) of each row; NA where blank or
    not one this knows."""
    return _canonical(words, "pay_basis")


def hourly_from_salary(salary: pd.Series, basis: pd.Series, hours_a_week: pd.Series) -> pd.Series:
    """Hourly pay (GBP) of salaried staff: a salary stated per ``basis`` (canonical words, :func:`pay_basis`)
    over ``hours_a_week`` contracted hours. An annual salary ÷ (hours a week × 52); monthly × 12 ÷ (hours × 52);
    weekly ÷ hours; an hourly "salary" is the rate itself. Blank where the basis, salary or hours are unknown
    or the hours are not above 0 (regs 21-22: salaried hours work is paid for the basic hours of the year)."""
    pay = pd.to_numeric(salary, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    hours = pd.to_numeric(hours_a_week, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    kind = basis.to_numpy(dtype=object, na_value=None)
    weeks = np.array([_WEEKS_PER_BASIS.get(k, np.nan) if k else np.nan for k in pd.unique(kind)])
    per_kind = dict(zip(pd.unique(kind), weeks, strict=True))
    w = pd.Series(kind).map(per_kind).to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(kind == "hourly", pay, pay / (w * hours))
    rate = np.where((kind == "hourly") | (hours > 0), rate, np.nan)
    out = pd.Series(rate, index=salary.index, dtype="Float64")
    return out.mask(~np.isfinite(rate))


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as float (NaN where blank)."""
    d = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    out = d.astype("int64").astype("float64")
    out[np.isnat(d)] = np.nan
    return out


def _dates(days: np.ndarray, index: pd.Index) -> pd.Series:
    """datetime64 Series from float day numbers (NaN → NaT)."""
    known = ~np.isnan(days)
    values = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    values[known] = days[known].astype("int64").astype("datetime64[D]")
    return pd.Series(values.astype("datetime64[ns]"), index=index)


def _month_day(months: np.ndarray, day_of_month: np.ndarray) -> np.ndarray:
    """Day numbers of ``day_of_month`` in month ``months`` (months since 1970-01), clamped to the month's end
    (an anchor on the 31st gives 28 February); NaN in, NaN out."""
    known = ~(np.isnan(months) | np.isnan(day_of_month))
    m = np.where(known, months, 0).astype("int64").astype("datetime64[M]")
    first = m.astype("datetime64[D]").astype("int64")
    length = (m + 1).astype("datetime64[D]").astype("int64") - first
    out = first + np.minimum(np.where(known, day_of_month, 1), length) - 1
    return np.where(known, out.astype("float64"), np.nan)


def _split(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(months since 1970-01, day of month) of day numbers."""
    known = ~np.isnan(days)
    d = np.where(known, days, 0).astype("int64").astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    dom = (d - months.astype("datetime64[D]")).astype("int64") + 1
    return (np.where(known, months.astype("int64").astype("float64"), np.nan),
            np.where(known, dom.astype("float64"), np.nan))


def prp_start_containing(day: pd.Series, frequency: pd.Series, anchor: pd.Series) -> pd.Series:
    """The first day of the pay reference period that contains ``day``, for PRPs of ``frequency`` (canonical
    words, :func:`pay_frequency`) of which ``anchor`` is any first day. NaT where any of the three is unknown.

    Weekly, fortnightly and four-weekly PRPs repeat every 7, 14 and 28 days from the anchor; monthly PRPs start
    on the anchor's day of each month (a tax month, anchor 6 April, runs 6th to 5th), clamped to a short
    month's last day."""
    d, a = _days(day), _days(anchor)
    freq = frequency.astype("string").to_numpy(dtype=object, na_value=None)
    start = np.full(len(d), np.nan)
    for name, length in PERIOD_DAYS.items():
        rows = freq == name
        start[rows] = a[rows] + np.floor((d[rows] - a[rows]) / length) * length
    rows = freq == "monthly"
    if rows.any():
        day_months, _ = _split(d[rows])
        anchor_months, anchor_dom = _split(a[rows])
        this_month = _month_day(day_months, anchor_dom)
        last_month = _month_day(day_months - 1, anchor_dom)
        start[rows] = np.where(this_month <= d[rows], this_month, last_month)
        del anchor_months
    return _dates(start, day.index)


def earliest_prp_start(day: pd.Series, frequency: pd.Series) -> pd.Series:
    """The earliest first day a pay reference period containing ``day`` could have: 6, 13 or 27 days before it
    for weekly, fortnightly and four-weekly pay; for monthly pay or an unknown frequency, the day after the same
    date a month earlier (a PRP is a month at most, reg 6): 5 April → 6 March."""
    d = _days(day)
    freq = frequency.astype("string").to_numpy(dtype=object, na_value=None)
    months, dom = _split(d)
    # the day after the same date a month earlier (clamped: 31 March → 1 March)
    earliest = _month_day(months - 1, dom) + 1
    for name, length in PERIOD_DAYS.items():
        rows = freq == name
        earliest[rows] = d[rows] - (length - 1)
    return _dates(earliest, day.index)


def _rate_change_days() -> np.ndarray:
    """Day numbers on which statutory rates changed, sorted: every period the look-ups use, from October 2006
    (the history's periods too, not only the pay-floor file's, which begins in October 2014), and the next
    expected change."""
    data = active_reference()
    # the next expected change too: from that day the rates are not known, and a window reaching it has no range
    starts = [*(p.effective_from for p in data.periods), data.next_expected_change]
    return np.array([np.datetime64(s, "D").astype("int64") for s in starts], dtype="float64")


def _next_after(days: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each day, the first of ``points`` after it (NaN when none or the day is NaN)."""
    known = ~np.isnan(days)
    pos = np.searchsorted(points, np.where(known, days, 0), side="right")
    out = np.where(pos < len(points), points[np.minimum(pos, len(points) - 1)], np.nan)
    return np.where(known, out, np.nan)


def _next_anniversary(days: np.ndarray, of: np.ndarray) -> np.ndarray:
    """For each day, the first anniversary of date ``of`` after it (NaN where either is NaN)."""
    months, _ = _split(days)
    of_months, of_dom = _split(of)
    month_of_year = np.mod(of_months, 12)
    this_year = months - np.mod(months, 12) + month_of_year
    candidate = _month_day(this_year, of_dom)
    later = _month_day(this_year + 12, of_dom)
    return np.where(candidate > days, candidate, later)


def _add_months(days: np.ndarray, n: int) -> np.ndarray:
    months, dom = _split(days)
    return _month_day(months + n, dom)


class FloorRange:
    """The lowest and highest statutory floor (GBP an hour) a worker could be owed for a pay reference period
    that starts on some day from ``first`` to ``last`` (the same day when the PRP is known), with the bands
    behind each. Build with :meth:`compute`; read ``lowest``, ``highest``, ``lowest_band``, ``highest_band``
    (Series on the inputs' index; NA where no floor can be given: a date before the data or past its last
    known change, or a worker under the minimum wage age on every day)."""

    def __init__(self, lowest: pd.Series, highest: pd.Series, lowest_band: pd.Series, highest_band: pd.Series):
        self.lowest, self.highest = lowest, highest
        self.lowest_band, self.highest_band = lowest_band, highest_band

    @classmethod
    def compute(cls, date_of_birth: pd.Series, age: pd.Series, apprentice: pd.Series,
                apprenticeship_start: pd.Series, first: pd.Series, last: pd.Series) -> FloorRange:
        """``date_of_birth``, ``apprenticeship_start``, ``first``, ``last``: dates; ``age``: whole years on
        ``last`` (used only where the date of birth is blank); ``apprentice``: yes/no, blank = unknown.

        The floor on a PRP start day ``p`` depends on the rates in force on ``p`` (reg 4B), the age on ``p``
        and whether the apprentice rate applies on ``p`` (reg 5). It changes only on a rate change, a birthday,
        the apprenticeship's start and its first anniversary, so the floor is read on ``first`` and on each of
        those days that falls inside the window, and the lowest and highest taken over them."""
        index = first.index
        lo_day, hi_day = _days(first), _days(last)
        dob, app_start = _days(date_of_birth), _days(apprenticeship_start)
        given_age = pd.to_numeric(age, errors="coerce").astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        flag = apprentice.astype("boolean")
        # a blank apprentice flag is not an apprenticeship (see the module docstring: s.28)
        is_apprentice = flag.fillna(False).to_numpy(dtype=bool)
        may_be_apprentice = is_apprentice

        points = [lo_day]
        # a change no row's window holds is not looked up: where every PRP is known (first == last, a Pay table)
        # there is none, and the change days are not even worked out
        changes = (lambda: _next_after(lo_day, _rate_change_days()), lambda: _next_anniversary(lo_day, dob),
                   lambda: np.where(app_start > lo_day, app_start, np.nan),
                   lambda: _next_after_each(lo_day, _add_months(app_start, 12)))
        if (hi_day > lo_day).any():
            for change in changes:
                day = change()
                inside = np.where(day <= hi_day, day, np.nan)
                if not np.isnan(inside).all():
                    points.append(inside)

        lows: list[tuple[pd.Series, pd.Series]] = []
        highs: list[tuple[pd.Series, pd.Series]] = []
        for p in points:
            on = _dates(p, index)
            age_on = _age_on(dob, p)
            age_low = np.where(np.isnan(dob), np.where(np.isnan(given_age), _YOUNGEST, given_age - 1), age_on)
            age_high = np.where(np.isnan(dob), np.where(np.isnan(given_age), _OLDEST, given_age), age_on)
            started_maybe = np.isnan(app_start) | (app_start <= p)
            started_surely = ~np.isnan(app_start) & (app_start <= p)
            first_year_maybe = np.isnan(app_start) | (p < _add_months(app_start, 12))
            first_year_surely = ~np.isnan(app_start) & (p < _add_months(app_start, 12))
            rate_low = may_be_apprentice & started_maybe & ((age_low < 19) | first_year_maybe)
            rate_high = is_apprentice & started_surely & ((age_high < 19) | first_year_surely)
            lows.append(_floor_and_band(age_low, on, rate_low, index))
            same = np.array_equal(age_low, age_high, equal_nan=True) and np.array_equal(rate_low, rate_high)
            highs.append(lows[-1] if same else _floor_and_band(age_high, on, rate_high, index))
        valid = [~np.isnan(p) for p in points]
        lowest, lowest_band = _pick(lows, valid, True, len(index))
        highest, highest_band = _pick(highs, valid, False, len(index))
        return cls(lowest, highest, lowest_band, highest_band)


def _next_after_each(days: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Each row's own ``points`` value where it falls after the row's day, else NaN."""
    return np.where(points > days, points, np.nan)


def _age_on(dob: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Completed years from ``dob`` to ``days`` (NaN where either is NaN): a birthday counts on the day, and one
    on 29 February is reached on 1 March in other years."""
    dm, ddom = _split(dob)
    m, dom = _split(days)
    years = np.floor(m / 12) - np.floor(dm / 12)
    before = (np.mod(m, 12) < np.mod(dm, 12)) | ((np.mod(m, 12) == np.mod(dm, 12)) & (dom < ddom))
    return years - before.astype("float64")


def _floor_and_band(age: np.ndarray, on: pd.Series, apprentice_rate: np.ndarray,
                    index: pd.Index) -> tuple[pd.Series, pd.Series]:
    ages = pd.Series(age, index=index, dtype="Float64")
    flags = pd.Series(apprentice_rate, index=index, dtype="boolean")
    floor = statutory_floor(ages, on, flags)
    band = statutory_band(ages, on, flags)
    floor = floor.where(~np.isnan(_days(on)), pd.NA)
    return floor, band


def _pick(candidates: list[tuple[pd.Series, pd.Series]], valid: list[np.ndarray], lowest: bool,
          n: int) -> tuple[pd.Series, pd.Series]:
    """The lowest or highest floor over the candidate days that fall in the window (``valid``), and its band.
    NA where a day in the window has no floor (before the data, past its last known change, under 16): the range
    is then not known, and a rule using it does not judge the row."""
    index = candidates[0][0].index
    if len(candidates) == 1:  # one day (a known PRP): its floor, blank where it has none
        floor, band = candidates[0]
        unknown = ~valid[0] | floor.isna().to_numpy(dtype=bool)
        return floor.astype("Float64").mask(unknown), band.astype("string").mask(unknown)
    floors = np.column_stack([f.to_numpy(dtype="float64", na_value=np.nan) for f, _ in candidates])
    in_window = np.column_stack(valid)
    unknown = (in_window & np.isnan(floors)).any(axis=1) | ~in_window[:, 0]
    filled = np.where(in_window & ~np.isnan(floors), floors, np.inf if lowest else -np.inf)
    which = filled.argmin(axis=1) if lowest else filled.argmax(axis=1)
    rows = np.arange(n)
    value = pd.Series(floors[rows, which], index=index, dtype="Float64")
    bands = np.column_stack([b.to_numpy(dtype=object, na_value=None) for _, b in candidates])
    band = pd.Series(bands[rows, which], index=index, dtype="string")
    return value.mask(unknown | value.isna()), band.mask(unknown)
