"""The as-of date: the one day a return or bid is judged on, and the one policy for choosing it.

Pay floors, ages, expiry dates and deadlines are all worked out on the as-of date. A schedule names the
contract date it judges on (``as_of: period_end``, the default) or fixes a date. When a return or bid does
not give the date its schedule names, the next contract date is tried, in the order ``as_of_candidates``
gives:

- a return: the schedule's date, then ``period_end``, then ``period_start``;
- a bid: the schedule's date, then ``contract_start``.

``check`` (``api.resolve_as_of``), the rule examples (``rules test``) and the handbook's "Judged as at" all
follow this order. What happens when the data gives none of the dates is decided by the caller, and said
there: ``check`` judges as of today and says so in the report's notes; a rule example is judged as of
``EXAMPLE_AS_OF``, so that it gives the same result on any day.

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

_FALLBACKS: dict[str, tuple[DateBasis, ...]] = {
    "return": ("period_end", "period_start"),
    "bid": ("contract_start",),
}


def as_of_candidates(basis: DateBasis, kind: Literal["return", "bid"]) -> list[DateBasis]:
    """The contract dates tried for the as-of date, in order: the schedule's own, then the fallbacks for the kind.

    >>> as_of_candidates("period_start", "return")
    ['period_start', 'period_end']
    >>> as_of_candidates("period_end", "bid")
    ['period_end', 'contract_start']
    """
    return list(dict.fromkeys([basis, *_FALLBACKS[kind]]))


def as_of_from(basis: DateBasis | dt.date, kind: Literal["return", "bid"],
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
