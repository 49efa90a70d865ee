"""Side by side: contractcheck against pandas, polars and duckdb running the same ten checks on the same files.

    PEERS_PYTHON=/tmp/peers/bin/python python benchmarks/bench_peers.py            # 100k CSV and 100k xlsx
    python benchmarks/bench_peers.py --peers-python /tmp/peers/bin/python --csv-1m --batch 20
    git archive main contractcheck rules schedules | tar -x -C /tmp/base             # an older contractcheck ...
    python benchmarks/bench_peers.py --baseline /tmp/base --tools contractcheck baseline pandas   # ... beside this one

The peers are shared/bench/peers.py (checks c1..c10); contractcheck runs the same checks as the rules in
benchmarks/bench-rules.yaml under benchmarks/bench-schedule.yaml. The peers need pandas, polars, duckdb,
pyarrow and python-calamine, which are not contractcheck's dependencies: give the python of a separate venv
that has them (``python3 -m venv /tmp/peers && /tmp/peers/bin/pip install pandas polars duckdb pyarrow
python-calamine``) with ``--peers-python`` or ``PEERS_PYTHON``.

The data is made by shared/bench/make_data.py (heavy failure: about 75% of rows fail a check) into
benchmarks/out/bench-data (cached). Every measurement is a whole process, so its peak RSS is its own; the
tools run interleaved round by round (the order rotated each round), and the table gives medians over the
rounds and the median of the same-round ratios to pandas, since a shared machine is noisy. The failing
counts of every run are compared with pandas'. Figures go to stdout and benchmarks/out/peers.json. Each run's CPU
seconds (user + system, its worker processes included) are given beside the wall time: on a machine shared with
other work they move less than the wall time does.

``--baseline DIR`` adds the tool ``baseline``: contractcheck run from another revision's source in DIR (its
``contractcheck``, ``rules`` and ``schedules`` folders, e.g. from ``git archive``) with this interpreter, so old and
new run interleaved on the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
DATA = OUT / "bench-data"
SHARED_BENCH = Path(os.environ.get("CONTRACTCHECK_SHARED_BENCH", ROOT.parent / "shared" / "bench"))
RULES = HERE / "bench-rules.yaml"
SCHEDULE = HERE / "bench-schedule.yaml"
CONTRACTCHECK = Path(sys.executable).parent / "contractcheck"
PEERS = ["pandas", "polars", "duckdb"]
BASELINE = "baseline"
TOOLS = ["contractcheck", *PEERS]


@dataclass
class Case:
    """One input the tools are timed on: ``data`` is what contractcheck reads, ``peer_file`` what peers.py reads."""

    name: str
    data: list[Path]
    peer_files: list[Path]

    @property
    def per_file(self) -> bool:
        return len(self.data) > 1


@dataclass
class Run:
    tool: str
    case: str
    round: int
    wall_s: float
    peak_rss_mb: float
    counts: dict[str, int] = field(default_factory=dict)
    ok: bool = True
    cpu_s: float = 0.0


# ----------------------------------------------------------------------------------------------
# data


def _make(script: str, *args: str) -> None:
    """Run a generator of shared/bench with this interpreter (it has numpy, pandas and xlsxwriter)."""
    subprocess.run([sys.executable, str(SHARED_BENCH / script), *args], check=True, cwd=OUT, stdout=sys.stderr)


def cases(sizes: list[int], xlsx_sizes: list[int], batch: int) -> list[Case]:
    DATA.mkdir(parents=True, exist_ok=True)
    want_csv = [n for n in sizes if not (DATA / f"csv_{n}" / "workers.csv").exists()]
    want_xlsx = [n for n in xlsx_sizes if not (DATA / f"return_{n}.xlsx").exists()]
    if want_csv or want_xlsx:
        _make("make_data.py", "--out", str(DATA), "--sizes", *map(str, want_csv), "--xlsx-sizes", *map(str, want_xlsx))
    found = [Case(f"csv {n:,}", [DATA / f"csv_{n}"], [DATA / f"csv_{n}" / "workers.csv"]) for n in sizes]
    found += [Case(f"xlsx {n:,}", [DATA / f"return_{n}.xlsx"], [DATA / f"return_{n}.xlsx"]) for n in xlsx_sizes]
    if batch:
        folder = DATA / "batch"
        if not (folder / "xlsx" / "provider_199.xlsx").exists():
            _make("make_batch.py", "--n", "200", "--out", str(folder))
        files = sorted((folder / "xlsx").glob("provider_*.xlsx"))[:batch]
        found.append(Case(f"batch xlsx ({batch} files, one process each)", files, files))
    return found


# ----------------------------------------------------------------------------------------------
# one timed process


def spawn(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str, int, float]:
    """Wall seconds, peak RSS (MB) of that process alone (os.wait4), its stdout, its exit code and its CPU seconds
    (user + system, with the children it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    return wall, usage.ru_maxrss / 1024, out.decode(), proc.returncode, usage.ru_utime + usage.ru_stime


_COUNTS = """
import json, sys
results = json.load(open(sys.argv[1], encoding="utf-8"))["results"]
print(json.dumps({"c%d" % int(r["rule_id"].split("-")[1]): int(r["failed"]) for r in results}))
"""


def contractcheck_counts(report: Path) -> dict[str, int]:
    """The failing rows per check in a report, read in a process of its own: the report of a heavy-failure run is
    hundreds of MB of JSON, and this process must stay small, since a child's peak RSS as wait4 gives it starts
    from this process's (the child is forked from it)."""
    out = subprocess.run([sys.executable, "-c", _COUNTS, str(report)], check=True, capture_output=True, text=True)
    counts: dict[str, int] = json.loads(out.stdout)
    return counts


def run_tool(tool: str, case: Case, peers_python: str, round_: int, baseline: Path | None = None) -> Run:
    """One tool over one case: a single process, or one process per file of a batch (summed; peak = largest)."""
    wall = peak = cpu = 0.0
    counts: dict[str, int] = {}
    ok = True
    report = OUT / f"peers-{tool}.json"
    for data, peer_file in zip(case.data, case.peer_files):
        env = None
        if tool in ("contractcheck", BASELINE):
            argv = [str(CONTRACTCHECK), "check", str(data), "-s", str(SCHEDULE), "--rules", str(RULES),
                    "-f", "json", "-o", str(report)]
            if tool == BASELINE:
                assert baseline is not None
                # -P: not this checkout's folder first on sys.path, so PYTHONPATH's contractcheck is the one run
                argv[0:1] = [sys.executable, "-P", "-m", "contractcheck.cli"]
                env = {**os.environ, "PYTHONPATH": str(baseline)}
        else:
            argv = [peers_python, str(SHARED_BENCH / "peers.py"), "check", "--impl", tool, str(peer_file)]
        w, rss, out, code, c = spawn(argv, env)
        wall, peak, cpu = wall + w, max(peak, rss), cpu + c
        if tool in ("contractcheck", BASELINE):
            ok = ok and code in (0, 1)
            found = contractcheck_counts(report) if ok else {}
        else:
            ok = ok and code == 0
            found = json.loads(out.strip().splitlines()[-1])["counts"] if ok else {}
        for k, v in found.items():
            counts[k] = counts.get(k, 0) + v
    return Run(tool, case.name, round_, wall, peak, counts, ok, cpu)


# ----------------------------------------------------------------------------------------------
# the table


def summarise(runs: list[Run], case_names: list[str], tools: list[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name in case_names:
        base = {r.round: r for r in runs if r.case == name and r.tool == "pandas"}
        fast = {r.round: r for r in runs if r.case == name and r.tool == "polars"}
        for tool in tools:
            mine = [r for r in runs if r.case == name and r.tool == tool]
            if not mine:
                continue
            ratios = [r.wall_s / base[r.round].wall_s for r in mine if r.round in base and base[r.round].wall_s]
            to_polars = [r.wall_s / fast[r.round].wall_s for r in mine if r.round in fast and fast[r.round].wall_s]
            counts_match = all(r.ok and r.round in base and r.counts == base[r.round].counts for r in mine)
            rows.append({
                "tool": tool, "case": name, "rounds": len(mine),
                "median_wall_s": statistics.median(r.wall_s for r in mine),
                "median_cpu_s": statistics.median(r.cpu_s for r in mine),
                "peak_rss_mb": statistics.median(r.peak_rss_mb for r in mine),
                "ratio_to_pandas": statistics.median(ratios) if ratios else None,
                "ratio_to_polars": statistics.median(to_polars) if to_polars else None,
                "counts_equal_pandas": counts_match,
            })
    return rows


def render(rows: list[dict[str, object]]) -> str:
    head = (f"{'tool':<14} {'case':<40} {'median wall s':>13} {'cpu s':>7} {'peak RSS MB':>11} {'x pandas':>9} "
            f"{'x polars':>9}  counts")
    lines = [head, "-" * len(head)]

    def times(ratio: object) -> str:
        return f"{ratio:.1f}" if isinstance(ratio, float) else "-"

    for r in rows:
        lines.append(f"{r['tool']:<14} {r['case']:<40} {r['median_wall_s']:>13.2f} {r['median_cpu_s']:>7.2f} "
                     f"{r['peak_rss_mb']:>11.0f} "
                     f"{times(r['ratio_to_pandas']):>9} {times(r['ratio_to_polars']):>9}  "
                     f"{'= pandas' if r['counts_equal_pandas'] else 'DIFFER'}")
    return "\n".join(lines)


def machine() -> dict[str, object]:
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            mem = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "memory": mem, "load_average_at_start": os.getloadavg(),
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers-python", default=os.environ.get("PEERS_PYTHON"),
                    help="python of a venv with pandas, polars, duckdb, pyarrow, python-calamine [$PEERS_PYTHON]")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000], help="CSV sizes (rows)")
    ap.add_argument("--xlsx-sizes", type=int, nargs="*", default=[100_000], help="xlsx sizes (rows)")
    ap.add_argument("--csv-1m", action="store_true", help="add the 1,000,000-row CSV (contractcheck: minutes, GBs)")
    ap.add_argument("--batch", type=int, default=0, metavar="K",
                    help="add K of make_batch.py's 200 small xlsx returns, one process per file per tool")
    ap.add_argument("--tools", nargs="*", default=TOOLS, choices=[*TOOLS, BASELINE])
    ap.add_argument("--baseline", type=Path, metavar="DIR",
                    help="another revision's source (contractcheck/, rules/, schedules/) to run as the tool baseline")
    a = ap.parse_args(argv)
    if a.baseline is not None and BASELINE not in a.tools:
        a.tools = [*a.tools, BASELINE]
    if BASELINE in a.tools and (a.baseline is None or not (a.baseline / "contractcheck").is_dir()):
        ap.error("the tool baseline needs --baseline DIR holding another revision's contractcheck/ folder")
    if not a.peers_python and set(a.tools) & set(PEERS):
        ap.error("give the peers' python with --peers-python or PEERS_PYTHON (a venv with pandas, polars, duckdb)")
    if not (SHARED_BENCH / "peers.py").exists():
        ap.error(f"no peers.py in {SHARED_BENCH} (set CONTRACTCHECK_SHARED_BENCH)")
    sizes = sorted(set(a.sizes) | ({1_000_000} if a.csv_1m else set()))
    todo = cases(sizes, a.xlsx_sizes, a.batch)
    info = machine()
    print(f"{info['date']}  {info['cpus']} cpus, {info['memory']}, load {info['load_average_at_start']}",
          file=sys.stderr)
    runs: list[Run] = []
    for round_ in range(1, a.rounds + 1):
        for case in todo:
            shift = (round_ - 1) % len(a.tools)
            for tool in a.tools[shift:] + a.tools[:shift]:  # rotate who goes first each round
                run = run_tool(tool, case, a.peers_python or "", round_, a.baseline)
                runs.append(run)
                print(f"round {round_}  {case.name:<40} {tool:<14} {run.wall_s:8.2f} s {run.cpu_s:7.2f} s cpu "
                      f"{run.peak_rss_mb:8.0f} MB"
                      f"{'' if run.ok else '  FAILED'}", file=sys.stderr)
    rows = summarise(runs, [c.name for c in todo], a.tools)
    print(render(rows))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "peers.json").write_text(json.dumps({"machine": info, "rounds": a.rounds, "summary": rows,
                                                "runs": [asdict(r) for r in runs]}, indent=2) + "\n",
                                    encoding="utf-8")
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
