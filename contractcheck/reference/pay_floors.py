"""Dated pay-floor reference data: the statutory minimum wage and the Real Living Wage.

Why this module exists: the National Minimum Wage / National Living Wage is law, and a return
is judged against the rate that was in force on its own date, not today's. Getting the period,
the age band or the apprentice rate wrong produces a false "underpaid" (or worse, a missed one).
So the rates live in dated, sourced data files copied from the project's researched reference data
(``contractcheck/data/uk_pay_floors.yaml``: NMW/NLW from October 2014 with a source per period, and the
Real Living Wage; ``contractcheck/data/nmw_history.yaml``: NMW/NLW from 1 October 2006 and the accommodation
offset of every period, from the gov.uk minimum wage calculator's data), are validated strictly on load, and
every look-up can say which band of which period it used and where the figure came from.

Which data judges is a :class:`PayReference`: the shipped files (:func:`shipped_reference`), or newer or
corrected tables a user gives (:func:`load_reference`, the CLI's ``--reference FILE``). The API makes one per
run and sets it for that run with :func:`using_reference` (a ``ContextVar``, so threads and worker processes
each judge with their own run's data); the look-ups read :func:`active_reference`. Each ``PayReference`` builds
its numpy tables once.

The look-ups are vectorised over pandas columns (a return can have a million rows): dates are
turned into day numbers, the period is found with ``np.searchsorted`` and the rate is read from a
small (period x age) table with fancy indexing. There is no Python loop per row.

Decisions callers must know:

* Dates are whole days. Datetimes are truncated to their date; tz-aware values use their local
  wall-clock date. Which date to pass (pay reference period start, shift date) is the caller's
  rule, not this module's.
* Ages are completed years: fractional ages are floored (20.9 -> 20). Under 16 -> no floor (NA).
* Dates on or after ``next_expected_change`` get no statutory floor (NA): newer rates probably apply and
  are not in the data, so nothing may be judged on last year's (:func:`pay_floor_known`). Dates before the
  first period (1 October 2006) get NA too: never a floor the data does not hold.
* Before 1 October 2010 there was no apprentice rate: an apprentice gets the rate for their age.
* The Real Living Wage is known until the next implement-by date the data lets us expect: 12 months after
  the latest announcement's (announcements are yearly); after that :func:`real_living_wage` is NA.
* The Real Living Wage file sometimes lacks dates; the assumptions used to fill them are listed
  in :class:`RealLivingWageAnnouncement` and shown in its ``source_with_assumptions`` text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import importlib.resources
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import ConfigDict, Field, ValidationError, computed_field, model_validator

from contractcheck.errors import Location, RuleError
from contractcheck.wording import long_date
from contractcheck.yamldata import Strict, parse_yaml_text, read_text_file, validation_error

__all__ = [
    "AgeBand",
    "HistoryPeriod",
    "NlwThreshold",
    "NmwHistory",
    "PayFloors",
    "PayReference",
    "RealLivingWageAnnouncement",
    "StatutoryPeriod",
    "accommodation_offset",
    "active_reference",
    "floors_in_force",
    "is_beyond_known",
    "load_reference",
    "parse_nmw_history",
    "parse_pay_floors",
    "pay_floor_known",
    "pay_floors",
    "real_living_wage",
    "real_living_wage_in_force",
    "real_living_wage_known",
    "reference_sources",
    "shipped_reference",
    "statutory_band",
    "statutory_floor",
    "statutory_floor_with_band",
    "using_reference",
]

PAY_FLOORS_RESOURCE = "data/uk_pay_floors.yaml"
"""Location of the pay-floor data file inside the ``contractcheck`` package."""
NMW_HISTORY_RESOURCE = "data/nmw_history.yaml"
"""Location of the minimum wage history (from October 2006, with accommodation offsets) inside the package."""
NMW_HISTORY_SOURCE = (
    "gov.uk minimum wage calculator rate data (alphagov/smart-answers, config/smart_answers/rates/"
    "minimum_wage.yml, as of 16 March 2026)"
)
"""Where the shipped history's figures come from (its header says so; each period gets this as its source)."""
NLW_INTRODUCED = dt.date(2016, 4, 1)
"""The National Living Wage began on 1 April 2016 (National Minimum Wage (Amendment) Regulations 2016)."""
SCHOOL_LEAVING_AGE = 16
"""No statutory floor below this age (above compulsory school age; NMW Act 1998 s.1(2)(c))."""
RLW_CYCLE_MONTHS = 12
"""Real Living Wage rates are announced once a year, so the next implement-by date is expected this many months
after the latest one in the data; from then on a newer rate may be due and is not known."""

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
    apprentice: Annotated[float, Field(gt=0)] | None
    """the apprentice rate (GBP per hour); null where there was none (before 1 October 2010): an apprentice
    then gets the rate for their age"""
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
        """The period of this file in force on a date, or None before its first one (this file alone: the
        look-ups also use the history before it and stop at ``next_expected_change``; see :func:`floors_in_force`)."""
        return next((p for p in self.statutory_periods if p.covers(on)), None)


_BAND_KEY = re.compile(r"^(?P<low>\d+)(?:-(?P<high>\d+)|(?P<open>\+))$")


class HistoryPeriod(_Strict):
    """One period of ``nmw_history.yaml``: NMW/NLW rates (GBP per hour) and the accommodation offset (GBP per
    day) in force from ``from`` until the next period starts (gov.uk minimum wage calculator data).

    ``bands`` maps an age band to its rate: ``"A-B"`` is ``A <= age < B``, ``"A+"`` is ``age >= A``; together
    they cover every age from 0 up, youngest first. ``apprentice`` is null before the apprentice rate began
    (1 October 2010). ``accommodation_offset``: free accommodation counts as this much pay a day; a charge
    above it reduces minimum wage pay (NMW Regulations 2015 regs 14-16).
    """

    effective_from: dt.date = Field(alias="from")
    bands: dict[str, Annotated[float, Field(gt=0)]] = Field(min_length=1)
    apprentice: Annotated[float, Field(gt=0)] | None
    accommodation_offset: float = Field(gt=0)

    @model_validator(mode="after")
    def _bands_cover_every_age(self) -> HistoryPeriod:
        self.age_bands()  # raises ValueError naming the bad key
        return self

    def age_bands(self) -> list[tuple[int, int | None, float]]:
        """``(min_age, max_age or None, rate)`` per band, youngest first, ages inclusive as in ``AgeBand``."""
        where = f"period from {self.effective_from}"
        out: list[tuple[int, int | None, float]] = []
        expected_low = 0
        for i, (key, rate) in enumerate(self.bands.items()):
            m = _BAND_KEY.match(key)
            if m is None:
                raise ValueError(f"{where}: age band {key!r} is not written 'A-B' (A <= age < B) or 'A+'")
            low = int(m["low"])
            if low != expected_low:
                raise ValueError(f"{where}: age band {key!r} should start at {expected_low} (bands are youngest "
                                 "first, each starting where the one before ends)")
            if m["open"]:
                if i != len(self.bands) - 1:
                    raise ValueError(f"{where}: only the last age band may be open-ended ('{low}+')")
                out.append((low, None, rate))
                return out
            high = int(m["high"])
            if high <= low:
                raise ValueError(f"{where}: age band {key!r} is empty")
            out.append((low, high - 1, rate))
            expected_low = high
        raise ValueError(f"{where}: the last age band must be open-ended, e.g. '21+'")

    def as_statutory_period(self, effective_to: dt.date, source: str) -> StatutoryPeriod:
        """This period in the shape of ``uk_pay_floors.yaml`` (no band below 16; the open band is the National
        Living Wage from April 2016)."""
        bands: list[AgeBand] = []
        for low, high, rate in self.age_bands():
            low = max(low, SCHOOL_LEAVING_AGE)
            if high is not None and high < low:
                continue  # wholly below school-leaving age: no statutory floor
            is_nlw = high is None and self.effective_from >= NLW_INTRODUCED
            name = (f"nlw_{low}_plus" if is_nlw else f"adult_{low}_plus") if high is None else f"age_{low}_{high}"
            bands.append(AgeBand(name=name, min_age=low, max_age=high, rate=rate, is_nlw=is_nlw))
        nlw_min_age = next((b.min_age for b in bands if b.is_nlw), None)
        return StatutoryPeriod(effective_from=self.effective_from, effective_to=effective_to,
                               nlw_min_age=nlw_min_age, bands=tuple(bands), apprentice=self.apprentice,
                               verified=True, source=source)


class NmwHistory(_Strict):
    """The whole ``nmw_history.yaml`` file, validated: periods in date order, each until the next starts."""

    periods: tuple[HistoryPeriod, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_order(self) -> NmwHistory:
        for before, after in zip(self.periods, self.periods[1:]):
            if after.effective_from <= before.effective_from:
                raise ValueError(f"periods from {before.effective_from} and {after.effective_from} are out of order")
        return self


# --------------------------------------------------------------------------------------------
# Loading: a PayReference is the data one run judges with, its tables built once
# --------------------------------------------------------------------------------------------

_COPIED_FROM = re.compile(r"^#\s*Copied from:\s*(?P<value>\S.*?)\s*$", re.MULTILINE)
_COPIED_ON = re.compile(r"^#\s*Copied on:\s*(?P<value>\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)

ReferenceKind = Literal["uk_pay_floors", "nmw_history"]
SHIPPED = "shipped with contractcheck"
GIVEN = "given with --reference (reference= from Python)"


def _parse(text: str, file: str, model: type[PayFloors] | type[NmwHistory], what: str, code: str) -> Any:
    doc = parse_yaml_text(text, file)  # YAML problems, duplicate keys and impossible dates, with their line
    if not isinstance(doc.data, dict):
        raise RuleError(f"{what} must be a mapping at the top level", code=code, location=doc.location())
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(exc, doc, (), what, code=code) from None


def parse_pay_floors(text: str, file: str = "uk_pay_floors.yaml", code: str = "RULE001") -> PayFloors:
    """Parse and validate pay-floor YAML text; raises :class:`RuleError` (``code``) naming ``file`` and line."""
    result: PayFloors = _parse(text, file, PayFloors, "pay-floor reference data", code)
    return result


def parse_nmw_history(text: str, file: str = "nmw_history.yaml", code: str = "RULE001") -> NmwHistory:
    """Parse and validate minimum wage history YAML text; raises :class:`RuleError` naming ``file`` and line."""
    result: NmwHistory = _parse(text, file, NmwHistory, "minimum wage history", code)
    return result


@dataclass(frozen=True)
class _Source:
    """One data file as read: its text (for the SHA-256 and the copy header), name and who supplied it."""

    text: str
    file: str
    origin: str

    def provenance(self) -> dict[str, str | None]:
        copied_from = _COPIED_FROM.search(self.text)
        copied_on = _COPIED_ON.search(self.text)
        return {
            "file": self.file,
            "origin": self.origin,
            "copied_from": copied_from.group("value") if copied_from else None,
            "copied_on": copied_on.group("value") if copied_on else None,
            "sha256": hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
        }


def _day_number(d: dt.date) -> int:
    return (d - _EPOCH).days


def _statutory_periods(
    floors: PayFloors, history: NmwHistory, history_source: str, floors_file: str
) -> list[StatutoryPeriod]:
    """The periods the look-ups use: the history's before the pay-floor file's first period (the pay-floor file,
    with a source per period, governs from its first period on), then the pay-floor file's.

    The history's last period is taken to run until the pay-floor file's first only when that starts within
    12 months of it (rates have been uprated at least yearly since 1999); a longer gap would judge the dates
    between on rates that have since changed, so it is an error naming the pay-floor file.
    """
    first = floors.statutory_periods[0].effective_from
    latest = history.periods[-1].effective_from
    if first > _add_months(latest, 12):
        raise RuleError(
            f"pay-floor reference data starts on {first.isoformat()}, but the minimum wage history ends with the "
            f"period from {latest.isoformat()}: add the periods between (rates change at least once a year)",
            code="REF001", location=Location(file=floors_file),
        )
    earlier = [h for h in history.periods if h.effective_from < first]
    ends = [h.effective_from - dt.timedelta(days=1) for h in earlier[1:]] + [first - dt.timedelta(days=1)]
    return [h.as_statutory_period(end, history_source) for h, end in zip(earlier, ends)] + list(
        floors.statutory_periods
    )


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it holds numpy tables
class PayReference:
    """The reference data one run judges with (pay floors + history), and the numpy tables built from it once.

    Make one with :func:`shipped_reference` or :func:`load_reference`; judge with it inside
    :func:`using_reference`. Read-only; it pickles (batch workers are sent it rather than re-reading files).
    """

    floors: PayFloors
    history: NmwHistory
    sources: dict[ReferenceKind, _Source]
    periods: tuple[StatutoryPeriod, ...]
    """every statutory period the look-ups use, from the history's first (1 October 2006) on"""
    # statutory
    period_start: np.ndarray  # int64 day numbers, ascending
    period_end: np.ndarray  # int64 day numbers, inclusive; the last ends the day before next_expected_change
    age_cap: int  # ages above this behave like this age
    rate_table: np.ndarray  # float64 [period, age 0..age_cap], NaN = no floor
    label_table: np.ndarray  # int64 [period, age 0..age_cap] -> labels, -1 = none
    apprentice_rate: np.ndarray  # float64 [period], NaN = no apprentice rate then
    apprentice_label: np.ndarray  # int64 [period] -> labels, -1 = none
    labels: tuple[str, ...]
    # accommodation offset: start day numbers ascending, GBP per day, first day no longer known
    offset_start: np.ndarray
    offset_value: np.ndarray
    offset_until: int
    # real living wage, per basis: (start day numbers ascending, uk rates, london rates), first day not known
    rlw: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    rlw_until: dict[str, int]

    @property
    def known_from(self) -> dt.date:
        """The first day with a statutory floor in the data (1 October 2006 in the shipped data)."""
        return self.periods[0].effective_from

    @property
    def next_expected_change(self) -> dt.date:
        """The first day whose statutory floor is not in the data (the next April uprating)."""
        return self.floors.next_expected_change

    def real_living_wage_next_due(self, basis: RlwBasis = "implement_by") -> dt.date:
        """The first day on which a newer Real Living Wage than the data holds may be due (an assumption: the
        latest announcement's date under ``basis`` plus :data:`RLW_CYCLE_MONTHS`, as rates are set yearly)."""
        return _EPOCH + dt.timedelta(days=self.rlw_until[basis])

    def provenance(self) -> dict[str, dict[str, str | None]]:
        """Where each data file came from (see :func:`reference_sources`)."""
        floors = self.floors.statutory_periods
        history = self.history.periods
        return {
            "uk_pay_floors": {
                **self.sources["uk_pay_floors"].provenance(),
                "latest_period_from": floors[-1].effective_from.isoformat(),
                "latest_period_source": floors[-1].source,
                "next_expected_change": self.next_expected_change.isoformat(),
                "real_living_wage_next_due": self.real_living_wage_next_due().isoformat(),
            },
            "nmw_history": {
                **self.sources["nmw_history"].provenance(),
                "first_period_from": history[0].effective_from.isoformat(),
                "latest_period_from": history[-1].effective_from.isoformat(),
            },
        }


def _build(floors: PayFloors, history: NmwHistory, sources: dict[ReferenceKind, _Source]) -> PayReference:
    hist = sources["nmw_history"]
    history_source = NMW_HISTORY_SOURCE if hist.origin == SHIPPED else f"minimum wage history in {hist.file}"
    periods = _statutory_periods(floors, history, history_source, sources["uk_pay_floors"].file)
    until = _day_number(floors.next_expected_change)
    start = np.array([_day_number(p.effective_from) for p in periods], dtype=np.int64)
    end = np.array([_day_number(p.effective_to) if p.effective_to else until - 1 for p in periods], dtype=np.int64)
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
    apprentice_label = np.full(len(periods), -1, dtype=np.int64)
    for i, period in enumerate(periods):
        if period.apprentice is not None:
            labels.append(period.apprentice_label())
            apprentice_label[i] = len(labels) - 1
    if len(set(labels)) != len(labels):
        raise RuleError("pay-floor reference data gives two bands the same label",
                        location=Location(file=sources["uk_pay_floors"].file))
    # The offset of the history's last period holds until the statutory rates next change: the next period of
    # the pay-floor file after it, else next_expected_change (offsets are set with each uprating).
    last_history = history.periods[-1].effective_from
    later = [p.effective_from for p in floors.statutory_periods if p.effective_from > last_history]
    offset_until = _day_number(later[0]) if later else until
    rlw: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    rlw_until: dict[str, int] = {}
    for basis in ("implement_by", "announced"):
        starts = [a.in_force_from(basis) for a in floors.real_living_wage]
        rlw[basis] = (
            np.array([_day_number(d) for d in starts], dtype=np.int64),
            np.array([a.uk for a in floors.real_living_wage]),
            np.array([a.london for a in floors.real_living_wage]),
        )
        rlw_until[basis] = _day_number(_add_months(starts[-1], RLW_CYCLE_MONTHS))
    return PayReference(
        floors=floors,
        history=history,
        sources=sources,
        periods=tuple(periods),
        period_start=start,
        period_end=end,
        age_cap=age_cap,
        rate_table=rate_table,
        label_table=label_table,
        apprentice_rate=np.array([np.nan if p.apprentice is None else p.apprentice for p in periods]),
        apprentice_label=apprentice_label,
        labels=tuple(labels),
        offset_start=np.array([_day_number(h.effective_from) for h in history.periods], dtype=np.int64),
        offset_value=np.array([h.accommodation_offset for h in history.periods]),
        offset_until=offset_until,
        rlw=rlw,
        rlw_until=rlw_until,
    )


def _shipped_text(resource: str) -> _Source:
    file = f"contractcheck/{resource}"
    try:
        text = importlib.resources.files("contractcheck").joinpath(resource).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read bundled reference data: {exc}", location=Location(file=file)) from exc
    return _Source(text=text, file=file, origin=SHIPPED)


@cache
def shipped_reference() -> PayReference:
    """The reference data shipped in the package (loaded on first use, then cached; read-only)."""
    floors = _shipped_text(PAY_FLOORS_RESOURCE)
    history = _shipped_text(NMW_HISTORY_RESOURCE)
    return _build(parse_pay_floors(floors.text, floors.file), parse_nmw_history(history.text, history.file),
                  {"uk_pay_floors": floors, "nmw_history": history})


def _kind_of(text: str, file: str) -> ReferenceKind:
    doc = parse_yaml_text(text, file)
    keys = set(doc.data) if isinstance(doc.data, dict) else set()
    if "statutory_periods" in keys:
        return "uk_pay_floors"
    if "periods" in keys:
        return "nmw_history"
    raise RuleError(
        "not a pay-rate table: expected a YAML mapping with 'statutory_periods:' (the schema of "
        "contractcheck/data/uk_pay_floors.yaml) or 'periods:' (the schema of contractcheck/data/nmw_history.yaml)",
        code="REF000", location=doc.location(),
    )


def load_reference(paths: Sequence[str | Path]) -> PayReference:
    """Reference data with the given files in place of the shipped ones, validated (one run's data).

    Each file is a pay-floor table in the schema of ``contractcheck/data/uk_pay_floors.yaml`` (its
    ``statutory_periods`` from some date on, ``next_expected_change`` and the Real Living Wage) or a minimum wage
    history in the schema of ``contractcheck/data/nmw_history.yaml``; at most one of each. What is not given is
    the shipped file. A bad file raises :class:`RuleError` naming file and line: ``REF000`` when it is neither
    kind (or a kind is given twice), ``REF001`` when its content is wrong, ``YAML00x`` when it is not YAML.
    """
    given: dict[ReferenceKind, _Source] = {}
    for path in paths:
        file = str(path)
        text = read_text_file(Path(path))
        kind = _kind_of(text, file)
        if kind in given:
            raise RuleError(f"a second {kind} table (the first was {given[kind].file}); give one of each at most",
                            code="REF000", location=Location(file=file))
        given[kind] = _Source(text=text, file=file, origin=GIVEN)
    if not given:
        return shipped_reference()
    shipped = shipped_reference()
    sources = {**shipped.sources, **given}
    floors = (parse_pay_floors(given["uk_pay_floors"].text, given["uk_pay_floors"].file, code="REF001")
              if "uk_pay_floors" in given else shipped.floors)
    history = (parse_nmw_history(given["nmw_history"].text, given["nmw_history"].file, code="REF001")
               if "nmw_history" in given else shipped.history)
    return _build(floors, history, sources)


_ACTIVE: ContextVar[PayReference | None] = ContextVar("contractcheck_pay_reference", default=None)


def active_reference() -> PayReference:
    """The reference data the look-ups use now: the one set by :func:`using_reference`, else the shipped data."""
    return _ACTIVE.get() or shipped_reference()


@contextmanager
def using_reference(reference: PayReference) -> Iterator[PayReference]:
    """Judge with ``reference`` inside the ``with`` block (this thread or task only; restored after)."""
    token = _ACTIVE.set(reference)
    try:
        yield reference
    finally:
        _ACTIVE.reset(token)


def pay_floors() -> PayFloors:
    """The validated pay-floor data in use (:func:`active_reference`; read-only)."""
    return active_reference().floors


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

_AnyDate: TypeAlias = dt.date | dt.datetime | pd.Timestamp | str


def _statutory(
    age: Any, on: Any, apprentice_rate: Any, reference: PayReference | None
) -> tuple[pd.Index, np.ndarray, np.ndarray, PayReference]:
    """Rates (NaN = none) and label codes (-1 = none) per row."""
    ref = reference or active_reference()
    index = _common_index(age, on, apprentice_rate)
    days = _day_numbers(on, index)
    ages = _ages(age, index)
    apprentice, _ = _flags(apprentice_rate, index)

    period = np.searchsorted(ref.period_start, days, side="right") - 1
    in_period = (days != _NAT_DAY) & (period >= 0)
    period = np.where(in_period, period, 0)
    in_period &= days <= ref.period_end[period]  # past the data's last known change: no floor
    valid = in_period & ~np.isnan(ages)
    age_col = np.where(valid, np.clip(np.nan_to_num(ages), 0, ref.age_cap), 0).astype(np.int64)

    rate = ref.rate_table[period, age_col]
    code = ref.label_table[period, age_col]
    valid &= code >= 0  # under 16: no floor
    # no apprentice rate before October 2010: an apprentice gets the rate for their age
    use_apprentice = valid & apprentice & ~np.isnan(ref.apprentice_rate[period])
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


def _known_series(days: np.ndarray, first: int, until: int, index: pd.Index, name: str) -> pd.Series:
    known = pd.array((days >= first) & (days < until), dtype="boolean")
    known[days == _NAT_DAY] = pd.NA
    return pd.Series(known, index=index, name=name)


def statutory_floor(
    age: Any, on: Any, apprentice_rate: Any = False, *, reference: PayReference | None = None
) -> pd.Series:
    """National Minimum Wage / National Living Wage hourly floor (GBP per hour) for each row.

    ``age``: whole years (int/Float64, NA allowed; fractions are floored). ``on``: the date judged
    on (datetime64 of any unit, tz-aware, date objects; NaT allowed). ``apprentice_rate``: whether
    the apprentice rate applies (boolean; NA counts as False). The caller decides eligibility:
    under 19, or in the first year of the apprenticeship (NMW Regulations 2015 reg 5). Where it is True the
    floor is the period's apprentice rate; before 1 October 2010 there was none, and the rate for the age applies.

    Returns Float64 on the Series inputs' index: NA where age or date is missing, where the date is
    before the first period (1 October 2006) or on/after ``next_expected_change`` (the rates then are not in
    the data: see :func:`pay_floor_known`), or the age is under 16 (no statutory floor). Sources: gov.uk
    national-minimum-wage-rates (``uk_pay_floors.yaml``, from October 2014) and the gov.uk minimum wage
    calculator's data (``nmw_history.yaml``, before). Scalars broadcast; all-scalar input gives a one-row Series.
    ``reference``: the data to use (default :func:`active_reference`).
    """
    index, rate, _, _ = _statutory(age, on, apprentice_rate, reference)
    return _float_series(rate, index, "statutory_floor")


def statutory_band(
    age: Any, on: Any, apprentice_rate: Any = False, *, reference: PayReference | None = None
) -> pd.Series:
    """Human label of the band :func:`statutory_floor` used (string dtype; NA where it is NA).

    E.g. "National Living Wage (21 and over) from 1 April 2025", "18 to 20 rate from 1 April 2025",
    "apprentice rate from 1 April 2025", "National Minimum Wage (22 and over) from 1 October 2007".
    """
    index, _, code, ref = _statutory(age, on, apprentice_rate, reference)
    return _label_series(code, ref.labels, index, "statutory_band")


def statutory_floor_with_band(
    age: Any, on: Any, apprentice_rate: Any = False, *, reference: PayReference | None = None
) -> pd.DataFrame:
    """Both look-ups in one pass: columns ``floor`` (Float64, GBP per hour) and ``band`` (string)."""
    index, rate, code, ref = _statutory(age, on, apprentice_rate, reference)
    return pd.DataFrame(
        {"floor": _float_series(rate, index, "floor"), "band": _label_series(code, ref.labels, index, "band")}
    )


def pay_floor_known(on: Any, *, reference: PayReference | None = None) -> pd.Series:
    """Whether the statutory floor in force on each date is in the data (nullable boolean; NA where the date is).

    False before the first period (1 October 2006) and on/after ``next_expected_change``: a pay rule must not
    pass a worker on rates the data does not hold (newer ones are given with ``--reference FILE``).
    """
    ref = reference or active_reference()
    index = _common_index(on)
    days = _day_numbers(on, index)
    return _known_series(days, int(ref.period_start[0]), _day_number(ref.next_expected_change), index,
                         "pay_floor_known")


def floors_in_force(on: _AnyDate, *, reference: PayReference | None = None) -> StatutoryPeriod:
    """The statutory period in force on a date (for explanations and docs).

    Raises LookupError before the first period (1 October 2006) and on/after ``next_expected_change``, where
    the rates in force are not in the data.
    """
    ref = reference or active_reference()
    day = _as_date(on)
    if day >= ref.next_expected_change:
        raise LookupError(f"no statutory pay floor data for {day.isoformat()}: the rates known end the day before "
                          f"the change expected on {ref.next_expected_change.isoformat()}")
    period = next((p for p in ref.periods if p.effective_from <= day and
                   (p.effective_to is None or day <= p.effective_to)), None)
    if period is None:
        raise LookupError(f"no statutory pay floor data for {day.isoformat()} "
                          f"(data starts {ref.known_from.isoformat()})")
    return period


def is_beyond_known(on: _AnyDate, *, reference: PayReference | None = None) -> bool:
    """True when a date is on/after ``next_expected_change``: newer statutory rates probably apply."""
    return _as_date(on) >= (reference or active_reference()).next_expected_change


# --------------------------------------------------------------------------------------------
# Accommodation offset (NMW Regulations 2015 regs 14-16)
# --------------------------------------------------------------------------------------------


def accommodation_offset(on: Any, *, reference: PayReference | None = None) -> pd.Series:
    """The accommodation offset (GBP per day) in force on each date, as Float64.

    Where an employer provides living accommodation free, this much a day counts as minimum wage pay; where it
    charges more than this a day, the excess reduces minimum wage pay (NMW Regulations 2015 regs 14-16).
    Source: the gov.uk minimum wage calculator's data (``nmw_history.yaml``), from 1 October 2006. NA where the
    date is missing, before 1 October 2006, or on/after the next change of statutory rates the data does not hold.
    """
    ref = reference or active_reference()
    index = _common_index(on)
    days = _day_numbers(on, index)
    pos = np.searchsorted(ref.offset_start, days, side="right") - 1
    valid = (days != _NAT_DAY) & (pos >= 0) & (days < ref.offset_until)
    value = ref.offset_value[np.where(valid, pos, 0)]
    value[~valid] = np.nan
    return _float_series(value, index, "accommodation_offset")


# --------------------------------------------------------------------------------------------
# Real Living Wage (voluntary; Living Wage Foundation)
# --------------------------------------------------------------------------------------------


def _check_basis(basis: str) -> None:
    if basis not in ("implement_by", "announced"):
        raise ValueError(f"basis must be 'implement_by' or 'announced', got {basis!r}")


def real_living_wage(
    on: Any, london: Any = None, basis: RlwBasis = "implement_by", *, reference: PayReference | None = None
) -> pd.Series:
    """Real Living Wage hourly rate (GBP per hour) in force on each date, as Float64 (Living Wage Foundation).

    ``basis="implement_by"``: the latest announcement whose implement-by date is <= the date (the
    strict reading for accredited employers). ``basis="announced"``: the latest announcement whose
    announcement date is <= the date (early adopters). Missing dates in the data are filled by the
    assumptions documented on :class:`RealLivingWageAnnouncement`.

    ``london``: True -> London rate, False -> UK rate; None means UK for every row. A missing (NA)
    London flag gives NA, because guessing "not London" would understate a London worker's floor.
    NA also where the date is missing, no rate applies yet, or a newer rate than the data holds may be due:
    from :data:`RLW_CYCLE_MONTHS` after the latest announcement's date under ``basis`` (an assumption: rates are
    announced yearly; :meth:`PayReference.real_living_wage_next_due`). The RLW is for workers aged 18+;
    this function does not filter by age.
    """
    _check_basis(basis)
    ref = reference or active_reference()
    index = _common_index(on, london)
    days = _day_numbers(on, index)
    if london is None:
        is_london, known = np.zeros(len(index), dtype=bool), np.ones(len(index), dtype=bool)
    else:
        is_london, known = _flags(london, index)
    starts, uk, ldn = ref.rlw[basis]
    pos = np.searchsorted(starts, days, side="right") - 1
    valid = (days != _NAT_DAY) & (pos >= 0) & known & (days < ref.rlw_until[basis])
    pos = np.where(valid, pos, 0)
    rate = np.where(is_london, ldn[pos], uk[pos])
    rate[~valid] = np.nan
    return _float_series(rate, index, "real_living_wage")


def real_living_wage_known(
    on: Any, basis: RlwBasis = "implement_by", *, reference: PayReference | None = None
) -> pd.Series:
    """Whether the Real Living Wage in force on each date is in the data (nullable boolean; NA where the date is).

    False before the first announcement applies and from the date a newer rate may be due
    (:meth:`PayReference.real_living_wage_next_due`).
    """
    _check_basis(basis)
    ref = reference or active_reference()
    index = _common_index(on)
    days = _day_numbers(on, index)
    starts = ref.rlw[basis][0]
    return _known_series(days, int(starts[0]), ref.rlw_until[basis], index, "real_living_wage_known")


def real_living_wage_in_force(
    on: _AnyDate, basis: RlwBasis = "implement_by", *, reference: PayReference | None = None
) -> RealLivingWageAnnouncement | None:
    """The announcement :func:`real_living_wage` uses on a date (None before the first applies or once a newer
    rate may be due)."""
    _check_basis(basis)
    ref = reference or active_reference()
    day = _as_date(on)
    if day >= ref.real_living_wage_next_due(basis):
        return None
    applicable = [a for a in ref.floors.real_living_wage if a.in_force_from(basis) <= day]
    return applicable[-1] if applicable else None


# --------------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------------


def reference_sources(reference: PayReference | None = None) -> dict[str, dict[str, str | None]]:
    """Where the reference data in use came from, for reports and evidence bundles.

    ``{"uk_pay_floors": {"file", "origin", "copied_from", "copied_on", "sha256", "latest_period_from",
    "latest_period_source", "next_expected_change", "real_living_wage_next_due"}, "nmw_history": {"file",
    "origin", "copied_from", "copied_on", "sha256", "first_period_from", "latest_period_from"}}``; dates are ISO
    strings, ``sha256`` is of the file's text, ``origin`` says whether it was shipped or given (``--reference``),
    ``file`` is the path as given or the shipped file relative to the project.
    """
    return (reference or active_reference()).provenance()
