"""Benchmark: a Pay table of 12 pay reference periods × 100,000 workers (1.2M rows) judged by statutory-minimum.

    python benchmarks/bench_pay.py                  # 100,000 workers
    python benchmarks/bench_pay.py --workers 10000  # a quick run

The return is a CSV folder (contract.csv, workforce.csv, pay.csv) generated once under benchmarks/out/. Two
measurements, each in a fresh process so that peak memory (max RSS) is its own: the library's ``check()`` end
to end with the ``statutory-minimum`` schedule (PAY-01/02/05/06/07/10/13 and the DATA rules), and reading the
same three CSV files with pyarrow (``pyarrow.csv.read_csv``, types inferred, all cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
from bench_check import _child as run_child  # one measurement per fresh process, shared with bench_check
from bench_check import _max_rss_mb

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SCHEDULE = "statutory-minimum"
FILES = ("contract.csv", "workforce.csv", "pay.csv")
CONTRACT = [("provider_name", "Benchmark Care Ltd"), ("contract_ref", "BENCH-PAY"), ("council", "Benchmarkshire"),
            ("period_start", "01/10/2025"), ("period_end", "30/09/2026"), ("pay_frequency", "Monthly"),
            ("pay_period_anchor", "01/10/2025")]


def make_return(n: int, seed: int = 11) -> Path:
    """n workers, each with 12 monthly PRPs from October 2025; about 1% of the PRPs fall below the floor."""
    import pandas as pd

    folder = OUT / f"pay-{n}-csv"
    if all((folder / f).exists() for f in FILES):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = np.char.add("W", np.arange(1, n + 1).astype(str))
    born = np.datetime64("1960-01-01") + rng.integers(0, 365 * 45, n).astype("timedelta64[D]")
    apprentice = rng.random(n) < 0.03
    start = np.datetime64("2025-06-01") + rng.integers(0, 120, n).astype("timedelta64[D]")
    base = np.round(13.00 + rng.random(n) * 3, 2)
    contracted = rng.integers(16, 38, n).astype(float)
    pd.DataFrame({
        "worker_id": ids, "zero_hours": "N", "hourly_rate": np.where(apprentice, 8.50, base),
        "date_of_birth": pd.Series(born).dt.strftime("%d/%m/%Y"), "contracted_hours": contracted,
        "average_hours": contracted, "unpaid_travel_hours": np.where(rng.random(n) < .3, 1.0, 0.0),
        "apprentice": np.where(apprentice, "Y", "N"),
        "apprenticeship_start": pd.Series(np.where(apprentice, start, np.datetime64("NaT"))).dt.strftime("%d/%m/%Y"),
    }).to_csv(folder / "workforce.csv", index=False)
    pd.DataFrame(CONTRACT, columns=["field", "value"]).to_csv(folder / "contract.csv", index=False)

    months = pd.date_range("2025-10-01", periods=12, freq="MS")
    worker = np.repeat(np.arange(n), 12)
    prp_start = np.tile(months.values, n)
    prp_end = np.tile((months + pd.offsets.MonthEnd(0)).values, n)
    m = len(worker)
    hours = np.round(contracted[worker] * 4.33 + rng.integers(-8, 9, m), 0)
    rate = np.where(apprentice[worker], 8.50, base[worker])
    travel = np.where(rng.random(m) < .3, rng.integers(1, 6, m), 0).astype(float)
    short = rng.random(m) < 0.01  # a deduction or a missed uplift: below the floor
    deductions = np.where(short, np.round(hours * rate * 0.2, 2), np.where(rng.random(m) < .02, 15.0, np.nan))
    pd.DataFrame({
        "worker_id": ids[worker],
        "prp_start": pd.Series(prp_start).dt.strftime("%d/%m/%Y"),
        "prp_end": pd.Series(prp_end).dt.strftime("%d/%m/%Y"),
        "gross_pay": np.round(hours * rate, 2),
        "premium_pay": np.where(rng.random(m) < .1, 25.0, np.nan),
        "hours_paid": hours,
        "unpaid_travel_hours": np.where(travel > 0, travel, np.nan),
        "deductions": deductions,
        "accommodation_days": np.where(rng.random(m) < .005, 30.0, np.nan),
    }).to_csv(folder / "pay.csv", index=False)
    return folder


def measure_check(path: str) -> dict[str, float]:
    """The library's own ``check()`` end to end, as the CLI runs it (hashing and rules included)."""
    start = time.perf_counter()
    from contractcheck import check

    report = check(path, SCHEDULE)
    total = time.perf_counter() - start
    pay_06 = next(r for r in report.results if r.rule_id == "PAY-06")
    return {"check_s": total, "findings": len(report.findings), "pay_rows_checked": pay_06.checked,
            "pay_06_failed": pay_06.failed, "peak_rss_mb": _max_rss_mb()}


def measure_pyarrow(path: str) -> dict[str, float]:
    """Reading the same three files with pyarrow's CSV reader."""
    start = time.perf_counter()
    import pyarrow.csv as pacsv

    rows = sum(pacsv.read_csv(Path(path) / f).num_rows for f in FILES)
    return {"pyarrow_read_s": time.perf_counter() - start, "rows": rows, "peak_rss_mb": _max_rss_mb()}


def _child(kind: str, path: str) -> dict[str, float]:
    return run_child(kind, path, script=__file__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        print(json.dumps(measure_check(path) if kind == "check" else measure_pyarrow(path)))
        return
    folder = str(make_return(args.workers))
    read = _child("pyarrow", folder)
    got = _child("check", folder)
    ratio = got["check_s"] / read["pyarrow_read_s"]
    print(f"{args.workers} workers, {got['pay_rows_checked']} Pay rows: check {got['check_s']:.2f}s "
          f"({got['findings']} findings, {got['pay_06_failed']} PAY-06) peak {got['peak_rss_mb']:.0f} MB | "
          f"pyarrow read {read['pyarrow_read_s']:.2f}s peak {read['peak_rss_mb']:.0f} MB | ×{ratio:.1f}")
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count()}
    OUT.mkdir(exist_ok=True)
    (OUT / "pay-results.json").write_text(json.dumps({"machine": machine, "check": got, "pyarrow": read}, indent=2))


if __name__ == "__main__":
    main()
