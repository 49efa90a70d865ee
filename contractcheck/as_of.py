"""The as-of date: the one day a return or bid is judged on, and the one policy for choosing it.

Pay floors, ages, expiry dates and deadlines are all worked out on the as-of date. A schedule names the
contract date it judges on (``as_of: period_end``, the default) or fixes a date. That date, and no other, is
the as-of date (a bid's is its ``contract_start``): when the data does not give it, or gives it in a form that
cannot be read, no other date stands in for it — judging a return as of its ``period_start`` (or of today)
moves every pay floor and age without a word, and a breach can disappear. ``as_of_candidates`` is that date.

``check`` (``api.resolve_as_of``) stops with one line naming the cell (exit 2) unless an as-of date is given
(``--as-of``); a rule example is judged as of ``EXAMPLE_AS_OF`` when it gives no date, so that it gives the
same result on any day; the handbook's "Judged as at" says the same.

A leaf module: it imports nothing from the package, so the rule models, the API and the authoring tools can
all use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd

#: the contract dates a schedule may judge on (``as_of:`` in a schedule; a fixed date is the other choice)
DateBasis = Literal["period_start", "period_end", "contract_start"]
#: what a schedule judges on when it does not say
DEFAULT_BASIS: DateBasis = "period_end"
#: the date a rule example is judged on when it gives no ``as_of:`` and no contract date the policy tries.
#: Fixed on purpose, so that ``rules test`` gives the same answer on any day; the first day of the 2026/27
#: pay year, so that the statutory floors are the same all year. An example whose result depends on the date
#: should say which date it means (``as_of:``, or the contract's ``period_end``).
EXAMPLE_AS_OF = dt.date(2026, 4, 1)

def as_of_candidates(basis: DateBasis, kind: Literal["return", "bid", "grant"]) -> list[DateBasis]:
    """The contract date that gives the as-of date: the schedule's own, and no other (no silent fallback).

    A bid has no return period: a schedule's ``period_start``/``period_end`` means the bid's ``contract_start``,
    the one date a bid gives (it is that bid's date, not a stand-in for a date the bid lacks).

    >>> as_of_candidates("period_start", "return")
    ['period_start']
    >>> as_of_candidates("period_end", "bid")
    ['contract_start']
    """
    if kind == "bid":
        return ["contract_start"]
    return [basis]


def as_of_from(basis: DateBasis | dt.date, kind: Literal["return", "bid", "grant"],
               scalars: Mapping[str, Any]) -> tuple[pd.Timestamp, str] | None:
    """The as-of date a schedule's ``as_of:`` gives for this data, and where it came from; None if no date.

    ``scalars`` are the contract or bid details of the data (``Dataset.scalars``). The second value says where
    the date came from, as the report shows it: ``"fixed by the schedule"`` or ``"period_end of the return"``.
    None means the data gives none of the dates ``as_of_candidates`` tries: the caller decides what then.
    """
    if isinstance(basis, dt.date):
        return pd.Timestamp(basis), "fixed by the schedule"
    for name in as_of_candidates(basis, kind):
        value = scalars.get(name)
        if isinstance(value, dt.date):  # a pandas Timestamp is a date too
            return pd.Timestamp(value), f"{name} of the {kind}"
    return None
