"""The pay functions rules call (``pay_floor``, ``lowest_floor``, ``pay_period_start``, ``pay_floor_known``,
``accommodation_offset``, ``living_wage``, ``living_wage_known`` …), as expression-language entries.

They live here, with the dated data they read, and are handed to the language through its ``Scope``
(``Scope(..., functions=STANDARD_FUNCTIONS | PAY_FUNCTIONS)``): the expression language itself knows
nothing of pay. Each implementation takes whole columns (or scalars) and calls the vectorised look-ups of
``pay_floors``; an all-scalar call (a contract-level rule) gives a scalar. They read the reference data in use
for the run (``pay_floors.active_reference``: the shipped data, or what ``--reference`` gave). Where the data does
not hold the rate for a date (before October 2006, or past its next expected change) they give blank, so a rule
judging with them says "not judged"; ``pay_floor_known`` and ``living_wage_known`` say so as findings.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import pandas as pd

from contractcheck.expressions import (
    BOOL,
    DATE,
    NUMBER,
    NUMERIC,
    TEXT,
    FunctionRegistry,
    Param,
    Value,
    ValueType,
)
from contractcheck.expressions.columns import (
    as_boolean,
    broadcast,
    common_index,
    is_na,
    to_date,
    to_float,
)
from contractcheck.reference.homecare_price import minimum_price_on, price_year_on
from contractcheck.reference.minimum_wage import (
    FloorRange,
    earliest_prp_start,
    hourly_from_salary,
    pay_basis,
    pay_frequency,
    prp_start_containing,
)
from contractcheck.reference.pay_floors import (
    PayReference,
    active_reference,
    real_living_wage,
    real_living_wage_known,
    statutory_band,
    statutory_floor,
)
from contractcheck.reference.pay_floors import (
    accommodation_offset as offset_per_day,
)
from contractcheck.reference.pay_floors import (
    pay_floor_known as statutory_floor_known,
)
from contractcheck.reference.places import london_council

PAY_FUNCTIONS = FunctionRegistry()

_AGE = Param("an age", NUMERIC)
_APPRENTICE = Param("true/false (does the apprentice rate apply)", frozenset({"yesno"}))
_LONDON = Param("true/false (London)", frozenset({"yesno"}), optional=True)


def _statutory(lookup: Callable[[Value, Value, Value], pd.Series], out_type: ValueType,
               age: Value, on: Value, apprentice_rate: Value) -> Value:
    index = common_index([age, on, apprentice_rate])
    if index is None:
        result = lookup(pd.Series([age], dtype="Float64"), pd.Series([to_date(on)]),
                        pd.Series([apprentice_rate], dtype="boolean"))
        v = result.iloc[0]
        return pd.NA if is_na(v) else (float(v) if out_type == "money" else str(v))
    n = len(index)
    return lookup(
        to_float(broadcast(age, n, index)),
        to_date(broadcast(on, n, index)),
        as_boolean(broadcast(apprentice_rate, n, index)),
    )


def _dated(lookup: Callable[[pd.Series], pd.Series], on: Value) -> Value:
    """A look-up by date alone: a column for a column, one value for one date."""
    if isinstance(on, pd.Series):
        return lookup(to_date(on))
    v = lookup(pd.Series([to_date(on)])).iloc[0]
    return pd.NA if is_na(v) else (bool(v) if isinstance(v, (bool, np.bool_)) else float(v))


@PAY_FUNCTIONS.function("pay_floor(age, on, apprentice_rate)",
                        "statutory National Minimum/Living Wage hourly floor (GBP per hour) for the age on the date; "
                        "blank where the data does not hold the rates for the date (before 1 October 2006, or "
                        "from the next expected change on)",
                        [_AGE, DATE, _APPRENTICE], "money")
def pay_floor(age: Value, on: Value, apprentice_rate: Value) -> Value:
    return _statutory(statutory_floor, "money", age, on, apprentice_rate)


@PAY_FUNCTIONS.function("pay_band(age, on, apprentice_rate)", "name of the statutory band pay_floor used",
                        [_AGE, DATE, _APPRENTICE], "text")
def pay_band(age: Value, on: Value, apprentice_rate: Value) -> Value:
    return _statutory(statutory_band, "text", age, on, apprentice_rate)


@PAY_FUNCTIONS.function("pay_floor_known(on)",
                        "true where the statutory minimum wage in force on the date is in contractcheck's data "
                        "(shipped, or given with --reference)", [DATE], "yesno")
def pay_floor_known(on: Value) -> Value:
    return _dated(statutory_floor_known, on)


@PAY_FUNCTIONS.function("accommodation_offset(on)",
                        "accommodation offset (GBP per day) in force on the date: free accommodation counts as this "
                        "much pay a day, a charge above it reduces minimum wage pay (NMW Regulations 2015 regs "
                        "14-16); blank where the data does not hold it", [DATE], "money")
def accommodation_offset(on: Value) -> Value:
    return _dated(offset_per_day, on)


@PAY_FUNCTIONS.function("living_wage_known(on)",
                        "true where the Real Living Wage in force on the date is in contractcheck's data (false "
                        "from 12 months after the latest implement-by date in it, when a newer rate may be due)",
                        [DATE], "yesno")
def living_wage_known(on: Value) -> Value:
    return _dated(real_living_wage_known, on)


@PAY_FUNCTIONS.function("living_wage(on, london)",
                        "Real Living Wage (Living Wage Foundation) hourly rate (GBP per hour) in force on the date, "
                        "UK or London; blank when the London flag is blank, or once a newer rate may be due",
                        [DATE, _LONDON], "money")
def living_wage(on: Value, london: Value = False) -> Value:
    # a blank London flag gives a blank rate: which of the two rates applies is unknown (a rule says what a blank
    # means, e.g. coalesce(london, false) for "UK unless it says London")
    index = common_index([on, london])
    if index is None:
        if is_na(london):
            return pd.NA
        v = real_living_wage(pd.Series([to_date(on)]), pd.Series([bool(london)], dtype="boolean")).iloc[0]
        return pd.NA if is_na(v) else float(v)
    n = len(index)
    flags = as_boolean(broadcast(london, n, index))
    rates = real_living_wage(to_date(broadcast(on, n, index)), flags.fillna(False))
    return rates.mask(flags.isna().to_numpy(dtype=bool))


def _columns(*values: Value) -> tuple[pd.Series, ...]:
    """Every argument as a column on one index (scalars broadcast; all scalars give one row)."""
    index = common_index(list(values))
    if index is None:
        index = pd.RangeIndex(1)
    return tuple(broadcast(v, len(index), index) for v in values)


def _scalar_if_all_scalar(result: pd.Series, *values: Value) -> Value:
    if common_index(list(values)) is not None:
        return result
    v = result.iloc[0]
    return pd.NA if is_na(v) else v


_FREQUENCY = TEXT.called("frequency (weekly, fortnightly, four-weekly, monthly)")


@PAY_FUNCTIONS.function("pay_period_start(day, frequency, anchor)",
                        "first day of the pay reference period containing the day, for pay of that frequency of "
                        "which the anchor is any first day (blank when either is unknown)",
                        [DATE, _FREQUENCY, DATE], "date")
def pay_period_start(day: Value, frequency: Value, anchor: Value) -> Value:
    d, f, a = _columns(to_date(day), frequency, to_date(anchor))
    return _scalar_if_all_scalar(prp_start_containing(to_date(d), pay_frequency(f), to_date(a)), day, frequency,
                                 anchor)


@PAY_FUNCTIONS.function("earliest_pay_period_start(day, frequency)",
                        "earliest first day a pay reference period containing the day could have (a month back "
                        "when the frequency is monthly or unknown: reg 6)",
                        [DATE, _FREQUENCY.or_omitted()], "date")
def earliest_pay_period_start(day: Value, frequency: Value = pd.NA) -> Value:
    d, f = _columns(to_date(day), frequency)
    return _scalar_if_all_scalar(earliest_prp_start(to_date(d), pay_frequency(f)), day, frequency)


_WORKER = [DATE.called("date_of_birth"), NUMBER.called("age"), BOOL.called("apprentice"),
           DATE.called("apprenticeship_start"), DATE.called("first"), DATE.called("last")]


#: the last few floor ranges computed, by the content of their inputs: a rule asks for the lowest floor, its band,
#: the highest and its band with the same six columns, and the rules of one schedule ask again with the same
#: columns (PAY-01, PAY-02, PAY-05 over the Workforce; PAY-06, PAY-07 over the Pay table). Each asking builds new
#: Series, so the key is what they hold (values and index), never their identity; an entry counts only for the
#: reference data it was computed with. Small, so a million-row range or two is all it keeps alive.
_RANGES: OrderedDict[bytes, tuple[PayReference, FloorRange]] = OrderedDict()
_RANGES_KEPT = 2
_RANGES_LOCK = threading.Lock()


def _fingerprint(columns: tuple[pd.Series, ...]) -> bytes:
    """A digest of the columns' values, dtypes and index: equal digests, equal inputs."""
    h = hashlib.sha256()  # the fastest of hashlib here (CPU SHA extensions), and no collision to fear
    for column in columns:
        index = column.index
        if isinstance(index, pd.RangeIndex):
            h.update(repr(("range", index.start, index.stop, index.step)).encode())
        else:
            h.update(pd.util.hash_array(index.to_numpy()).tobytes())
        h.update(str(column.dtype).encode())
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            h.update(column.to_numpy(dtype="datetime64[ns]").view("int64").tobytes())
        elif pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
            h.update(column.to_numpy(dtype="float64", na_value=np.nan).tobytes())
        else:
            h.update(pd.util.hash_array(column.to_numpy(dtype=object)).tobytes())
    return h.digest()


def _range(date_of_birth: Value, age: Value, apprentice: Value, apprenticeship_start: Value, first: Value,
           last: Value) -> FloorRange:
    dob, years, flag, start, lo, hi = _columns(to_date(date_of_birth), to_float(age), as_boolean(apprentice),
                                                to_date(apprenticeship_start), to_date(first), to_date(last))
    inputs = (to_date(dob), years, flag, to_date(start), to_date(lo), to_date(hi))
    key, reference = _fingerprint(inputs), active_reference()
    with _RANGES_LOCK:
        kept = _RANGES.get(key)
    if kept is not None and kept[0] is reference:
        return kept[1]
    computed = FloorRange.compute(*inputs)
    with _RANGES_LOCK:
        _RANGES[key] = (reference, computed)
        _RANGES.move_to_end(key)
        while len(_RANGES) > _RANGES_KEPT:
            _RANGES.popitem(last=False)
    return computed


def _floor_entry(name: str, doc: str, out: ValueType, pick: Callable[[FloorRange], pd.Series]) -> None:
    def impl(date_of_birth: Value, age: Value, apprentice: Value, apprenticeship_start: Value, first: Value,
             last: Value) -> Value:
        args = (date_of_birth, age, apprentice, apprenticeship_start, first, last)
        return _scalar_if_all_scalar(pick(_range(*args)), *args)

    PAY_FUNCTIONS.function(f"{name}(date_of_birth, age, apprentice, apprenticeship_start, first, last)", doc,
                           _WORKER, out)(impl)


_floor_entry("lowest_floor", "lowest statutory hourly floor for a pay reference period starting between first "
             "and last (reg 4B), over what is unknown of the worker (age, apprenticeship)", "money",
             lambda r: r.lowest)
_floor_entry("highest_floor", "highest statutory hourly floor for a pay reference period starting between first "
             "and last, over what is unknown of the worker", "money", lambda r: r.highest)
_floor_entry("lowest_floor_band", "the band and date behind lowest_floor", "text", lambda r: r.lowest_band)
_floor_entry("highest_floor_band", "the band and date behind highest_floor", "text", lambda r: r.highest_band)


@PAY_FUNCTIONS.function("london_council(council)",
                        "blank for a Greater London council (the work may or may not be in London), false for any "
                        "other or none: the default for a London flag, so the UK rate is never assumed in London",
                        [TEXT.called("council")], "yesno")
def london_council_flag(council: Value) -> Value:
    (names,) = _columns(council)
    return _scalar_if_all_scalar(london_council(names), council)


@PAY_FUNCTIONS.function("hourly_pay(hourly_rate, salary, pay_basis, hours_a_week, max_hourly_rate)",
                        "a worker's pay an hour: the hourly rate, or for salaried staff (pay_basis weekly, monthly "
                        "or annual) the salary over contracted hours (52 weeks a year); where pay_basis says a "
                        "salary and none is given, a figure in the rate column above max_hourly_rate is the salary "
                        "(a payroll export's habit) and one at or below it is the hourly rate",
                        [Param("money", frozenset({"money", "number"})).called("hourly_rate"),
                         Param("money", frozenset({"money", "number"})).called("salary"),
                         TEXT.called("pay_basis"), NUMBER.called("hours_a_week"),
                         Param("money", frozenset({"money", "number"})).called("max_hourly_rate")], "money")
def hourly_pay(hourly_rate: Value, salary: Value, basis: Value, hours_a_week: Value, max_hourly_rate: Value) -> Value:
    rate, pay, b, h, most = _columns(to_float(hourly_rate), to_float(salary), basis, to_float(hours_a_week),
                                     to_float(max_hourly_rate))
    kind = pay_basis(b)
    index = rate.index
    hourly, salary_given = rate.astype("Float64"), pay.astype("Float64")
    said_salaried = kind.isin(["weekly", "monthly", "annual"]).fillna(False).to_numpy(dtype=bool)
    salary_in_rate_column = (salary_given.isna() & (hourly > most.astype("Float64"))).fillna(False).to_numpy(bool)
    salaried = pd.Series(said_salaried & (salary_given.notna().to_numpy(dtype=bool) | salary_in_rate_column),
                         index=index)
    figure = salary_given.where(salary_given.notna(), hourly.where(salaried))  # the salary, wherever it was typed
    from_salary = hourly_from_salary(figure, kind, h)
    result = from_salary.where(salaried, hourly.fillna(from_salary))
    return _scalar_if_all_scalar(result.astype("Float64"), hourly_rate, salary, basis, hours_a_week)


@PAY_FUNCTIONS.function("latest_floor_change(start, end)",
                        "first day of the latest statutory minimum wage rates in force on any day from start to end "
                        "that contractcheck's data holds (the last rise known within a contract's term; the rates in "
                        "force at start if none is known after it); blank where either date is blank, end is before "
                        "start, or the data holds no rates for start",
                        [DATE.called("start"), DATE.called("end")], "date")
def latest_floor_change(start: Value, end: Value) -> Value:
    ref = active_reference()
    return _latest_change(start, end, ref.period_start, int(ref.period_end[-1]))


@PAY_FUNCTIONS.function("latest_living_wage_change(start, end)",
                        "the implement-by date of the latest Real Living Wage rate in force on any day from start to "
                        "end that contractcheck's data holds (the last rise known within a contract's term; the rate "
                        "in force at start if none is known after it); blank where either date is blank, end is "
                        "before start, or the data holds no rate for start", [DATE.called("start"),
                                                                             DATE.called("end")], "date")
def latest_living_wage_change(start: Value, end: Value) -> Value:
    ref = active_reference()
    return _latest_change(start, end, ref.rlw["implement_by"][0], ref.rlw_until["implement_by"] - 1)


def _latest_change(start: Value, end: Value, starts: np.ndarray, known_end: int) -> Value:
    """The latest of ``starts`` (day numbers, ascending) in force on a day from start to end, where the data holds
    rates from ``starts[0]`` to ``known_end`` (a day number, inclusive)."""
    first, last = _columns(to_date(start), to_date(end))
    epoch = np.datetime64("1970-01-01", "D")
    lo = (to_date(first).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]") - epoch).astype("int64")
    hi = (to_date(last).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]") - epoch).astype("int64")
    blank = np.isnat(to_date(first).to_numpy(dtype="datetime64[ns]")) | np.isnat(
        to_date(last).to_numpy(dtype="datetime64[ns]"))
    day = np.minimum(hi, known_end)
    where = np.clip(np.searchsorted(starts, day, side="right") - 1, 0, len(starts) - 1)
    unknown = blank | (hi < lo) | (lo < int(starts[0])) | (lo > known_end)
    found = (starts[where] + epoch.astype("int64")).astype("datetime64[D]").astype("datetime64[ns]")
    result = pd.Series(found, index=first.index).mask(pd.Series(unknown, index=first.index))
    return _scalar_if_all_scalar(result, start, end)


@PAY_FUNCTIONS.function("homecare_minimum_price(on)",
                        "the Homecare Association's Minimum Price for Homecare (GBP per hour of care, England) in "
                        "force on the date; blank where its price for that year was not found or is not yet "
                        "published (the prices ship with contractcheck, with their sources)", [DATE], "money")
def homecare_minimum_price(on: Value) -> Value:
    (days,) = _columns(to_date(on))
    return _scalar_if_all_scalar(minimum_price_on(to_date(days)), on)


@PAY_FUNCTIONS.function("homecare_price_year(on)",
                        "the year (e.g. 2025-26) of the Homecare Association minimum price in force on the date; "
                        "blank where the data holds none for the date", [DATE], "text")
def homecare_price_year(on: Value) -> Value:
    (days,) = _columns(to_date(on))
    return _scalar_if_all_scalar(price_year_on(to_date(days)), on)
