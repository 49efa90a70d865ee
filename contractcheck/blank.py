"""What counts as blank: one rule for every stage that asks whether a cell holds anything.

Three words, from the narrowest to the widest:

* **null**: the value holds nothing at all: ``None``, a float NaN (Python or numpy), ``NaT`` (pandas or
  numpy), ``pd.NA``. This is what :func:`pandas.isna` calls missing, for one value (:func:`is_null`).
* **blank**: null, or text with nothing a reader can see: empty, or only whitespace (:data:`SPACES`:
  ASCII whitespace and the Unicode spaces such as the no-break space) and zero-width characters
  (:data:`ZERO_WIDTH`). A cell a spreadsheet user would call empty (:func:`is_blank`,
  :func:`blank_mask`, :func:`arrow_blank_mask`). ``0``, ``False``, ``"0"`` and ``"n/a"`` are not blank.
* **missing**: blank, or text that is one of :data:`MISSING_TOKENS` ("N/A", "-", "none", ...) once its
  spaces are collapsed and its ASCII letters lower-cased: what providers type for "nothing here". The
  value parsers (:func:`contractcheck.normalise.values.is_missing`) treat a missing cell as no value,
  never as an unparseable one.

Who asks which: the load stage asks *blank* (which rows of a file hold anything); normalise asks *blank*
of key/value cells and headings and *missing* of values (through the parsers); a parsed column is
already NA wherever its cell was missing, so the rule language asks *null* of parsed values and *blank*
for its ``is_blank()`` function.

A leaf module: it imports nothing from contractcheck.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "MISSING_TOKENS",
    "SPACES",
    "ZERO_WIDTH",
    "arrow_blank_mask",
    "blank_mask",
    "is_blank",
    "is_null",
]

#: Whitespace: ASCII space, tab, line breaks, form feed and vertical tab, NEL, and the Unicode space
#: separators (no-break, en/em and thin spaces, ideographic space, ...).
SPACES: str = (
    " \t\n\r\f\v\u0085\u00a0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
#: Characters with no width at all (zero-width space and joiners, word joiner, a stray byte-order mark).
ZERO_WIDTH: str = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = SPACES + ZERO_WIDTH

#: Text that means "nothing here", compared after collapsing spaces and lower-casing ASCII letters.
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "n/a", "na", "-", "\u2013", "\u2014", "none", "null", "nil", "not applicable"}
)


def is_null(value: object) -> bool:
    """True for a value that holds nothing: None, NaN (float or numpy), NaT (pandas or numpy), pd.NA."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):  # numpy float64 is a float
        return math.isnan(value)
    if isinstance(value, np.floating):
        return bool(np.isnan(value))
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    return False


def is_blank(value: object) -> bool:
    """True for a cell a user would call empty: null, or text of only whitespace and zero-width characters."""
    if isinstance(value, str):
        return not value.strip(_INVISIBLE)
    return is_null(value)


def arrow_blank_mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """:func:`is_blank` for every element of an Arrow array: a numpy ``bool`` array of the same length."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        blank = pc.or_kleene(pc.is_null(values), pc.equal(pc.utf8_trim(values, _INVISIBLE), ""))
    elif pa.types.is_floating(values.type):
        blank = pc.is_null(values, nan_is_null=True)
    else:
        blank = pc.is_null(values)
    return np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False), dtype=bool)


_type_of = np.frompyfunc(type, 1, 1)


def blank_mask(values: pd.Series) -> pd.Series:
    """:func:`is_blank` for every cell of a Series of any dtype: a ``bool`` Series on the same index.

    Vectorised: text is trimmed by an Arrow kernel; an ``object`` column is split by the type of each
    cell (a C-level call per cell, no Python loop) and only its text cells are trimmed.
    """
    blank = np.array(values.isna(), dtype=bool)  # a copy: written to below
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) or (
        isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype)
    ):
        text = pa.array(values, from_pandas=True)
        blank = arrow_blank_mask(text)
    elif pd.api.types.is_object_dtype(dtype) and len(values):
        cells = values.to_numpy(dtype=object)
        types = _type_of(cells)
        kinds = pd.unique(types)
        kind_is_text = np.array([isinstance(kind, type) and issubclass(kind, str) for kind in kinds], dtype=bool)
        is_text = kind_is_text[pd.Index(kinds).get_indexer(types)] & ~blank
        if is_text.any():
            blank[is_text] = arrow_blank_mask(pa.array(cells[is_text], type=pa.large_string()))
    return pd.Series(blank, index=values.index, dtype=bool)
