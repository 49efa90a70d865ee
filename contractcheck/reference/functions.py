"""The pay functions rules call (``pay_floor``, ``pay_band``, ``living_wage``), as expression-language entries.

They live here, with the dated data they read, and are handed to the language through its ``Scope``
(``Scope(..., functions=STANDARD_FUNCTIONS | PAY_FUNCTIONS)``): the expression language itself knows
nothing of pay. Each implementation takes whole columns (or scalars) and calls the vectorised look-ups of
``pay_floors``; an all-scalar call (a contract-level rule) gives a scalar.
"""

from __future__ import annotations

from collections.abc import Callable

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
    real_living_wage,
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


@PAY_FUNCTIONS.function("pay_floor(age, on, apprentice_rate)",
                        "statutory National Minimum/Living Wage hourly floor for the age on the date",
                        [_AGE, DATE, _APPRENTICE], "money")
def pay_floor(age: Value, on: Value, apprentice_rate: Value) -> Value:
    return _statutory(statutory_floor, "money", age, on, apprentice_rate)


@PAY_FUNCTIONS.function("pay_band(age, on, apprentice_rate)", "name of the statutory band used",
                        [_AGE, DATE, _APPRENTICE], "text")
def pay_band(age: Value, on: Value, apprentice_rate: Value) -> Value:
    return _statutory(statutory_band, "text", age, on, apprentice_rate)


@PAY_FUNCTIONS.function("living_wage(on, london)",
                        "Real Living Wage (Living Wage Foundation) rate in force on the date, UK or London",
                        [DATE, _LONDON], "money")
def living_wage(on: Value, london: Value = False) -> Value:
    index = common_index([on, london])
    if index is None:
        london_flag = False if is_na(london) else bool(london)
        v = real_living_wage(pd.Series([to_date(on)]), pd.Series([london_flag], dtype="boolean")).iloc[0]
        return pd.NA if is_na(v) else float(v)
    n = len(index)
    return real_living_wage(to_date(broadcast(on, n, index)), as_boolean(broadcast(london, n, index)).fillna(False))
