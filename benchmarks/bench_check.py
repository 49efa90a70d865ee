"""Benchmark: `check` end to end and per stage, beside the bare read of the same file.

    python benchmarks/bench_check.py                 # 1k and 100k (xlsx and csv), 1M (csv)
    python benchmarks/bench_check.py --sizes 1000    # a quick run
    python benchmarks/bench_check.py --xlsx-1m       # also a 1M-row xlsx (slow to generate)

Each measurement runs in a fresh process so that peak memory (max RSS) is that run's alone. Generated
returns are cached under benchmarks/out/. Figures go to stdout as a table and to benchmarks/out/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SCHEDULE = "oxfordshire-help-to-live-at-home"
FIELDS = ["worker_id", "job_role", "employment_status", "zero_hours", "zero_hours_reason", "zero_hours_evidence",
          "guaranteed_hours_offered", "contracted_hours", "average_hours", "unpaid_travel_hours", "hourly_rate",
          "date_of_birth", "start_date", "leave_date", "apprentice", "apprenticeship_start", "care_certificate",
          "care_certificate_date", "qualification_level", "sick_days"]


# ----------------------------------------------------------------------------------------------
# generating returns


def _columns(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    day0 = np.datetime64("1950-01-01")
    zero = rng.random(n) < 0.25
    appr = rng.random(n) < 0.03
    start = np.datetime64("2015-01-01") + rng.integers(0, 4200, n).astype("timedelta64[D]")
    return {
        "worker_id": np.char.add("W", np.arange(1, n + 1).astype(str)),
        "job_role": rng.choice(["Care worker", "Senior care worker", "Coordinator", "Nurse"], n, p=[.7, .2, .05, .05]),
        "employment_status": rng.choice(["Permanent", "Bank", "Temporary"], n, p=[.8, .15, .05]),
        "zero_hours": np.where(zero, "Y", "N"),
        "zero_hours_reason": np.where(zero, np.where(rng.random(n) < .99, "Worker preference", ""), ""),
        "zero_hours_evidence": np.where(zero & (rng.random(n) < .99), "Signed statement", ""),
        "guaranteed_hours_offered": np.where(zero, np.where(rng.random(n) < .99, "Y", "N"), ""),
        "contracted_hours": np.where(zero, 0, rng.integers(16, 38, n)).astype(float),
        "average_hours": rng.integers(8, 40, n).astype(float),
        "unpaid_travel_hours": np.where(rng.random(n) < .3, rng.random(n).round(1), 0).astype(float),
        "hourly_rate": np.round(np.where(rng.random(n) < .005, 12.50, 14.50 + rng.random(n) * 3), 2),
        "date_of_birth": day0 + rng.integers(0, 365 * 50, n).astype("timedelta64[D]"),
        "start_date": start,
        "leave_date": np.where(rng.random(n) < .05, start + np.timedelta64(400, "D"), np.datetime64("NaT")),
        "apprentice": np.where(appr, "Y", "N"),
        "apprenticeship_start": np.where(appr, start, np.datetime64("NaT")),
        "care_certificate": rng.choice(["Completed", "In progress", "Not required"], n, p=[.85, .1, .05]),
        "care_certificate_date": start + np.where(rng.random(n) < .005, 120, 60).astype("timedelta64[D]"),
        "qualification_level": rng.integers(0, 5, n).astype(float),
        "sick_days": rng.integers(0, 15, n).astype(float),
    }


CONTRACT = [("provider_name", "Benchmark Care Ltd"), ("contract_ref", "BENCH-1"), ("council", "Benchmarkshire"),
            ("period_start", "01/07/2026"), ("period_end", "30/09/2026"), ("contract_value", "£25,000,000"),
            ("dspt_status", "Standards Met")]
COSTS = [("Care worker pay", 13.10), ("Training", 0.38), ("Overheads", 6.40)]


def make_csv_folder(n: int) -> Path:
    import pandas as pd

    folder = OUT / f"return-{n}-csv"
    if (folder / "workforce.csv").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    cols = _columns(n)
    frame = pd.DataFrame(cols)
    for c in FIELDS:
        if str(frame[c].dtype).startswith("datetime64"):
            frame[c] = frame[c].dt.strftime("%d/%m/%Y")
    frame.to_csv(folder / "workforce.csv", index=False)
    pd.DataFrame(CONTRACT, columns=["field", "value"]).to_csv(folder / "contract.csv", index=False)
    pd.DataFrame(COSTS, columns=["category", "per_hour"]).to_csv(folder / "costs.csv", index=False)
    return folder


def make_xlsx(n: int) -> Path:
    import xlsxwriter

    path = OUT / f"return-{n}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    cols = _columns(n)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet("Contract")
    for i, (k, v) in enumerate(CONTRACT):
        ws.write_string(i, 0, k)
        ws.write_string(i, 1, v)
    ws = wb.add_worksheet("Workforce")
    ws.write_row(0, 0, FIELDS)
    py = {c: cols[c].tolist() for c in FIELDS}
    epoch = dt.datetime(1899, 12, 30)
    for i in range(n):
        for j, c in enumerate(FIELDS):
            v = py[c][i]
            if isinstance(v, dt.datetime | dt.date):
                ws.write_number(i + 1, j, (dt.datetime(v.year, v.month, v.day) - epoch).days, date_fmt)
            elif v is None or v == "":
                continue
            elif isinstance(v, str):
                ws.write_string(i + 1, j, v)
            else:
                ws.write_number(i + 1, j, v)
    ws = wb.add_worksheet("Costs")
    ws.write_row(0, 0, ["category", "per_hour"])
    for i, (c, v) in enumerate(COSTS, start=1):
        ws.write_row(i, 0, [c, v])
    wb.close()
    return path


# ----------------------------------------------------------------------------------------------
# measuring (each in its own process)


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_check(path: str) -> dict[str, float]:
    """Time the library's own ``check()`` end to end (as the CLI runs it), and each of its stages.

    The stages are timed by wrapping the functions ``check`` calls (compiling the rules, reading the file,
    normalising, running the rules), so the total is the real ``check()`` with nothing skipped (hashing the
    input included); rendering the JSON report is timed after it.
    """
    t0 = time.perf_counter()
    from contractcheck import api
    from contractcheck.report import render

    t_import = time.perf_counter() - t0
    spent = {"rules": 0.0, "load": 0.0, "normalise": 0.0, "evaluate": 0.0}
    findings = 0

    def timed(stage, fn):
        def wrapper(*a, **k):
            s = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[stage] += time.perf_counter() - s
        return wrapper

    open_source = api.open_source

    def open_timed(*a, **k):
        source = open_source(*a, **k)
        cls = type(source)  # one subclass per container: time its own read and peek
        cls.read, cls.peek = timed("load", cls.read), timed("load", cls.peek)
        return source

    api.compile_schedule = timed("rules", api.compile_schedule)
    api.normalise = timed("normalise", api.normalise)
    api.run_rules = timed("evaluate", api.run_rules)
    api.open_source = open_timed
    start = time.perf_counter()
    report = api.check(path, SCHEDULE)
    api.open_source = open_source
    findings = len(report.findings)
    s = time.perf_counter()
    text = render.render_json(report)
    t_report = time.perf_counter() - s
    del text
    total = time.perf_counter() - start
    return {"import_s": t_import, "rules_s": spent["rules"], "load_s": spent["load"],
            "normalise_s": spent["normalise"] - spent["load"], "evaluate_s": spent["evaluate"], "report_s": t_report,
            "check_total_s": total, "findings": findings, "peak_rss_mb": _max_rss_mb()}


def measure_bare(path: str) -> dict[str, float]:
    """The fastest plain read of the same data: fastexcel for xlsx, pandas+pyarrow for CSV."""
    import pandas as pd

    s = time.perf_counter()
    if path.endswith(".xlsx"):
        import fastexcel

        frame = fastexcel.read_excel(path).load_sheet("Workforce").to_pandas()
        t_read = time.perf_counter() - s
        t_checks = 0.0
    else:
        frame = pd.read_csv(Path(path) / "workforce.csv", engine="pyarrow", dtype_backend="pyarrow")
        t_read = time.perf_counter() - s
        c = time.perf_counter()
        # "plus vectorised checks": parse and compare the way a hand-written script would
        rate = pd.to_numeric(frame["hourly_rate"], errors="coerce")
        dob = pd.to_datetime(frame["date_of_birth"], format="%d/%m/%Y", errors="coerce")
        age = (pd.Timestamp("2026-09-30") - dob).dt.days // 365
        _ = int(((rate < 12.71) & (age >= 21)).sum())
        zero = frame["zero_hours"].astype(str).str.upper().eq("Y")
        _ = int((zero & frame["zero_hours_reason"].isna()).sum())
        t_checks = time.perf_counter() - c
    return {"bare_read_s": t_read, "bare_checks_s": t_checks, "rows": len(frame), "peak_rss_mb": _max_rss_mb()}


def _child(kind: str, path: str, script: str = __file__) -> dict[str, float]:
    """One measurement in a fresh process (``script --child KIND PATH``), so imports and peak memory are its own."""
    out = subprocess.run([sys.executable, script, "--child", kind, path], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--xlsx-1m", action="store_true", help="also generate and check a 1M-row xlsx")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        print(json.dumps(measure_check(path) if kind == "check" else measure_bare(path)))
        return
    rows = []
    for n in args.sizes:
        inputs = [("csv", make_csv_folder(n))]
        if n <= 100_000 or args.xlsx_1m:
            inputs.insert(0, ("xlsx", make_xlsx(n)))
        for fmt, path in inputs:
            bare = _child("bare", str(path))
            got = _child("check", str(path))
            baseline = bare["bare_read_s"] + bare["bare_checks_s"]
            rows.append({"workers": n, "format": fmt, **got, "bare_read_s": bare["bare_read_s"],
                         "bare_checks_s": bare["bare_checks_s"], "bare_peak_rss_mb": bare["peak_rss_mb"],
                         "ratio_to_bare": got["check_total_s"] / baseline if baseline else float("nan")})
            print(f"{n:>9} {fmt:<4} check {got['check_total_s']:6.2f}s (load {got['load_s']:.2f}, normalise "
                  f"{got['normalise_s']:.2f}, evaluate {got['evaluate_s']:.2f}, report {got['report_s']:.2f}) "
                  f"peak {got['peak_rss_mb']:.0f} MB | bare {baseline:.2f}s peak {bare['peak_rss_mb']:.0f} MB | "
                  f"×{rows[-1]['ratio_to_bare']:.2f}", flush=True)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "processor": platform.processor() or platform.platform()}
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))
    print(f"machine: {machine}")


if __name__ == "__main__":
    main()
