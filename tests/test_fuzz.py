"""Fuzz the loaders: whatever bytes arrive, a check gives a report or one ContractcheckError, never anything else.

Random bytes under every suffix, real workbooks truncated or with bytes flipped, random CSV text and random small
workbooks from a generator. Each example is checked with a schedule prepared once (what the CLI does for one
file, less the start-up), and the input's bytes must be unchanged afterwards. A few seconds in CI; raise
``FUZZ_EXAMPLES`` to search longer.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractcheck.api import check_prepared, prepare
from contractcheck.errors import ContractcheckError
from contractcheck.report.model import Report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


_PREPARED = []


def _prepared():
    """The schedule, prepared once for every example (not a fixture: hypothesis would print it)."""
    if not _PREPARED:
        _PREPARED.append(prepare("statutory-minimum"))
    return _PREPARED[0]


def _check_bytes(data: bytes, suffix: str) -> None:
    """Write ``data`` as a file and check it: a Report or a ContractcheckError, and the file unchanged."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"return{suffix}"
        path.write_bytes(data)
        before = hashlib.sha256(data).hexdigest()
        try:
            result = check_prepared(path, _prepared(), set_values={"period_end": "2026-09-30"})
        except ContractcheckError as exc:
            assert exc.code != "INTERNAL", exc.one_line()
            assert "\n" not in exc.one_line()
        else:
            assert isinstance(result, Report)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".csv", ".json", ".yaml"]))
def test_random_bytes_under_any_suffix(data: bytes, suffix: str) -> None:
    _check_bytes(data, suffix)


_SAMPLE = (ROOT / "samples" / "failing-return.xlsx").read_bytes()


@FUZZ
@given(cut=st.integers(min_value=1, max_value=len(_SAMPLE) - 1),
       flips=st.lists(st.tuples(st.integers(0, len(_SAMPLE) - 1), st.integers(0, 255)), max_size=4))
def test_truncated_or_damaged_workbooks(cut: int, flips: list[tuple[int, int]]) -> None:
    damaged = bytearray(_SAMPLE)
    for where, value in flips:
        damaged[where] = value
    _check_bytes(bytes(damaged[:cut]) if not flips else bytes(damaged), ".xlsx")


_CSV_ALPHABET = st.sampled_from(list('abcW1,;\t"\r\n .-=£é\x00') + ["worker_id", "hourly_rate", "date_of_birth",
                                                                   "zero_hours", "13.10", "14/03/1985", "N"])


@FUZZ
@given(parts=st.lists(_CSV_ALPHABET, max_size=200),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_random_csv_text(parts: list[str], encoding: str) -> None:
    text = "worker_id,hourly_rate\n" + "".join(parts)
    _check_bytes(text.encode(encoding, errors="replace"), ".csv")


_CELL = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=False, allow_infinity=False),
                  st.integers(-10**6, 10**6), st.booleans(),
                  st.sampled_from(["worker_id", "hourly_rate", "date_of_birth", "zero_hours", "N", "8.00"]))


@FUZZ
@given(sheets=st.lists(st.tuples(st.sampled_from(["Workforce", "Contract", "Staff", "Sheet1", "Pay"]),
                                 st.lists(st.lists(_CELL, max_size=6), max_size=8)), min_size=1, max_size=3,
                       unique_by=lambda s: s[0]))
def test_random_workbooks_from_a_generator(sheets) -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                      "strings_to_urls": False})
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    wb.close()
    _check_bytes(buffer.getvalue(), ".xlsx")
