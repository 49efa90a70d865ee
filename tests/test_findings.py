"""Findings kept as columns: ``report.findings`` reads like a list of Finding, and the JSON is the same as before."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import contractcheck.evaluate as evaluate_module
import contractcheck.report.findings as findings_module
from contractcheck import check
from contractcheck.evaluate import evidence_numbers, evidence_value
from contractcheck.report.findings import FindingBlock, Findings
from contractcheck.report.model import EXTENT_OVER, Finding, Report
from contractcheck.report.render import CSV_BOM, CSV_COLUMNS, _csv_row, render_csv, render_json, write_json
from contractcheck.wording import numbers_words, share_words, value_words

ROOT = Path(__file__).resolve().parent.parent
CSV_RETURN = ROOT / "samples" / "csv-return"


def the_old_json(report: Report) -> str:
    """How render_json wrote a report before findings were columns: one dict tree, dumped at once."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def failing_report() -> Report:
    return check(ROOT / "samples" / "failing-return.xlsx", "oxfordshire-help-to-live-at-home")


def test_findings_read_like_a_list_of_finding(failing_report):
    findings = failing_report.findings
    assert isinstance(findings, Findings)
    as_list = list(findings)
    assert len(findings) == len(as_list) == sum(r.failed for r in failing_report.results) > 10
    assert all(isinstance(f, Finding) for f in as_list)
    assert findings[0] == as_list[0] and findings[-1] == as_list[-1]
    assert findings[2:5] == as_list[2:5]
    assert findings == as_list
    with pytest.raises(IndexError):
        findings[len(findings)]


def test_findings_are_in_the_report_order(failing_report):
    keys = [f.sort_key() for f in failing_report.findings]
    assert keys == sorted(keys)


def test_a_block_is_one_rule_s_failing_rows_built_when_read(failing_report):
    blocks = [s for s in failing_report.findings._segments if isinstance(s, FindingBlock)]
    assert blocks, "row rules keep their failing rows as columns"
    block = blocks[0]
    first = block.finding(0)
    assert (first.rule_id, first.location.row, first.subject.key) == (block.rule_id, int(block.rows[0]), block.keys[0])
    assert first.location.cell.endswith(f"{block.column or ''}{block.rows[0]}")


def test_findings_of_mixed_blocks_and_findings_sort_like_finding_sort_key(failing_report):
    as_list = list(failing_report.findings)
    shuffled = as_list[:]
    random.Random(4).shuffle(shuffled)
    again = Findings.of([*shuffled])
    assert [f.sort_key() for f in again] == [f.sort_key() for f in as_list]
    merged = Findings.of([failing_report.findings, *as_list[:3]])
    assert len(merged) == len(as_list) + 3
    assert [f.sort_key() for f in merged] == sorted(f.sort_key() for f in merged)


@pytest.mark.parametrize(("sample", "schedule"), [
    ("failing-return.xlsx", "oxfordshire-help-to-live-at-home"),
    ("messy-return.xlsx", "oxfordshire-help-to-live-at-home"),
    ("csv-return", "leicester-homecare"),
    ("tender-bid.xlsx", "oxfordshire-tender"),
])
def test_streamed_json_is_the_json_of_the_whole_report(sample, schedule):
    report = check(ROOT / "samples" / sample, schedule)
    assert render_json(report) == the_old_json(report)
    stream = io.StringIO()
    write_json(report, stream)
    assert stream.getvalue() == the_old_json(report)


def test_streamed_json_with_waivers_is_the_json_of_the_whole_report():
    report = check(ROOT / "samples" / "failing-return.xlsx", "oxfordshire-help-to-live-at-home",
                   waivers=ROOT / "samples" / "waivers.yaml")
    assert any(f.status == "waived" for f in report.findings)
    assert render_json(report) == the_old_json(report)


def test_model_dump_of_the_report_is_a_list_of_finding_dicts(failing_report):
    dumped = failing_report.model_dump(mode="json")["findings"]
    assert dumped == [f.model_dump(mode="json") for f in failing_report.findings]
    assert Report.model_validate_json(render_json(failing_report)).findings == list(failing_report.findings)


def _big_failing_return(folder: Path, rows: int) -> Path:
    """The shipped CSV return with its first worker repeated ``rows`` times under new ids, each paid £9.00."""
    lines = (CSV_RETURN / "workforce.csv").read_bytes().decode("cp1252").splitlines()
    head, first = lines[0], lines[1].split(",")
    rate = head.split(",").index("hourly_rate")
    first[rate] = "9.00"
    body = [",".join([f"X{i:06d}", *first[1:]]) for i in range(rows)]
    folder.mkdir()
    (folder / "workforce.csv").write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    (folder / "contract.csv").write_bytes((CSV_RETURN / "contract.csv").read_bytes())
    return folder


def test_a_200000_row_failing_return_writes_each_finding_as_the_old_json_did(tmp_path):
    report = check(_big_failing_return(tmp_path / "big", 200_000), "leicester-homecare")
    findings = report.findings
    assert len(findings) >= 200_000
    text = render_json(report)
    written = json.loads(text)
    assert len(written["findings"]) == len(findings)
    assert {k: v for k, v in written.items() if k != "findings"} == report.model_dump(mode="json", exclude={"findings"})
    picked = sorted({0, 1, len(findings) - 1, *random.Random(7).sample(range(len(findings)), 200)})
    sample = [findings[i] for i in picked]
    assert [written["findings"][i] for i in picked] == [f.model_dump(mode="json") for f in sample]
    for finding in sample[:20]:  # and text for text, as the old dict tree was indented
        old = json.dumps(finding.model_dump(mode="json"), indent=2, ensure_ascii=False)
        assert "\n    " + old.replace("\n", "\n    ") + (",\n" if finding is not sample[-1] else "\n  ]") in text


# --max-findings: the formats people read show 20 findings of a rule and say how many more; json and csv keep all


@pytest.fixture(scope="module")
def thirty_failing(tmp_path_factory) -> Path:
    return _big_failing_return(tmp_path_factory.mktemp("ret") / "thirty", 30)


def test_the_table_shows_20_findings_of_a_rule_then_how_many_more(cli, thirty_failing):
    out = cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "table").out
    assert out.count("is paid £9.00") == 20
    assert "… and 10 more (see -f json/csv for all)" in out


def test_max_findings_sets_how_many_the_table_and_markdown_show(cli, thirty_failing):
    table = cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "table", "--max-findings", "5").out
    assert table.count("is paid £9.00") == 5 and "… and 25 more (see -f json/csv for all)" in table
    markdown = cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "markdown", "--max-findings", "2").out
    assert markdown.count("is paid £9.00") == 2 and "\n… and 28 more (see -f json/csv for all)\n" in markdown


def test_json_and_csv_keep_every_finding_unless_max_findings_is_given(cli, thirty_failing):
    whole = json.loads(cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "json").out)
    assert len(whole["findings"]) == 30
    assert all("findings_omitted" not in r for r in whole["results"])
    assert cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "csv").out.count("\n") == 31


def test_max_findings_in_json_says_how_many_each_rule_left_out(cli, thirty_failing):
    cut = json.loads(cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "json", "--max-findings", "3").out)
    assert [f["location"]["row"] for f in cut["findings"]] == [2, 3, 4]
    pay = next(r for r in cut["results"] if r["rule_id"] == "PAY-01")
    assert (pay["failed"], pay["findings_omitted"]) == (30, 27)
    assert cut["summary"]["findings"]["critical"] == 30  # the counts are of every finding
    assert cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "csv", "--max-findings", "3").out.count(
        "\n") == 4


def test_max_findings_must_not_be_negative(cli, thirty_failing):
    assert cli("check", thirty_failing, "-s", "leicester-homecare", "--max-findings", "-1").code == 2


# wording a column at once gives the same text as wording its values one by one

NUMBERS = np.array([0.0, -0.0, 1.0, 12.21, 12.215, 12.205, 0.125, 0.4, 999.995, 1000.0, 1000.5, 1650000.0, -3.5,
                    2.0**53, 2.0**53 + 2, 1e-9, 37.5, 0.28525, 123456.78901,
                    *np.random.default_rng(3).normal(0, 1e4, 500)])


@pytest.mark.parametrize("type_", [None, "text", "money", "percent", "number"])
def test_numbers_words_words_a_column_as_value_words_words_each(type_):
    assert numbers_words(NUMBERS, type_) == [value_words(v, type_) for v in NUMBERS.tolist()]


def test_numbers_words_leaves_dates_and_infinities_to_value_words():
    assert numbers_words(NUMBERS, "date") is None
    assert numbers_words(np.array([1.0, np.inf]), "money") is None


def test_evidence_numbers_are_evidence_value_of_each():
    assert evidence_numbers(NUMBERS) == [evidence_value(v) for v in NUMBERS.tolist()]
    assert [type(v) for v in evidence_numbers(np.array([2.0, 2.5]))] == [int, float]


def the_old_csv(report: Report) -> str:
    """How render_csv wrote a report before findings were columns: one Finding at a time."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(f) for f in report.findings)
    return buffer.getvalue()


@pytest.mark.parametrize(("sample", "schedule"), [
    ("failing-return.xlsx", "oxfordshire-help-to-live-at-home"),
    ("messy-return.xlsx", "oxfordshire-help-to-live-at-home"),
    ("csv-return", "leicester-homecare"),
])
def test_csv_written_from_the_columns_is_the_csv_of_each_finding(sample, schedule):
    report = check(ROOT / "samples" / sample, schedule)
    assert render_csv(report) == the_old_csv(report)


def test_csv_of_many_failing_rows_is_the_csv_of_each_finding(thirty_failing):
    report = check(thirty_failing, "leicester-homecare")
    assert render_csv(report) == the_old_csv(report)


def test_a_report_made_from_a_list_keeps_the_order_it_was_given(failing_report):
    backwards = list(reversed(failing_report.findings))
    made = Report.model_validate({**failing_report.model_dump(), "findings": backwards})
    assert isinstance(made.findings, Findings) and made.findings == backwards
    failing_report_copy = failing_report.model_copy()
    failing_report_copy.findings = backwards  # type: ignore[assignment]  # a list put in by hand renders too
    assert json.loads(render_json(failing_report_copy))["findings"] == [f.model_dump(mode="json") for f in backwards]


def test_a_waiver_marks_one_row_of_a_block_waived(thirty_failing, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: PAY-01\n    subject: ' x000005 '\n    reason: Back pay agreed\n"
                       "    approved_by: J. Smith\n    approved_on: 2026-09-01\n    expires: 2027-03-31\n",
                       encoding="utf-8")
    report = check(thirty_failing, "leicester-homecare", waivers=waivers)
    waived = [f for f in report.findings if f.status == "waived"]
    assert [(f.subject.key, f.waiver["reason"]) for f in waived] == [("X000005", "Back pay agreed")]
    assert report.summary.findings["critical"] == 29
    assert render_json(report) == the_old_json(report)
    assert render_csv(report) == the_old_csv(report)


def test_blank_required_cells_are_one_block_per_column_in_row_then_column_order(tmp_path):
    folder = _big_failing_return(tmp_path / "blanks", 12)
    lines = (folder / "workforce.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    for i, cells in enumerate(rows):
        if i % 3 == 0:
            cells[head.index("hourly_rate")] = ""
        if i % 7 == 0:
            cells[head.index("worker_id")] = ""
    rows[4][head.index("hourly_rate")] = "abc"  # unreadable, not blank: DATA-03's, not DATA-01's
    (folder / "workforce.csv").write_text("\n".join([lines[0], *map(",".join, rows)]) + "\n", encoding="utf-8")
    report = check(folder, "leicester-homecare")
    blanks = [f for f in report.findings if f.rule_id == "DATA-01"]
    assert [(f.message, f.location.cell, f.subject.key) for f in blanks] == [
        ("Workforce row 2: worker_id is blank", "workforce.csv!A2", None),
        ("Workforce row 2: hourly_rate is blank (and no salary is given)", "workforce.csv!H2", None),
        ("Workforce row 5: hourly_rate is blank (and no salary is given)", "workforce.csv!H5", "X000003"),
        ("Workforce row 8: hourly_rate is blank (and no salary is given)", "workforce.csv!H8", "X000006"),
        ("Workforce row 9: worker_id is blank", "workforce.csv!A9", None),
        ("Workforce row 11: hourly_rate is blank (and no salary is given)", "workforce.csv!H11", "X000009"),
    ]
    assert any(isinstance(s, FindingBlock) and s.rule_id == "DATA-01" for s in report.findings._segments)
    assert render_json(report) == the_old_json(report)


def test_max_findings_reaches_each_report_of_a_batch(cli, thirty_failing, tmp_path):
    out = tmp_path / "reports"
    result = cli("check", thirty_failing, CSV_RETURN, "-s", "leicester-homecare", "-f", "markdown", "-o", out,
                 "--max-findings", "4")
    assert result.code == 1
    thirty = (out / "thirty.md").read_text(encoding="utf-8")
    assert thirty.count("is paid £9.00") == 4 and "… and 26 more (see -f json/csv for all)" in thirty


# paths that can run to millions of findings never build a Finding object per finding


@pytest.fixture
def no_finding_objects(monkeypatch):
    """Building a Finding from a block's columns fails the test (undo with ``.undo()``)."""
    def built(self, i):
        raise AssertionError("a Finding object was built")
    monkeypatch.setattr(FindingBlock, "finding", built)
    return monkeypatch


def test_json_lines_of_a_batch_are_written_from_the_columns(cli, thirty_failing, no_finding_objects):
    result = cli("check", thirty_failing, CSV_RETURN, "-s", "leicester-homecare", "-f", "json")
    no_finding_objects.undo()
    first, second = (json.loads(line) for line in result.out.splitlines())
    assert result.code == 1 and "\n" not in result.out.rstrip("\n").split("\n")[0]
    assert first == json.loads(cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "json").out)
    assert second == json.loads(cli("check", CSV_RETURN, "-s", "leicester-homecare", "-f", "json").out)


def test_json_lines_keep_to_max_findings(cli, thirty_failing):
    result = cli("check", thirty_failing, CSV_RETURN, "-s", "leicester-homecare", "-f", "json", "--max-findings", "3")
    first = json.loads(result.out.splitlines()[0])
    pay = next(r for r in first["results"] if r["rule_id"] == "PAY-01")
    assert pay["findings_omitted"] == 27 and sum(f["rule_id"] == "PAY-01" for f in first["findings"]) == 3


def test_compact_json_is_the_indented_json_on_one_line(thirty_failing, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: PAY-01\n    subject: X000005\n    reason: Back pay agreed\n"
                       "    approved_by: J. Smith\n    approved_on: 2026-09-01\n    expires: 2027-03-31\n",
                       encoding="utf-8")
    report = check(thirty_failing, "leicester-homecare", waivers=waivers)
    stream = io.StringIO()
    write_json(report, stream, compact=True)
    assert stream.getvalue().count("\n") == 1
    assert json.loads(stream.getvalue()) == json.loads(render_json(report)) == json.loads(report.model_dump_json())


def test_the_failing_findings_are_chosen_without_building_them(thirty_failing, tmp_path, no_finding_objects):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: PAY-01\n    subject: X000005\n    reason: Back pay agreed\n"
                       "    approved_by: J. Smith\n    approved_on: 2026-09-01\n    expires: 2027-03-31\n",
                       encoding="utf-8")
    no_finding_objects.undo()
    report = check(thirty_failing, "leicester-homecare", waivers=waivers)
    no_finding_objects.setattr(FindingBlock, "finding", lambda self, i: pytest.fail("a Finding was built"))
    critical, minor = report.failing("critical"), report.failing("minor")
    assert (len(critical), len(minor)) == (29, len(report.findings) - 1)
    no_finding_objects.undo()
    assert list(minor) == [f for f in report.findings if f.status == "fail"]
    assert all(f.severity == "critical" for f in critical)


# a rule failing on more than EXTENT_OVER rows says how many and what share of the rows it checked


def test_a_rule_failing_on_many_rows_says_how_many_of_how_many(cli, thirty_failing):
    report = json.loads(cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "json").out)
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-01")
    assert pay["extent"] == {"failed": 30, "of": 30, "share": 1.0, "rows": "workers",
                             "text": "30 of 30 workers (100%) fail"}


def test_a_rule_failing_on_a_handful_of_rows_says_nothing_more(cli, tmp_path):
    few = _big_failing_return(tmp_path / "ten", EXTENT_OVER)
    report = json.loads(cli("check", few, "-s", "leicester-homecare", "-f", "json").out)
    pay = next(r for r in report["results"] if r["rule_id"] == "PAY-01")
    assert pay["failed"] == EXTENT_OVER and "extent" not in pay


def test_the_share_is_of_the_rows_checked_not_of_every_row(tmp_path):
    ret = _big_failing_return(tmp_path / "some", 40)
    lines = (ret / "workforce.csv").read_text(encoding="utf-8").splitlines()
    rate = lines[0].split(",").index("hourly_rate")
    for i in range(1, 16):  # 15 of the 40 workers paid enough
        cells = lines[i].split(",")
        cells[rate] = "30.00"
        lines[i] = ",".join(cells)
    (ret / "workforce.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pay = next(r for r in check(ret, "leicester-homecare").results if r.rule_id == "PAY-01")
    assert pay.extent is not None
    assert (pay.extent.failed, pay.extent.of, pay.extent.share) == (25, 40, 0.625)
    assert pay.extent.text == "25 of 40 workers (62.5%) fail"


def test_the_table_and_markdown_print_the_share_with_the_first_findings(cli, thirty_failing):
    table = cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "table", "--max-findings", "5").out
    assert "30 of 30 workers (100%) fail" in table
    assert table.index("30 of 30 workers") < table.index("… and 25 more")
    markdown = cli("check", thirty_failing, "-s", "leicester-homecare", "-f", "markdown", "--max-findings", "2").out
    assert "\n**30 of 30 workers (100%) fail.**\n" in markdown


@pytest.mark.parametrize(("failed", "of", "noun", "text"), [
    (612, 1000, "worker", "612 of 1,000 workers (61.2%) fail"),
    (11, 1_000_000, "worker", "11 of 1,000,000 workers (under 0.1%) fail"),
    (999_999, 1_000_000, "training record", "999,999 of 1,000,000 training records (over 99.9%) fail"),
    (1, 1, "cost line", "1 of 1 cost line (100%) fails"),
])
def test_share_words(failed, of, noun, text):
    assert share_words(failed, of, noun) == text


@pytest.mark.parametrize("compact", [False, True])
def test_arrow_and_format_strings_write_the_same_json(thirty_failing, tmp_path, monkeypatch, compact):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: PAY-01\n    subject: X000005\n    reason: Back pay agreed\n"
                       "    approved_by: J. Smith\n    approved_on: 2026-09-01\n    expires: 2027-03-31\n",
                       encoding="utf-8")
    report = check(thirty_failing, "leicester-homecare", waivers=waivers)
    by_format, by_arrow, to_file = io.StringIO(), io.StringIO(), tmp_path / "report.json"
    write_json(report, by_format, compact=compact)
    monkeypatch.setattr(findings_module, "ARROW_MIN", 0)  # every block joined by Arrow
    write_json(report, by_arrow, compact=compact)
    with open(to_file, "w", encoding="utf-8", newline="") as stream:  # bytes straight to the file's buffer
        write_json(report, stream, compact=compact)
    assert by_arrow.getvalue() == by_format.getvalue() == to_file.read_text(encoding="utf-8")


def test_messages_filled_by_arrow_read_and_write_as_python_filled_ones(thirty_failing, monkeypatch):
    by_python = check(thirty_failing, "leicester-homecare")
    monkeypatch.setattr(evaluate_module, "ARROW_MIN", 0)  # every rule's messages filled by Arrow
    by_arrow = check(thirty_failing, "leicester-homecare")
    assert any(isinstance(seg.messages, pa.Array) for seg in by_arrow.findings._segments
               if isinstance(seg, FindingBlock))
    assert list(by_arrow.findings) == list(by_python.findings)
    assert render_csv(by_arrow) == the_old_csv(by_arrow) == render_csv(by_python)
    assert render_json(by_arrow) == the_old_json(by_arrow) == render_json(by_python)
