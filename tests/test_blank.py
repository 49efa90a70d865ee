"""contractcheck.blank: the one rule for "this cell holds nothing", for one value and for a column."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractcheck.blank import (
    MISSING_TOKENS,
    arrow_blank_mask,
    blank_mask,
    is_blank,
    is_null,
)
from contractcheck.normalise.values import is_missing

NOTHING = [None, float("nan"), np.float32("nan"), pd.NaT, np.datetime64("NaT"), pd.NA]
INVISIBLE_TEXT = ["", "   ", "\t\r\n", "\u00a0", "\u2009 \u3000", "\u200b", "\ufeff "]
SOMETHING = ["x", " a ", "0", "n/a", "-", 0, 0.0, False, dt.datetime(2025, 4, 1), pd.Timestamp(2025, 4, 1)]


@pytest.mark.parametrize("value", NOTHING, ids=repr)
def test_values_that_hold_nothing_are_null_and_blank(value: object) -> None:
    assert is_null(value) and is_blank(value)


@pytest.mark.parametrize("text", INVISIBLE_TEXT, ids=repr)
def test_text_a_reader_cannot_see_is_blank_but_not_null(text: str) -> None:
    assert is_blank(text) and not is_null(text)


@pytest.mark.parametrize("value", SOMETHING, ids=repr)
def test_zero_false_and_placeholders_are_not_blank(value: object) -> None:
    assert not is_blank(value) and not is_null(value)


def test_placeholders_are_missing_for_the_parsers_though_not_blank() -> None:
    cells = pd.Series(["n/a", " N/A ", "-", "none", "", "Ann"], dtype=object)
    assert is_missing(cells).tolist() == [True, True, True, True, True, False]
    assert blank_mask(cells).tolist() == [False, False, False, False, True, False]
    assert "n/a" in MISSING_TOKENS


def test_a_column_of_mixed_cells_is_judged_cell_by_cell() -> None:
    cells = pd.Series([*NOTHING, *INVISIBLE_TEXT, *SOMETHING], index=range(100, 123), dtype=object)
    mask = blank_mask(cells)
    assert mask.dtype == bool and mask.index.equals(cells.index)
    assert mask.tolist() == [True] * (len(NOTHING) + len(INVISIBLE_TEXT)) + [False] * len(SOMETHING)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["a", " ", None], dtype="str"),
        pd.Series(["a", " ", None], dtype="string"),
        pd.Series(["a", " ", None], dtype=pd.ArrowDtype(pa.string())),
        pd.Series([1.5, np.nan, np.nan]),
        pd.Series([pd.Timestamp(2025, 4, 1), pd.NaT, pd.NaT]),
        pd.Series([True, pd.NA, pd.NA], dtype="boolean"),
    ],
    ids=["str", "string", "arrow string", "float", "datetime", "boolean"],
)
def test_every_dtype_a_table_column_can_have(column: pd.Series) -> None:
    assert blank_mask(column).tolist() == [False, True, True]


def test_arrow_arrays_as_the_workbook_reader_sees_them() -> None:
    assert arrow_blank_mask(pa.array(["a", " \u00a0", None])).tolist() == [False, True, True]
    assert arrow_blank_mask(pa.array([1.0, float("nan"), None])).tolist() == [False, True, True]
    assert arrow_blank_mask(pa.array([False, None])).tolist() == [False, True]


cells = st.one_of(
    st.sampled_from([*NOTHING, *SOMETHING]),
    st.text(alphabet=" \t\u00a0\u200ba0-", max_size=4),
    st.floats(allow_nan=True),
)


@given(st.lists(cells, max_size=20))
def test_the_column_rule_is_the_cell_rule(values: list[object]) -> None:
    column = pd.Series(values, dtype=object)
    assert blank_mask(column).tolist() == [is_blank(value) for value in values]
