"""Dated pay-floor reference data: the statutory minimum wage and the Real Living Wage.

Why this module exists: the National Minimum Wage / National Living Wage is law, and a return
is judged against the rate that was in force on its own date, not today's. Getting the period,
the age band or the apprentice rate wrong produces a false "underpaid" (or worse, a missed one).
So the rates live in one dated, sourced data file (``contractcheck/data/uk_pay_floors.yaml``,
copied from the project's researched reference data), are validated strictly on load, and every
look-up can say which band of which period it used and where the figure came from.

The look-ups are vectorised over pandas columns (a return can have a million rows): dates are
turned into day numbers, the period is found with ``np.searchsorted`` and the rate is read from a
small (period x age) table with fancy indexing. There is no Python loop per row.

Decisions callers must know:

* Dates are whole days. Datetimes are truncated to their date; tz-aware values use their local
  wall-clock date. Which date to pass (pay reference period start, shift date) is the caller's
  rule, not this module's.
* Ages are completed years: fractional ages are floored (20.9 -> 20). Under 16 -> no floor (NA).
* Dates on or after ``next_expected_change`` still get the latest known period's rates;
  use :func:`is_beyond_known` to warn that newer rates probably exist.
* The Real Living Wage file sometimes lacks dates; the assumptions used to fill them are listed
  in :class:`RealLivingWageAnnouncement` and shown in its ``source_with_assumptions`` text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import importlib.resources
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import ConfigDict, Field, ValidationError, computed_field, model_validator

from contractcheck.errors import Location, RuleError
from contractcheck.wording import long_date
from contractcheck.yamldata import Strict, parse_yaml_text, validation_error

__all__ = [
    "AgeBand",
    "NlwThreshold",
    "PayFloors",
    "RealLivingWageAnnouncement",
    "StatutoryPeriod",
    "floors_in_force",
    "is_beyond_known",
    "parse_pay_floors",
    "pay_floors",
    "real_living_wage",
    "real_living_wage_in_force",
    "reference_sources",
    "statutory_band",
    "statutory_floor",
    "statutory_floor_with_band",
]

PAY_FLOORS_RESOURCE = "data/uk_pay_floors.yaml"
"""Location of the data file inside the ``contractcheck`` package."""

RlwBasis = Literal["implement_by", "announced"]

_NAT_DAY = np.iinfo(np.int64).min  # what NaT becomes when a datetime64[D] array is viewed as int64
_EPOCH = dt.date(1970, 1, 1)


# --------------------------------------------------------------------------------------------
# Models of the data file
# --------------------------------------------------------------------------------------------


class _Strict(Strict):
    """Base for the reference-data models: unknown keys are errors (as in every hand-written YAML file of the
    project, ``contractcheck.yamldata.Strict``); loaded data is read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AgeBand(_Strict):
    """One age band of a statutory period: ``min_age <= age <= max_age`` (null max = no limit)."""

    name: str
    min_age: int = Field(ge=0)
    max_age: int | None = None
    rate: float = Field(gt=0)
    is_nlw: bool

    @model_validator(mode="after")
    def _ages_ordered(self) -> AgeBand:
        if self.max_age is not None and self.max_age < self.min_age:
            raise ValueError(f"band {self.name!r}: max_age {self.max_age} < min_age {self.min_age}")
        return self

    def contains(self, age: int) -> bool:
        """Whether a whole-years age falls in this band."""
        return self.min_age <= age and (self.max_age is None or age <= self.max_age)

    def label(self, effective_from: dt.date) -> str:
        """Human label, e.g. 'National Living Wage (21 and over) from 1 April 2025'."""
        if self.is_nlw:
            what = f"National Living Wage ({self.min_age} and over)"
        elif self.max_age is None:
            what = f"National Minimum Wage ({self.min_age} and over)"
        else:
            what = f"{self.min_age} to {self.max_age} rate"
        return f"{what} from {long_date(effective_from)}"


class NlwThreshold(_Strict):
    """From this date the National Living Wage applied from this age."""

    effective_from: dt.date
    nlw_min_age: int = Field(ge=0)
    source: str


class StatutoryPeriod(_Strict):
    """NMW/NLW rates in force from ``effective_from`` to ``effective_to`` (inclusive; null = open)."""

    effective_from: dt.date
    effective_to: dt.date | None = None
    nlw_min_age: int | None = None
    bands: tuple[AgeBand, ...] = Field(min_length=1)
    apprentice: float = Field(gt=0)
    verified: bool
    source: str = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> StatutoryPeriod:
        where = f"period from {self.effective_from}"
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"{where}: effective_to {self.effective_to} is before effective_from")
        names = [b.name for b in self.bands]
        if len(set(names)) != len(names):
            raise ValueError(f"{where}: duplicate band names {names}")
        ordered = sorted(self.bands, key=lambda b: b.min_age)
        for lower, upper in zip(ordered, ordered[1:]):
            if lower.max_age is None or lower.max_age >= upper.min_age:
                raise ValueError(f"{where}: bands {lower.name!r} and {upper.name!r} overlap")
            if lower.max_age + 1 != upper.min_age:
                raise ValueError(f"{where}: ages between bands {lower.name!r} and {upper.name!r} have no rate")
        if ordered[-1].max_age is not None:
            raise ValueError(f"{where}: the oldest band {ordered[-1].name!r} must have no max_age")
        nlw = [b for b in self.bands if b.is_nlw]
        if self.nlw_min_age is None:
            if nlw:
                raise ValueError(f"{where}: band {nlw[0].name!r} is_nlw but nlw_min_age is null")
        elif len(nlw) != 1 or nlw[0].min_age != self.nlw_min_age or nlw[0].max_age is not None:
            raise ValueError(
                f"{where}: nlw_min_age {self.nlw_min_age} needs exactly one open-ended is_nlw band from that age"
            )
        return self

    def covers(self, on: dt.date) -> bool:
        """Whether this period is in force on a date."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def band_for_age(self, age: int) -> AgeBand | None:
        """The first band containing a whole-years age, or None (e.g. under 16)."""
        return next((b for b in self.bands if b.contains(age)), None)

    @property
    def min_age(self) -> int:
        """Youngest age with a statutory floor in this period."""
        return min(b.min_age for b in self.bands)

    @property
    def nlw_band(self) -> AgeBand | None:
        """The National Living Wage band (None before April 2016)."""
        return next((b for b in self.bands if b.is_nlw), None)

    @property
    def top_band(self) -> AgeBand:
        """The open-ended adult band (the NLW band from April 2016, the 21+ NMW before)."""
        return next(b for b in self.bands if b.max_age is None)

    def apprentice_label(self) -> str:
        """Human label of the apprentice rate, e.g. 'apprentice rate from 1 April 2025'."""
        return f"apprentice rate from {long_date(self.effective_from)}"


def _add_months(d: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic, clamping the day to the end of a shorter month."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


class RealLivingWageAnnouncement(_Strict):
    """One annual Real Living Wage announcement (Living Wage Foundation), UK and London rates.

    Missing dates are filled by documented assumptions, never silently:

    * ``implement_by`` null -> ``announced`` + 6 months (the Foundation's "within six months");
      if ``announced`` is null too -> 1 May of the year after ``announced_year`` (the recent
      "by 1 May" convention).
    * ``announced`` null (used only with basis "announced") -> 1 November of ``announced_year``
      (Living Wage Week is usually early November).

    ``source_with_assumptions`` is ``source`` with each assumption appended in square brackets.
    """

    announced_year: int
    announced: dt.date | None = None
    announced_date_verified: bool
    uk: float = Field(gt=0)
    london: float = Field(gt=0)
    implement_by: dt.date | None = None
    implement_by_verified: bool | None = None
    verified: bool
    source: str = Field(min_length=1)
    note: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def implement_by_assumed(self) -> bool:
        """True when ``implement_by_used`` is an assumption, not a date from the data."""
        return self.implement_by is None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def implement_by_used(self) -> dt.date:
        """The implement-by date the look-ups use (the data's, or the assumed one)."""
        if self.implement_by is not None:
            return self.implement_by
        if self.announced is not None:
            return _add_months(self.announced, 6)
        return dt.date(self.announced_year + 1, 5, 1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def announced_assumed(self) -> bool:
        """True when ``announced_used`` is an assumption, not a date from the data."""
        return self.announced is None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def announced_used(self) -> dt.date:
        """The announcement date the look-ups use (the data's, or 1 November of the year)."""
        return self.announced if self.announced is not None else dt.date(self.announced_year, 11, 1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def source_with_assumptions(self) -> str:
        """``source`` plus a bracketed note for every date that was assumed."""
        notes: list[str] = []
        if self.implement_by is None:
            how = (
                "announced date + 6 months"
                if self.announced is not None
                else f"1 May {self.announced_year + 1}, no announced date in the data"
            )
            notes.append(
                f"[assumed implement_by {self.implement_by_used.isoformat()} ({how}); not in the researched data]"
            )
        elif self.implement_by_verified is False:
            notes.append(f"[implement_by {self.implement_by.isoformat()} not verified in a source]")
        if self.announced is None:
            notes.append(
                f"[assumed announced {self.announced_used.isoformat()} (1 November of {self.announced_year}); "
                "not in the researched data]"
            )
        return " ".join([self.source, *notes])

    def rate(self, london: bool) -> float:
        """The London or UK rate."""
        return self.london if london else self.uk

    def in_force_from(self, basis: RlwBasis) -> dt.date:
        """The date from which this announcement applies under a basis."""
        return self.implement_by_used if basis == "implement_by" else self.announced_used


class PayFloors(_Strict):
    """The whole ``uk_pay_floors.yaml`` file, validated."""

    schema_version: Literal[1]
    units: Literal["GBP_per_hour"]
    currency: Literal["GBP"]
    next_expected_change: dt.date
    nlw_age_threshold_history: tuple[NlwThreshold, ...]
    statutory_periods: tuple[StatutoryPeriod, ...] = Field(min_length=1)
    real_living_wage: tuple[RealLivingWageAnnouncement, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PayFloors:
        periods = self.statutory_periods
        for before, after in zip(periods, periods[1:]):
            if before.effective_to is None:
                raise ValueError(f"period from {before.effective_from} is open-ended but is not the last period")
            if after.effective_from <= before.effective_to:
                raise ValueError(
                    f"periods from {before.effective_from} and {after.effective_from} overlap or are out of order"
                )
            if after.effective_from != before.effective_to + dt.timedelta(days=1):
                raise ValueError(f"gap between {before.effective_to} and {after.effective_from}: no statutory rate")
        if self.next_expected_change <= periods[-1].effective_from:
            raise ValueError(
                f"next_expected_change {self.next_expected_change} is not after the latest period "
                f"({periods[-1].effective_from})"
            )
        if periods[-1].effective_to is not None and self.next_expected_change != periods[
            -1
        ].effective_to + dt.timedelta(days=1):
            raise ValueError("next_expected_change must be the day after the last period's effective_to")
        thresholds = sorted(self.nlw_age_threshold_history, key=lambda t: t.effective_from)
        for period in periods:
            known = [t for t in thresholds if t.effective_from <= period.effective_from]
            expected = known[-1].nlw_min_age if known else None
            if period.nlw_min_age != expected:
                raise ValueError(
                    f"period from {period.effective_from}: nlw_min_age {period.nlw_min_age} disagrees with "
                    f"nlw_age_threshold_history ({expected})"
                )
        years = [a.announced_year for a in self.real_living_wage]
        if years != sorted(set(years)):
            raise ValueError("real_living_wage announcements must be in strictly increasing announced_year order")
        for basis in ("implement_by", "announced"):
            starts = [a.in_force_from(basis) for a in self.real_living_wage]
            for earlier, later, s0, s1 in zip(self.real_living_wage, self.real_living_wage[1:], starts, starts[1:]):
                if s1 <= s0:
                    raise ValueError(
                        f"real_living_wage {later.announced_year}: {basis} date {s1} is not after "
                        f"{earlier.announced_year}'s ({s0})"
                    )
        return self

    def period_on(self, on: dt.date) -> StatutoryPeriod | None:
        """The statutory period in force on a date, or None before the first one."""
        return next((p for p in self.statutory_periods if p.covers(on)), None)


# --------------------------------------------------------------------------------------------
# Loading (lazy, cached)
# --------------------------------------------------------------------------------------------

_COPIED_FROM = re.compile(r"^#\s*Copied from:\s*(?P<value>\S.*?)\s*$", re.MULTILINE)
_COPIED_ON = re.compile(r"^#\s*Copied on:\s*(?P<value>\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


def parse_pay_floors(text: str, file: str = "uk_pay_floors.yaml") -> PayFloors:
    """Parse and validate pay-floor YAML text; raises :class:`RuleError` naming ``file``."""
    doc = parse_yaml_text(text, file)  # YAML problems, duplicate keys and impossible dates, with their line
    if not isinstance(doc.data, dict):
        raise RuleError("pay-floor reference data must be a mapping at the top level", location=doc.location())
    try:
        return PayFloors.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(exc, doc, (), "pay-floor reference data") from None


@dataclass(frozen=True)
class _Loaded:
    """The validated file plus the numpy tables the vectorised look-ups use."""

    data: PayFloors
    text: str
    file: str
    # statutory
    period_start: np.ndarray  # int64 day numbers, ascending
    period_end: np.ndarray  # int64 day numbers (int64 max when open-ended)
    age_cap: int  # ages above this behave like this age
    rate_table: np.ndarray  # float64 [period, age 0..age_cap], NaN = no floor
    label_table: np.ndarray  # int64 [period, age 0..age_cap] -> labels, -1 = none
    apprentice_rate: np.ndarray  # float64 [period]
    apprentice_label: np.ndarray  # int64 [period] -> labels
    labels: tuple[str, ...]
    # real living wage, per basis: (start day numbers ascending, uk rates, london rates)
    rlw: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]


def _day_number(d: dt.date) -> int:
    return (d - _EPOCH).days


def _build(data: PayFloors, text: str, file: str) -> _Loaded:
    periods = data.statutory_periods
    start = np.array([_day_number(p.effective_from) for p in periods], dtype=np.int64)
    end = np.array(
        [_day_number(p.effective_to) if p.effective_to else np.iinfo(np.int64).max for p in periods], dtype=np.int64
    )
    age_cap = max(max(b.min_age, b.max_age or 0) for p in periods for b in p.bands) + 1
    rate_table = np.full((len(periods), age_cap + 1), np.nan)
    label_table = np.full((len(periods), age_cap + 1), -1, dtype=np.int64)
    labels: list[str] = []
    for i, period in enumerate(periods):
        for band in reversed(period.bands):  # reversed so that the first matching band wins
            hi = age_cap if band.max_age is None else min(band.max_age, age_cap)
            rate_table[i, band.min_age : hi + 1] = band.rate
            labels.append(band.label(period.effective_from))
            label_table[i, band.min_age : hi + 1] = len(labels) - 1
    apprentice_label = np.empty(len(periods), dtype=np.int64)
    for i, period in enumerate(periods):
        labels.append(period.apprentice_label())
        apprentice_label[i] = len(labels) - 1
    if len(set(labels)) != len(labels):
        raise RuleError("pay-floor reference data gives two bands the same label", location=Location(file=file))
    rlw: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for basis in ("implement_by", "announced"):
        rlw[basis] = (
            np.array([_day_number(a.in_force_from(basis)) for a in data.real_living_wage], dtype=np.int64),
            np.array([a.uk for a in data.real_living_wage]),
            np.array([a.london for a in data.real_living_wage]),
        )
    return _Loaded(
        data=data,
        text=text,
        file=file,
        period_start=start,
        period_end=end,
        age_cap=age_cap,
        rate_table=rate_table,
        label_table=label_table,
        apprentice_rate=np.array([p.apprentice for p in periods]),
        apprentice_label=apprentice_label,
        labels=tuple(labels),
        rlw=rlw,
    )


@cache
def _loaded() -> _Loaded:
    resource = importlib.resources.files("contractcheck").joinpath(PAY_FLOORS_RESOURCE)
    file = f"contractcheck/{PAY_FLOORS_RESOURCE}"
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read bundled pay-floor reference data: {exc}", location=Location(file=file)) from exc
    return _build(parse_pay_floors(text, file), text, file)


def pay_floors() -> PayFloors:
    """The validated bundled reference data (loaded on first use, then cached; read-only)."""
    return _loaded().data


# --------------------------------------------------------------------------------------------
# Input normalisation
# --------------------------------------------------------------------------------------------


def _as_date(value: Any) -> dt.date:
    """A single date from a date, datetime, pandas Timestamp, numpy datetime64 or ISO string."""
    if value is None or value is pd.NaT:
        raise ValueError("a date is required, got a missing value")
    if isinstance(value, dt.datetime):  # includes pd.Timestamp; local wall-clock date if tz-aware
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (np.datetime64, str)):
        ts = pd.Timestamp(np.datetime64(value))  # numpy accepts only ISO strings: no day/month guessing
        if pd.isna(ts):
            raise ValueError("a date is required, got NaT")
        return ts.date()
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _is_array(value: Any) -> bool:
    return pd.api.types.is_list_like(value) and not isinstance(value, (dict, set, frozenset))


def _common_index(*values: Any) -> pd.Index:
    """The index the results share: the Series inputs' (which must agree), else positional."""
    index: pd.Index | None = None
    length: int | None = None
    for value in values:
        if isinstance(value, pd.Series):
            if index is None:
                index = value.index
            elif not value.index.equals(index):
                raise ValueError("Series inputs must share the same index (align them first)")
        if _is_array(value):
            n = len(value)
            if length is not None and n != length:
                raise ValueError(f"inputs have different lengths ({length} and {n})")
            length = n
    if index is not None:
        return index
    return pd.RangeIndex(1 if length is None else length)


def _series(value: Any, index: pd.Index) -> pd.Series:
    """Wrap an array-like positionally on ``index`` (Series are passed through)."""
    if isinstance(value, pd.Series):
        return value
    return pd.Series(value, index=index)


def _day_numbers(on: Any, index: pd.Index) -> np.ndarray:
    """int64 days since 1970-01-01 for each row; NaT/None -> ``_NAT_DAY``."""
    n = len(index)
    if not _is_array(on):
        if on is None or on is pd.NaT or (not isinstance(on, str) and pd.isna(on)):
            return np.full(n, _NAT_DAY, dtype=np.int64)
        return np.full(n, _day_number(_as_date(on)), dtype=np.int64)
    s = _series(on, index)
    if not pd.api.types.is_datetime64_any_dtype(s.dtype) and s.isna().all():
        return np.full(n, _NAT_DAY, dtype=np.int64)  # a blank column, whatever dtype it was read as
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind not in ("date", "datetime", "datetime64", "empty"):
            raise TypeError(f"dates must be datetime64 or date objects, got {s.dtype} ({kind}); parse text dates first")
    s = pd.to_datetime(s)  # no-op for datetime64 of any unit; converts Arrow and object dates
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)  # local wall-clock time
    values = s.to_numpy()
    return values.astype("datetime64[D]").view(np.int64)


def _ages(age: Any, index: pd.Index) -> np.ndarray:
    """float64 completed years (floored) per row; NA / non-finite -> NaN."""
    n = len(index)
    if not _is_array(age):
        if age is None or pd.isna(age):
            return np.full(n, np.nan)
        if isinstance(age, (bool, np.bool_)) or not isinstance(age, (int, float, np.integer, np.floating)):
            raise TypeError(f"age must be a number, got {type(age).__name__}")
        values = np.full(n, float(age))
    else:
        s = _series(age, index)
        if pd.api.types.is_bool_dtype(s.dtype):
            raise TypeError("age must be numeric, got booleans")
        if not pd.api.types.is_numeric_dtype(s.dtype):
            s = pd.to_numeric(s)  # object column of numbers/None; raises on text
        values = s.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.floor(values)
    values[~np.isfinite(values)] = np.nan
    return values


def _flags(flag: Any, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """(value, known) boolean arrays per row; NA -> value False, known False."""
    n = len(index)
    if not _is_array(flag):
        if flag is None or pd.isna(flag):
            return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        return np.full(n, bool(flag)), np.ones(n, dtype=bool)
    arr = _series(flag, index).astype("boolean").array
    known = ~np.asarray(arr.isna(), dtype=bool)
    return arr.to_numpy(dtype=bool, na_value=False), known


# --------------------------------------------------------------------------------------------
# Statutory floor (NMW / NLW)
# --------------------------------------------------------------------------------------------


def _statutory(age: Any, on: Any, apprentice_rate: Any) -> tuple[pd.Index, np.ndarray, np.ndarray, _Loaded]:
    """Rates (NaN = none) and label codes (-1 = none) per row."""
    ref = _loaded()
    index = _common_index(age, on, apprentice_rate)
    days = _day_numbers(on, index)
    ages = _ages(age, index)
    apprentice, _ = _flags(apprentice_rate, index)

    period = np.searchsorted(ref.period_start, days, side="right") - 1
    in_period = (days != _NAT_DAY) & (period >= 0)
    period = np.where(in_period, period, 0)
    in_period &= days <= ref.period_end[period]
    valid = in_period & ~np.isnan(ages)
    age_col = np.where(valid, np.clip(np.nan_to_num(ages), 0, ref.age_cap), 0).astype(np.int64)

    rate = ref.rate_table[period, age_col]
    code = ref.label_table[period, age_col]
    valid &= code >= 0  # under 16: no floor
    use_apprentice = valid & apprentice
    rate = np.where(use_apprentice, ref.apprentice_rate[period], rate)
    code = np.where(use_apprentice, ref.apprentice_label[period], code)
    rate[~valid] = np.nan
    code[~valid] = -1
    return index, rate, code, ref


def _float_series(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    return pd.Series(pd.array(values, dtype="Float64"), index=index, name=name)


def _label_series(codes: np.ndarray, labels: Sequence[str], index: pd.Index, name: str) -> pd.Series:
    # Arrow "take" of a small label array: ~50x faster than Categorical -> string on 1M rows.
    taken = pa.array(list(labels), type=pa.string()).take(pa.array(codes, mask=codes < 0, type=pa.int64()))
    return pd.Series(pd.array(taken, dtype=pd.StringDtype()), index=index, name=name)


def statutory_floor(age: Any, on: Any, apprentice_rate: Any = False) -> pd.Series:
    """National Minimum Wage / National Living Wage hourly floor (GBP) for each row.

    ``age``: whole years (int/Float64, NA allowed; fractions are floored). ``on``: the date judged
    on (datetime64 of any unit, tz-aware, date objects; NaT allowed). ``apprentice_rate``: whether
    the apprentice rate applies (boolean; NA counts as False). The caller decides eligibility:
    under 19, or in the first year of the apprenticeship. Where it is True the floor is the
    period's apprentice rate (in every period so far it is no higher than the 16-17 rate).

    Returns Float64 on the Series inputs' index: NA where age or date is missing, where the date is
    before the first period (2014-10-01), or the age is under 16 (no statutory floor). Dates on or
    after ``next_expected_change`` get the latest known rates (see :func:`is_beyond_known`).
    Scalars broadcast; all-scalar input gives a one-row Series.
    """
    index, rate, _, _ = _statutory(age, on, apprentice_rate)
    return _float_series(rate, index, "statutory_floor")


def statutory_band(age: Any, on: Any, apprentice_rate: Any = False) -> pd.Series:
    """Human label of the band :func:`statutory_floor` used (string dtype; NA where it is NA).

    E.g. "National Living Wage (21 and over) from 1 April 2025", "18 to 20 rate from 1 April 2025",
    "apprentice rate from 1 April 2025", "National Minimum Wage (21 and over) from 1 October 2014".
    """
    index, _, code, ref = _statutory(age, on, apprentice_rate)
    return _label_series(code, ref.labels, index, "statutory_band")


def statutory_floor_with_band(age: Any, on: Any, apprentice_rate: Any = False) -> pd.DataFrame:
    """Both look-ups in one pass: columns ``floor`` (Float64) and ``band`` (string)."""
    index, rate, code, ref = _statutory(age, on, apprentice_rate)
    return pd.DataFrame(
        {"floor": _float_series(rate, index, "floor"), "band": _label_series(code, ref.labels, index, "band")}
    )


def floors_in_force(on: dt.date | dt.datetime | pd.Timestamp | str) -> StatutoryPeriod:
    """The statutory period in force on a date (for explanations and docs).

    Raises LookupError before the first period (2014-10-01). After ``next_expected_change`` this is
    still the latest known period; check :func:`is_beyond_known`.
    """
    day = _as_date(on)
    period = pay_floors().period_on(day)
    if period is None:
        first = pay_floors().statutory_periods[0].effective_from
        raise LookupError(f"no statutory pay floor data for {day.isoformat()} (data starts {first.isoformat()})")
    return period


def is_beyond_known(on: dt.date | dt.datetime | pd.Timestamp | str) -> bool:
    """True when a date is on/after ``next_expected_change``: newer statutory rates probably apply."""
    return _as_date(on) >= pay_floors().next_expected_change


# --------------------------------------------------------------------------------------------
# Real Living Wage (voluntary; Living Wage Foundation)
# --------------------------------------------------------------------------------------------


def _check_basis(basis: str) -> None:
    if basis not in ("implement_by", "announced"):
        raise ValueError(f"basis must be 'implement_by' or 'announced', got {basis!r}")


def real_living_wage(on: Any, london: Any = None, basis: RlwBasis = "implement_by") -> pd.Series:
    """Real Living Wage hourly rate (GBP) in force on each date, as Float64.

    ``basis="implement_by"``: the latest announcement whose implement-by date is <= the date (the
    strict reading for accredited employers). ``basis="announced"``: the latest announcement whose
    announcement date is <= the date (early adopters). Missing dates in the data are filled by the
    assumptions documented on :class:`RealLivingWageAnnouncement`.

    ``london``: True -> London rate, False -> UK rate; None means UK for every row. A missing (NA)
    London flag gives NA, because guessing "not London" would understate a London worker's floor.
    NA also where the date is missing or no rate applies yet. The RLW is for workers aged 18+;
    this function does not filter by age.
    """
    _check_basis(basis)
    ref = _loaded()
    index = _common_index(on, london)
    days = _day_numbers(on, index)
    if london is None:
        is_london, known = np.zeros(len(index), dtype=bool), np.ones(len(index), dtype=bool)
    else:
        is_london, known = _flags(london, index)
    starts, uk, ldn = ref.rlw[basis]
    pos = np.searchsorted(starts, days, side="right") - 1
    valid = (days != _NAT_DAY) & (pos >= 0) & known
    pos = np.where(valid, pos, 0)
    rate = np.where(is_london, ldn[pos], uk[pos])
    rate[~valid] = np.nan
    return _float_series(rate, index, "real_living_wage")


def real_living_wage_in_force(
    on: dt.date | dt.datetime | pd.Timestamp | str, basis: RlwBasis = "implement_by"
) -> RealLivingWageAnnouncement | None:
    """The announcement :func:`real_living_wage` uses on a date (None before the first applies)."""
    _check_basis(basis)
    day = _as_date(on)
    applicable = [a for a in pay_floors().real_living_wage if a.in_force_from(basis) <= day]
    return applicable[-1] if applicable else None


# --------------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------------


def reference_sources() -> dict[str, dict[str, str | None]]:
    """Where the reference data came from, for reports and evidence bundles.

    ``{"uk_pay_floors": {"file", "copied_from", "copied_on", "sha256", "latest_period_from",
    "next_expected_change"}}``; dates are ISO strings, ``sha256`` is of the bundled file's text.
    """
    ref = _loaded()
    copied_from = _COPIED_FROM.search(ref.text)
    copied_on = _COPIED_ON.search(ref.text)
    return {
        "uk_pay_floors": {
            "file": ref.file,
            "copied_from": copied_from.group("value") if copied_from else None,
            "copied_on": copied_on.group("value") if copied_on else None,
            "sha256": hashlib.sha256(ref.text.encode("utf-8")).hexdigest(),
            "latest_period_from": ref.data.statutory_periods[-1].effective_from.isoformat(),
            "next_expected_change": ref.data.next_expected_change.isoformat(),
        }
    }
