"""The Homecare Association's Minimum Price for Homecare: GBP per hour of care, by the year it applies from.

The shipped data is ``contractcheck/data/homecare_minimum_price.yaml`` (copied, with each price's source, from the
project's researched ``homecare_cost_model.yaml``). A price applies from its ``effective_from`` until the next
one's; a year whose price was not found has ``price_per_hour: null``, and dates after ``known_until`` have no
price (a newer one may be published). Rules read it through ``homecare_minimum_price(on)`` and
``homecare_price_year(on)`` (``contractcheck.reference.functions``); a schedule gives the figure for a year not
published as a rule parameter.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from functools import cache

import numpy as np
import pandas as pd
from pydantic import ValidationError, model_validator

from contractcheck.errors import Location, RuleError
from contractcheck.yamldata import Strict, parse_yaml_text, validation_error

RESOURCE = "data/homecare_minimum_price.yaml"


class MinimumPrice(Strict):
    """One published price: the year it is for, the day it applies from, GBP per contact hour (None: not found)."""

    year: str
    effective_from: dt.date
    price_per_hour: float | None
    source: str


class MinimumPrices(Strict):
    """Every price, oldest first, and the last day the data answers for."""

    prices: list[MinimumPrice]
    known_until: dt.date

    @model_validator(mode="after")
    def _in_order(self) -> MinimumPrices:
        days = [p.effective_from for p in self.prices]
        if not days or days != sorted(set(days)):
            raise ValueError("prices must be listed oldest first, one a date")
        if self.known_until < days[-1]:
            raise ValueError("known_until is before the latest price's effective_from")
        return self


@cache
def minimum_prices() -> MinimumPrices:
    """The shipped prices (read on first use; a damaged file is a RuleError naming its line)."""
    file = f"contractcheck/{RESOURCE}"
    try:
        text = importlib.resources.files("contractcheck").joinpath(RESOURCE).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read bundled reference data: {exc}", location=Location(file=file)) from exc
    doc = parse_yaml_text(text, file)
    try:
        return MinimumPrices.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(exc, doc, (), "Homecare Association minimum price data") from None


def _index_on(on: pd.Series) -> np.ndarray:
    """For each date (datetime64 Series, NaT allowed): the position of the price in force, -1 where none."""
    data = minimum_prices()
    starts = np.array([np.datetime64(p.effective_from, "D") for p in data.prices])
    days = on.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    where = np.searchsorted(starts, days, side="right") - 1
    unknown = np.isnat(days) | (days > np.datetime64(data.known_until, "D"))
    return np.where(unknown, -1, where)


def minimum_price_on(on: pd.Series) -> pd.Series:
    """GBP per contact hour in force on each date (Float64): NA before the first price, after ``known_until``,
    where the date is blank, or where that year's price was not found."""
    prices = [p.price_per_hour for p in minimum_prices().prices]
    values = [pd.NA if i < 0 or prices[i] is None else prices[i] for i in _index_on(on)]
    return pd.Series(pd.array(values, dtype="Float64"), index=on.index)


def price_year_on(on: pd.Series) -> pd.Series:
    """The year (``2025-26``) of the price in force on each date (string; NA where :func:`_index_on` finds none)."""
    years = [p.year for p in minimum_prices().prices]
    values = [pd.NA if i < 0 else years[i] for i in _index_on(on)]
    return pd.Series(pd.array(values, dtype="string"), index=on.index)
