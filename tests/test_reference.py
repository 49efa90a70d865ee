"""Tests for contractcheck.reference: the examples read like the published rates."""

from __future__ import annotations

import datetime as dt
import importlib.resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from contractcheck import reference as ref
from contractcheck.errors import RuleError

D = dt.date
# the researched file, in ../shared beside the repository (as every developer and CI run has it)
SHARED_COPY = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "uk_pay_floors.yaml"


def floor(age: Any, on: Any, apprentice: Any = False) -> Any:
    """One statutory floor as a plain value (pd.NA when there is none)."""
    return ref.statutory_floor(age, on, apprentice).iloc[0]


def band(age: Any, on: Any, apprentice: Any = False) -> Any:
    return ref.statutory_band(age, on, apprentice).iloc[0]


def raw_data() -> dict[str, Any]:
    text = importlib.resources.files("contractcheck").joinpath("data/uk_pay_floors.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


# --- statutory floor: the published rates ----------------------------------------------------


@pytest.mark.parametrize(
    ("age", "on", "apprentice", "expected"),
    [
        pytest.param(30, D(2025, 6, 30), False, 12.21, id="NLW 2025"),
        pytest.param(30, D(2026, 4, 1), False, 12.71, id="NLW rises on 1 April 2026"),
        pytest.param(30, D(2026, 3, 31), False, 12.21, id="NLW 2025 until 31 March 2026"),
        pytest.param(21, D(2024, 3, 31), False, 10.18, id="21 was the 21-22 band before April 2024"),
        pytest.param(21, D(2024, 4, 1), False, 11.44, id="NLW from 21 since April 2024"),
        pytest.param(24, D(2020, 6, 1), False, 8.20, id="21-24 band when NLW was 25+"),
        pytest.param(25, D(2020, 6, 1), False, 8.72, id="NLW 25+ in 2020"),
        pytest.param(19, D(2025, 6, 1), False, 10.00, id="18-20 in 2025"),
        pytest.param(17, D(2026, 5, 1), False, 8.00, id="16-17 in 2026"),
        pytest.param(16, D(2025, 5, 1), True, 7.55, id="apprentice 2025"),
        pytest.param(
            30, D(2025, 5, 1), True, 7.55, id="apprentice rate whatever the age when the caller says it applies"
        ),
        pytest.param(40, D(2014, 10, 1), False, 6.50, id="first period, adult NMW"),
        pytest.param(16, D(2014, 10, 1), False, 3.79, id="first period, 16-17"),
        pytest.param(20.9, D(2025, 6, 1), False, 10.00, id="fractional age is completed years"),
    ],
)
def test_statutory_floor_examples(age: float, on: dt.date, apprentice: bool, expected: float) -> None:
    assert floor(age, on, apprentice) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("age", "on", "apprentice"),
    [
        pytest.param(30, D(2006, 9, 30), False, id="before the first period (October 2006): never a floor"),
        pytest.param(30, D(2027, 4, 1), False, id="from the next expected change: rates not in the data"),
        pytest.param(17, D(2030, 1, 1), True, id="apprentice past the known data"),
        pytest.param(15, D(2025, 6, 1), False, id="under 16: no statutory floor"),
        pytest.param(15, D(2025, 6, 1), True, id="under 16 apprentice: still none"),
        pytest.param(-1, D(2025, 6, 1), False, id="negative age"),
        pytest.param(None, D(2025, 6, 1), False, id="age missing"),
        pytest.param(pd.NA, D(2025, 6, 1), True, id="age missing, apprentice"),
        pytest.param(30, None, False, id="date missing"),
        pytest.param(30, pd.NaT, False, id="date NaT"),
    ],
)
def test_statutory_floor_is_na(age: Any, on: Any, apprentice: bool) -> None:
    assert floor(age, on, apprentice) is pd.NA
    assert band(age, on, apprentice) is pd.NA


@pytest.mark.parametrize(
    ("age", "on", "apprentice", "expected"),
    [
        (30, D(2025, 6, 30), False, "National Living Wage (21 and over) from 1 April 2025"),
        (19, D(2025, 6, 1), False, "18 to 20 rate from 1 April 2025"),
        (17, D(2025, 5, 1), True, "apprentice rate from 1 April 2025"),
        (40, D(2014, 10, 1), False, "National Minimum Wage (21 and over) from 1 October 2014"),
        (30, D(2016, 4, 1), False, "National Living Wage (25 and over) from 1 April 2016"),
        (22, D(2021, 4, 1), False, "21 to 22 rate from 1 April 2021"),
        (16, D(2026, 4, 1), False, "16 to 17 rate from 1 April 2026"),
    ],
)
def test_statutory_band_labels(age: int, on: dt.date, apprentice: bool, expected: str) -> None:
    assert band(age, on, apprentice) == expected


def test_apprentice_na_counts_as_false() -> None:
    result = ref.statutory_floor(pd.Series([30, 30]), D(2025, 6, 1), pd.Series([pd.NA, True], dtype="boolean"))
    assert result.tolist() == [12.21, 7.55]


# --- vectorised behaviour ----------------------------------------------------------------------


def mixed_frame() -> pd.DataFrame:
    """Rows deliberately out of date order, on a non-default index."""
    return pd.DataFrame(
        {
            "age": pd.array([30, 21, 21, 19, 15, None, 30, 17], dtype="Float64"),
            "on": pd.to_datetime(
                ["2026-04-01", "2024-03-31", "2024-04-01", "2025-06-01", "2025-06-01", "2025-06-01", None, "2025-05-01"]
            ),
            "apprentice": pd.array([False, False, False, False, False, False, False, True], dtype="boolean"),
        },
        index=[70, 10, 20, 30, 40, 50, 60, 5],
    )


EXPECTED_MIXED = [12.71, 10.18, 11.44, 10.00, pd.NA, pd.NA, pd.NA, 7.55]


def test_vectorised_mixed_rows_give_per_row_results() -> None:
    df = mixed_frame()
    result = ref.statutory_floor(df["age"], df["on"], df["apprentice"])
    assert result.dtype == "Float64"
    assert result.index.equals(df.index)
    assert result.tolist() == EXPECTED_MIXED
    labels = ref.statutory_band(df["age"], df["on"], df["apprentice"])
    assert labels.dtype == pd.StringDtype()
    assert labels.isna().tolist() == [v is pd.NA for v in EXPECTED_MIXED]
    assert labels.loc[5] == "apprentice rate from 1 April 2025"
    both = ref.statutory_floor_with_band(df["age"], df["on"], df["apprentice"])
    assert both["floor"].tolist() == EXPECTED_MIXED
    assert both["band"].equals(labels.rename("band"))


@pytest.mark.parametrize("unit", ["ns", "us", "ms", "s"])
def test_any_datetime64_unit(unit: str) -> None:
    df = mixed_frame()
    on = df["on"].astype(f"datetime64[{unit}]")
    assert ref.statutory_floor(df["age"], on, df["apprentice"]).tolist() == EXPECTED_MIXED


@pytest.mark.parametrize(
    "on",
    [
        pytest.param(pd.Series([D(2024, 3, 31), D(2024, 4, 1), None]), id="date objects"),
        pytest.param(
            pd.Series(pd.array([D(2024, 3, 31), D(2024, 4, 1), None], dtype=pd.ArrowDtype(pa.date32()))),
            id="arrow date32",
        ),
        pytest.param(
            pd.Series(pd.to_datetime(["2024-03-31 23:30", "2024-04-01 00:10", None]).tz_localize("Europe/London")),
            id="tz-aware: local date",
        ),
        pytest.param(pd.Series(pd.to_datetime(["2024-03-31 18:00", "2024-04-01 08:00", None])), id="times are ignored"),
    ],
)
def test_other_date_representations(on: pd.Series) -> None:
    assert ref.statutory_floor(pd.Series([21, 21, 21]), on, False).tolist() == [10.18, 11.44, pd.NA]


def test_blank_date_column_of_any_dtype_gives_na() -> None:
    blank = pd.Series([np.nan, np.nan])  # how an empty spreadsheet column often arrives
    assert ref.statutory_floor(30, blank, False).isna().all()


def test_scalars_broadcast() -> None:
    ages = pd.Series([30, 19, 15], index=["a", "b", "c"])
    result = ref.statutory_floor(ages, D(2025, 6, 1), False)
    assert result.index.tolist() == ["a", "b", "c"]
    assert result.tolist() == [12.21, 10.00, pd.NA]
    dates = pd.Series(pd.to_datetime(["2025-06-01", "2026-06-01"]))
    assert ref.statutory_floor(30, dates, False).tolist() == [12.21, 12.71]
    assert len(ref.statutory_floor(30, "2025-06-01", False)) == 1  # all scalars -> one row
    assert ref.statutory_floor(30, pd.Timestamp("2025-06-01"), False).iloc[0] == 12.21
    assert ref.statutory_floor(30, np.datetime64("2025-06-01"), False).iloc[0] == 12.21


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="same index"):
        ref.statutory_floor(pd.Series([30], index=[1]), pd.Series(pd.to_datetime(["2025-06-01"]), index=[2]), False)
    with pytest.raises(TypeError, match="parse text dates"):
        ref.statutory_floor(30, pd.Series(["01/04/2025"]), False)  # ambiguous day/month: caller must parse
    with pytest.raises(TypeError):
        ref.statutory_floor("thirty", D(2025, 6, 1), False)


# --- Real Living Wage ---------------------------------------------------------------------------


def rlw(on: Any, london: Any = None, basis: ref.RlwBasis = "implement_by") -> Any:
    return ref.real_living_wage(on, london, basis).iloc[0]


def test_real_living_wage_examples() -> None:
    assert rlw(D(2025, 6, 1)) == 12.60  # 2024 rate, implement by 1 May 2025
    assert rlw(D(2025, 11, 1)) == 12.60  # 2025 rate announced but not yet due
    assert rlw(D(2025, 11, 1), basis="announced") == 13.45
    assert rlw(D(2025, 11, 1), True, basis="announced") == 14.80
    assert rlw(D(2026, 5, 1), True) == 14.80
    assert rlw(D(2026, 4, 30), True) == 13.85
    assert rlw(D(2014, 11, 3), basis="announced") == 7.85
    assert rlw(D(2014, 11, 2), basis="announced") is pd.NA  # nothing announced yet
    assert rlw(D(2015, 5, 2)) is pd.NA  # 2014 rate assumed due 2015-05-03


def test_real_living_wage_vectorised() -> None:
    on = pd.Series(
        pd.to_datetime(["2025-06-01", "2025-06-01", None, "2019-05-01", "2025-06-01"]).astype("datetime64[us]"),
        index=list("vwxyz"),
    )
    london = pd.Series([False, True, True, False, pd.NA], index=list("vwxyz"), dtype="boolean")
    result = ref.real_living_wage(on, london)
    assert result.dtype == "Float64"
    assert result.index.tolist() == list("vwxyz")
    # an unknown London flag gives NA rather than the (lower) UK rate
    assert result.tolist() == [12.60, 13.85, pd.NA, 9.00, pd.NA]


def test_real_living_wage_assumed_dates_are_marked() -> None:
    by_year = {a.announced_year: a for a in ref.pay_floors().real_living_wage}
    assert by_year[2014].implement_by_used == D(2015, 5, 3)  # announced + 6 months
    assert by_year[2015].implement_by_used == D(2016, 5, 1)  # no dates at all: 1 May next year
    assert by_year[2015].announced_used == D(2015, 11, 1)  # 1 November of the year
    assert by_year[2024].implement_by_used == D(2025, 5, 1) and not by_year[2024].implement_by_assumed
    assert "[assumed implement_by 2015-05-03" in by_year[2014].source_with_assumptions
    assert "[assumed announced 2015-11-01" in by_year[2015].source_with_assumptions
    assert "[" not in by_year[2025].source_with_assumptions
    assert ref.real_living_wage_in_force(D(2016, 5, 1)) == by_year[2015]
    assert ref.real_living_wage_in_force(D(2014, 1, 1)) is None


def test_real_living_wage_rejects_unknown_basis() -> None:
    with pytest.raises(ValueError, match="basis"):
        ref.real_living_wage(D(2025, 6, 1), basis="whenever")  # type: ignore[arg-type]


# --- periods, provenance and the edge of known data ----------------------------------------------


def test_floors_in_force() -> None:
    period = ref.floors_in_force(D(2025, 6, 30))
    assert period.effective_from == D(2025, 4, 1)
    assert period.nlw_band is not None and period.nlw_band.rate == 12.21
    assert ref.floors_in_force(D(2027, 3, 31)).effective_from == D(2026, 4, 1)  # latest known
    assert ref.floors_in_force(D(2014, 9, 30)).effective_from == D(2013, 10, 1)  # from the history
    with pytest.raises(LookupError, match="2027-04-01"):
        ref.floors_in_force(D(2030, 1, 1))  # past the known data: never last year's rates
    with pytest.raises(LookupError, match="2006-10-01"):
        ref.floors_in_force(D(2006, 9, 30))


def test_is_beyond_known() -> None:
    assert ref.is_beyond_known(D(2027, 4, 1))
    assert ref.is_beyond_known(pd.Timestamp("2028-01-01"))
    assert not ref.is_beyond_known(D(2027, 3, 31))


def test_reference_sources() -> None:
    info = ref.reference_sources()["uk_pay_floors"]
    assert info["file"] == "contractcheck/data/uk_pay_floors.yaml"
    # named relative to the project, never by a path of the machine it was copied on
    assert info["copied_from"] == "shared/reference/uk_pay_floors.yaml"
    assert info["copied_on"] == "2026-11-30"
    assert info["latest_period_from"] == "2026-04-01"
    assert info["next_expected_change"] == "2027-04-01"
    assert len(info["sha256"] or "") == 64


# --- the data file itself ------------------------------------------------------------------------


def test_every_period_has_a_source_and_a_rate_per_band() -> None:
    periods = raw_data()["statutory_periods"]
    assert len(periods) == 14
    for period in periods:
        assert isinstance(period["source"], str) and period["source"].strip(), period["effective_from"]
        assert period["apprentice"] > 0
        for b in period["bands"]:
            assert isinstance(b["rate"], (int, float)) and b["rate"] > 0, (period["effective_from"], b)
        ages = sorted((b["min_age"], b["max_age"]) for b in period["bands"])
        assert ages[0][0] == 16 and ages[-1][1] is None  # every age from 16 up has a rate
        for (_, hi), (lo, _) in zip(ages, ages[1:]):
            assert hi is not None and hi + 1 == lo, period["effective_from"]


def test_periods_are_contiguous_without_gaps_or_overlaps() -> None:
    periods = raw_data()["statutory_periods"]
    assert periods[0]["effective_from"] == D(2014, 10, 1)
    for before, after in zip(periods, periods[1:]):
        assert before["effective_to"] is not None
        assert after["effective_from"] == before["effective_to"] + dt.timedelta(days=1), after["effective_from"]
    assert periods[-1]["effective_to"] is None
    assert raw_data()["next_expected_change"] > periods[-1]["effective_from"]


def test_every_real_living_wage_announcement_has_a_source_and_rates() -> None:
    for announcement in raw_data()["real_living_wage"]:
        assert announcement["source"].strip()
        assert 0 < announcement["uk"] < announcement["london"]


def test_packaged_copy_matches_the_researched_file() -> None:
    """The shipped copy is the researched file: run in CI (../shared is beside every clone); it fails, never skips."""
    assert SHARED_COPY.exists(), f"the researched file is missing: {SHARED_COPY}"
    packaged = raw_data()
    assert packaged.pop("next_expected_change") == D(2027, 4, 1)
    assert packaged == yaml.safe_load(SHARED_COPY.read_text(encoding="utf-8"))


# --- validation of the data ---------------------------------------------------------------------


def packaged_text() -> str:
    return importlib.resources.files("contractcheck").joinpath("data/uk_pay_floors.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param("currency: GBP\n", "currency: GBP\nsurprise: 1\n", "surprise", id="unknown key"),
        pytest.param("effective_to: 2015-09-30", "effective_to: 2015-09-29", "gap", id="gap between periods"),
        pytest.param("effective_to: 2015-09-30", "effective_to: 2015-10-01", "overlap", id="overlapping periods"),
        pytest.param(
            "next_expected_change: 2027-04-01",
            "next_expected_change: 2026-01-01",
            "next_expected_change",
            id="stale next change",
        ),
        pytest.param("apprentice: 2.73", "apprentice: -2.73", "apprentice", id="negative rate"),
    ],
)
def test_invalid_data_is_a_rule_error(old: str, new: str, message: str) -> None:
    text = packaged_text()
    assert old in text
    with pytest.raises(RuleError, match=message):
        ref.parse_pay_floors(text.replace(old, new, 1), "test.yaml")


def test_packaged_data_is_read_only() -> None:
    period = ref.floors_in_force(D(2025, 6, 1))
    with pytest.raises(ValidationError, match="frozen"):
        period.apprentice = 0.01  # type: ignore[misc]
    assert isinstance(period.bands, tuple)


# --- properties -----------------------------------------------------------------------------------

dates = st.dates(min_value=D(2016, 4, 1), max_value=D(2027, 3, 31))


@settings(max_examples=200, deadline=None)
@given(first=dates, second=dates, age=st.integers(min_value=25, max_value=120))
def test_nlw_applies_from_25_and_never_falls(first: dt.date, second: dt.date, age: int) -> None:
    early, late = sorted((first, second))
    on = pd.Series(pd.to_datetime([early, late]))
    result = ref.statutory_floor(pd.Series([age, age]), on, False).tolist()
    for day, value in zip((early, late), result):
        nlw = ref.floors_in_force(day).nlw_band
        assert nlw is not None and value == nlw.rate
    assert result[0] <= result[1]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(min_value=0, max_value=90)),
            st.one_of(st.none(), st.dates(min_value=D(2005, 1, 1), max_value=D(2028, 12, 31))),
            st.one_of(st.none(), st.booleans()),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_vectorised_matches_a_row_by_row_reading_of_the_data(
    rows: list[tuple[int | None, dt.date | None, bool | None]],
) -> None:
    ages = pd.Series([r[0] for r in rows], dtype="Float64")
    on = pd.Series(pd.to_datetime([r[1] for r in rows]))
    apprentice = pd.Series([r[2] for r in rows], dtype="boolean")
    got = ref.statutory_floor(ages, on, apprentice).tolist()
    for (age, day, is_apprentice), value in zip(rows, got):
        try:
            period = ref.floors_in_force(day) if day is not None else None
        except LookupError:
            period = None
        age_band = period.band_for_age(age) if period is not None and age is not None else None
        if age_band is None:
            assert value is pd.NA
        else:
            assert period is not None
            apprentice_rate = period.apprentice if is_apprentice else None
            assert value == (apprentice_rate if apprentice_rate is not None else age_band.rate)


def test_an_invalid_pay_floor_names_the_line_it_is_on() -> None:
    """Pay-floor data is read like every other YAML file of the project: errors give file:line."""
    text = packaged_text()
    line = text[: text.index("apprentice: 2.73")].count("\n") + 1
    with pytest.raises(RuleError) as caught:
        ref.parse_pay_floors(text.replace("apprentice: 2.73", "apprentice: -2.73", 1), "test.yaml")
    assert caught.value.location.line == line
    assert caught.value.one_line().startswith(f"error RULE001: test.yaml:{line}: ")


def test_a_pay_floor_key_written_twice_is_refused_with_its_line() -> None:
    text = packaged_text().replace("currency: GBP\n", "currency: GBP\ncurrency: EUR\n", 1)
    with pytest.raises(RuleError, match="written twice") as caught:
        ref.parse_pay_floors(text, "test.yaml")
    assert caught.value.location.line is not None
