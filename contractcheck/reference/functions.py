"""The pay functions rules call (``pay_floor``, ``pay_band``, ``pay_floor_known``, ``accommodation_offset``,
``living_wage``, ``living_wage_known``), as expression-language entries.

They live here, with the dated data they read, and are handed to the language through its ``Scope``
(``Scope(..., functions=STANDARD_FUNCTIONS | PAY_FUNCTIONS)``): the expression language itself knows
nothing of pay. Each implementation takes whole columns (or scalars) and calls the vectorised look-ups of
``pay_floors``; an all-scalar call (a contract-level rule) gives a scalar. They read the reference data in use
for the run (``pay_floors.active_reference``: the shipped data, or what ``--reference`` gave). Where the data does
not hold the rate for a date (before October 2006, or past its next expected change) they give blank, so a rule
judging with them says "not judged"; ``pay_floor_known`` and ``living_wage_known`` say so as findings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from contractcheck.expressions import (
    DATE,
    NUMERIC,
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
from contractcheck.reference.pay_floors import (
    accommodation_offset as offset_per_day,
)
from contractcheck.reference.pay_floors import (
    pay_floor_known as statutory_floor_known,
)
from contractcheck.reference.pay_floors import (
    real_living_wage,
    real_living_wage_known,
    statutory_band,
    statutory_floor,
)

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
                        "UK or London; blank once a newer rate may be due",
                        [DATE, _LONDON], "money")
def living_wage(on: Value, london: Value = False) -> Value:
    index = common_index([on, london])
    if index is None:
        london_flag = False if is_na(london) else bool(london)
        v = real_living_wage(pd.Series([to_date(on)]), pd.Series([london_flag], dtype="boolean")).iloc[0]
        return pd.NA if is_na(v) else float(v)
    n = len(index)
    return real_living_wage(to_date(broadcast(on, n, index)), as_boolean(broadcast(london, n, index)).fillna(False))
