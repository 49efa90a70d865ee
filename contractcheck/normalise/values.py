"""Vectorised parsers for the cell values providers actually type into workforce spreadsheets.

Why this module exists: a workforce return arrives as xlsx, csv or json written by hand, and the same
column holds ``12.5``, ``"£12.50"``, ``"12.50 GBP"``, ``"  n/a "`` and ``"31/03/24"`` side by side.
Each parser here turns one such column into a typed pandas column *and* says which cells could not be
read, so the caller can report "Workforce!F12: expected money, found 'abc'" instead of guessing.

Columns run to a million rows, so nothing here loops over rows in Python: strings are handled with
pyarrow compute kernels (RE2 regexes, casts), numbers and dates with numpy masks. When a string column
is mostly repeats (estimated from a sample), it is parsed once per distinct value and broadcast back.

Conventions shared by every parser:

* A cell is *missing* when it is None/NaN/NaT/NA or a string that is blank or one of
  :data:`MISSING_TOKENS` ("n/a", "-", "none", ...). Missing is never invalid. (What is blank and
  what is missing are defined once, in :mod:`contractcheck.blank`.)
* A cell is *invalid* when it is not missing and could not be parsed; its value is NA/NaT.
* Strings are compared after stripping, collapsing whitespace (including non-breaking and other
  Unicode spaces), dropping zero-width characters and lower-casing (ASCII only: every token and
  format accepted is ASCII). For every parser except :func:`parse_text`, a leading apostrophe
  (Excel's "store as text" marker, as in ``'12.5``) is ignored.
* Numbers that overflow to infinity (``"1e400"``) are invalid.
* Python/numpy booleans are invalid in number, money, percent and date columns (a tick box is
  not a number).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import numbers
import warnings
from collections.abc import Callable
from typing import Any as _Any
from typing import NamedTuple, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from contractcheck.blank import MISSING_TOKENS, SPACES, ZERO_WIDTH

__all__ = [
    "MISSING_TOKENS",
    "Parsed",
    "is_missing",
    "parse_bool",
    "parse_date",
    "parse_hours",
    "parse_money",
    "parse_number",
    "parse_percent",
    "parse_text",
    "month_first_doubts",
]


class Parsed(NamedTuple):
    """A parsed column: typed ``values`` and an ``invalid`` mask, both with the input's index."""

    values: pd.Series
    invalid: pd.Series



# --------------------------------------------------------------------------------------------------
# String cleaning (pyarrow kernels; RE2 syntax, so no lookarounds and \s is ASCII-only)
# --------------------------------------------------------------------------------------------------

# Whitespace other than a plain space, and zero-width characters: contractcheck.blank's sets, used
# here inside regex character classes (none of their characters is special there).
_ODD_SPACE = SPACES.replace(" ", "")
_ZERO_WIDTH = ZERO_WIDTH
_NEEDS_SPACING = f"[{_ODD_SPACE}{_ZERO_WIDTH}]|  "
# zero-width characters that carry no meaning inside text (the joiner and non-joiner do: emoji, scripts)
_NO_MEANING = "".join(c for c in _ZERO_WIDTH if c not in "\u200c\u200d")

_DIGITS = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)"
_NUMBER_RE = rf"^[-+]?{_DIGITS}(?:e[-+]?\d+)?$"
_CUR = r"(?:£|gbp)"
_MULT = r"(?: ?(?:k|mn?|bn))?"
_MONEY_RE = rf"^(?:(?:[-+]{_CUR} ?|{_CUR} ?[-+]?){_DIGITS}{_MULT}|[-+]?{_DIGITS}{_MULT}(?: ?gbp)?)$"
_PERCENT_RE = rf"^[-+]?{_DIGITS}(?: ?%)?$"

_TRUE_TOKENS = frozenset({"y", "yes", "true", "t", "1", "1.0", "\u2713", "\u2714"})
_FALSE_TOKENS = frozenset({"n", "no", "false", "f", "0", "0.0", "\u2717", "\u2718"})

# Dates. A trailing time of day (validated, then dropped) may follow any date form.
_TIME_SUFFIX = r"[t ](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$"
_NUMERIC_DATE = r"^\d{1,4}(?:/\d{1,2}/|-\d{1,2}-|\.\d{1,2}\.)\d{1,4}$"
_SERIAL = r"^\d+(?:\.\d+)?$"
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>\d{4}|\d{2})"
_DAY_FIRST = rf"^(?P<d>\d{{1,2}}){_ORD}(?: of)?[ ./-]?(?P<mon>{_MONTHS})\.?[ ./,-]{{0,2}}{_YEAR}$"
_MONTH_FIRST = rf"^(?P<mon>{_MONTHS})\.? ?(?P<d>\d{{1,2}}){_ORD}(?:, ?| ){_YEAR}$"
_MONTH_ABBR = pa.array(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])

_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
# Whole days representable as datetime64[ns].
_MIN_DAY = np.datetime64("1677-09-22", "D")
_MAX_DAY = np.datetime64("2262-04-11", "D")

# Parse once per distinct string when a sample says the column is mostly repeats.
_DICT_MIN_ROWS = 50_000
_DICT_SAMPLE = 10_000
_DICT_MAX_DISTINCT_RATIO = 0.5


def _np_bool(x: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Arrow boolean -> numpy bool, null as False."""
    return np.asarray(pc.fill_null(x, False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_float(x: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Arrow float -> numpy float64, null as NaN."""
    return np.asarray(pc.fill_null(x, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)


def _np_int(x: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Arrow integer -> numpy int64, null as 0."""
    return np.asarray(pc.fill_null(x, 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _only(mask: pa.Array | np.ndarray, x: pa.Array) -> pa.Array:
    """``x`` where ``mask``, null elsewhere."""
    if isinstance(mask, np.ndarray):
        mask = pa.array(mask, type=pa.bool_())
    return pc.if_else(mask, x, pa.scalar(None, type=x.type))


def _clean(a: pa.Array) -> pa.Array:
    """Drop zero-width characters, collapse any whitespace run to one space, trim."""
    if pc.any(pc.match_substring_regex(a, _NEEDS_SPACING)).as_py():
        a = pc.replace_substring_regex(a, f"[{_ZERO_WIDTH}]+", "")
        a = pc.replace_substring_regex(a, f"[ {_ODD_SPACE}]+", " ")
    return pc.utf8_trim_whitespace(a)


def _prepare(a: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Cleaned strings, their lower-cased form, and which of them are missing."""
    clean = _clean(a)
    low = pc.ascii_lower(clean)  # every token and format we accept is ASCII; much faster than utf8
    missing = pc.is_in(low, value_set=pa.array(sorted(MISSING_TOKENS), type=low.type))
    return clean, low, missing


def _has(a: pa.Array, literal: str) -> bool:
    return bool(pc.any(pc.match_substring(a, literal)).as_py())


def _unquote(low: pa.Array) -> pa.Array:
    """Drop Excel's leading apostrophe and spell the Unicode minus as '-'."""
    if pc.any(pc.starts_with(low, "'")).as_py():
        low = pc.utf8_ltrim(low, "'")
    if _has(low, "\u2212"):
        low = pc.replace_substring(low, "\u2212", "-")
    return low


def _drop_commas(a: pa.Array) -> pa.Array:
    return pc.replace_substring(a, ",", "") if _has(a, ",") else a


def _to_float(digits: pa.Array) -> np.ndarray:
    """Cast validated decimal strings (no commas) to float64, correctly rounded."""
    return _np_float(pc.cast(digits, pa.float64()))


def _append(a: pa.Array, suffix: str) -> pa.Array:
    """Append ``suffix`` to every string (null stays null)."""
    return pc.binary_join_element_wise(a, pa.scalar(suffix, type=a.type), pa.scalar("", type=a.type))


_Column: TypeAlias = np.ndarray | pa.Array


def _mostly_repeats(a: pa.Array) -> bool:
    """Whether at most half the values look distinct, so parsing only the distinct ones pays.

    Estimated from repeats in a random sample (without replacement) of k rows: if the column had
    D equally common values, about k**2 / (2 * D) sample pairs would repeat, so
    D <= n / 2 roughly when at least k**2 / n rows of the sample are repeats.
    """
    n = len(a)
    if n < _DICT_MIN_ROWS:
        return False
    k = min(_DICT_SAMPLE, n)
    idx = np.random.default_rng(0).choice(n, size=k, replace=False)
    distinct = pc.count_distinct(a.take(pa.array(idx)), mode="all").as_py()
    return k - distinct >= k**2 / (2 * _DICT_MAX_DISTINCT_RATIO * n)


def _map_strings(a: pa.Array, fn: Callable[[pa.Array], tuple[_Column, ...]]) -> tuple[_Any, ...]:
    """Apply ``fn`` (string array -> equal-length arrays), once per distinct value if that helps."""
    if not _mostly_repeats(a):
        return fn(a)
    enc = pc.dictionary_encode(a)
    dictionary = enc.dictionary
    # An extra null entry at the end stands for the null (non-string) cells.
    idx = np.asarray(pc.fill_null(enc.indices, len(dictionary)).to_numpy(zero_copy_only=False), dtype=np.intp)
    outs = fn(pa.concat_arrays([dictionary, pa.nulls(1, type=dictionary.type)]))
    return tuple(o.take(pa.array(idx)) if isinstance(o, pa.Array) else o[idx] for o in outs)


# --------------------------------------------------------------------------------------------------
# Splitting a column into kinds of cell
# --------------------------------------------------------------------------------------------------

_STR, _NUM, _FLAG, _WHEN, _OTHER = range(5)


def _kind_of_type(t: type) -> int:
    if issubclass(t, str):
        return _STR
    if issubclass(t, (bool, np.bool_)):
        return _FLAG
    if issubclass(t, (numbers.Real, decimal.Decimal)) and not issubclass(t, np.timedelta64):
        return _NUM
    if issubclass(t, (_dt.date, np.datetime64)):  # datetime and pd.Timestamp are dates too
        return _WHEN
    return _OTHER


_type_of = np.frompyfunc(type, 1, 1)


class _Cells(NamedTuple):
    """A column split by kind of cell; each array is full length, each mask excludes missing cells."""

    n: int
    na: np.ndarray
    text: pa.Array | None  # str cells, null elsewhere
    num: np.ndarray | None  # float64, NaN elsewhere
    num_mask: np.ndarray | None
    flag: np.ndarray | None  # bool
    flag_mask: np.ndarray | None
    when: np.ndarray | None  # datetime64 (any unit), NaT elsewhere
    when_mask: np.ndarray | None
    other_mask: np.ndarray | None  # anything else (time, timedelta, list, ...)
    source: pd.Series  # the input, for the odd cell parse_text has to str()


def _is_string_dtype(dtype: object) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        t = dtype.pyarrow_dtype
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
    return False


def _arrow_strings(values: object) -> pa.Array:
    arr = pa.array(values, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())  # one string type throughout, so kernels' types match
    return arr


def _datetimes_from_objects(obj: np.ndarray) -> np.ndarray:
    """datetime/date/Timestamp/np.datetime64 objects -> datetime64, keeping local wall time."""
    try:  # fast (Cython); fails on mixed time zones and on np.datetime64 outside the ns range
        index = pd.to_datetime(obj)
        return np.asarray(index.tz_localize(None) if index.tz is not None else index)
    except (ValueError, TypeError, OverflowError):
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy warns, then converts tz-aware values to UTC
            return np.asarray(obj, dtype="datetime64[us]")
    except (UserWarning, DeprecationWarning, ValueError, TypeError, OverflowError):
        # Rare: tz-aware values. Drop the zone so the calendar date is the one the provider saw.
        naive = [x.replace(tzinfo=None) if getattr(x, "tzinfo", None) is not None else x for x in obj]
        return np.asarray(naive, dtype="datetime64[us]")


def _floats_from_objects(obj: np.ndarray) -> np.ndarray:
    try:
        return np.asarray(obj, dtype=np.float64)
    except (OverflowError, ValueError, TypeError):
        return pd.to_numeric(pd.Series(obj, dtype=object), errors="coerce").to_numpy(dtype=np.float64)


def _datetime_column(s: pd.Series) -> np.ndarray | None:
    """A datetime-like column (numpy, tz-aware or Arrow timestamp/date) as local wall-clock datetime64."""
    dtype = s.dtype
    if isinstance(dtype, pd.ArrowDtype):
        t = dtype.pyarrow_dtype
        if not (pa.types.is_timestamp(t) or pa.types.is_date(t)):
            return None
        arr = pa.array(s)
        if pa.types.is_date(t):
            arr = arr.cast(pa.timestamp("s"))
        elif t.tz is not None:
            arr = pc.local_timestamp(arr)
        return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=f"datetime64[{arr.type.unit}]")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if isinstance(dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        return s.to_numpy()
    return None


def _split(s: pd.Series) -> _Cells:
    """Classify every cell of ``s`` (any dtype) as missing, string, number, bool, datetime or other."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    n = len(s)
    na = np.asarray(s.isna(), dtype=bool)
    dtype = s.dtype
    none: dict[str, _Any] = {"text": None, "num": None, "num_mask": None, "flag": None, "flag_mask": None,
                             "when": None, "when_mask": None, "other_mask": None}  # fmt: skip
    if _is_string_dtype(dtype):
        return _Cells(n, na, **(none | {"text": _arrow_strings(s)}), source=s)
    if pd.api.types.is_bool_dtype(dtype):
        flag = s.to_numpy(dtype=bool, na_value=False)
        return _Cells(n, na, **(none | {"flag": flag, "flag_mask": ~na}), source=s)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        num = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return _Cells(n, na, **(none | {"num": num, "num_mask": ~na}), source=s)
    when = _datetime_column(s)
    if when is not None:
        return _Cells(n, na, **(none | {"when": when, "when_mask": ~na}), source=s)

    obj = s.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(obj, skipna=True) in ("string", "empty"):
        text = _arrow_strings(np.where(na, None, obj))
        return _Cells(n, na, **(none | {"text": text}), source=s)
    types = _type_of(obj)
    uniq = pd.unique(types)
    kind = np.array([_kind_of_type(t) for t in uniq], dtype=np.int8)[pd.Index(uniq).get_indexer(types)]
    kind[na] = -1
    masks = {k: kind == k for k in range(5)}
    cells = dict(none)
    if masks[_STR].any():
        cells["text"] = _arrow_strings(np.where(masks[_STR], obj, None))
    if masks[_NUM].any():
        num = np.full(n, np.nan)
        num[masks[_NUM]] = _floats_from_objects(obj[masks[_NUM]])
        cells |= {"num": num, "num_mask": masks[_NUM]}
    if masks[_FLAG].any():
        flag = np.zeros(n, dtype=bool)
        flag[masks[_FLAG]] = obj[masks[_FLAG]].astype(bool)
        cells |= {"flag": flag, "flag_mask": masks[_FLAG]}
    if masks[_WHEN].any():
        when = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
        when[masks[_WHEN]] = _datetimes_from_objects(obj[masks[_WHEN]])
        cells |= {"when": when, "when_mask": masks[_WHEN]}
    if masks[_OTHER].any():
        cells["other_mask"] = masks[_OTHER]
    return _Cells(n, na, **cells, source=s)


class _Result:
    """Accumulates values, an ok mask and a missing mask across the kinds of cell."""

    def __init__(self, cells: _Cells, values: np.ndarray) -> None:
        self.cells = cells
        self.values = values
        self.ok = np.zeros(cells.n, dtype=bool)
        self.missing = cells.na.copy()

    def put(self, mask: np.ndarray, values: np.ndarray, ok: np.ndarray) -> None:
        take = mask & ok
        self.values[take] = values[take]
        self.ok |= take

    def invalid(self) -> np.ndarray:
        return ~self.ok & ~self.missing


def _bool_series(x: np.ndarray, s: pd.Series) -> pd.Series:
    return pd.Series(x, index=s.index, name=s.name, dtype=bool)


def _float_parsed(s: pd.Series, r: _Result) -> Parsed:
    values = pd.arrays.FloatingArray(np.where(r.ok, r.values, 0.0), ~r.ok)
    return Parsed(pd.Series(values, index=s.index, name=s.name), _bool_series(r.invalid(), s))


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def _text_missing(a: pa.Array) -> tuple[np.ndarray]:
    return (_np_bool(_prepare(a)[2]),)


def is_missing(s: pd.Series) -> pd.Series:
    """True where a cell is None/NaN/NaT/NA, blank, or a :data:`MISSING_TOKENS` string ("n/a", "-")."""
    cells = _split(s)
    missing = cells.na.copy()
    if cells.text is not None:
        (text_missing,) = _map_strings(cells.text, _text_missing)
        missing |= text_missing
    return _bool_series(missing, s)


def _text_strings(a: pa.Array) -> tuple[pa.Array, np.ndarray]:
    _, _, missing = _prepare(a)  # what is missing is decided as for every other type
    # text keeps a zero-width joiner or non-joiner between two characters (an emoji's joiner, a script's
    # non-joiner: part of an id as written); zero-width spaces go, and every zero-width character at either end
    clean = a
    if pc.any(pc.match_substring_regex(a, _NEEDS_SPACING)).as_py():
        edge = f"[\\s{_ODD_SPACE}{_ZERO_WIDTH}]+"
        clean = pc.replace_substring_regex(clean, f"^{edge}|{edge}$", "")
        clean = pc.replace_substring_regex(clean, f"[{_NO_MEANING}]+", "")  # zero-width spaces, BOMs inside
        clean = pc.replace_substring_regex(clean, f"[ {_ODD_SPACE}]+", " ")
    clean = pc.utf8_trim_whitespace(clean)
    return pc.if_else(missing, pa.scalar(None, type=clean.type), clean), _np_bool(missing)


def _number_text(num: np.ndarray, mask: np.ndarray) -> pa.Array:
    """Numbers as text: whole numbers without a decimal point (ids typed as numbers in Excel)."""
    whole = mask & np.isfinite(num) & (np.abs(num) < 2.0**53) & (np.floor(num) == num)
    as_int = pc.cast(pa.array(np.where(whole, num, 0).astype(np.int64), mask=~whole), pa.large_string())
    as_float = pc.cast(pa.array(num, mask=~(mask & ~whole)), pa.large_string())
    return pc.coalesce(as_int, as_float)


def _when_text(when: np.ndarray, mask: np.ndarray) -> pa.Array:
    """Datetimes as text: "2024-03-31" at midnight, else "2024-03-31 14:30:00"."""
    secs = when.astype("datetime64[s]")
    midnight = secs == secs.astype("datetime64[D]")
    stamps = pa.array(secs, mask=~mask | np.isnat(secs))
    dates = pc.cast(pc.cast(stamps, pa.date32()), pa.large_string())
    return pc.if_else(pa.array(midnight), dates, pc.cast(stamps, pa.large_string()))


def parse_text(s: pd.Series) -> Parsed:
    """Text as pandas "string" dtype: whitespace trimmed and collapsed, missing tokens as NA.

    Non-string cells are rendered: whole numbers without ".0" (``1234.0`` -> ``"1234"``, for ids
    typed as numbers in Excel), other numbers in shortest form, booleans as ``"TRUE"``/``"FALSE"``,
    datetimes as ``"2024-03-31"`` (or ``"2024-03-31 14:30:00"`` if they have a time). Strings keep
    their case and any leading apostrophe. Text is never invalid.
    """
    cells = _split(s)
    missing = cells.na.copy()
    parts: list[pa.Array] = []
    if cells.text is not None:
        text, text_missing = _map_strings(cells.text, _text_strings)
        parts.append(text.cast(pa.large_string()))
        missing |= text_missing
    if cells.num is not None and cells.num_mask is not None:
        if pd.api.types.is_integer_dtype(cells.source.dtype):  # exact beyond 2**53
            parts.append(pc.cast(pa.array(cells.source, from_pandas=True), pa.large_string()))
        else:
            parts.append(_number_text(cells.num, cells.num_mask))
    if cells.flag is not None and cells.flag_mask is not None:
        flags = np.where(cells.flag, "TRUE", "FALSE")
        parts.append(pa.array(flags, mask=~cells.flag_mask, type=pa.large_string()))
    if cells.when is not None and cells.when_mask is not None:
        parts.append(_when_text(cells.when, cells.when_mask))
    if cells.other_mask is not None:  # rare odd objects (times, timedeltas): str() each
        other = np.full(cells.n, None, dtype=object)
        other[cells.other_mask] = cells.source[cells.other_mask].astype(str).to_numpy(dtype=object)
        parts.append(pa.array(other, type=pa.large_string()))
    if parts:
        result = pc.coalesce(*parts) if len(parts) > 1 else parts[0]
        result = _only(~missing, result)
    else:
        result = pa.nulls(cells.n, type=pa.large_string())
    values = pd.Series(pd.arrays.ArrowStringArray(result), index=s.index, name=s.name)
    return Parsed(values, _bool_series(np.zeros(cells.n, dtype=bool), s))


def _finite_numbers(r: _Result) -> None:
    """Put the finite numeric cells in as they are (shared by number and money)."""
    c = r.cells
    if c.num is not None and c.num_mask is not None:
        r.put(c.num_mask, c.num, np.isfinite(c.num))


def _number_strings(a: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, low, missing = _prepare(a)
    x = _unquote(low)
    ok = pc.and_(pc.match_substring_regex(x, _NUMBER_RE), pc.invert(missing))
    values = _to_float(_drop_commas(_only(ok, x)))
    return values, _np_bool(ok) & np.isfinite(values), _np_bool(missing)


def parse_number(s: pd.Series) -> Parsed:
    """A plain number as nullable "Float64".

    Accepts numbers and strings with an optional sign, thousands commas in groups of three
    (``"1,234.5"``; ``"12,5"`` is invalid, not 125), decimals and an exponent (``"1.5e-05"``,
    as Excel writes small numbers to csv). Infinite numbers and booleans are invalid.
    """
    return _parse_float(s, _number_strings)


def _money_strings(a: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, low, missing = _prepare(a)
    x = _unquote(low)
    ok = pc.and_(pc.match_substring_regex(x, _MONEY_RE), pc.invert(missing))
    x = _only(ok, x)
    negative = _np_bool(pc.match_substring_regex(x, r"^-|^(?:£|gbp) ?-"))
    digits = _drop_commas(pc.utf8_trim(x, "-+£gbpkmn "))  # leaves the bare decimal
    if pc.any(pc.match_substring_regex(x, r"[kmn](?: ?gbp)?$")).as_py():
        # Scale by appending an exponent, so "1.1m" is exactly 1100000 (no float multiply).
        e3, e6, e9, e0 = (pa.scalar(e, type=digits.type) for e in ("e3", "e6", "e9", ""))
        exp = pc.if_else(
            pc.match_substring_regex(x, r"k(?: ?gbp)?$"), e3,
            pc.if_else(pc.match_substring_regex(x, r"bn(?: ?gbp)?$"), e9,
                       pc.if_else(pc.match_substring_regex(x, r"mn?(?: ?gbp)?$"), e6, e0)),
        )  # fmt: skip
        digits = pc.binary_join_element_wise(digits, exp, e0)
    values = _to_float(digits)
    return np.where(negative, -values, values), _np_bool(ok) & np.isfinite(values), _np_bool(missing)


def parse_money(s: pd.Series) -> Parsed:
    """An amount in pounds sterling as nullable "Float64".

    Accepts numbers and strings such as ``"12.5"``, ``"£12.50"``, ``"£ 12.50"``, ``"12.50 GBP"``,
    ``"GBP 12.50"``, ``"£1,650,000"``, ``"-£5"``, ``"£-5"`` and the multipliers k (thousand),
    m/mn (million) and bn (billion): ``"250k"``, ``"£1.65M"``, ``"1.2bn"`` (case-insensitive).
    Rejects other currencies (``"$12"``, ``"12.50 EUR"``), pence (``"12.50p"``), accounting
    brackets, both a £ and a GBP, malformed numbers (``"1.2.3"``, ``"12,5"``), and booleans.
    """
    return _parse_float(s, _money_strings)


_StringParser = Callable[[pa.Array], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _float_text(s: pd.Series, strings: _StringParser) -> tuple[_Cells, _Result]:
    """Split a column and parse its text cells with ``strings``; numeric cells are left to the caller."""
    cells = _split(s)
    r = _Result(cells, np.full(cells.n, np.nan))
    if cells.text is not None:
        values, ok, missing = _map_strings(cells.text, strings)
        r.put(np.ones(cells.n, dtype=bool), values, ok)
        r.missing |= missing
    return cells, r


def _parse_float(s: pd.Series, strings: _StringParser) -> Parsed:
    """Numbers pass through; text is parsed by ``strings``; infinities are invalid."""
    _, r = _float_text(s, strings)
    _finite_numbers(r)
    return _float_parsed(s, r)


def _hundredths(v: np.ndarray) -> np.ndarray:
    """``v / 100`` rounded as if the decimal shown for ``v`` were shifted: 33.3 -> 0.333 exactly."""
    out = v / 100.0
    finite = np.isfinite(v)
    if finite.any():
        shown = pc.cast(pa.array(v, mask=~finite), pa.string())  # shortest round-trip repr
        plain = pc.invert(pc.match_substring(shown, "e"))
        shifted = _to_float(_append(_only(plain, shown), "e-2"))
        out = np.where(_np_bool(plain), shifted, out)
    return out


def _percent_strings(a: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, low, missing = _prepare(a)
    x = _unquote(low)
    ok = pc.and_(pc.match_substring_regex(x, _PERCENT_RE), pc.invert(missing))
    x = _only(ok, x)
    digits = _drop_commas(pc.utf8_rtrim(x, " %"))
    bare = _to_float(digits)
    scaled = _to_float(_append(digits, "e-2"))
    has_sign = _np_bool(pc.ends_with(x, "%"))
    values = np.where(has_sign | (np.abs(bare) > 1), scaled, bare)
    return values, _np_bool(ok) & np.isfinite(values), _np_bool(missing)


def parse_percent(s: pd.Series) -> Parsed:
    """A percentage as a fraction in nullable "Float64": ``"12%"`` -> 0.12.

    * With a % sign the number is divided by 100: ``"12.5 %"`` -> 0.125, ``"150%"`` -> 1.5.
    * Without one, a number whose magnitude is at most 1 is taken as already a fraction (Excel stores
      12% as 0.12): ``0.12`` and ``"0.12"`` -> 0.12, ``1`` -> 1.0 (100%).
    * Without one, a number whose magnitude is over 1 is read as percentage points, because people
      type 12 meaning 12%: ``12`` and ``"12"`` -> 0.12, ``-5`` -> -0.05. The catch: a fraction over 1
      (Excel's 150% stored as 1.5) becomes 0.015, so prefer a % sign for rates above 100%.

    Division by 100 is exact in decimal (``"33.3%"`` is the same float as ``0.333``). Booleans and
    infinite numbers are invalid.
    """
    cells, r = _float_text(s, _percent_strings)
    if cells.num is not None and cells.num_mask is not None:
        num = cells.num
        big = cells.num_mask & (np.abs(num) > 1) & np.isfinite(num)
        values = num.copy()
        if big.any():
            values[big] = _hundredths(num[big])
        r.put(cells.num_mask, values, np.isfinite(num))
    return _float_parsed(s, r)


# Hours written as a clock: "6:30", "37:30", "0:45:30" (hours may run past 24: a duration, not a time of day)
_HOURS_CLOCK = r"^(?P<h>\d{1,5}):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d(?:\.\d+)?))?$"
# A duration Excel stored as a date-time (a time cell, or calamine's text for one in a mixed column): the
# fraction of a day counted from Excel's day 0, which readers show as 1899-12-31 (or 1899-12-30)
_HOURS_AS_DATETIME = (
    r"^(?P<date>1899-12-3[01]|1900-0[12]-\d\d)[ t](?P<h>\d{1,2}):(?P<m>\d\d)(?::(?P<s>\d\d(?:\.\d+)?))?$"
)
_EXCEL_DAY_ZERO = np.datetime64("1899-12-31", "s")
_EXCEL_FIRST_REAL_DATE = np.datetime64("1900-03-01", "s")  # before it, a "date" in an hours field is a duration


def _hours_since_day_zero(when: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel time/duration cells read as date-times → hours (only those before 1900-03-01 are durations)."""
    secs = when.astype("datetime64[s]")
    ok = ~np.isnat(secs) & (secs >= _EXCEL_DAY_ZERO - np.timedelta64(1, "D")) & (secs < _EXCEL_FIRST_REAL_DATE)
    base = np.where(secs < _EXCEL_DAY_ZERO, _EXCEL_DAY_ZERO - np.timedelta64(1, "D"), _EXCEL_DAY_ZERO)
    hours = (np.where(ok, secs, base) - base).astype(np.int64) / 3600.0
    return hours, ok


def _group_float(got: pa.StructArray, name: str) -> np.ndarray:
    """One regex group as float64 (NaN where the row did not match or the optional group is empty)."""
    part = got.field(name)
    present = pc.and_(got.is_valid(), pc.not_equal(pc.fill_null(part, ""), ""))
    return _np_float(pc.cast(_only(present, pc.fill_null(part, "0")), pa.float64()))


def _clock_parts(got: pa.StructArray) -> np.ndarray:
    h, m, sec = (_group_float(got, name) for name in ("h", "m", "s"))
    return h + m / 60.0 + np.nan_to_num(sec) / 3600.0


def _hours_strings(a: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values, ok, missing = _number_strings(a)
    _, low, _ = _prepare(a)
    x = _unquote(low)
    if _has(x, ":"):
        clock = pc.extract_regex(x, _HOURS_CLOCK)
        hit = _np_bool(clock.is_valid()) & ~ok
        if hit.any():
            values = np.where(hit, _clock_parts(clock), values)
            ok = ok | hit
        stamp = pc.extract_regex(x, _HOURS_AS_DATETIME)
        hit = _np_bool(stamp.is_valid()) & ~ok
        if hit.any():
            day = pc.cast(_only(hit, stamp.field("date")), pa.timestamp("s"))
            days, _ = _hours_since_day_zero(np.asarray(day.to_numpy(zero_copy_only=False), dtype="datetime64[s]"))
            values = np.where(hit, days + _clock_parts(stamp), values)
            ok = ok | hit
    return values, ok & np.isfinite(values), missing


def parse_hours(s: pd.Series) -> Parsed:
    """A number of hours as nullable "Float64", for the fields that are hours (``unit: hours`` in the format).

    Numbers are hours as they are (``6.5``). A duration written as a clock is read as hours and minutes:
    ``"6:30"`` → 6.5, ``"37:30"`` → 37.5, ``"0:45:30"`` → 0.758…; so are Excel time and duration cells
    (fractions of a day shown as ``h:mm`` or ``[h]:mm``), whether they arrive as durations, as date-times on
    Excel's day zero (1899-12-31 06:00 → 6.0; 1900-01-01 12:00 → 36.0) or as that text. A real calendar date in
    an hours field is invalid, as are booleans and infinite numbers.
    """
    if pd.api.types.is_timedelta64_dtype(s.dtype):
        hours = s.to_numpy(dtype="timedelta64[ns]").astype(np.int64) / 3.6e12
        na = np.asarray(s.isna(), dtype=bool)
        values = pd.arrays.FloatingArray(np.where(na, 0.0, hours), na)
        return Parsed(pd.Series(values, index=s.index, name=s.name), _bool_series(np.zeros(len(s), dtype=bool), s))
    cells, r = _float_text(s, _hours_strings)
    _finite_numbers(r)
    if cells.when is not None and cells.when_mask is not None:
        hours, ok = _hours_since_day_zero(cells.when)
        r.put(cells.when_mask, hours, ok)
    if cells.other_mask is not None:  # datetime.timedelta / pd.Timedelta objects among other values
        spans = pd.to_timedelta(pd.Series(cells.source.to_numpy(dtype=object)[cells.other_mask]), errors="coerce")
        hours = np.full(cells.n, np.nan)
        hours[cells.other_mask] = spans.to_numpy(dtype="timedelta64[ns]").astype(np.int64) / 3.6e12
        known = np.zeros(cells.n, dtype=bool)
        known[cells.other_mask] = spans.notna().to_numpy(dtype=bool)
        r.put(cells.other_mask, hours, known)
    return _float_parsed(s, r)


def _bool_strings(a: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, low, missing = _prepare(a)
    x = pc.replace_substring(_unquote(low), "\ufe0f", "")  # emoji presentation selector: "✔️"
    true = _np_bool(pc.is_in(x, value_set=pa.array(sorted(_TRUE_TOKENS), type=x.type)))
    false = _np_bool(pc.is_in(x, value_set=pa.array(sorted(_FALSE_TOKENS), type=x.type)))
    return true, true | false, _np_bool(missing)


def parse_bool(s: pd.Series) -> Parsed:
    """A yes/no as nullable "boolean".

    True: y, yes, true, t, 1, 1.0, ✓, ✔. False: n, no, false, f, 0, 0.0, ✗, ✘ (case-insensitive,
    whitespace ignored). Python/numpy bools pass through; the numbers 1 and 0 are accepted; any
    other number, "x", "on"/"off" and dates are invalid.
    """
    cells = _split(s)
    r = _Result(cells, np.zeros(cells.n, dtype=bool))
    if cells.text is not None:
        values, ok, missing = _map_strings(cells.text, _bool_strings)
        r.put(np.ones(cells.n, dtype=bool), values, ok)
        r.missing |= missing
    if cells.num is not None and cells.num_mask is not None:
        r.put(cells.num_mask, cells.num == 1, (cells.num == 1) | (cells.num == 0))
    if cells.flag is not None and cells.flag_mask is not None:
        r.put(cells.flag_mask, cells.flag, np.ones(cells.n, dtype=bool))
    values = pd.arrays.BooleanArray(r.values & r.ok, ~r.ok)
    return Parsed(pd.Series(values, index=s.index, name=s.name), _bool_series(r.invalid(), s))


def _ymd_days(y: np.ndarray, m: np.ndarray, d: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar parts -> datetime64[D]; impossible dates (31/02) and ones outside [ns] range fail."""
    ok = ok & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (y >= 1677) & (y <= 2262)
    y, m, d = np.where(ok, y, 2000), np.where(ok, m, 1), np.where(ok, d, 1)
    month = (y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (m - 1)
    first = month.astype("datetime64[D]")
    days_in_month = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    days = first + (d - 1)
    ok &= (d <= days_in_month) & (days >= _MIN_DAY) & (days <= _MAX_DAY)
    return days, ok


def _serial_days(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial numbers -> datetime64[D] (1899-12-30 epoch; any fraction is a time, dropped)."""
    ok = np.isfinite(v) & (v >= 1) & (v < _EXCEL_MAX_SERIAL + 1)
    days = _EXCEL_EPOCH + np.where(ok, np.floor(v), 0).astype(np.int64)
    ok &= (days >= _MIN_DAY) & (days <= _MAX_DAY)
    return days, ok


# Excel's rule for a year typed with two digits (Windows' default "two-digit year cutoff" of 2029): 00-29 are
# 2000s, 30-99 are 1900s, so a date of birth typed 15/06/62 is 1962, as the provider's own Excel shows it.
_TWO_DIGIT_YEAR_CUTOFF = 30


def _two_digit_years(y: np.ndarray, two: np.ndarray) -> np.ndarray:
    """00-29 -> 2000s, 30-99 -> 1900s (Excel's rule), where the year was written with two digits."""
    return np.where(two, np.where(y < _TWO_DIGIT_YEAR_CUTOFF, 2000 + y, 1900 + y), y)


def _drop_time(x: pa.Array) -> pa.Array:
    """Drop a valid trailing time of day ("... 14:30", "...T00:00:00Z") and its separator."""
    if not _has(x, ":"):
        return x
    timed = pc.match_substring_regex(x, _TIME_SUFFIX)
    # The suffix is made only of these characters and follows a "t" or " " that is not: trim it,
    # then drop that one separator.
    bare = pc.utf8_slice_codeunits(pc.utf8_rtrim(x, "0123456789:.z+-"), 0, -1)
    return pc.if_else(timed, bare, x)


def _numeric_dates(x: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2024-03-31, 2024/03/31, 31/03/2024, 31-03-24, 31.03.2024 (already shape-checked)."""
    dashed = pc.replace_substring(pc.replace_substring(_only(rows, x), "/", "-"), ".", "-")
    parts = pc.split_pattern(dashed, "-")
    p0, p1, p2 = (pc.list_element(parts, i) for i in range(3))
    n0, n2 = _np_int(pc.utf8_length(p0)), _np_int(pc.utf8_length(p2))
    v0, v1, v2 = (_np_int(pc.cast(p, pa.int64())) for p in (p0, p1, p2))
    iso = rows & (n0 == 4) & (n2 <= 2)
    dmy = rows & (n0 <= 2) & ((n2 == 2) | (n2 == 4))
    y = np.where(iso, v0, _two_digit_years(v2, n2 == 2))
    return _ymd_days(y, v1, np.where(iso, v2, v0), iso | dmy)


def _worded_dates(x: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1 April 2025, 1st Apr 2025, 01-Apr-25, April 1, 2025 (only ``rows`` are looked at)."""
    n = len(x)
    y, m, d = (np.zeros(n, dtype=np.int64) for _ in range(3))
    two, found = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    left = np.flatnonzero(rows)
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        if not left.size:
            break
        got = pc.extract_regex(x.take(pa.array(left)), pattern)
        valid = got.is_valid()
        hit = _np_bool(valid)
        at = left[hit]
        ys = _only(valid, got.field("y"))
        y[at] = _np_int(pc.cast(ys, pa.int64()))[hit]
        two[at] = (_np_int(pc.utf8_length(ys)) == 2)[hit]
        d[at] = _np_int(pc.cast(_only(valid, got.field("d")), pa.int64()))[hit]
        month = pc.utf8_slice_codeunits(_only(valid, got.field("mon")), 0, 3)
        m[at] = (_np_int(pc.index_in(month, value_set=_MONTH_ABBR)) + 1)[hit]
        found[at] = True
        left = left[~hit]
    return _ymd_days(_two_digit_years(y, two), m, d, found)


def _date_strings(a: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, low, missing = _prepare(a)  # missing tokens match no date shape, so need no masking here
    if pc.any(pc.starts_with(low, "'")).as_py():
        low = pc.utf8_ltrim(low, "'")
    x = _drop_time(low)
    n = len(x)
    days = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = np.zeros(n, dtype=bool)
    numeric = _np_bool(pc.match_substring_regex(x, _NUMERIC_DATE))
    if numeric.any():
        got, good = _numeric_dates(x, numeric)
        days, ok = np.where(good, got, days), ok | good
    worded = ~ok & _np_bool(pc.match_substring_regex(x, "[a-z]"))
    if worded.any():
        got, good = _worded_dates(x, worded)
        days, ok = np.where(good, got, days), ok | good
    serial = ~ok & _np_bool(pc.match_substring_regex(x, _SERIAL))
    if serial.any():  # "45382"
        got, good = _serial_days(_to_float(_only(serial, x)))
        good &= serial
        days, ok = np.where(good, got, days), ok | good
    missing_np = _np_bool(missing)
    return days, ok & ~missing_np, missing_np


def _month_first_strings(a: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    _, low, _ = _prepare(a)
    if pc.any(pc.starts_with(low, "'")).as_py():
        low = pc.utf8_ltrim(low, "'")
    x = _drop_time(low)
    n = len(x)
    only, either = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    rows = _np_bool(pc.match_substring_regex(x, _NUMERIC_DATE))
    if not rows.any():
        return only, either
    dashed = pc.replace_substring(pc.replace_substring(_only(rows, x), "/", "-"), ".", "-")
    parts = pc.split_pattern(dashed, "-")
    p0, p1, p2 = (pc.list_element(parts, i) for i in range(3))
    n0, n2 = _np_int(pc.utf8_length(p0)), _np_int(pc.utf8_length(p2))
    v0, v1, v2 = (_np_int(pc.cast(p, pa.int64())) for p in (p0, p1, p2))
    dmy = rows & (n0 <= 2) & ((n2 == 2) | (n2 == 4))
    year = _two_digit_years(v2, n2 == 2)
    _, day_first = _ymd_days(year, v1, v0, dmy)
    _, month_first = _ymd_days(year, v0, v1, dmy)
    return month_first & ~day_first, month_first & day_first & (v0 != v1)


def month_first_doubts(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Where a column's dates may have been written month first (US), as :func:`parse_date` never reads them.

    Returns two masks over the text cells: ``only``, dates that read only month first (``07/13/2026``: there is
    no 13th month), and ``either``, dates that read both ways as different days (``07/01/2026``: 7 January day
    first, 1 July month first). A column with any ``only`` cell was probably written month first, so its
    ``either`` cells cannot be trusted either; that is the caller's to say (a DATA finding), never to swap.
    """
    cells = _split(s)
    if cells.text is None:
        none = np.zeros(cells.n, dtype=bool)
        return none, none.copy()
    only, either = _month_first_strings(cells.text)
    return only, either


def parse_date(s: pd.Series) -> Parsed:
    """A calendar date as "datetime64[ns]" at midnight (any time of day is dropped).

    * Datetime values (``datetime``, ``date``, ``pd.Timestamp``, datetime64 columns) pass through;
      tz-aware ones keep their local calendar date.
    * Strings are read day-first, never month-first: ``"03/04/2024"`` is 3 April. Accepted:
      ``2024-03-31`` (also ``/`` or ``.``, and with a ``T00:00:00`` or `` 00:00`` time),
      ``31/03/2024``, ``31-03-2024``, ``31.03.2024``, ``31/03/24`` (two-digit years 00-29 are
      2000s, 30-99 are 1900s, as Excel reads them), ``1 April 2025``, ``1 Apr 2025``, ``01-Apr-2025``,
      ``1st April 2025``, ``April 1, 2025``; any of them may carry a valid time of day.
    * Numbers, and strings of digits like ``"45382"``, from 1 to 2958465 are Excel serial dates:
      1899-12-30 plus that many days. Because Excel treats 1900 as a leap year (its serial 60 is
      the non-existent 29 Feb 1900), this epoch is right for serials >= 61 (1 March 1900 on) and one
      day early below that — irrelevant for workforce data, but a bare year like 2024 in a date
      column becomes 1905-07-16, so range-check dates downstream.
    * Impossible dates (``31/02/2024``) are invalid, never rolled over, as are dates outside what
      datetime64[ns] can hold (before 1677-09-22 or after 2262-04-11, e.g. a 31/12/9999 "no end").
    """
    cells = _split(s)
    r = _Result(cells, np.full(cells.n, np.datetime64("NaT"), dtype="datetime64[D]"))
    if cells.text is not None:
        values, ok, missing = _map_strings(cells.text, _date_strings)
        r.put(np.ones(cells.n, dtype=bool), values, ok)
        r.missing |= missing
    if cells.num is not None and cells.num_mask is not None:
        values, ok = _serial_days(cells.num)
        r.put(cells.num_mask, values, ok)
    if cells.when is not None and cells.when_mask is not None:
        values = cells.when.astype("datetime64[D]")  # floors, also before 1970
        r.put(cells.when_mask, values, (values >= _MIN_DAY) & (values <= _MAX_DAY))
    values = np.where(r.ok, r.values, np.datetime64("NaT")).astype("datetime64[ns]")
    return Parsed(pd.Series(values, index=s.index, name=s.name), _bool_series(r.invalid(), s))
