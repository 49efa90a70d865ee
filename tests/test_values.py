"""Examples and properties for contractcheck.values: what providers type, and what we make of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contractcheck.normalise import values
from contractcheck.normalise.values import (
    MISSING_TOKENS,
    Parsed,
    is_missing,
    parse_bool,
    parse_date,
    parse_money,
    parse_number,
    parse_percent,
    parse_text,
)

PARSERS: list[Callable[[pd.Series], Parsed]] = [
    parse_text,
    parse_number,
    parse_money,
    parse_percent,
    parse_bool,
    parse_date,
]
EXAMPLES = settings(max_examples=75, deadline=None)  # each example is a list of up to 20 cells
FEWER_EXAMPLES = settings(max_examples=25, deadline=None)  # each example runs every parser on many dtypes


def one(parser: Callable[[pd.Series], Parsed], cell: object) -> tuple[object, bool]:
    """Parse a single cell (in an object column, as a mixed xlsx column arrives)."""
    parsed = parser(pd.Series([cell], dtype=object))
    return parsed.values.iloc[0], bool(parsed.invalid.iloc[0])


def is_na(value: object) -> bool:
    return bool(pd.isna(value))


# --------------------------------------------------------------------------------------------------
# Missing cells
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [None, np.nan, pd.NA, pd.NaT, "", "   ", "\u00a0", "n/a", "N/A", " na ", "-", "\u2013", "\u2014",
     "None", "NULL", "nil", "Not Applicable", "not  applicable"],
)  # fmt: skip
def test_blank_and_placeholder_cells_are_missing(cell: object) -> None:
    assert is_missing(pd.Series([cell], dtype=object)).tolist() == [True]


@pytest.mark.parametrize("cell", ["0", 0, 0.0, False, "x", "n/a please", "--", "nan?"])
def test_values_that_look_empty_are_not_missing(cell: object) -> None:
    assert is_missing(pd.Series([cell], dtype=object)).tolist() == [False]


def test_missing_tokens_are_casefolded() -> None:
    assert all(token == token.casefold().strip() for token in MISSING_TOKENS)


@pytest.mark.parametrize("parser", PARSERS)
def test_missing_is_never_invalid(parser: Callable[[pd.Series], Parsed]) -> None:
    cells = pd.Series([None, np.nan, "", " n/a ", "-", "None"], dtype=object)
    parsed = parser(cells)
    assert not parsed.invalid.any()
    assert parsed.values.isna().all()


# --------------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12.5, 12.5),
        (12, 12.0),
        ("12.5", 12.5),
        ("£12.50", 12.5),
        ("£ 12.50", 12.5),
        ("12.50 GBP", 12.5),
        ("GBP 12.50", 12.5),
        ("gbp12.50", 12.5),
        ("£1,650,000", 1_650_000.0),
        ("1.65m", 1_650_000.0),
        ("£1.65M", 1_650_000.0),
        ("£1.1mn", 1_100_000.0),
        ("250k", 250_000.0),
        ("£250K", 250_000.0),
        ("1.2bn", 1_200_000_000.0),
        ("-£5", -5.0),
        ("£-5", -5.0),
        ("\u2212£5", -5.0),  # Unicode minus
        ("  £12.50  ", 12.5),
        ("\u00a0£12.50\u00a0", 12.5),  # non-breaking spaces from a web page
        ("£\u00a012.50", 12.5),
        ("'12.5", 12.5),  # Excel text marker
        ("£.50", 0.5),
    ],
)
def test_money_accepts(cell: object, expected: float) -> None:
    assert one(parse_money, cell) == (expected, False)


@pytest.mark.parametrize(
    "cell",
    ["abc", "12.50 EUR", "$12", "€12", "1.2.3", "12.50p", "50p", "£12.50 GBP", "12,5", "1,23,456",
     "(£5)", "- £5", "£", "k", "1e3", "12 34", True, False, np.bool_(True), float("inf"),
     dt.date(2024, 1, 1), "9" * 400],
)  # fmt: skip
def test_money_rejects(cell: object) -> None:
    value, invalid = one(parse_money, cell)
    assert invalid and is_na(value)


def test_money_multipliers_are_exact_in_decimal() -> None:
    parsed = parse_money(pd.Series(["1.1m", "0.3k", "2.675bn", "£1.15M"]))
    assert parsed.values.tolist() == [1_100_000.0, 300.0, 2_675_000_000.0, 1_150_000.0]


@EXAMPLES
@given(st.lists(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), min_size=1, max_size=20))
def test_money_round_trips_through_pounds_and_commas(amounts: list[float]) -> None:
    cells = [f"£{x:,.2f}" for x in amounts]
    parsed = parse_money(pd.Series(cells))
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == [float(f"{x:.2f}") for x in amounts]


# --------------------------------------------------------------------------------------------------
# Numbers and percentages
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(12, 12.0), (12.5, 12.5), ("12.5", 12.5), (" 1,234.5 ", 1234.5), ("-3", -3.0), ("+3", 3.0),
     (".5", 0.5), ("7.", 7.0), ("1.5E-05", 1.5e-05), ("'12.5", 12.5), (np.int64(4), 4.0)],
)  # fmt: skip
def test_number_accepts(cell: object, expected: float) -> None:
    assert one(parse_number, cell) == (expected, False)


@pytest.mark.parametrize(
    "cell", ["abc", "(12)", "12,5", "1.2.3", "£12", "12%", "nan", "inf", True, float("inf"), "1e400"]
)
def test_number_rejects(cell: object) -> None:
    value, invalid = one(parse_number, cell)
    assert invalid and is_na(value)


@EXAMPLES
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_numbers_round_trip_through_repr_and_thousands_commas(numbers: list[float]) -> None:
    cells = [repr(x) for x in numbers] + [f"{x:,}" for x in numbers]
    parsed = parse_number(pd.Series(cells))
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == numbers + numbers


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12%", 0.12),
        ("12.5 %", 0.125),
        ("33.3%", 0.333),
        ("150%", 1.5),
        ("-5%", -0.05),
        (0.12, 0.12),  # Excel stores 12% as 0.12
        ("0.12", 0.12),
        (1, 1.0),  # 100%
        (12, 0.12),  # typed 12 meaning 12%
        ("12", 0.12),
        (33.3, 0.333),
        (0, 0.0),
        ("'12%", 0.12),
    ],
)
def test_percent_accepts(cell: object, expected: float) -> None:
    assert one(parse_percent, cell) == (expected, False)


@pytest.mark.parametrize("cell", ["abc", "12 percent", "%", "12%%", "1.2.3%", True])
def test_percent_rejects(cell: object) -> None:
    value, invalid = one(parse_percent, cell)
    assert invalid and is_na(value)


@EXAMPLES
@given(st.lists(st.decimals(min_value=-1000, max_value=1000, places=3), min_size=1, max_size=20))
def test_percent_with_sign_is_the_decimal_divided_by_100(points: list) -> None:  # type: ignore[type-arg]
    parsed = parse_percent(pd.Series([f"{p}%" for p in points]))
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == [float(p / 100) for p in points]


# --------------------------------------------------------------------------------------------------
# Booleans
# --------------------------------------------------------------------------------------------------

TRUE_CELLS = ["y", "Y", "yes", "YES", "true", "True", "t", "1", "1.0", "\u2713", "\u2714", "\u2714\ufe0f",
              " yes ", True, np.bool_(True), 1, 1.0]  # fmt: skip
FALSE_CELLS = ["n", "N", "no", "No", "false", "FALSE", "f", "0", "0.0", "\u2717", "\u2718", False,
               np.bool_(False), 0, 0.0]  # fmt: skip


@pytest.mark.parametrize("cell", TRUE_CELLS)
def test_bool_true(cell: object) -> None:
    assert one(parse_bool, cell) == (True, False)


@pytest.mark.parametrize("cell", FALSE_CELLS)
def test_bool_false(cell: object) -> None:
    assert one(parse_bool, cell) == (False, False)


@pytest.mark.parametrize("cell", ["x", "X", "on", "off", "2", 2, 0.5, "maybe", "yes!", dt.date(2024, 1, 1)])
def test_bool_rejects(cell: object) -> None:
    value, invalid = one(parse_bool, cell)
    assert invalid and is_na(value)


TRUE_WORDS = ["y", "yes", "true", "t", "1", "1.0", "\u2713", "\u2714"]
FALSE_WORDS = ["n", "no", "false", "f", "0", "0.0", "\u2717", "\u2718"]
PADDING = ["", " ", "\u00a0", "\t", "  "]


@EXAMPLES
@given(
    st.lists(
        st.tuples(st.sampled_from(TRUE_WORDS + FALSE_WORDS), st.booleans(), st.sampled_from(PADDING)),
        min_size=1,
        max_size=20,
    )
)
def test_bool_never_rejects_a_known_token(cells: list[tuple[str, bool, str]]) -> None:
    text = [f"{pad}{word.upper() if upper else word}{pad}" for word, upper, pad in cells]
    parsed = parse_bool(pd.Series(text))
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == [word in TRUE_WORDS for word, _, _ in cells]


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-31", "2024-03-31"),
        ("2024-03-31T00:00:00", "2024-03-31"),
        ("2024-03-31 00:00:00", "2024-03-31"),
        ("2024-03-31T17:45:00.123Z", "2024-03-31"),
        ("2024/03/31", "2024-03-31"),
        ("31/03/2024", "2024-03-31"),
        ("31-03-2024", "2024-03-31"),
        ("31.03.2024", "2024-03-31"),
        ("31/03/2024 14:30", "2024-03-31"),
        ("1/4/2024", "2024-04-01"),
        ("03/04/2024", "2024-04-03"),  # day first, always
        ("31/03/24", "2024-03-31"),
        ("01/01/29", "2029-01-01"),  # Excel's two-digit years: 00-29 are 2000s,
        ("01/01/30", "1930-01-01"),  # 30-99 are 1900s
        ("15/06/62", "1962-06-15"),  # a date of birth typed with two digits is 1962, never 2062
        ("15-Jun-62", "1962-06-15"),
        ("1 April 2025", "2025-04-01"),
        ("1 Apr 2025", "2025-04-01"),
        ("01-Apr-2025", "2025-04-01"),
        ("01-APR-25", "2025-04-01"),
        ("1st April 2025", "2025-04-01"),
        ("22nd Sept 2025", "2025-09-22"),
        ("April 1, 2025", "2025-04-01"),
        ("Apr 1st 2025", "2025-04-01"),
        ("29/02/2024", "2024-02-29"),
        ("'31/03/2024", "2024-03-31"),
        (45382, "2024-03-31"),  # Excel serial
        (45382.75, "2024-03-31"),  # serial with a time of day
        ("45382", "2024-03-31"),
        (61, "1900-03-01"),
        (dt.date(2024, 3, 31), "2024-03-31"),
        (dt.datetime(2024, 3, 31, 23, 59), "2024-03-31"),
        (pd.Timestamp("2024-03-31 12:00"), "2024-03-31"),
        (np.datetime64("2024-03-31T08:00"), "2024-03-31"),
        (pd.Timestamp("2024-07-01 00:30", tz="Europe/London"), "2024-07-01"),  # local date, not UTC
    ],
)
def test_date_accepts(cell: object, expected: str) -> None:
    assert one(parse_date, cell) == (pd.Timestamp(expected), False)


@pytest.mark.parametrize(
    "cell",
    ["31/02/2024", "29/02/2023", "32/01/2024", "00/01/2024", "01/13/2024", "2024-13-01", "31/03-2024",
     "31/03/2024 25:00", "12:30", "April 2025", "1 Foo 2025", "31/03/202", "abc", "0", 0,
     2958466, -1, dt.datetime(9999, 12, 31), "31/12/9999", True, dt.time(9, 0)],
)  # fmt: skip
def test_date_rejects(cell: object) -> None:
    value, invalid = one(parse_date, cell)
    assert invalid and is_na(value)


def test_a_bare_year_is_an_excel_serial_so_callers_must_range_check() -> None:
    assert one(parse_date, "2024") == (pd.Timestamp("1905-07-16"), False)


def test_date_column_of_datetimes_drops_time_and_keeps_nat() -> None:
    cells = pd.Series([pd.Timestamp("2024-03-31 23:59:59"), None, pd.Timestamp("1960-06-01 12:00")])
    parsed = parse_date(cells)
    assert parsed.values.dtype == "datetime64[ns]"
    assert parsed.values.tolist()[0] == pd.Timestamp("2024-03-31")
    assert parsed.values.isna().tolist() == [False, True, False]
    assert parsed.values.iloc[2] == pd.Timestamp("1960-06-01")
    assert not parsed.invalid.any()


DATES = st.dates(min_value=dt.date(1700, 1, 1), max_value=dt.date(2261, 12, 31))


@EXAMPLES
@given(
    st.lists(DATES, min_size=1, max_size=20),
    st.sampled_from(["%d/%m/%Y", "%Y-%m-%d", "%-d %B %Y", "%d-%b-%Y", "%B %-d, %Y", "%d.%m.%Y"]),
)
def test_dates_round_trip_through_common_formats(dates: list[dt.date], fmt: str) -> None:
    parsed = parse_date(pd.Series([d.strftime(fmt) for d in dates]))
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == [pd.Timestamp(d) for d in dates]


@EXAMPLES
@given(st.lists(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2262, 4, 11)), min_size=1, max_size=20))
def test_excel_serial_numbers_round_trip(dates: list[dt.date]) -> None:
    serials = [(d - dt.date(1899, 12, 30)).days for d in dates]
    expected = [pd.Timestamp(d) for d in dates]
    assert parse_date(pd.Series(serials)).values.tolist() == expected
    assert parse_date(pd.Series([float(n) + 0.5 for n in serials])).values.tolist() == expected
    assert parse_date(pd.Series([str(n) for n in serials])).values.tolist() == expected


# --------------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Jane   Smith ", "Jane Smith"),
        ("Jane\u00a0Smith", "Jane Smith"),
        ("Jane\tSmith\n", "Jane Smith"),
        ("Zero\u200bwidth", "Zerowidth"),
        ("O'Brien", "O'Brien"),
        (1234.0, "1234"),  # ids typed as numbers in Excel
        (1234, "1234"),
        (12.5, "12.5"),
        ("1234.0", "1234.0"),  # a string is left as typed
        (True, "TRUE"),
        (dt.date(2024, 3, 31), "2024-03-31"),
        (dt.datetime(2024, 3, 31, 14, 30), "2024-03-31 14:30:00"),
        ("n/a", None),
        ("", None),
    ],
)
def test_text(cell: object, expected: str | None) -> None:
    value, invalid = one(parse_text, cell)
    assert not invalid
    if expected is None:
        assert is_na(value)
    else:
        assert value == expected


def test_text_is_nullable_string_dtype_and_int_columns_stay_exact() -> None:
    parsed = parse_text(pd.Series([2**62 + 1, 7]))
    assert parsed.values.dtype == "string"
    assert parsed.values.tolist() == [str(2**62 + 1), "7"]


# --------------------------------------------------------------------------------------------------
# Every parser, every dtype
# --------------------------------------------------------------------------------------------------

STRING_DTYPES = {
    "object": object,
    "str (pyarrow, the pandas 3 default)": pd.StringDtype("pyarrow", na_value=np.nan),
    "string (python)": pd.StringDtype("python"),
    "arrow": pd.ArrowDtype(pa.string()),
}


def assert_same(a: Parsed, b: Parsed) -> None:
    pd.testing.assert_series_equal(a.values, b.values)
    pd.testing.assert_series_equal(a.invalid, b.invalid)


def check_contract(parser: Callable[[pd.Series], Parsed], cells: pd.Series) -> Parsed:
    """What every parser promises, whatever the input."""
    parsed = parser(cells)
    assert parsed.values.index.equals(cells.index) and parsed.invalid.index.equals(cells.index)
    assert parsed.invalid.dtype == np.dtype(bool)
    missing = is_missing(cells)
    assert not (parsed.invalid & missing).any()
    assert (parsed.values.isna() == (missing | parsed.invalid)).all()
    return parsed


CELL_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["12", "£1.5k", "31/03/2024", "yes", "12%", " n/a ", "", "1,234", "'7", "2024-02-30"]),
)


@FEWER_EXAMPLES
@given(st.lists(st.one_of(st.none(), CELL_TEXT), max_size=30))
def test_random_text_never_raises_and_keeps_the_contract(cells: list[str | None]) -> None:
    series = pd.Series(cells, dtype=object)
    for parser in PARSERS:
        check_contract(parser, series)


@FEWER_EXAMPLES
@given(st.lists(st.one_of(st.none(), CELL_TEXT), min_size=1, max_size=30))
def test_string_dtypes_give_equal_results(cells: list[str | None]) -> None:
    columns = {name: pd.Series(cells, dtype=dtype) for name, dtype in STRING_DTYPES.items()}
    for parser in PARSERS:
        results = {name: parser(column) for name, column in columns.items()}
        for result in results.values():
            assert_same(result, results["object"])


MIXED_CELLS: list[object] = [
    None, np.nan, pd.NaT, "", "n/a", "12", 12, 12.5, np.float32(0.5), np.int64(3), True, np.bool_(False),
    "£1.5k", "yes", "31/03/2024", dt.date(2024, 3, 31), dt.datetime(2024, 3, 31, 9), pd.Timestamp("2024-01-01"),
    dt.time(9, 30), dt.timedelta(days=1), b"bytes", ["list"], "abc",
]  # fmt: skip


@pytest.mark.parametrize("parser", PARSERS)
def test_mixed_object_columns_keep_the_contract(parser: Callable[[pd.Series], Parsed]) -> None:
    rows = range(100, 100 + len(MIXED_CELLS))
    check_contract(parser, pd.Series(MIXED_CELLS, dtype=object, index=rows))


STAMPS = [pd.Timestamp("2024-03-31"), None, pd.Timestamp("2024-04-01 12:00"), pd.Timestamp("1999-12-31")]
TYPED_COLUMNS = {
    "float64": pd.Series([1.0, np.nan, 0.0, 45382.0]),
    "int64": pd.Series([1, 0, 12, 45382]),
    "Int64": pd.Series([1, None, 0, 45382], dtype="Int64"),
    "Float64": pd.Series([1.0, None, 0.0, 0.25], dtype="Float64"),
    "bool": pd.Series([True, False, True, False]),
    "boolean": pd.Series([True, None, False, True], dtype="boolean"),
    "datetime64[ns]": pd.Series(STAMPS, dtype="datetime64[ns]"),
    "datetime64[s]": pd.Series(np.array(["2024-03-31", "NaT", "9999-12-31", "1600-01-01"], dtype="datetime64[s]")),
    "datetime tz": pd.Series([pd.Timestamp("2024-07-01 00:30"), *STAMPS[1:]]).dt.tz_localize("Europe/London"),
    "arrow date": pd.Series([None if t is None else t.date() for t in STAMPS], dtype=pd.ArrowDtype(pa.date32())),
    "category": pd.Series(["yes", "no", None, "12"], dtype="category"),
    "timedelta": pd.Series(pd.to_timedelta([1, None, 2, 3], unit="D")),
}  # fmt: skip


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("name", list(TYPED_COLUMNS))
def test_every_dtype_keeps_the_contract(parser: Callable[[pd.Series], Parsed], name: str) -> None:
    check_contract(parser, TYPED_COLUMNS[name])


def test_numeric_columns() -> None:
    column = pd.Series([1.0, np.nan, 0.0, 45382.0])
    assert parse_number(column).values.tolist() == [1.0, pd.NA, 0.0, 45382.0]
    assert parse_bool(column).values.tolist() == [True, pd.NA, False, pd.NA]
    assert parse_bool(column).invalid.tolist() == [False, False, False, True]
    assert parse_date(column).values.iloc[3] == pd.Timestamp("2024-03-31")
    assert parse_text(column).values.tolist() == ["1", pd.NA, "0", "45382"]


def test_booleans_are_not_numbers_or_dates() -> None:
    column = pd.Series([True, False])
    for parser in (parse_number, parse_money, parse_percent, parse_date):
        assert parser(column).invalid.all()
    assert parse_bool(column).values.tolist() == [True, False]


def test_datetime_columns() -> None:
    assert parse_date(TYPED_COLUMNS["datetime tz"]).values.iloc[0] == pd.Timestamp("2024-07-01")
    out_of_range = parse_date(TYPED_COLUMNS["datetime64[s]"])
    assert out_of_range.invalid.tolist() == [False, False, True, True]
    assert parse_date(TYPED_COLUMNS["arrow date"]).values.iloc[0] == pd.Timestamp("2024-03-31")
    assert parse_number(TYPED_COLUMNS["datetime64[ns]"]).invalid.tolist() == [True, False, True, True]


def test_results_keep_index_and_name() -> None:
    column = pd.Series(["£1", "x", None], index=["F12", "F12", "F14"], name="Hourly rate")
    parsed = parse_money(column)
    assert parsed.values.name == parsed.invalid.name == "Hourly rate"
    assert parsed.invalid.index.tolist() == ["F12", "F12", "F14"]
    assert parsed.invalid.tolist() == [False, True, False]


@pytest.mark.parametrize("parser", PARSERS)
def test_empty_columns(parser: Callable[[pd.Series], Parsed]) -> None:
    for dtype in (object, "str", float, "datetime64[ns]"):
        parsed = parser(pd.Series([], dtype=dtype))
        assert len(parsed.values) == 0 and len(parsed.invalid) == 0


@pytest.mark.parametrize("parser", PARSERS)
def test_long_repetitive_columns_parse_like_short_ones(parser: Callable[[pd.Series], Parsed]) -> None:
    """Columns of many repeats are parsed once per distinct value; the answer must not change."""
    pool = ["£12.50", "12%", "yes", "N", "31/03/2024", "1 Apr 2025", "45382", "abc", "n/a", "", None, " 7 "]
    n = 60_000
    cells = pd.Series([pool[i % len(pool)] for i in range(n)], dtype="str")
    assert values._mostly_repeats(values._arrow_strings(cells))
    expected = parser(pd.Series(pool, dtype="str"))
    parsed = parser(cells)
    positions = np.arange(n) % len(pool)
    assert parsed.values.tolist() == expected.values.iloc[positions].tolist()
    assert parsed.invalid.tolist() == expected.invalid.iloc[positions].tolist()


def test_distinct_columns_are_not_parsed_by_unique_values() -> None:
    cells = pd.Series([f"£{i:,}.00" for i in range(60_000)])
    assert not values._mostly_repeats(values._arrow_strings(cells))
