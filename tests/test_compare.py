"""`contractcheck compare`: the tender panel's view of several bids, one row per bid."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

from contractcheck.compare import compare

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CONTRACTCHECK_UPDATE_GOLDEN") == "1"
SCHEDULE = "oxfordshire-help-to-live-at-home"
BIDS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "samples" / "tender").glob("*.xlsx"))


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden comparison"


def test_compare_five_bids_table_matches_golden(cli):
    result = cli("compare", "samples/tender/", "-s", SCHEDULE)
    assert result.code == 0, result.err
    _golden("compare--oxfordshire-help-to-live-at-home.txt", result.out)


def test_compare_json_matches_golden(cli):
    result = cli("compare", *BIDS, "-s", SCHEDULE, "-f", "json")
    assert result.code == 0, result.err
    _golden("compare--oxfordshire-help-to-live-at-home.json", result.out)


def test_the_sound_bid_comes_first_and_each_failing_bid_is_set_aside_for_its_own_rule(monkeypatch):
    monkeypatch.chdir(ROOT)
    comparison = compare(list(reversed(BIDS)), SCHEDULE)
    assert [(r.bidder_name, r.status, r.failed_mandatory) for r in comparison.rows] == [
        ("Cherwell Valley Care Ltd", "eligible", []),
        # set aside, in the order given (reversed here)
        ("Witney Community Care Ltd", "set aside", ["COST-02"]),
        ("Kidlington Care at Home Ltd", "set aside", ["COST-03"]),
        ("Thames Vale Care Services Ltd", "set aside", ["COST-01"]),
        ("Banbury Homecare Ltd", "set aside", ["COST-01"]),
    ]
    assert list(comparison.mandatory) == ["PAY-04", "APP-02", "COST-01", "COST-02", "COST-03", "BID-01", "BID-02"]


def test_the_figures_are_the_bids_own(monkeypatch):
    monkeypatch.chdir(ROOT)
    rows = {r.bidder_name: r for r in compare(BIDS, SCHEDULE).rows}
    sound, low = rows["Cherwell Valley Care Ltd"], rows["Kidlington Care at Home Ltd"]
    assert (sound.price_per_hour, sound.care_worker_rate, sound.training_per_hour, sound.apprentices_committed) == \
        (32.50, 12.90, 0.45, 3)
    assert (sound.minimum_price, sound.margin) == (32.14, 0.36)
    assert (low.price_per_hour, low.margin) == (26.00, -6.14)
    # no training line at all: nothing an hour on training
    assert (rows["Banbury Homecare Ltd"].training_per_hour, rows["Banbury Homecare Ltd"].training_folded_into) == \
        (0, None)
    # training folded into on-costs: what it costs cannot be seen, so no figure, and the line it is folded into
    folded = rows["Thames Vale Care Services Ltd"]
    assert (folded.training_per_hour, folded.training_folded_into) == (None, '"Other wage on-costs incl. training"')


def test_without_a_mandatory_list_the_critical_rules_are_mandatory(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    schedule = tmp_path / "panel.yaml"
    schedule.write_text("id: panel\ntitle: Panel\ncouncil: C\nsource: x\nversion: '1'\nkind: bid\n"
                        "rules: [PAY-04, COST-02, COST-03]\n", encoding="utf-8")
    comparison = compare(BIDS, str(schedule))
    assert list(comparison.mandatory) == ["PAY-04", "COST-03"]  # COST-02 is major
    assert [r.bidder_name for r in comparison.rows if r.status == "set aside"] == ["Kidlington Care at Home Ltd"]


def test_a_bid_that_cannot_be_read_is_a_row_and_one_line_with_exit_2(cli, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    result = cli("compare", BIDS[0], str(broken), "-s", SCHEDULE, "-f", "csv")
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("error LOAD: ")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["bidder_name"], r["status"]) for r in rows] == [("Cherwell Valley Care Ltd", "eligible"),
                                                               ("", "could not check")]


def test_a_return_is_not_compared_as_a_bid(cli):
    result = cli("compare", "samples/compliant-return.xlsx", "-s", SCHEDULE, "-f", "json")
    assert result.code == 2
    assert json.loads(result.out)["bids"][0]["error"].endswith("is a return, not a bid (a bid has a Bid sheet)")


def test_markdown_strikes_out_the_bids_set_aside_and_output_is_written_whole(cli, tmp_path):
    out = tmp_path / "panel.md"
    result = cli("compare", *BIDS, "-s", SCHEDULE, "-o", str(out))
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert "| Cherwell Valley Care Ltd | eligible |" in text
    assert "| ~~Banbury Homecare Ltd~~ | SET ASIDE: fails COST-01 |" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()
    assert not list(tmp_path.glob(".panel.md.*"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_xlsx_output_is_a_workbook_with_the_figures_as_numbers(cli, tmp_path):
    import openpyxl

    out = tmp_path / "panel.xlsx"
    result = cli("compare", *BIDS, "-s", SCHEDULE, "-o", str(out))
    assert result.code == 0, result.err
    wb = openpyxl.load_workbook(out)
    rows = list(wb["Bids"].iter_rows(values_only=True))
    assert rows[0][:3] == ("bid", "status", "PAY-04")
    kidlington = next(r for r in rows if r[0] == "Kidlington Care at Home Ltd")
    assert kidlington[1] == "SET ASIDE: fails COST-03"
    assert kidlington[-7:-1] == (26, 13.2, 0.3, 3, 32.14, -6.14)
    assert [r[0] for r in wb["Mandatory rules"].iter_rows(min_row=2, values_only=True)] == \
        ["PAY-04", "APP-02", "COST-01", "COST-02", "COST-03", "BID-01", "BID-02"]


def test_an_output_inside_the_folder_of_bids_is_refused(cli, tmp_path):
    folder = tmp_path / "bids"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes((ROOT / BIDS[0]).read_bytes())
    result = cli("compare", str(folder), "-s", SCHEDULE, "-o", str(folder / "panel.csv"))
    assert result.code == 2
    assert "would overwrite an input" in result.err
    assert not (folder / "panel.csv").exists()


def test_html_output_is_one_escaped_page_with_the_bids_set_aside_struck_through(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    from contractcheck.compare import render_html

    comparison = compare(BIDS, SCHEDULE)
    comparison.rows[0].bidder_name = "<script>alert(1)</script> Care"
    page = render_html(comparison)
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Care" in page
    assert page.count('<tr class="aside">') == 4
    out = tmp_path / "panel.html"
    assert cli("compare", *BIDS, "-s", SCHEDULE, "-o", str(out)).code == 0
    assert out.read_text(encoding="utf-8").count('<td class="fail">fail</td>') == 4


def _tender_workbook(path: Path, bids: dict[str, tuple[dict[str, object], list[tuple[str, float]]]]) -> Path:
    """A workbook with a sheet per bid: 'Bid <label>' (field | value) and 'Costs <label>' (category | per_hour)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for label, (bid, costs) in bids.items():
        ws = wb.add_worksheet(f"Bid {label}")
        for i, (k, v) in enumerate(bid.items()):
            ws.write_string(i, 0, k)
            ws.write(i, 1, v)
        cs = wb.add_worksheet(f"Costs {label}")
        cs.write_row(0, 0, ["category", "per_hour"])
        for i, row in enumerate(costs, start=1):
            cs.write_row(i, 0, row)
    wb.close()
    return path


def test_a_workbook_with_a_sheet_per_bid_gives_a_row_per_bid_with_the_workbooks_own_cells(tmp_path):
    from contractcheck.api import prepare
    from contractcheck.compare import _checked

    bid = {"bidder_name": "North Care Ltd", "tender_ref": "T1", "contract_start": "02/02/2026",
           "price_per_hour": 20.00, "care_worker_rate": 12.90, "travel_time_share": 0, "zero_hours_policy": "None used",
           "planned_roles": "Care worker", "planned_headcount": 12, "training_plan": "Care Certificate"}
    path = _tender_workbook(tmp_path / "tender.xlsx", {
        "North": (bid, [("Care worker pay", 12.90), ("Training", 0.50), ("Overheads", 6.60)]),
        "South": ({**bid, "bidder_name": "South Care Ltd"}, [("Care worker pay", 10.00), ("Overheads", 10.00)]),
    })
    comparison = compare([path], SCHEDULE)
    assert [(r.bidder_name, r.path, r.failed_mandatory) for r in comparison.rows] == [
        ("North Care Ltd", f"{path} [North]", []),
        ("South Care Ltd", f"{path} [South]", ["COST-01", "COST-03"]),
    ]
    (name, (report, _)), = [c for c in _checked(path, prepare(SCHEDULE), None) if c[0].endswith("[South]")]
    cost_03 = next(f for f in report.findings if f.rule_id == "COST-03")
    assert cost_03.location.cell == "'Bid South'!B5"  # the cell of care_worker_rate on the bid's own sheet


def _sound_bid(tmp_path: Path, name: str, *, leave_out: tuple[str, ...] = (), **over: object) -> str:
    """The sound sample bid as a YAML file, with bid fields left out or changed."""
    import yaml

    bid = {"bidder_name": name, "tender_ref": "T1", "contract_start": "2026-02-02", "contract_end": "2029-02-01",
           "contract_value": 1650000, "price_per_hour": 32.50, "care_worker_rate": 12.90, "real_living_wage": "No",
           "travel_time_share": "20%", "apprentices_committed": 3, "zero_hours_policy": "Guaranteed hours",
           "planned_roles": "Care worker", "planned_headcount": 46, "training_plan": "Care Certificate", **over}
    costs = [("Care worker pay", 12.90), ("Travel time pay", 2.58), ("Holiday pay", 1.87), ("Employer NI", 1.90),
             ("Pension", 0.35), ("Training", 0.45), ("Mileage", 1.60), ("Supervision", 0.50), ("Overheads", 8.90),
             ("Profit", 1.45)]
    path = tmp_path / f"{name.split()[0].lower()}.yaml"
    path.write_text(yaml.safe_dump({"bid": {k: v for k, v in bid.items() if k not in leave_out},
                                    "costs": [{"category": c, "per_hour": v} for c, v in costs]}), encoding="utf-8")
    return str(path)


def test_a_bid_lacking_a_figure_a_mandatory_rule_needs_is_incomplete_never_eligible(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    bids = [_sound_bid(tmp_path, "Noprice Care", leave_out=("price_per_hour",)),
            _sound_bid(tmp_path, "Notravel Care", leave_out=("travel_time_share",)),
            BIDS[1],  # b-no-training-line: set aside
            _sound_bid(tmp_path, "Whole Care")]
    rows = compare(bids, SCHEDULE).rows
    assert [(r.bidder_name, r.status, r.not_judged_mandatory) for r in rows] == [
        ("Whole Care", "eligible", []),
        ("Noprice Care", "incomplete", ["COST-02"]),
        ("Notravel Care", "incomplete", ["COST-03"]),
        ("Banbury Homecare Ltd", "set aside", []),
    ]
    assert rows[2].not_judged_why == {"COST-03": "cannot be judged: pay_needed is blank (travel_time_share is blank)"}


def test_the_table_says_incomplete_and_why(cli, tmp_path):
    result = cli("compare", _sound_bid(tmp_path, "Norate Care", leave_out=("care_worker_rate",)), "-s", SCHEDULE)
    assert result.code == 0, result.err
    assert "INCOMPLETE: not judged PAY-04, COST-03" in result.out
    assert "0 eligible, 1 incomplete (a mandatory rule not judged: a figure it needs is blank)" in result.out
    assert "Norate Care: PAY-04 cannot be judged: care_worker_rate is blank" in result.out


def test_compare_offers_its_own_formats_and_refuses_a_reports_format_in_one_line(cli, tmp_path):
    from contractcheck.cli import CompareFormat
    from contractcheck.compare import COMPARE_FORMATS

    assert [f.value for f in CompareFormat] == list(COMPARE_FORMATS)
    help_text = cli("compare", "--help").out
    assert "xlsx" in help_text and "junit" not in help_text and "sarif" not in help_text
    for report_format in ("junit", "sarif", "github"):
        result = cli("compare", BIDS[0], "-s", SCHEDULE, "-f", report_format)
        assert result.code == 2 and "INTERNAL" not in result.err, result.err
    refused = cli("compare", BIDS[0], "-s", SCHEDULE, "-o", str(tmp_path / "y.pdf"))
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "compare writes no format as '.pdf'" in refused.err and ".xlsx" in refused.err
    assert ".sarif" not in refused.err and ".xml" not in refused.err
    assert not (tmp_path / "y.pdf").exists()


def test_xlsx_by_format_needs_an_output_file_and_is_written_with_one(cli, tmp_path):
    import openpyxl

    refused = cli("compare", BIDS[0], "-s", SCHEDULE, "-f", "xlsx")
    assert refused.code == 2 and "give --output FILE.xlsx" in refused.err and refused.out == ""
    out = tmp_path / "panel.bin"
    assert cli("compare", BIDS[0], "-s", SCHEDULE, "-f", "xlsx", "-o", str(out)).code == 0
    with out.open("rb") as stream:
        assert openpyxl.load_workbook(stream)["Bids"]["A2"].value == "Cherwell Valley Care Ltd"


def test_each_text_format_is_written_by_its_extension(cli, tmp_path):
    for suffix, start in [(".txt", "1 bid(s) compared"), (".md", "# Bids compared"), (".csv", "bidder_name,"),
                          (".json", "{"), (".html", "<!DOCTYPE html>")]:
        out = tmp_path / f"panel{suffix}"
        assert cli("compare", BIDS[0], "-s", SCHEDULE, "-o", str(out)).code == 0
        assert out.read_text(encoding="utf-8").lstrip("\ufeff").startswith(start), suffix


def test_the_table_says_training_is_folded_into_another_line_rather_than_nothing(cli):
    result = cli("compare", *BIDS, "-s", SCHEDULE)
    thames = next(line for line in result.out.splitlines() if line.startswith("Thames Vale Care Services Ltd  "))
    assert "folded" in thames and "£0.00" not in thames
    assert ('Thames Vale Care Services Ltd: training/h folded: no training line; training is folded into "Other '
            'wage on-costs incl. training", a line that is not a training line of its own') in result.out


def test_check_on_a_workbook_of_bids_points_to_compare_in_one_line(cli, tmp_path):
    bid = {"bidder_name": "North Care Ltd", "tender_ref": "T1", "contract_start": "02/02/2026"}
    path = _tender_workbook(tmp_path / "two bids.xlsx", {"A": (bid, [("Training", 0.5)]),
                                                         "B": (bid, [("Training", 0.5)])})
    result = cli("check", str(path), "-s", SCHEDULE)
    assert result.code == 2 and result.err.count("\n") == 1
    assert result.err.startswith(f"error LOAD: {path}: holds 2 bids, a sheet per bid ('Bid A', 'Bid B'): compare ")
    assert f"contractcheck compare '{path}' -s {SCHEDULE}" in result.err
    # a workbook of one bid is checked as a bid
    one = _tender_workbook(tmp_path / "one.xlsx", {"A": (bid, [("Training", 0.5)])})
    assert "holds" not in cli("check", str(one), "-s", SCHEDULE).err
