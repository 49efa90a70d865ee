"""Bad input: one clear line on stderr naming what is wrong, exit code 2, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import xlsxwriter

SCHEDULE = "statutory-minimum"


def assert_one_line_error(result, *needles: str) -> None:
    assert result.code == 2, (result.code, result.err, result.out)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert result.out == ""


def test_corrupt_workbook(cli, tmp_path):
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"\x00\x01this is not a workbook" * 100)
    assert_one_line_error(cli("check", path, "--schedule", SCHEDULE), "corrupt.xlsx")


def test_encrypted_workbook(cli, tmp_path):
    path = tmp_path / "locked.xlsx"
    # what Excel writes for a workbook with a password: an OLE container holding an EncryptedPackage stream
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(500) + "EncryptedPackage".encode("utf-16-le")
                     + bytes(3000))
    assert_one_line_error(cli("check", path, "--schedule", SCHEDULE), "locked.xlsx", "password")


def test_empty_file(cli, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert_one_line_error(cli("check", path, "--schedule", SCHEDULE), "empty.csv")


def test_missing_file(cli, tmp_path):
    assert_one_line_error(cli("check", tmp_path / "nope.xlsx", "--schedule", SCHEDULE), "nope.xlsx")


def test_missing_sheet_is_a_finding_not_a_crash(cli, tmp_path):
    path = tmp_path / "no-workforce.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Contract")
    ws.write_column("A1", ["provider_name", "contract_ref", "period_start", "period_end"])
    ws.write_column("B1", ["P", "C", "2025-04-01", "2025-06-30"])
    wb.close()
    result = cli("check", path, "--schedule", SCHEDULE, "--format", "json")
    assert result.code == 1
    assert "the Workforce sheet is missing" in result.out


def test_text_in_a_money_column_is_a_finding(cli, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text("worker_id,zero_hours,hourly_rate,date_of_birth\nW1,N,tbc,01/01/1990\nW2,N,£13.00,01/01/1990\n")
    result = cli("check", path, "--schedule", SCHEDULE, "--format", "json", "--as-of", "2025-06-30")
    assert result.code == 1, result.err
    assert "'tbc' is not an amount of money" in result.out
    assert '"cell": "return.csv!C2"' in result.out


def test_unknown_schedule(cli, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text("worker_id,zero_hours,hourly_rate\nW1,N,13\n")
    assert_one_line_error(cli("check", path, "--schedule", "atlantis"), "unknown schedule 'atlantis'",
                          "statutory-minimum")


def test_malformed_schedule_yaml_names_its_line(cli, tmp_path):
    schedule = tmp_path / "bad.yaml"
    schedule.write_text("id: bad\ntitle: [unclosed\ncouncil: c\n")
    assert_one_line_error(cli("check", "samples/compliant-return.xlsx", "--schedule", schedule), "bad.yaml:")


def _schedule_with_rule(tmp_path: Path, assertion: str) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "extra.yaml").write_text(
        "rules:\n  - id: XTR-01\n    title: t\n    severity: major\n    scope: workforce\n"
        f"    assert: '{assertion}'\n    message: m\n    reference: r\n    remediation: x\n")
    schedule = tmp_path / "s.yaml"
    schedule.write_text("id: s\ntitle: t\ncouncil: c\nsource: s\nversion: '1'\nrules: [XTR-01]\n")
    return schedule


def test_expression_syntax_error_names_its_position(cli, tmp_path):
    schedule = _schedule_with_rule(tmp_path, "hourly_rate >= (12")
    result = cli("check", "samples/compliant-return.xlsx", "--schedule", schedule, "--rules", tmp_path / "rules")
    assert_one_line_error(result, "extra.yaml:6", "XTR-01", "column", "syntax error")


def test_expression_naming_an_unknown_field(cli, tmp_path):
    schedule = _schedule_with_rule(tmp_path, "hourly_wage >= 12")
    result = cli("check", "samples/compliant-return.xlsx", "--schedule", schedule, "--rules", tmp_path / "rules")
    assert_one_line_error(result, "extra.yaml:6", "unknown field or parameter 'hourly_wage'", "hourly_rate")


def test_python_object_tag_in_a_schedule(cli, tmp_path):
    schedule = tmp_path / "evil.yaml"
    schedule.write_text('id: !!python/object/apply:os.system ["echo pwned"]\n')
    assert_one_line_error(cli("check", "samples/compliant-return.xlsx", "--schedule", schedule),
                          "evil.yaml:1", "Python object tag is not allowed")


def test_bad_option_value_is_one_line(cli):
    result = cli("check", "samples/compliant-return.xlsx", "--schedule", SCHEDULE, "--fail-on", "sometimes")
    assert_one_line_error(result, "--fail-on")


def test_bad_as_of_date_is_one_line(cli):
    """A date that is no date says which forms are read (not "does not match the format '%Y-%m-%d'")."""
    result = cli("check", "samples/compliant-return.xlsx", "--schedule", SCHEDULE, "--as-of", "2026-13-01")
    assert_one_line_error(result, "--as-of '2026-13-01' is not a date", "30/09/2026")
    result = cli("check", "samples/compliant-return.xlsx", "--schedule", SCHEDULE, "--as-of", "45930")
    assert_one_line_error(result, "--as-of '45930' is not a date")


def test_a_set_value_that_does_not_read_names_the_option(cli, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text("worker_id,zero_hours,hourly_rate\nW1,N,13\n")
    result = cli("check", path, "--schedule", SCHEDULE, "--set", "contract_value=lots")
    assert_one_line_error(result, "error USAGE: --set contract_value=lots: expected an amount of money")
    result = cli("check", path, "--schedule", SCHEDULE, "--set", "colour=blue")
    assert_one_line_error(result, "error USAGE: --set colour=blue: not a contract or bid field", "contract_value")


def test_input_file_is_never_modified(cli, tmp_path):
    source = Path("samples/failing-return.xlsx").resolve()
    copy = tmp_path / "failing.xlsx"
    copy.write_bytes(source.read_bytes())
    before = copy.read_bytes(), copy.stat().st_mtime_ns
    result = cli("check", copy, "--schedule", "oxfordshire-help-to-live-at-home", "--format", "json")
    # the check really ran to its verdict (an early exit 2 would leave the file alone too)
    assert result.code == 1, result.err
    assert json.loads(result.out)["summary"]["verdict"] == "non-compliant"
    assert (copy.read_bytes(), copy.stat().st_mtime_ns) == before


def test_output_is_not_written_when_the_check_cannot_run(cli, tmp_path):
    out = tmp_path / "report.json"
    result = cli("check", tmp_path / "missing.xlsx", "--schedule", SCHEDULE, "--output", out)
    assert result.code == 2
    assert not out.exists()
    assert not list(tmp_path.glob(".report.json.*"))


def test_a_real_process_prints_no_traceback(tmp_path):
    """The installed entry point, as the before-stop hook and portals call it."""
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    done = subprocess.run([sys.executable, "-m", "contractcheck.cli", "check", str(path), "--schedule", SCHEDULE],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_output_naming_the_input_is_refused_and_the_input_kept(cli, tmp_path):
    """`-o` pointing at the return, its waiver file or its schedule would replace what was checked."""
    workbook = tmp_path / "return.xlsx"
    workbook.write_bytes(Path("samples/failing-return.xlsx").resolve().read_bytes())
    waivers = tmp_path / "waivers.yaml"
    waivers.write_bytes(Path("samples/waivers.yaml").resolve().read_bytes())
    before = workbook.read_bytes(), waivers.read_bytes()
    for target in (workbook, waivers):
        result = cli("check", workbook, "-s", "oxfordshire-help-to-live-at-home", "--waivers", waivers,
                     "-o", target)
        assert_one_line_error(result, "error USAGE", f"--output {target} would overwrite an input")
    assert (workbook.read_bytes(), waivers.read_bytes()) == before


def test_a_report_is_never_written_into_the_csv_folder_it_checks(cli, tmp_path):
    folder = tmp_path / "csv-return"
    folder.mkdir()
    for f in Path("samples/csv-return").resolve().iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    result = cli("check", folder, "-s", "leicester-homecare", "-o", folder / "report.csv")
    assert_one_line_error(result, "would overwrite an input")
    assert not (folder / "report.csv").exists()


def test_a_handbook_is_never_written_over_its_schedule(cli, tmp_path):
    schedule = tmp_path / "mine.yaml"
    schedule.write_text(Path("schedules/statutory-minimum.yaml").resolve().read_text(encoding="utf-8"))
    before = schedule.read_bytes()
    result = cli("rules", "doc", schedule, "-o", schedule)
    assert_one_line_error(result, "would overwrite an input")
    assert schedule.read_bytes() == before


def test_a_report_on_a_console_without_utf8_is_printed_in_plain_characters(tmp_path):
    """A Windows console (cp1252) has no '→': the report still prints, with '->', and the exit is the verdict's."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run([sys.executable, "-m", "contractcheck.cli", "check", "samples/failing-return.xlsx",
                           "-s", "oxfordshire-help-to-live-at-home", "-f", "table"],
                          capture_output=True, timeout=120, env=env, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 1, done.stderr
    text = done.stdout.decode("cp1252")
    assert "NON-COMPLIANT" in text and "->" in text and "→" not in text
    assert "£" in text  # what cp1252 has is kept
    assert done.stderr == b""


def test_an_output_that_is_a_folder_is_one_line_before_any_work(cli, tmp_path):
    result = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", tmp_path)
    assert_one_line_error(result, "error USAGE", "is a folder: give a file name")


def test_an_output_that_cannot_be_written_is_one_line_not_internal(cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", locked / "report.json")
    finally:
        locked.chmod(0o700)
    if result.code == 1:  # running as root: the folder is writable whatever its mode
        return
    assert_one_line_error(result, "error OUTPUT: cannot write the report to")
    assert list(locked.iterdir()) == []


def test_an_output_extension_that_names_no_format_is_refused(cli, tmp_path):
    """`-o report.xlsx` or `.pdf` wrote a text table under that name, which Excel then cannot open."""
    for name in ("report.xlsx", "report.pdf"):
        result = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", tmp_path / name)
        assert_one_line_error(result, "no report format is written as")
        assert not (tmp_path / name).exists()


def test_a_usage_error_in_a_sub_command_points_at_its_own_help(cli):
    result = cli("rules", "lint", "--bogus")
    assert_one_line_error(result, "(see: contractcheck rules lint --help)")


def test_a_schedule_that_is_a_folder_is_one_line(cli, tmp_path):
    folder = tmp_path / "schedule.yaml"
    folder.mkdir()
    result = cli("check", "samples/failing-return.xlsx", "-s", folder)
    assert_one_line_error(result, "error YAML000", "is a folder, not a YAML file")
