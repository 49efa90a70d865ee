"""How values read in a sentence: the one wording of money, percentages, dates, yes/no and numbers.

Reports, the rule catalogue, the schedule handbook, waiver findings and the pay-floor data all word values
through here, so "£12.21", "12.5%" and "1 April 2025" can never drift between them. UK style: pounds with a
thousands separator (whole pounds from £1,000), a day without a leading zero and the month in full.
"""

from __future__ import annotations

import datetime as dt
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from contractcheck.blank import is_null


def money(v: float) -> str:
    """GBP: ``£12.21``; whole pounds from £1,000 (``£1,650,000``), pence below it (``£500.00``)."""
    return f"£{v:,.0f}" if v == int(v) and abs(v) >= 1000 else f"£{v:,.2f}"


def percent(fraction: float) -> str:
    """A fraction as a percentage to one place, without a trailing ``.0``: 0.125 → ``12.5%``, 0.4 → ``40%``."""
    return f"{fraction * 100:.1f}%".replace(".0%", "%")


def number(v: float) -> str:
    """A count or amount: ``12``, ``1,500``, ``37.5`` (at most two decimal places, no trailing zeros)."""
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")


def long_date(d: dt.date | dt.datetime | pd.Timestamp) -> str:
    """``1 April 2025``."""
    return f"{d.day} {d.strftime('%B %Y')}"


def iso_date_words(iso: str) -> str:
    """An ISO date as text (``2026-09-30``, as the report JSON holds dates) → ``30 September 2026``; anything that
    is no ISO date as it is."""
    try:
        return long_date(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def yes_no(v: object) -> str:
    """``yes`` or ``no``."""
    return "yes" if bool(v) else "no"


def share_words(failed: int, of: int, noun: str) -> str:
    """How widespread a rule's failures are: ``612 of 1,000 workers (61.2%) fail``.

    ``noun`` is what one row is (``worker``); the share is to one place, never rounded to 0% or 100% when it
    is not (``under 0.1%``, ``over 99.9%``).
    """
    share = failed / of if of else 0.0
    if 0 < share < 0.0005:
        shown = "under 0.1%"
    elif 0.9995 <= share < 1:
        shown = "over 99.9%"
    else:
        shown = percent(share)
    rows = noun if of == 1 else f"{noun}s"
    return f"{number(failed)} of {number(of)} {rows} ({shown}) {'fails' if failed == 1 else 'fail'}"


def shorten(text: str, width: int) -> str:
    """Text on one line, cut to ``width`` characters with an ellipsis when longer."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def value_words(value: Any, type_: str | None, *, blank: str = "blank") -> str:
    """A value as a reader expects it, given its type (a field, parameter or expression type).

    ``type_`` is a value type (``contractcheck.value_types``: money, percent, number, date, yesno, text,
    list), or None: worded by the value's own Python type. A blank (None, NaN, NaT, pd.NA) or an empty list
    reads as ``blank``. Percentages are fractions (0.125 → 12.5%). A value that is not of its type (text in a
    money parameter) is shown as written.
    """
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else blank
    if is_null(value):
        return blank
    if type_ == "yesno" or isinstance(value, (bool, np.bool_)):
        return yes_no(value)
    if type_ == "date" or isinstance(value, (pd.Timestamp, dt.date)):
        try:
            return long_date(value if isinstance(value, (pd.Timestamp, dt.date)) else dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if type_ in ("money", "percent", "number") or isinstance(value, (float, np.floating)):
        try:
            v = float(value)
        except (TypeError, ValueError):
            return str(value)
        if type_ == "money":
            return money(v)
        if type_ == "percent":
            return percent(v)
        if type_ == "number" or isinstance(value, (float, np.floating)):
            return number(v)
    return str(value)


def numbers_words(values: np.ndarray, type_: str | None) -> list[str] | None:
    """``value_words`` of each number of a float array at once, text for text the same; None when the type is
    not worded from the number alone (a date, yes/no) or a value is not finite (then word them one by one).

    The formatting is ``format()`` called by C-level ``map``, not a Python loop: this words a million values.
    """
    if type_ not in (None, "text", "money", "percent", "number") or not np.isfinite(values).all():
        return None
    floats = values.astype(float)
    if type_ == "percent":
        texts = map(format, (floats * 100).tolist(), repeat(".1f"))
        return list(map(str.replace, map("{}%".format, texts), repeat(".0%"), repeat("%")))
    whole = floats == np.trunc(floats)
    if type_ == "money":
        whole &= np.abs(floats) >= 1000
    out = np.empty(len(floats), dtype=object)
    out[whole] = list(map(format, floats[whole].tolist(), repeat(",.0f")))
    pence = list(map(format, floats[~whole].tolist(), repeat(",.2f")))
    if type_ == "money":
        out[~whole] = pence
        return list(map("£{}".format, out.tolist()))
    out[~whole] = list(map(str.rstrip, map(str.rstrip, pence, repeat("0")), repeat(".")))
    return out.tolist()
