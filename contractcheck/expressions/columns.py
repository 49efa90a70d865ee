"""Three-valued logic and small vectorised helpers shared by the compiler and the functions.

Every helper takes either a pandas Series (one value per row) or a scalar, and keeps scalars scalar: they
broadcast for free. A blank is ``pd.NA`` (``pd.NaT`` for dates) and makes a comparison unknown, never False.
"""

from __future__ import annotations

import math
import threading
import weakref
from typing import Any

import numpy as np
import pandas as pd

from contractcheck.blank import blank_mask, is_blank, is_null
from contractcheck.expressions.types import EvalContext, MissingData, Value


def is_na(v: Value) -> Any:
    """Elementwise 'holds nothing' for a Series (parsed columns are NA wherever the cell was missing), a bool
    for a scalar (``contractcheck.blank.is_null``: None, NaN, NaT, pd.NA)."""
    if isinstance(v, pd.Series):
        return v.isna()
    return is_null(v)


def blank(v: Value) -> Value:
    """The language's ``is_blank``: the one blank rule (``contractcheck.blank``: null, or text of only spaces
    and invisible characters), elementwise for a Series; never unknown."""
    if isinstance(v, pd.Series):
        return blank_mask(v).astype("boolean")
    return is_blank(v)


def as_boolean(v: Value) -> Value:
    """Nullable boolean Series or a scalar True/False/pd.NA."""
    if isinstance(v, pd.Series):
        return v if v.dtype == "boolean" else v.astype("boolean")
    if is_na(v):
        return pd.NA
    return bool(v)


def set_na(result: Value, missing: Value) -> Value:
    """Make ``result`` unknown wherever ``missing`` is True (works for scalars and Series)."""
    if isinstance(result, pd.Series):
        result = as_boolean(result) if result.dtype in (bool, "boolean") else result
        if isinstance(missing, pd.Series):
            if missing.any():
                result = result.copy()
                result[missing.to_numpy(dtype=bool)] = pd.NA
        elif missing:
            result = pd.Series(pd.NA, index=result.index, dtype=result.dtype)
        return result
    if isinstance(missing, pd.Series):
        out = pd.Series(result, index=missing.index, dtype="boolean" if isinstance(result, bool) else None)
        out[missing.to_numpy(dtype=bool)] = pd.NA
        return out
    return pd.NA if missing else result


def or_masks(a: Value, b: Value) -> Value:
    if isinstance(a, pd.Series) or isinstance(b, pd.Series):
        return a | b
    return bool(a) or bool(b)


def casefold(v: Value) -> Value:
    """Text as compared: trimmed and lower-cased (Arrow's lower-casing runs natively; casefold does not)."""
    if isinstance(v, pd.Series):
        return v.astype("string[pyarrow]").str.strip().str.lower()
    if isinstance(v, str):
        return v.strip().lower()
    if isinstance(v, tuple):
        return tuple(casefold(x) for x in v)
    return v


def to_float(v: Value) -> Value:
    if isinstance(v, pd.Series):
        return v if v.dtype == "Float64" else v.astype("Float64")
    if is_na(v):
        return pd.NA
    return float(v)


def to_date(v: Value) -> Value:
    if isinstance(v, pd.Series):
        return v if str(v.dtype).startswith("datetime64") else pd.to_datetime(v, errors="coerce")
    if is_na(v):
        return pd.NaT
    return pd.Timestamp(v)


def clean_numeric(v: Value) -> Value:
    """Division and friends can make inf/NaN; both mean 'cannot be judged' here."""
    if isinstance(v, pd.Series):
        arr = v.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(arr)
        if bad.any():
            v = v.copy()
            v[bad] = pd.NA
        return v
    if v is pd.NA or v is None:
        return pd.NA
    return v if math.isfinite(v) else pd.NA


def _date_parts(d: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return d.dt.year.to_numpy(dtype="float64", na_value=np.nan), d.dt.month.to_numpy(
        dtype="float64", na_value=np.nan
    ), d.dt.day.to_numpy(dtype="float64", na_value=np.nan)


def completed_years(start: Value, end: Value) -> Value:
    """Whole years from start to end (age on a date): birthdays count on the day."""
    if not isinstance(start, pd.Series) and not isinstance(end, pd.Series):
        if is_na(start) or is_na(end):
            return pd.NA
        s, e = pd.Timestamp(start), pd.Timestamp(end)
        return float(e.year - s.year - ((e.month, e.day) < (s.month, s.day)))
    index = start.index if isinstance(start, pd.Series) else end.index
    s = to_date(start) if isinstance(start, pd.Series) else pd.Series(to_date(start), index=index)
    e = to_date(end) if isinstance(end, pd.Series) else pd.Series(to_date(end), index=index)
    sy, sm, sd = _date_parts(s)
    ey, em, ed = _date_parts(e)
    before_birthday = (em < sm) | ((em == sm) & (ed < sd))
    years = ey - sy - before_birthday.astype("float64")
    return pd.Series(years, index=index, dtype="Float64").where(~(s.isna() | e.isna()).to_numpy(), pd.NA)


def days_between(start: Value, end: Value) -> Value:
    delta = to_date(end) - to_date(start)
    if isinstance(delta, pd.Series):
        return (delta.dt.days).astype("Float64")
    return pd.NA if is_na(delta) else float(delta.days)


#: the furthest a date may be moved (a thousand years); beyond it the result is unknown (pandas holds 1677–2262)
MAX_SHIFT_DAYS = 366_000


def shift_date(base: Value, count: Value, unit: str) -> Value:
    """``base`` (a date or a column of dates) moved by a fixed ``count`` of days, weeks or months."""
    base = to_date(base)
    if isinstance(count, pd.Series):
        return _shift_each(base, to_float(count), unit)
    if is_na(count) or (not isinstance(base, pd.Series) and is_na(base)):
        return pd.NaT
    unknown = pd.Series(pd.NaT, index=base.index) if isinstance(base, pd.Series) else pd.NaT
    days = float(count) * {"days": 1, "weeks": 7, "months": 31}[unit]
    if not math.isfinite(days) or abs(days) > MAX_SHIFT_DAYS:  # past any date pandas holds: unknown, not a crash
        return unknown
    try:
        if unit == "months":
            if float(count) != int(count):  # a calendar month has no fraction: unknown, never a silent truncation
                return unknown
            return base + pd.DateOffset(months=int(count))
        return base + pd.to_timedelta(days, unit="D")
    except (OverflowError, pd.errors.OutOfBoundsDatetime, pd.errors.OutOfBoundsTimedelta):
        return unknown


def _shift_each(base: Value, count: pd.Series, unit: str) -> pd.Series:
    """Dates moved by a count per row (a course's refresh interval): one vectorised shift per distinct count."""
    dates = base if isinstance(base, pd.Series) else pd.Series(base, index=count.index, dtype="datetime64[ns]")
    out = pd.Series(pd.NaT, index=count.index, dtype=dates.dtype)
    for value in count.dropna().unique():
        rows = (count == value).fillna(False).to_numpy(dtype=bool)
        shifted = shift_date(dates[rows], float(value), unit)
        if isinstance(shifted, pd.Series):
            out[rows] = shifted.to_numpy()
    return out


def broadcast(v: Value, n: int, index: pd.Index | None = None) -> pd.Series:
    """A Series of length n for any value (used only where a per-row result is required)."""
    if isinstance(v, pd.Series):
        return v
    idx = index if index is not None else pd.RangeIndex(n)
    if isinstance(v, bool) or v is pd.NA:
        return pd.Series(v, index=idx, dtype="boolean")
    return pd.Series([v] * n, index=idx) if isinstance(v, tuple) else pd.Series(v, index=idx)


def common_index(values: list[Value]) -> pd.Index | None:
    """The index of the first column among ``values``; None when every value is a scalar."""
    return next((v.index for v in values if isinstance(v, pd.Series)), None)


def read_column(ctx: EvalContext, table: str | None, name: str) -> pd.Series:
    """A column of the data, or MissingData naming what is absent."""
    frame = ctx.tables.get(table) if table else None
    if table is None or frame is None:
        raise MissingData(table or "?", None)
    if name not in frame.columns:
        raise MissingData(table, name)
    return frame[name]


def lookup_by_key(ctx: EvalContext, own: str, table: str, key: str, name: str) -> pd.Series:
    """For each row of ``own``, ``name`` from the row of ``table`` with the same key (compared trimmed and
    ignoring case, as keys are everywhere); blank where ``table`` has no such row. Where ``table`` holds a key
    more than once the first row is read (the data rules report the duplicate). Vectorised: one index look-up."""
    own_index = read_column(ctx, own, key).index
    values = read_column(ctx, table, name)
    first, positions = _key_positions(ctx, own, table, key)
    chosen = values[first].reset_index(drop=True)
    found = positions >= 0
    result = chosen.iloc[np.where(found, positions, 0)] if len(chosen) else chosen.reindex(range(len(positions)))
    result = result.set_axis(own_index)
    if not found.all():
        result = result.where(pd.Series(found, index=own_index))
    return result


#: where each row's key is found in the other table, by the two tables' frames and the key: every field a rule
#: reads by key (``workforce.date_of_birth``, ``workforce.apprentice`` …), in every rule over the same tables,
#: matches the same keys. The frames are held weakly and compared by identity (a frame is not changed once
#: normalised), with their lengths; a few entries only.
_POSITIONS: dict[tuple[int, int, str], tuple[weakref.ref, weakref.ref, int, int, np.ndarray, np.ndarray]] = {}
_POSITIONS_KEPT = 8
_POSITIONS_LOCK = threading.Lock()


def _key_positions(ctx: EvalContext, own: str, table: str, key: str) -> tuple[np.ndarray, np.ndarray]:
    """(the other table's rows that count: the first of each key; for each own row, its position among those
    rows, -1 where none)."""
    own_frame, their_frame = ctx.tables.get(own), ctx.tables.get(table)
    slot = (id(own_frame), id(their_frame), key)
    with _POSITIONS_LOCK:
        kept = _POSITIONS.get(slot)
    if kept is not None and own_frame is not None and their_frame is not None:
        own_ref, their_ref, own_rows, their_rows, first, positions = kept
        same_size = (own_rows, their_rows) == (len(own_frame), len(their_frame))
        if same_size and own_ref() is own_frame and their_ref() is their_frame:
            return first, positions
    own_keys = casefold(read_column(ctx, own, key))
    their_keys = casefold(read_column(ctx, table, key))
    first = (their_keys.notna() & ~their_keys.duplicated()).to_numpy(dtype=bool)
    index = pd.Index(their_keys[first].to_numpy(dtype=object))
    positions = index.get_indexer(own_keys.to_numpy(dtype=object, na_value=None))
    if own_frame is not None and their_frame is not None:
        with _POSITIONS_LOCK:
            while len(_POSITIONS) >= _POSITIONS_KEPT:
                _POSITIONS.pop(next(iter(_POSITIONS)))
            _POSITIONS[slot] = (weakref.ref(own_frame), weakref.ref(their_frame), len(own_frame), len(their_frame),
                                first, positions)
    return first, positions
