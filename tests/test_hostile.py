"""Hostile and odd input: each gives one clear line (exit 2) or a correct report, in bounded memory and time.

Each test builds its own small input; none of them needs gigabytes (limits are lowered to show they bite).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from contractcheck.errors import InputError, RuleError
from contractcheck.limits import Limits, using_limits
from contractcheck.load import open_source
from contractcheck.yamldata import load_yaml, parse_yaml_text

SCHEDULE = "statutory-minimum"
LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join(f"*{chr(96 + i)}" for _ in range(9)) + "]" for i in range(1, 9)]
)


def one_line_error(result, *needles: str) -> str:
    assert result.code == 2, (result.code, result.err, result.out[:500])
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# -- YAML: aliases, special files, size ------------------------------------------------------------


def test_yaml_alias_tree_is_refused_at_once_in_rule_files() -> None:
    with pytest.raises(RuleError) as caught:
        parse_yaml_text("anchors:\n" + "".join("  " + line + "\n" for line in LAUGHS.splitlines()) + "rules: []\n",
                        "rules.yaml")
    assert caught.value.code == "YAML001" and "alias" in caught.value.message


def test_yaml_alias_in_a_return_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "return.yaml"
    path.write_text(LAUGHS + "\ncontract: {provider_name: *i}\nworkforce: [{worker_id: W1}]\n")
    with pytest.raises(InputError, match="alias"):
        open_source(path)


def test_a_fifo_or_a_device_is_never_opened(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "schedule.yaml"
    os.mkfifo(fifo)
    one_line_error(cli("check", "samples/failing-return.xlsx", "-s", fifo), "YAML000", "named pipe")
    one_line_error(cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "--waivers", "/dev/zero"),
                   "YAML000", "not a regular file")
    csv_fifo = tmp_path / "return.csv"
    os.mkfifo(csv_fifo)
    one_line_error(cli("check", csv_fifo, "-s", SCHEDULE), "LOAD", "named pipe")


def test_an_oversized_yaml_file_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers: []\n" + "# padding\n" * 200)
    with using_limits(Limits(max_yaml_bytes=1000)), pytest.raises(RuleError, match="larger than 1000 bytes"):
        load_yaml(path)


# -- CSV: long values, NUL bytes, separators and encodings -------------------------------------------


def _workforce_csv(sep: str = ",") -> str:
    rows = [["worker_id", "zero_hours", "hourly_rate", "date_of_birth"], ["W1", "N", "13.10", "14/03/1985"],
            ["LOW", "N", "8.00", "14/03/1985"]]
    return "".join(sep.join(row) + "\r\n" for row in rows)


def test_a_csv_value_over_the_csv_module_default_is_read(cli, tmp_path: Path) -> None:
    path = tmp_path / "workforce.csv"
    path.write_text("worker_id,zero_hours,hourly_rate,zero_hours_evidence\nW1,N,13.10," + "E" * 131_073 + "\n")
    result = cli("check", path, "-s", SCHEDULE, "--set", "period_end=2026-09-30", "-f", "json")
    assert result.code in (0, 1), result.err


def test_a_csv_value_over_the_limit_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "workforce.csv"
    path.write_text("worker_id,hourly_rate\nW1,13\nW2," + "9" * 5000 + "\n")
    with using_limits(Limits(max_csv_field=1000)), pytest.raises(InputError) as caught:
        open_source(path)
    assert caught.value.location.line == 3 and "1,000 characters" in caught.value.message


def test_a_nul_byte_late_in_a_csv_is_found(tmp_path: Path) -> None:
    path = tmp_path / "workforce.csv"
    path.write_bytes(("worker_id,hourly_rate\n" + "W1,13\n" * 20_000).encode() + b"W2,1\x003\n")
    with pytest.raises(InputError, match="binary data") as caught:
        open_source(path)
    assert caught.value.location.line == 20_002


@pytest.mark.parametrize(
    ("sep", "encoding", "bom", "named"),
    [
        (";", "cp1252", b"", "semicolon-separated values in Windows-1252"),
        ("\t", "utf-16-le", b"\xff\xfe", "tab-separated values in UTF-16"),
        (",", "utf-8", b"\xef\xbb\xbf", None),
        (";", "utf-8", b"\xef\xbb\xbf", "semicolon-separated values in UTF-8 with BOM"),
    ],
)
def test_csv_separator_and_encoding_are_detected_and_named(cli, tmp_path: Path, sep, encoding, bom, named) -> None:
    path = tmp_path / "workforce.csv"
    text = _workforce_csv(sep).replace("W1", "Zoë")
    path.write_bytes(bom + text.encode(encoding))
    result = cli("check", path, "-s", SCHEDULE, "--set", "period_end=2026-09-30", "-f", "json")
    assert result.code == 1, result.err
    report = json.loads(result.out)
    failing = {f["subject"]["key"] for f in report["findings"] if f["rule_id"] == "PAY-01"}
    assert "LOW" in failing and "Zoë" not in failing
    notes = " ".join(report["notes"])
    if named:
        assert named in notes
    else:
        assert "separated" not in notes


def test_a_semicolon_csv_keeps_its_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "workforce.csv"
    path.write_text('worker_id;note;hourly_rate\nW1;"two\nlines";13\n\nW2;x;8\n')
    source = open_source(path)
    table = source.read(source.table_names()[0], header_row=1)
    assert list(table.row_numbers) == [2, 5]
    assert table.headers == ["worker_id", "note", "hourly_rate"]


# -- workbooks: zip bombs, far cells, damaged packages, hidden sheets -------------------------------


def _return_xlsx(path: Path, extra=None, hidden_workforce: bool = False) -> Path:
    import datetime as dt

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    contract = wb.add_worksheet("Contract")
    for i, (key, value) in enumerate([("provider_name", "P"), ("contract_ref", "C"), ("period_start", "01/07/2026"),
                                      ("period_end", "30/09/2026")]):
        contract.write_row(i, 0, [key, value])
    sheets = [("Workforce", [["W1", "N", 13.1]])]
    if hidden_workforce:
        sheets = [("Workforce", [["W1", "N", 13.1]]), ("Staff list", [["LOW", "N", 8.0]])]
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["worker_id", "zero_hours", "hourly_rate", "date_of_birth"])
        for i, row in enumerate(rows, 1):
            ws.write_row(i, 0, row)
            ws.write_datetime(i, 3, dt.datetime(1985, 3, 14), wb.add_format({"num_format": "dd/mm/yyyy"}))
        if hidden_workforce and name == "Workforce":
            ws.hide()
        if extra:
            extra(ws)
    if hidden_workforce:
        wb.worksheets()[2].activate()
    wb.close()
    return path


def test_a_value_at_the_far_corner_is_refused_naming_the_used_range(cli, tmp_path: Path) -> None:
    path = _return_xlsx(tmp_path / "far.xlsx", extra=lambda ws: ws.write_string(1048575, 16383, "x"))
    one_line_error(cli("check", path, "-s", SCHEDULE, "-f", "json"),
                   "sheet 'Workforce'", "A1:XFD1048576", "--max-cells")


def test_a_member_that_inflates_past_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    import zipfile

    good = _return_xlsx(tmp_path / "good.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("META-INF/manifest.xml", b"<manifest>" + b" " * 300_000 + b"</manifest>")
    with using_limits(Limits(max_inflated_bytes=200_000)), pytest.raises(InputError) as caught:
        open_source(bomb)
    assert "META-INF/manifest.xml inflates to 293 KB" in caught.value.message


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite ``member``'s declared (uncompressed) size in both the local header and the central directory, as a
    crafted package would: the deflate stream inflates to its real size whatever the header says."""
    import struct
    import zipfile

    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    struct.pack_into("<L", data, local + 22, declared)  # local header: uncompressed size
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            struct.pack_into("<L", data, at + 24, declared)  # central directory: uncompressed size
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_member_that_inflates_past_its_declared_size_is_refused(cli, tmp_path: Path) -> None:
    """A crafted package whose shared strings declare 1 KB but inflate to 20 MB: zipfile stops at the declared
    size, but calamine's reader would inflate it all. Refused before any reader opens it, naming the member."""
    import zipfile

    good = _return_xlsx(tmp_path / "good.xlsx")
    liar = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "xl/sharedStrings.xml":
                zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * 20_000_000 + b"</sst>")
    _lie_about_size(liar, "xl/sharedStrings.xml", 1024)
    one_line_error(cli("check", liar, "-s", SCHEDULE, "-f", "json"),
                   "member xl/sharedStrings.xml inflates to more than the 1 KB its package declares")


def test_an_ods_with_a_value_far_below_the_table_is_refused_naming_the_used_range(cli, tmp_path: Path) -> None:
    """calamine refuses an .ods sheet over its 100,000,000-cell limit; the line says what to do about it."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Workforce")
    for cells in (["worker_id", "zero_hours", "hourly_rate"], None, ["x"]):
        row = TableRow(numberrowsrepeated=1_048_570) if cells is None else TableRow()
        if cells is None:
            row.addElement(TableCell())
        else:
            if cells == ["x"]:
                row.addElement(TableCell(numbercolumnsrepeated=16_380))
            for text in cells:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=text))
                row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    path = tmp_path / "far.ods"
    doc.save(str(path))
    one_line_error(cli("check", path, "-s", SCHEDULE, "-f", "json", "--set", "period_end=30/09/2026"),
                   "far.ods", "over the reader's 100,000,000-cell limit", "stray value")


def test_a_package_without_its_workbook_part_is_damaged(cli, tmp_path: Path) -> None:
    import zipfile

    good = _return_xlsx(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            if item.filename != "xl/workbook.xml":
                zout.writestr(item, zin.read(item.filename))
    one_line_error(cli("check", bad, "-s", SCHEDULE, "-f", "json"), "damaged", "xl/workbook.xml")


def test_a_hidden_sheet_never_wins_over_the_visible_one(cli, tmp_path: Path) -> None:
    path = _return_xlsx(tmp_path / "hidden.xlsx", hidden_workforce=True)
    result = cli("check", path, "-s", SCHEDULE, "-f", "json")
    report = json.loads(result.out)
    assert report["input"]["tables"]["workforce"] == "Staff list"
    assert any("hidden sheets not checked: 'Workforce'" in note for note in report["notes"])
    assert {f["subject"]["key"] for f in report["findings"] if f["rule_id"] == "PAY-01"} == {"LOW"}


# -- reports: never an input, the usual mode, through links, nothing left half-written ----------------


def test_a_report_gets_the_usual_mode_and_is_written_through_a_link(cli, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", new)
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("old")
        kept.chmod(0o640)
        cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", kept)
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text().startswith("{")
    finally:
        os.umask(old)
    (tmp_path / "real.json").write_text("old")
    (tmp_path / "link.json").symlink_to("real.json")
    cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", tmp_path / "link.json")
    assert (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "real.json").read_text().startswith("{")


def test_a_stopped_write_leaves_neither_a_report_nor_a_temporary_file(tmp_path: Path) -> None:
    from contractcheck.cli import write_atomically

    def stopped(_handle) -> None:
        raise SystemExit(143)  # what SIGTERM raises while a report is being written (cli._terminated)

    with pytest.raises(SystemExit):
        write_atomically(tmp_path / "r.json", stopped)
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_is_not_findings_failed(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "contract.csv").write_text("field,value\nperiod_end,30/09/2026\nprovider_name,P\ncontract_ref,C\n")
    (folder / "workforce.csv").write_text("worker_id,zero_hours,hourly_rate,date_of_birth\n"
                                          + "".join(f"W{i},N,8.00,14/03/1985\n" for i in range(20_000)))
    code = ("import sys; from contractcheck.cli import main; "
            f"main(['check', {str(folder)!r}, '-s', 'statutory-minimum', '-f', 'json', '--fail-on', 'never'])")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    proc.stdout.read(10)
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err
    assert b"Traceback" not in err


# -- provider text never acts: CSV formulas, markdown markup, terminal escapes ------------------------

HOSTILE_IDS = ['=HYPERLINK("http://x.invalid","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
               "<script>alert(1)</script>", "[click](javascript:alert(1))", "\x1b]0;PWNED\x07\x1b[2JRED"]


@pytest.fixture
def hostile_return(tmp_path: Path) -> Path:
    path = tmp_path / "workforce.csv"
    # quoted, so the ids stay as written (commas, quotes)
    path.write_text("worker_id,zero_hours,hourly_rate,date_of_birth\n" + "".join(
        '"' + wid.replace('"', '""') + '",N,8.00,14/03/1985\n' for wid in HOSTILE_IDS))
    return path


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(cli, hostile_return: Path) -> None:
    import csv
    import io

    result = cli("check", hostile_return, "-s", SCHEDULE, "--set", "period_end=2026-09-30", "-f", "csv")
    rows = list(csv.reader(io.StringIO(result.out)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    keys = {row[rows[0].index("subject_key")] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://x.invalid\",\"click\")" in keys and "'-2+3" in keys


def test_markdown_escapes_markup_and_no_format_sends_control_characters(cli, hostile_return: Path) -> None:
    args = ("check", hostile_return, "-s", SCHEDULE, "--set", "period_end=2026-09-30", "-f")
    markdown = cli(*args, "markdown").out
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown  # entities: Python-Markdown keeps \<
    assert "](javascript:" not in markdown.replace("\\]", "")  # only an escaped bracket precedes it
    for fmt in ("markdown", "table", "csv", "html"):
        out = cli(*args, fmt).out
        assert "\x1b" not in out and "\x07" not in out, fmt
        assert "\\x1b" in out, fmt
    report = json.loads(cli(*args, "json").out)  # JSON keeps the id exactly, escaped by JSON itself
    assert any(f["subject"]["key"] == HOSTILE_IDS[-1] for f in report["findings"])


# -- rules and schedules: expressions that overflow or nest, extends chains ---------------------------


@pytest.mark.parametrize(
    ("expression", "needle"),
    [
        ("hourly_rate > " + "-" * 1900 + "1", "nested too deeply"),
        ("hourly_rate > " + "+".join(["1"] * 990), "nested too deeply"),
        ("hourly_rate > 1" + "0" * 400, "too large"),
        ("round(hourly_rate, 99999999999999999999) > 1", "too large"),
        ("round(hourly_rate, 40) > 1", "between -15 and 15"),
        ("add_months(date_of_birth, 100000) > as_of", "past any real date"),
        ("add_days(as_of, 1e12) > date_of_birth", "past any real date"),
    ],
)
def test_an_expression_that_would_overflow_or_recurse_is_a_rule_error(cli, tmp_path: Path, expression, needle) -> None:
    (tmp_path / "r.yaml").write_text(
        "rules:\n  - id: XTR-01\n    title: t\n    severity: major\n    scope: workforce\n"
        f"    assert: '{expression}'\n    message: m\n    reference: r\n    remediation: r\n")
    (tmp_path / "s.yaml").write_text('id: s\ntitle: t\ncouncil: c\nsource: s\nversion: "1"\nrules: [XTR-01]\n')
    one_line_error(cli("check", "samples/failing-return.xlsx", "-s", tmp_path / "s.yaml", "--rules",
                       tmp_path / "r.yaml"), "EXPR001", "r.yaml:6", needle)


def test_a_date_moved_past_pandas_range_by_a_parameter_is_unknown_not_a_crash() -> None:
    import pandas as pd

    from contractcheck.expressions.columns import shift_date

    dates = pd.Series(pd.to_datetime(["2026-01-01", "2026-06-30"]))
    assert shift_date(dates, 10**9, "days").isna().all()
    assert shift_date(pd.Timestamp("2026-01-01"), 200_000, "months") is pd.NaT


def test_an_extends_chain_of_thousands_is_refused(cli, tmp_path: Path) -> None:
    for i in range(200):
        (tmp_path / f"c{i}.yaml").write_text(
            f'id: c{i}\ntitle: t\ncouncil: c\nsource: s\nversion: "1"\nrules: [PAY-01]\n'
            + (f"extends: c{i + 1}\n" if i < 199 else ""))
    one_line_error(cli("check", "samples/failing-return.xlsx", "-s", tmp_path / "c0.yaml"), "SCHED004", "deeper")


def test_shared_strings_are_parsed_a_bounded_number_of_times_for_a_wide_heading_row(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    import zipfile

    import xlsxwriter

    from contractcheck.load import xlsx_stream

    path = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Workforce")
    for column in range(10_000):
        ws.write_string(0, column, f"heading {column}")
    wb.close()
    calls = []
    original = xlsx_stream._SharedStrings._parse_until

    def counted(self, archive, index):
        calls.append(index)
        return original(self, archive, index)

    monkeypatch.setattr(xlsx_stream._SharedStrings, "_parse_until", counted)
    strings = xlsx_stream._SharedStrings("xl/sharedStrings.xml")
    with zipfile.ZipFile(path) as archive:
        assert [strings.get(archive, i) for i in range(10_000)][-1] == "heading 9999"
    assert len(calls) <= 4  # doubling: never once a string


# -- inputs that are not returns --------------------------------------------------------------------


def test_a_rule_file_a_schedule_or_a_waiver_file_given_as_the_return_cannot_be_checked(cli) -> None:
    for path, looks in [("rules/pay.yaml", "a rule file"), ("schedules/statutory-minimum.yaml", "a schedule"),
                        ("samples/waivers.yaml", "a waiver file")]:
        line = one_line_error(cli("check", path, "-s", SCHEDULE, "-f", "json"), "does not look like a return", looks)
        assert "Contract and Workforce" in line


def test_an_unrelated_workbook_or_csv_names_what_it_holds_and_the_nearest_names(cli, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "budget.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Budget")
    ws.write_row(0, 0, ["Item", "Worker ID number", "Cost"])
    ws.write_row(1, 0, ["Paper", "x", 3])
    wb.close()
    one_line_error(cli("check", path, "-s", SCHEDULE), "a workbook with sheets 'Budget'", "nearest names found",
                   "'Cost' (like the Costs table)")
    plain = tmp_path / "plain.csv"
    plain.write_text("name,amount\nx,1\n")
    one_line_error(cli("check", plain, "-s", SCHEDULE), "a CSV file with headings 'name', 'amount'",
                   "headings such as worker_id")


def test_a_return_with_its_tables_but_poor_headings_is_still_judged(cli, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "poor.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Workforce").write_row(0, 0, ["who", "what"])
    wb.close()
    result = cli("check", path, "-s", SCHEDULE, "-f", "json", "--as-of", "2026-09-30")  # no period_end to judge on
    assert result.code == 1, result.err


def test_batch_worker_processes_keep_the_limits_they_were_given() -> None:
    from contractcheck.batch import check_many

    with using_limits(Limits(max_cells=10)):
        samples = Path(__file__).resolve().parents[1] / "samples"
        items = list(check_many([samples / "failing-return.xlsx", samples / "compliant-return.xlsx"], SCHEDULE,
                                jobs=2))
    assert all(item.error is not None and "--max-cells" in item.error.message for item in items)


def test_a_required_column_blank_on_every_row_is_one_finding(cli, tmp_path):
    """F03 (shared/cases/reliability): a Workforce whose hourly_rate column is blank on every one of its rows is
    one DATA-01 finding for the column, with its span and count, not a finding per row (which ran to 1.8 GB on a
    full sheet); a few blank cells among filled ones are still one finding each."""
    path = tmp_path / "ids.csv"
    path.write_text("worker_id,zero_hours,hourly_rate\n" + "".join(f"W{i},N,\n" for i in range(1, 26)))
    result = cli("check", path, "-s", "statutory-minimum", "-f", "json", "--set", "period_end=30/09/2026")
    data01 = [f for f in json.loads(result.out)["findings"]
              if f["rule_id"] == "DATA-01" and f["location"]["field"] == "hourly_rate"]
    assert len(data01) == 1
    assert data01[0]["message"] == ("Workforce column hourly_rate is blank on every row (ids.csv!C2:C26) and no "
                                    "salary is given: all 25 workers (fill the column in)")
    assert data01[0]["evidence"] == {"field": "hourly_rate", "rows_blank": 25}
    assert data01[0]["location"]["cell"].endswith("C2")
    path.write_text("worker_id,zero_hours,hourly_rate\n" + "".join(f"W{i},N,{'' if i % 2 else 13}\n"
                                                                      for i in range(1, 26)))
    result = cli("check", path, "-s", "statutory-minimum", "-f", "json", "--set", "period_end=30/09/2026")
    assert sum(f["rule_id"] == "DATA-01" and f["location"]["field"] == "hourly_rate"
               for f in json.loads(result.out)["findings"]) == 13
