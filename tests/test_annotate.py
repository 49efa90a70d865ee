"""The annotated workbook (`check --annotate OUT.xlsx`): the provider's workbook with failing cells coloured and
commented, and a first sheet listing every finding with a link to its cell. Read back with openpyxl."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

from contractcheck.api import annotate, check
from contractcheck.report import annotate as annotate_module
from contractcheck.report.annotate import FILLS

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = "oxfordshire-help-to-live-at-home"
FAILING = ROOT / "samples" / "failing-return.xlsx"
HEADINGS = ["rule", "severity", "status", "sheet", "cell", "subject", "message", "what would fix it", "reference"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_of(cell) -> str | None:
    """The RGB of a cell's solid fill (None when it has none)."""
    return cell.fill.start_color.rgb[-6:] if cell.fill.fill_type == "solid" else None


def findings_table(wb) -> list[dict]:
    """The Findings sheet's rows under its heading row, as dicts (with each cell's link as ``link``)."""
    ws = wb["Findings"]
    rows = list(ws.iter_rows())
    at = next(i for i, row in enumerate(rows) if [c.value for c in row[:3]] == HEADINGS[:3])
    out = []
    for row in rows[at + 1:]:
        record = dict(zip(HEADINGS, (c.value for c in row)))
        record["link"] = row[4].hyperlink.location if row[4].hyperlink is not None else None
        out.append(record)
    return out


def checked_and_annotated(path: Path):
    """Check ``path`` against the schedule and read its annotated workbook back (openpyxl)."""
    data = io.BytesIO()
    annotate(path, check(path, SCHEDULE), data)
    return openpyxl.load_workbook(data)


@pytest.fixture(scope="module")
def failing_annotated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("annotated") / "failing.xlsx"
    report = check(FAILING, SCHEDULE)
    with out.open("wb") as stream:
        annotate(FAILING, report, stream)
    return out


def test_a_pay_floor_breach_is_red_with_its_rule_in_the_comment(failing_annotated):
    cell = openpyxl.load_workbook(failing_annotated)["Workforce"]["K2"]
    assert fill_of(cell) == FILLS["critical"]
    assert cell.value == 12.5  # the provider's value is kept
    assert cell.comment.text.startswith("PAY-01 (critical): Worker W0101 is paid £12.50 an hour")
    assert "What would fix it: Raise the worker's pay to at least" in cell.comment.text


def test_each_severity_has_its_colour_and_a_clean_cell_has_none(failing_annotated):
    wb = openpyxl.load_workbook(failing_annotated)
    assert fill_of(wb["Contract"]["B7"]) == FILLS["major"]  # APP-01
    assert fill_of(wb["Workforce"]["L11"]) == FILLS["minor"]  # DATA-05
    assert fill_of(wb["Workforce"]["K3"]) is None and wb["Workforce"]["K3"].comment is None


def test_a_cell_with_two_findings_has_one_comment_listing_both(tmp_path):
    # the same cell failing two rules: DATA-02 twice is per row, so put two findings on one cell by hand
    report = check(FAILING, SCHEDULE)
    twice = [f for f in report.findings if f.location.cell == "Workforce!A9"]
    assert len(twice) == 1
    data = io.BytesIO()
    annotate(FAILING, report.model_copy(update={"findings": [*report.findings, twice[0].model_copy(
        update={"rule_id": "XTR-01", "severity": "critical"})]}), data)
    cell = openpyxl.load_workbook(data)["Workforce"]["A9"]
    assert "DATA-02 (major)" in cell.comment.text and "XTR-01 (critical)" in cell.comment.text
    assert fill_of(cell) == FILLS["critical"]  # filled by the worst


def test_the_findings_sheet_comes_first_and_lists_every_finding_with_a_link(failing_annotated):
    wb = openpyxl.load_workbook(failing_annotated)
    assert wb.sheetnames[0] == "Findings" and wb.active.title == "Findings"
    ws = wb["Findings"]
    assert ws["A1"].value == "NON-COMPLIANT: 11 of 19 rules failed (3 critical, 10 major, 2 minor)"
    assert ws["A2"].value == ("Provider: Hilltop Care Services Ltd; Contract reference: OCC-HTLAH-2015-11; "
                              "Period: 1 July 2026 to 30 September 2026")
    assert "as of 30 September 2026" in ws["A3"].value
    rows = findings_table(wb)
    assert len(rows) == 15
    first = rows[0]
    assert (first["rule"], first["severity"], first["sheet"], first["cell"], first["subject"], first["link"]) == \
        ("PAY-01", "critical", "Workforce", "Workforce!K2", "W0101", "Workforce!K2")
    assert first["what would fix it"].startswith("Raise the worker's pay to at least")
    assert first["reference"].startswith("National Minimum Wage Act 1998")
    cost = next(r for r in rows if r["rule"] == "COST-01")  # a finding about a whole sheet: linked to the sheet
    assert (cost["cell"], cost["link"]) == ("Costs", "Costs!A1")
    heading_row = ws.freeze_panes  # the heading row stays in view and has the filter
    assert ws.auto_filter.ref.startswith(f"A{int(heading_row[1:]) - 1}:I")


def test_the_findings_sheet_prints_legibly_and_its_header_lines_wrap(failing_annotated):
    ws = openpyxl.load_workbook(failing_annotated)["Findings"]
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    # one A4 landscape page is about 145 characters wide at 100%: the columns fit it at 85% or more
    assert sum(ws.column_dimensions[c].width for c in "ABCDEFGHI") <= 145 / 0.85
    assert ws.print_title_rows == "$6:$6"  # the column headings on every page
    assert {str(r) for r in ws.merged_cells.ranges} == {f"A{n}:I{n}" for n in range(1, 5)}
    assert all(ws[f"A{n}"].alignment.wrap_text for n in range(2, 5))
    assert ws.row_dimensions[4].height >= 30  # the long line about colours takes two lines
    reference = findings_table(openpyxl.load_workbook(failing_annotated))[0]
    assert reference["reference"].startswith("National Minimum Wage Act 1998")
    assert ws["I7"].alignment.wrap_text


def test_the_findings_sheet_names_the_file_as_given_on_the_command_line(tmp_path, cli):
    out = tmp_path / "annotated.xlsx"
    assert cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "json", "--annotate", out).code == 1
    line = openpyxl.load_workbook(out)["Findings"]["A3"].value
    assert line.startswith("samples/failing-return.xlsx (return) checked against oxfordshire-help-to-live-at-home")


def test_a_providers_text_like_a_formula_on_a_marked_cell_gets_the_quote_prefix(tmp_path):
    path = tmp_path / "return.xlsx"
    wb = openpyxl.load_workbook(FAILING)
    cell = wb["Workforce"]["K2"]  # a failing cell (PAY-01 on the sample)
    cell.value = '=HYPERLINK("https://example.org","12.50")'
    cell.data_type = "s"  # typed text, as the provider's cell holds it: not a formula
    wb.save(path)
    marked = checked_and_annotated(path)["Workforce"]["K2"]
    assert marked.comment is not None and fill_of(marked) is not None
    assert (marked.data_type, marked.value) == ("s", '=HYPERLINK("https://example.org","12.50")')
    assert marked.quotePrefix
    kept = checked_and_annotated(path)["Workforce"]
    assert not kept["A1"].quotePrefix  # a cell not touched is as it was


def test_the_input_is_byte_identical_and_formats_widths_and_other_sheets_are_kept(tmp_path, cli):
    before = sha256(FAILING)
    out = tmp_path / "annotated.xlsx"
    result = cli("check", FAILING, "-s", SCHEDULE, "-f", "json", "--annotate", out)
    assert result.code == 1 and result.out.startswith("{")  # the report still goes to stdout
    assert sha256(FAILING) == before
    original, copy = openpyxl.load_workbook(FAILING), openpyxl.load_workbook(out)
    assert copy.sheetnames == ["Findings", *original.sheetnames]
    for name in original.sheetnames:
        widths = {k: d.width for k, d in original[name].column_dimensions.items()}
        assert {k: copy[name].column_dimensions[k].width for k in widths} == widths
        assert copy[name]["B2"].number_format == original[name]["B2"].number_format


def _workbook_with_formula_validation_and_merge(tmp_path: Path) -> Path:
    """The failing sample with a notes sheet holding a formula and merged cells, a drop-down on Workforce and
    the manager's comment on a cell that fails."""
    wb = openpyxl.load_workbook(FAILING)
    notes = wb.create_sheet("Notes")
    notes["A1"], notes["B1"] = "Total hours", "=SUM(Workforce!I2:I12)"
    notes.merge_cells("A3:C3")
    notes["A3"] = "Prepared by the registered manager"
    dv = DataValidation(type="list", formula1='"Y,N"', allow_blank=True)
    wb["Workforce"].add_data_validation(dv)
    dv.add("D2:D200")
    wb["Workforce"]["K2"].comment = Comment("Rate rises in October", "Manager")
    path = tmp_path / "return-with-formula.xlsx"
    wb.save(path)
    return path


def test_formulas_data_validation_and_merged_cells_are_kept(tmp_path, cli):
    source = _workbook_with_formula_validation_and_merge(tmp_path)
    before = sha256(source)
    out = tmp_path / "annotated.xlsx"
    assert cli("check", source, "-s", SCHEDULE, "-f", "table", "--annotate", out).code == 1
    assert sha256(source) == before
    wb = openpyxl.load_workbook(out)
    assert wb["Notes"]["B1"].value == "=SUM(Workforce!I2:I12)" and wb["Notes"]["B1"].data_type == "f"
    assert [str(r) for r in wb["Notes"].merged_cells.ranges] == ["A3:C3"]
    validations = wb["Workforce"].data_validations.dataValidation
    assert [(v.type, v.formula1, str(v.sqref)) for v in validations] == [("list", '"Y,N"', "D2:D200")]
    comment = wb["Workforce"]["K2"].comment.text  # the provider's own comment is kept, after ours
    assert comment.startswith("PAY-01 (critical)") and comment.endswith("Rate rises in October")


def test_a_folder_of_csv_files_is_built_as_one_sheet_per_file_at_the_same_cells(tmp_path, cli):
    folder = ROOT / "samples" / "csv-return"
    out = tmp_path / "csv.xlsx"
    assert cli("check", folder, "-s", SCHEDULE, "-f", "json", "--annotate", out).code == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Findings", "contract.csv", "workforce.csv"]
    ws = wb["workforce.csv"]
    assert ws["A1"].value == "worker_id" and ws["H1"].value == "hourly_rate"  # headings as written, in row 1
    assert ws["H5"].value == "£1,2.50"  # the text as the provider wrote it (the CSV is Windows-1252)
    assert fill_of(ws["H5"]) == FILLS["major"] and ws["H5"].comment.text.startswith("DATA-03 (major)")
    assert fill_of(ws["G4"]) == FILLS["critical"]  # PAY-02 at workforce.csv!G4
    assert fill_of(wb["contract.csv"]["B8"]) == FILLS["major"]  # APP-01 at contract.csv!B8
    links = {r["cell"]: r["link"] for r in findings_table(wb)}
    assert links["workforce.csv!G4"] == "'workforce.csv'!G4"
    assert wb["Findings"]["A2"].value.startswith("Provider: Meadow Care Partnership; Contract reference: ")


def test_an_ascwds_export_is_built_and_a_finding_without_a_column_marks_the_workers_id(tmp_path):
    folder = ROOT / "samples" / "ascwds-export"
    wb = checked_and_annotated(folder)
    ws = wb["2026-10-01-sfc-bu-staff.csv"]
    assert ws["A1"].value == "LOCALESTID" and ws["AC1"].value is not None
    assert fill_of(ws["AC3"]) == FILLS["critical"] and ws["AC3"].comment.text.startswith("PAY-01")
    # DATA-06 names row 6 and no column (the export has no apprenticeship start): it goes on the worker id's cell
    assert ws["B6"].value == "SFC005" and "DATA-06 (minor)" in ws["B6"].comment.text
    # the contract file beside the export names the provider
    assert wb["Findings"]["A2"].value.startswith("Provider: Riverside Home Care Ltd")


def test_typed_text_that_looks_like_a_formula_stays_text(tmp_path):
    folder = tmp_path / "return"
    shutil.copytree(ROOT / "samples" / "csv-return", folder)
    workforce = folder / "workforce.csv"
    text = workforce.read_bytes().decode("cp1252")
    text = text.replace("hourly_rate,", "=hourly_rate,", 1).replace("M01,", '=HYPERLINK("http://x.test";"go"),', 1)
    workforce.write_bytes(text.encode("cp1252"))
    wb = checked_and_annotated(folder)
    ws = wb["workforce.csv"]
    for cell in (ws["A2"], ws["H1"]):
        assert cell.value.startswith("=") and cell.data_type == "s" and cell.quotePrefix
    # the DATA-03 message quotes the provider's heading, so it starts with "=": on the Findings sheet it is text
    message = next(r for r in findings_table(wb) if r["rule"] == "DATA-03")["message"]
    assert message.startswith("=hourly_rate")
    cells = [c for row in wb["Findings"].iter_rows() for c in row if c.value == message]
    assert cells and all(c.data_type == "s" for c in cells)
    assert "=hourly_rate" in ws["H5"].comment.text


def test_a_json_return_puts_record_n_in_row_n_plus_1(tmp_path):
    path = tmp_path / "return.json"
    path.write_text('{"contract": {"provider_name": "Acme Care", "period_start": "2026-07-01", '
                    '"period_end": "2026-09-30", "contract_value": 100000},'
                    ' "workforce": [{"worker_id": "A1", "job_role": "Care worker", "hourly_rate": 10.0,'
                    ' "date_of_birth": "1980-01-01", "start_date": "2020-01-01"}]}', encoding="utf-8")
    wb = checked_and_annotated(path)
    ws = wb["workforce"]
    assert [ws["A1"].value, ws["C1"].value, ws["C2"].value] == ["worker_id", "hourly_rate", 10]
    assert ws["C2"].comment.text.startswith("PAY-01 (critical)")
    assert {r["cell"]: r["link"] for r in findings_table(wb)}["workforce[1].hourly_rate"] == "workforce!C2"
    assert wb["contract"]["A2"].value == "provider_name" and wb["contract"]["B2"].value == "Acme Care"


def test_only_so_many_cells_are_annotated_and_the_findings_sheet_says_so(monkeypatch):
    monkeypatch.setattr(annotate_module, "ANNOTATED_CELLS", 3)
    wb = checked_and_annotated(FAILING)
    commented = [c for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row if c.comment is not None]
    assert len(commented) == 3
    assert len(findings_table(wb)) == 15  # all still listed
    header = [wb["Findings"].cell(row=r, column=1).value or "" for r in range(1, 7)]
    assert any("only the first 3 cells are coloured and commented (11 more findings are listed here only)" in line
               for line in header)


def test_a_file_changed_after_the_check_is_refused(tmp_path):
    path = tmp_path / "return.xlsx"
    shutil.copy(FAILING, path)
    report = check(path, SCHEDULE)
    openpyxl.load_workbook(path).save(path)  # saved again: other bytes
    with pytest.raises(Exception, match="changed after it was checked"):
        annotate(path, report, io.BytesIO())


def test_annotating_over_the_input_is_refused_before_any_work(cli, tmp_path):
    path = tmp_path / "return.xlsx"
    shutil.copy(FAILING, path)
    before = sha256(path)
    result = cli("check", path, "-s", SCHEDULE, "--annotate", path)
    assert result.code == 2 and result.err.startswith("error USAGE: --annotate") and "overwrite an input" in result.err
    assert sha256(path) == before


@pytest.mark.parametrize("name, says", [("out.csv", "written as an .xlsx"), ("out.xlsm", "written as an .xlsx")])
def test_an_annotated_workbook_must_be_xlsx(cli, tmp_path, name, says):
    result = cli("check", FAILING, "-s", SCHEDULE, "--annotate", tmp_path / name)
    assert result.code == 2 and says in result.err and len(result.err.strip().splitlines()) == 1


def test_the_annotated_workbook_and_the_report_file_must_differ(cli, tmp_path):
    same = tmp_path / "out.xlsx"
    result = cli("check", FAILING, "-s", SCHEDULE, "-f", "json", "-o", same, "--annotate", same)
    assert result.code == 2 and "--annotate" in result.err and "name the same file" in result.err
    assert not same.exists()


def test_with_several_files_annotate_is_refused(cli, tmp_path):
    result = cli("check", FAILING, ROOT / "samples" / "compliant-return.xlsx", "-s", SCHEDULE,
                 "--annotate", tmp_path / "out.xlsx")
    assert result.code == 2 and "check each one on its own" in result.err
    assert not (tmp_path / "out.xlsx").exists()


def test_annotate_combines_with_output(cli, tmp_path):
    out, report = tmp_path / "annotated.xlsx", tmp_path / "report.md"
    result = cli("check", FAILING, "-s", SCHEDULE, "-o", report, "--annotate", out)
    assert result.code == 1 and report.read_text(encoding="utf-8").startswith("#")
    assert "annotated workbook written to" in result.err
    assert openpyxl.load_workbook(out).sheetnames[0] == "Findings"


def test_an_ods_workbook_is_built_from_its_sheets_at_the_same_cells(tmp_path):
    import pandas as pd

    path = tmp_path / "return.ods"
    sheets = pd.read_excel(FAILING, sheet_name=None, header=None)
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, header=False, index=False)
    wb = checked_and_annotated(path)
    assert wb.sheetnames == ["Findings", "Contract", "Workforce", "Training", "Costs"]
    ws = wb["Workforce"]
    assert ws["A1"].value == "worker_id" and ws["A2"].value == "W0101"
    assert fill_of(ws["K2"]) == FILLS["critical"] and ws["K2"].comment.text.startswith("PAY-01 (critical)")
    assert {r["cell"]: r["link"] for r in findings_table(wb)}["Workforce!K2"] == "Workforce!K2"


def test_only_so_many_findings_link_to_their_cells(monkeypatch):
    monkeypatch.setattr(annotate_module, "LINKED_ROWS", 2)
    wb = checked_and_annotated(FAILING)
    assert [r["link"] for r in findings_table(wb)][:4] == ["Workforce!K2", "Workforce!K6", None, None]
    assert "the first 2 findings link to their cells" in wb["Findings"]["A5"].value


def test_the_workbook_gets_the_mode_a_new_file_gets_and_no_temporary_file_is_left(cli, tmp_path):
    import os
    import stat

    out = tmp_path / "annotated.xlsx"
    assert cli("check", FAILING, "-s", SCHEDULE, "-f", "json", "--annotate", out).code == 1
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["annotated.xlsx"]


def test_no_workbook_is_written_when_the_file_cannot_be_checked(cli, tmp_path):
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a workbook")
    out = tmp_path / "annotated.xlsx"
    result = cli("check", corrupt, "-s", SCHEDULE, "--annotate", out)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert not out.exists()


def test_a_copy_says_what_it_could_not_keep(tmp_path):
    import pandas as pd

    path = tmp_path / "with-image.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, frame in pd.read_excel(FAILING, sheet_name=None, header=None).items():
            frame.to_excel(writer, sheet_name=name, header=False, index=False)
        notes = writer.book.add_worksheet("Notes")
        notes.insert_image("B2", str(ROOT / "docs" / "images" / "annotated-workbook.png"))
        notes.insert_textbox("B30", "Signed off by the registered manager")
    header = [c.value or "" for c in checked_and_annotated(path)["Findings"]["A"][:6]]
    assert any("this copy lacks the workbook's images, shapes and text boxes" in line for line in header)
