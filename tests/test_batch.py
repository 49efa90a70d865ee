"""A portfolio in one run: several returns, folders of returns and glob patterns, checked against one schedule.

Each test copies the shipped samples into a temporary folder, so the inputs are small and known:
``compliant-return.xlsx`` passes the Oxfordshire schedule, ``failing-return.xlsx`` does not, ``csv-return/`` is
one return written as CSV files.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from contractcheck import api
from contractcheck.batch import (
    BatchItem,
    _check_in_worker,
    _in_workers,
    _portable,
    _WorkerSetup,
    check_many,
    expand_inputs,
    is_csv_folder_return,
)
from contractcheck.cli import _Progress
from contractcheck.errors import ContractcheckError, GivenValueError, RuleError, UsageError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SCHEDULE = "oxfordshire-help-to-live-at-home"


@pytest.fixture
def returns(tmp_path: Path) -> Path:
    """A council's folder of returns: one compliant, one failing, one CSV-folder return, one corrupt file."""
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(SAMPLES / "compliant-return.xlsx", folder / "a-compliant.xlsx")
    shutil.copy(SAMPLES / "failing-return.xlsx", folder / "b-failing.xlsx")
    shutil.copytree(SAMPLES / "csv-return", folder / "c-csv-return")
    (folder / "d-corrupt.xlsx").write_bytes(b"this is not a spreadsheet")
    return folder


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------------


def test_one_corrupt_file_does_not_stop_the_batch_and_exits_2(cli, returns):
    result = cli("check", returns / "a-compliant.xlsx", returns / "d-corrupt.xlsx", returns / "b-failing.xlsx",
                 "-s", SCHEDULE)

    assert result.code == 2  # one file could not be checked
    out = lines(result.out)
    assert out[0].startswith("compliant") and out[0].endswith("a-compliant.xlsx")
    assert out[1].startswith("could not check") and "error LOAD:" in out[1] and "d-corrupt.xlsx" in out[1]
    assert out[2].startswith("non-compliant") and "PAY-01" in out[2] and out[2].endswith("b-failing.xlsx")
    assert "3 files, 2 checked: 1 compliant, 1 non-compliant; 1 could not be checked" in result.out
    assert "Traceback" not in result.out + result.err


def test_findings_exit_1_and_fail_on_decides_as_for_one_file(cli, returns):
    files = [returns / "a-compliant.xlsx", returns / "b-failing.xlsx"]

    assert cli("check", *files, "-s", SCHEDULE).code == 1
    assert cli("check", *files, "-s", SCHEDULE, "--fail-on", "never").code == 0
    assert cli("check", returns / "a-compliant.xlsx", returns / "a-compliant.xlsx", "-s", SCHEDULE).code == 0


def test_a_folder_is_expanded_to_the_returns_inside_it(cli, returns):
    (returns / "notes.txt").write_text("not a return")
    (returns / "~$a-compliant.xlsx").write_bytes(b"an Office lock file")
    (returns / "archive").mkdir()  # a sub-folder that is no return is not entered

    result = cli("check", returns, "-s", SCHEDULE)

    checked = [line.rsplit("  ", 1)[-1] for line in lines(result.out)[:3]]
    assert [Path(p).name for p in checked] == ["a-compliant.xlsx", "b-failing.xlsx", "c-csv-return"]
    assert "d-corrupt.xlsx" in lines(result.out)[3]
    assert "4 files" in result.out and "notes.txt" not in result.out and "archive" not in result.out


def test_a_csv_folder_return_inside_a_folder_is_one_return(returns):
    assert is_csv_folder_return(returns / "c-csv-return")
    assert not is_csv_folder_return(returns)
    assert returns / "c-csv-return" in expand_inputs([returns])


def test_a_csv_folder_return_given_alone_is_one_file_as_before(cli, returns):
    result = cli("check", returns / "c-csv-return", "-s", SCHEDULE, "-f", "json")

    assert json.loads(result.out)["input"]["kind"] == "return"  # one report, not a batch summary


def test_a_quoted_glob_is_expanded(cli, returns):
    result = cli("check", str(returns / "*.xlsx"), "-s", SCHEDULE, "--fail-on", "never")

    assert "3 files" in result.out  # the two samples and the corrupt file, not the CSV folder
    assert result.code == 2


def test_the_schedule_file_among_the_returns_is_not_checked_as_one(cli, returns):
    shutil.copy(ROOT / "schedules" / "statutory-minimum.yaml", returns / "statutory-minimum.yaml")

    result = cli("check", returns, "-s", returns / "statutory-minimum.yaml")

    assert "4 files" in result.out and "statutory-minimum.yaml" not in result.out


def test_jobs_2_gives_the_same_results_as_jobs_1(cli, returns):
    one = cli("check", returns, "-s", SCHEDULE, "--jobs", "1")
    two = cli("check", returns, "-s", SCHEDULE, "--jobs", "2")

    assert (one.code, lines(one.out)[:4]) == (two.code, lines(two.out)[:4])  # in the order given, both times
    assert lines(one.out)[4:6] == lines(two.out)[4:6]  # the summary, all but the time


def test_json_lines_give_one_report_object_a_line(cli, returns):
    result = cli("check", returns, "-s", SCHEDULE, "-f", "json")

    records = [json.loads(line) for line in result.out.splitlines()]
    assert [Path(r["input"]["path"]).name for r in records] == [
        "a-compliant.xlsx", "b-failing.xlsx", "c-csv-return", "d-corrupt.xlsx"]
    assert records[0]["summary"]["verdict"] == "compliant"
    assert records[3]["error"]["code"] == "LOAD"  # a file that could not be checked has an error, no report
    single = json.loads(cli("check", returns / "b-failing.xlsx", "-s", SCHEDULE, "-f", "json").out)
    assert records[1] == single  # the same report as the file alone gives
    assert "could not be checked" in result.err  # the summary keeps out of the JSON


def test_output_folder_gets_one_report_per_return(cli, returns, tmp_path):
    reports = tmp_path / "reports"

    result = cli("check", returns, "-s", SCHEDULE, "-o", reports)

    assert result.code == 2
    written = sorted(p.name for p in reports.iterdir())
    assert written == ["a-compliant.xlsx.json", "b-failing.xlsx.json", "c-csv-return.json"]  # none for the corrupt
    assert json.loads((reports / "b-failing.xlsx.json").read_text())["summary"]["verdict"] == "non-compliant"
    assert f"reports written to {reports}" in result.out


def test_output_format_follows_format(cli, returns, tmp_path):
    cli("check", returns / "a-compliant.xlsx", returns / "b-failing.xlsx", "-s", SCHEDULE, "-o", tmp_path / "md",
        "-f", "markdown")

    assert sorted(p.name for p in (tmp_path / "md").iterdir()) == ["a-compliant.xlsx.md", "b-failing.xlsx.md"]


def test_output_folder_inside_a_folder_being_checked_is_refused(cli, returns):
    before = sorted(p.name for p in returns.iterdir())

    result = cli("check", returns, "-s", SCHEDULE, "-o", returns / "reports")

    assert result.code == 2 and result.out == ""
    assert result.err.startswith("error USAGE: --output") and "a folder being checked" in result.err
    assert sorted(p.name for p in returns.iterdir()) == before


def test_a_report_that_would_replace_an_input_is_refused(cli, returns, tmp_path):
    sneaky = tmp_path / "out"
    sneaky.mkdir()
    (sneaky / "a-compliant.xlsx.json").write_text('{"a": "return, not a report"}')

    result = cli("check", returns / "a-compliant.xlsx", sneaky / "a-compliant.xlsx.json", "-s", SCHEDULE,
                 "-o", sneaky)

    assert result.code == 2 and "would overwrite an input" in result.err
    assert (sneaky / "a-compliant.xlsx.json").read_text() == '{"a": "return, not a report"}'


def test_csv_format_without_an_output_folder_is_refused(cli, returns):
    result = cli("check", returns, "-s", SCHEDULE, "-f", "csv")

    assert result.code == 2 and "needs --output FOLDER" in result.err


def test_a_folder_with_no_returns_is_one_line(cli, tmp_path):
    result = cli("check", tmp_path, "-s", SCHEDULE)

    assert result.code == 2 and result.err.startswith("error USAGE: no returns found")


def test_a_bad_schedule_stops_before_any_file(cli, returns):
    result = cli("check", returns, "-s", "no-such-schedule")

    assert result.code == 2 and result.out == "" and len(result.err.splitlines()) == 1


def test_no_progress_counter_when_stderr_is_not_a_terminal(cli, returns):
    result = cli("check", returns / "a-compliant.xlsx", returns / "b-failing.xlsx", "-s", SCHEDULE)

    assert result.err == ""


# --------------------------------------------------------------------------------------------------
# The library: check_many
# --------------------------------------------------------------------------------------------------


def test_check_many_yields_each_file_as_it_finishes(returns):
    paths = [returns / "b-failing.xlsx", returns / "d-corrupt.xlsx", returns / "a-compliant.xlsx"]

    items = list(check_many(paths, SCHEDULE))

    assert [(i.index, Path(i.path).name, i.ok) for i in items] == [
        (0, "b-failing.xlsx", True), (1, "d-corrupt.xlsx", False), (2, "a-compliant.xlsx", True)]
    assert items[0].report is not None and items[0].report.summary.verdict == "non-compliant"
    assert isinstance(items[1].error, ContractcheckError) and items[1].error.code == "LOAD"


def test_check_many_with_workers_yields_every_file_once(returns):
    paths = [returns / "b-failing.xlsx", returns / "d-corrupt.xlsx", returns / "a-compliant.xlsx"] * 2

    items = list(check_many(paths, SCHEDULE, jobs=2))  # in the order they finish

    assert sorted(i.index for i in items) == list(range(6))
    by_index = {i.index: i for i in items}
    assert all(by_index[n].path == str(paths[n]) for n in range(6))
    assert [by_index[n].ok for n in range(3)] == [True, False, True]
    assert by_index[1].error is not None and by_index[1].error.code == "LOAD"  # errors cross processes


def test_check_many_ordered_keeps_the_order_given(returns):
    paths = [returns / "b-failing.xlsx", returns / "d-corrupt.xlsx", returns / "a-compliant.xlsx"]

    items = list(check_many(paths, SCHEDULE, jobs=2, ordered=True))

    assert [i.index for i in items] == [0, 1, 2]


def test_check_many_compiles_the_schedule_once(returns, monkeypatch):
    calls = []
    real = api.compile_schedule

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "compile_schedule", counting)
    items = list(check_many([returns / "a-compliant.xlsx", returns / "b-failing.xlsx", returns / "c-csv-return"],
                            SCHEDULE))

    assert len(items) == 3 and all(i.ok for i in items)
    assert len(calls) == 1


def test_check_many_is_lazy_and_a_bad_schedule_raises_before_any_file(returns):
    items = check_many([returns / "a-compliant.xlsx"], "no-such-schedule")  # nothing runs until iterated

    with pytest.raises(UsageError):
        next(items)
    with pytest.raises(UsageError):
        next(check_many([returns / "a-compliant.xlsx"], SCHEDULE, jobs=0))


def test_check_many_gives_the_report_check_gives(returns):
    item = next(check_many([returns / "b-failing.xlsx"], SCHEDULE))

    assert isinstance(item, BatchItem) and item.report == api.check(returns / "b-failing.xlsx", SCHEDULE)


def test_an_error_that_cannot_cross_processes_is_sent_as_its_base_class():
    error = GivenValueError("contract_value", "lots", "is not a number")

    sent = _portable(error)

    assert isinstance(sent, UsageError) and sent.one_line() == error.one_line()
    plain = RuleError("bad rule")
    assert _portable(plain) is plain


def _die_on_crash(index: int, path: str) -> BatchItem:
    """What a worker does in the test below: die, as a process killed for memory does, on crash.xlsx."""
    if path.endswith("crash.xlsx"):
        os._exit(9)
    return _check_in_worker(index, path)


def test_a_worker_that_dies_costs_only_its_own_file(returns):
    shutil.copy(returns / "a-compliant.xlsx", returns / "crash.xlsx")
    paths = [str(returns / name) for name in ("a-compliant.xlsx", "crash.xlsx", "d-corrupt.xlsx")]
    setup = _WorkerSetup(SCHEDULE, None, None, None, None, {})

    items = list(_in_workers(paths, 2, True, setup, work=_die_on_crash))

    assert [(i.index, i.ok) for i in items] == [(0, True), (1, False), (2, False)]
    crashed = items[1].error
    assert crashed is not None and crashed.code == "INTERNAL" and "crash.xlsx" in crashed.one_line()
    assert items[2].error is not None and items[2].error.code == "LOAD"  # checked again, and still corrupt


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_counter_is_rewritten_in_place_on_a_terminal_only():
    terminal, log = _Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = _Progress(200, stream)
        progress.show(1)
        progress.clear()  # before a result line is printed
        progress.show(2)
        progress.clear()

    assert terminal.getvalue() == "\rchecked 1/200\r\033[K\rchecked 2/200\r\033[K"
    assert log.getvalue() == ""
