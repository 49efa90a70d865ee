"""The command line behaves like its peers: --version, -h, python -m, completion, help in plain words, dates
typed as returns write them, standard input, --quiet, colour only where wanted, tables that wrap to fit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contractcheck.cli import colour_wanted
from contractcheck.report.render import TABLE_WIDTH, render_table

ROOT = Path(__file__).resolve().parent.parent
FAILING = "samples/failing-return.xlsx"
SCHEDULE = "oxfordshire-help-to-live-at-home"


def test_version_option_and_command(cli):
    from contractcheck import __version__

    for args in (["--version"], ["-V"], ["version"]):
        result = cli(*args)
        assert result.code == 0
        assert __version__ in result.out


@pytest.mark.parametrize("args", [["-h"], ["check", "-h"], ["rules", "lint", "-h"], ["template", "-h"]])
def test_short_help_is_help(cli, args):
    result = cli(*args)
    assert result.code == 0
    assert result.out.startswith("Usage: contractcheck")


def test_help_names_values_in_plain_words_with_examples_and_exit_codes(cli):
    """No Python types in help (``<list[str]>``, ``<%Y-%m-%d>``): each value is named (FILE, DATE, FIELD=VALUE)."""
    out = cli("check", "--help").out
    assert "<list[" not in out and "%Y" not in out and "<str>" not in out and "<path>" not in out
    for words in ("--as-of DATE", "--set FIELD=VALUE", "-o, --output FILE", "Examples:", "Exit codes: 0 compliant",
                  "- for standard input"):
        assert words in out, words


def test_python_dash_m_runs_the_same_command_line():
    result = subprocess.run([sys.executable, "-m", "contractcheck", "--version"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("contractcheck ")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_script_is_offered(shell):
    out = subprocess.run([sys.executable, "-m", "contractcheck", "completion", shell], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "_CONTRACTCHECK_COMPLETE" in out.stdout


@pytest.mark.parametrize(("words", "cword", "offered"), [
    ("contractcheck ch", 1, ["check"]),
    ("contractcheck check x -s oxf", 4, ["oxfordshire-help-to-live-at-home", "oxfordshire-tender"]),
    ("contractcheck check x -f ma", 4, ["markdown"]),
])
def test_the_shell_completes_commands_schedule_ids_and_formats(words, cword, offered):
    env = {**os.environ, "_CONTRACTCHECK_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    out = subprocess.run([sys.executable, "-m", "contractcheck"], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=60)
    assert out.stdout.split() == offered, out.stderr


def test_command_help_starts_without_the_heavy_libraries():
    """`check -h` answers without importing pydantic, pandas or pyarrow (typer's option parsing would import
    pydantic): a third of its start-up. Measured as what is imported, not as time."""
    code = ("import sys\nfrom contractcheck.cli import main\ntry:\n    main(['check', '-h'])\nexcept SystemExit:\n"
            "    pass\nprint(sorted({'pydantic', 'pandas', 'pyarrow'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "Usage: contractcheck check" in out.stdout


@pytest.mark.parametrize("typed", ["30/09/2026", "2026-09-30", "30 September 2026", "30 Sep 2026"])
def test_as_of_takes_the_date_forms_returns_use(cli, typed):
    result = cli("check", FAILING, "-s", SCHEDULE, "-f", "json", "--as-of", typed)
    assert result.code == 1, result.err
    assert json.loads(result.out)["as_of"]["date"] == "2026-09-30"


def test_standard_input_is_a_return_named_dash(tmp_path):
    """``check -`` reads the workbook from standard input; the report calls it ``-`` and gives the same verdict
    and findings as the file."""
    data = (ROOT / FAILING).read_bytes()
    cmd = [sys.executable, "-m", "contractcheck", "check", "-", "-s", SCHEDULE, "-f", "json"]
    piped = subprocess.run(cmd, input=data, capture_output=True, cwd=tmp_path, timeout=120)
    assert piped.returncode == 1, piped.stderr
    report = json.loads(piped.stdout)
    assert report["input"]["path"] == "-"
    assert {f["location"]["file"] for f in report["findings"]} == {"-"}
    direct = subprocess.run([*cmd[:4], str(ROOT / FAILING), *cmd[5:]], capture_output=True, cwd=tmp_path,
                            timeout=120)
    assert report["summary"] == json.loads(direct.stdout)["summary"]
    assert not list(tmp_path.iterdir())  # nothing left behind


def test_standard_input_csv_and_empty(tmp_path):
    csv = b"worker_id,zero_hours,hourly_rate,date_of_birth\nW1,N,9.00,1990-01-01\n"
    cmd = [sys.executable, "-m", "contractcheck", "check", "-", "-s", "statutory-minimum", "-f", "json",
           "--set", "period_end=30/09/2026"]
    piped = subprocess.run(cmd, input=csv, capture_output=True, cwd=tmp_path, timeout=120)
    assert piped.returncode == 1, piped.stderr
    assert any(f["rule_id"] == "PAY-01" for f in json.loads(piped.stdout)["findings"])
    empty = subprocess.run(cmd, input=b"", capture_output=True, cwd=tmp_path, timeout=120)
    assert empty.returncode == 2
    assert empty.stderr.decode().strip().splitlines() == [
        "error USAGE: -: standard input is empty; pipe a return into it, or name a file"]


def test_quiet_prints_nothing_and_the_exit_code_answers(cli, tmp_path):
    result = cli("check", FAILING, "-s", SCHEDULE, "--quiet")
    assert (result.code, result.out, result.err) == (1, "", "")
    out = tmp_path / "report.md"
    result = cli("check", FAILING, "-s", SCHEDULE, "-q", "-o", out)
    assert (result.code, result.out, result.err) == (1, "", "")
    assert out.read_text().startswith("# ")


def test_colour_only_on_a_terminal_that_wants_it(monkeypatch):
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour_wanted(False, Tty())  # type: ignore[arg-type]
    assert not colour_wanted(True, Tty())  # type: ignore[arg-type]  # --no-color
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(False, Tty())  # type: ignore[arg-type]
    monkeypatch.delenv("NO_COLOR")
    with open(os.devnull, "w") as not_a_terminal:
        assert not colour_wanted(False, not_a_terminal)


def test_table_wraps_to_the_width_rather_than_cutting(cli):
    """Every word of every finding is in the table, whatever the width: long sentences wrap, never "…"."""
    from contractcheck.api import check

    report = check(ROOT / FAILING, SCHEDULE)
    for width in (40, 60, 80, TABLE_WIDTH, 200):
        text = render_table(report, width=width)
        assert all(len(line) <= width for line in text.splitlines()), width
        flat = " ".join(text.split())
        for f in report.findings:
            assert " ".join(f.message.split())[:60] in flat
    painted = render_table(report, colour=True)
    assert "\x1b[1;31mCRIT\x1b[0m" in painted and "\x1b[1;31mNON-COMPLIANT" in painted
    assert "\x1b" not in render_table(report)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_machine_formats_are_utf8_whatever_the_console(fmt):
    """A Windows console (or PYTHONIOENCODING=cp1252) must not turn the JSON or CSV into another file: '—' and '£'
    stay UTF-8 (CSV with its byte order mark); the table, for people, is made plain for that console instead."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    out = subprocess.run([sys.executable, "-m", "contractcheck", "check", FAILING, "-s", SCHEDULE, "-f", fmt],
                         capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 1, out.stderr
    text = out.stdout.decode("utf-8")  # raises if any byte is cp1252's
    assert "£12.50" in text
    if fmt == "json":
        assert json.loads(text)["summary"]["verdict"] == "non-compliant"
    else:
        assert out.stdout.startswith(b"\xef\xbb\xbf")


def test_the_current_folder_is_a_return_folder(cli, tmp_path, monkeypatch):
    """`check .` in a folder of CSV files (it has no name of its own until resolved) is that folder's return."""
    for part in (ROOT / "samples" / "csv-return").iterdir():
        (tmp_path / part.name).write_bytes(part.read_bytes())
    monkeypatch.chdir(tmp_path)
    from contractcheck.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["check", ".", "-s", "leicester-homecare", "-f", "json"])
    assert exited.value.code == 1


def test_an_output_file_name_with_several_files_is_refused(cli, tmp_path):
    result = cli("check", FAILING, "samples/compliant-return.xlsx", "-s", SCHEDULE, "-o", tmp_path / "all.sarif")
    assert result.code == 2 and not (tmp_path / "all.sarif").exists()
    assert "with several files --output is a folder" in result.err and "--format sarif" in result.err


def test_quiet_annotate_writes_the_workbook_and_says_nothing(cli, tmp_path):
    result = cli("check", FAILING, "-s", SCHEDULE, "-q", "--annotate", tmp_path / "a.xlsx")
    assert (result.code, result.out, result.err) == (1, "", "")
    assert (tmp_path / "a.xlsx").stat().st_size > 0
