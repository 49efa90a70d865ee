"""Return templates: generated from a schedule, filled in as a provider would, and checked clean.

The template's sheets and columns are what the schedule's rules read, so a filled template and the checks cannot
drift apart: each shipped schedule's template, filled with a small compliant return, checks compliant; a wrong
value in it is found at the cell it was typed in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from contractcheck import check
from contractcheck.authoring.template import GUIDANCE_SHEET, LISTS_SHEET, write_template
from contractcheck.errors import UsageError
from contractcheck.rules import bundled_dir, compile_schedule, load_rules, load_schedule

ROOT = Path(__file__).resolve().parent.parent
SCHEDULES = sorted(p.stem for p in bundled_dir("schedules").glob("*.yaml"))
D = dt.date
GENERATED = D(2026, 11, 30)

# A small compliant return: a quarter's contract details, three workers (one an apprentice, one on zero hours
# by preference), their training and a month of pay each. Only the columns a template has are written.
CONTRACT = {
    "provider_name": "Riverside Home Care Ltd", "provider_id": "1-123456789", "contract_ref": "C-2026-07",
    "council": "Oxfordshire County Council", "period_start": D(2026, 7, 1), "period_end": D(2026, 9, 30),
    "contract_value": 400_000, "hours_delivered": 10_000, "dspt_status": "Standards Met", "cqc_rating": "Good",
    "ascwds_updated": D(2026, 9, 12), "london": "No", "pay_frequency": "Monthly",
    "pay_period_anchor": D(2026, 7, 1),
}


def worker(worker_id: str, **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "worker_id": worker_id, "job_role": "Care worker", "employment_status": "Permanent", "zero_hours": "No",
        "contracted_hours": 30, "average_hours": None, "unpaid_travel_hours": 0, "hourly_rate": 15.00,
        "date_of_birth": D(1985, 3, 14), "start_date": D(2021, 5, 4), "apprentice": "No",
        "care_certificate": "Completed", "care_certificate_date": D(2021, 7, 16), "qualification_level": 2,
        "pay_frequency": "Monthly", "london": "No", "unpaid_waiting_hours": 0, "unpaid_training_hours": 0,
    }
    row.update(over)
    return row


WORKFORCE = [
    worker("W1"),
    worker("W2", job_role="Senior care worker", hourly_rate=16.00),
    worker("W3", zero_hours="Yes", zero_hours_reason="Worker preference",
           zero_hours_evidence="Signed preference statement 2026-02-03", guaranteed_hours_offered="Yes",
           contracted_hours=None, average_hours=12),
]
TRAINING = [{"worker_id": w["worker_id"], "course": course, "completed_on": D(2026, 3, 10),
             "expires_on": D(2027, 3, 10)}
            for w in WORKFORCE for course in ("Safeguarding adults", "Moving and handling", "Medication",
                                              "Infection control", "Oliver McGowan", "Dementia",
                                              "Delegated healthcare activities", "Positive behaviour support",
                                              "Digital skills")]
PAY = [{"worker_id": w["worker_id"], "prp_start": D(2026, 7, 1), "prp_end": D(2026, 7, 31),
        "gross_pay": 15.00 * 120, "hours_paid": 120} for w in WORKFORCE]
COSTS = [
    {"item": "Care worker pay", "category": "Care worker pay", "per_hour": 15.00},
    {"item": "Training and supervision", "category": "Training", "per_hour": 0.40, "annual": 12_000},
    {"item": "Office", "category": "Overheads", "per_hour": 14.60},  # the lines add up to the bid's £30.00 (COST-02)
]
BID = {
    "bidder_name": "Sunrise Domiciliary Care Ltd", "tender_ref": "T-2027", "lot": "Lot 1",
    "contract_start": D(2027, 1, 4), "contract_value": 400_000, "price_per_hour": 30.00,
    "care_worker_rate": 15.00, "real_living_wage": "Yes", "apprentices_committed": 1,
    "travel_time_share": 0,  # the Costs sheet below prices no travel time: the bid says so
    "zero_hours_policy": "Only where the worker asks", "training_budget": 12_000, "london": "No",
    "planned_roles": "Care worker, Senior care worker", "planned_headcount": 14,
    "training_plan": "Care Certificate within 12 weeks; annual refreshers",
}
GRANT = [{"application_ref": "WDF-1", "applicant": "Riverside Home Care Ltd", "priority_area": "Market development",
          "amount_requested": 15_000, "received_date": D(2017, 2, 14), "outcomes": "A shared bank of relief staff"}]
COMPLIANT = {"Contract": CONTRACT, "Bid": BID, "Workforce": WORKFORCE, "Training": TRAINING, "Pay": PAY,
             "Costs": COSTS, "Grant": GRANT}


def fill(template: Path, out: Path, values: dict[str, object]) -> Path:
    """Type values into a template as a provider would: a key/value sheet's values beside their fields, a table's
    rows under its headings (only the columns the template has)."""
    wb = openpyxl.load_workbook(template)
    for title, data in values.items():
        if title not in wb.sheetnames:
            continue
        ws = wb[title]
        if isinstance(data, dict):
            for row in ws.iter_rows(min_row=2):
                if row[0].value in data:
                    row[1].value = data[row[0].value]
        else:
            assert isinstance(data, list)
            headings = [c.value for c in ws[1]]
            for i, record in enumerate(data, start=2):
                for j, heading in enumerate(headings, start=1):
                    if record.get(heading) is not None:
                        ws.cell(i, j, record[heading])
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    for schedule in SCHEDULES:
        write_template(schedule, folder / f"{schedule}.xlsx", generated=GENERATED)
    return {s: folder / f"{s}.xlsx" for s in SCHEDULES}


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_a_filled_template_checks_clean(schedule, templates, tmp_path):
    report = check(fill(templates[schedule], tmp_path / "return.xlsx", COMPLIANT), schedule)
    assert [(f.rule_id, f.message) for f in report.findings] == []
    assert report.summary.verdict == "compliant"
    # the template's hidden drop-down list sheet is ours, not a stale copy of a table: no note about it
    assert not [note for note in report.notes if "hidden" in note]


def _column_of(ws, heading: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == heading)


def test_a_wrong_value_typed_in_the_template_is_found_at_its_cell(templates, tmp_path):
    underpaid = [WORKFORCE[0], {**WORKFORCE[1], "hourly_rate": 5.00}, WORKFORCE[2]]
    filled = fill(templates["statutory-minimum"], tmp_path / "return.xlsx", {**COMPLIANT, "Workforce": underpaid})
    column = _column_of(openpyxl.load_workbook(filled)["Workforce"], "hourly_rate")

    report = check(filled, "statutory-minimum")

    assert report.summary.verdict == "non-compliant"
    assert {(f.rule_id, f.location.cell) for f in report.findings} >= {("PAY-01", f"Workforce!{column}3")}


def test_a_bid_template_is_a_bid_sheet_and_its_wrong_value_is_found_beside_its_field(templates, tmp_path):
    filled = fill(templates["oxfordshire-tender"], tmp_path / "bid.xlsx",
                  {**COMPLIANT, "Bid": {**BID, "care_worker_rate": 5.00}})
    ws = openpyxl.load_workbook(filled)["Bid"]
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == "care_worker_rate")

    report = check(filled, "oxfordshire-tender")

    assert [(f.rule_id, f.location.cell) for f in report.findings] == [("PAY-04", f"Bid!B{row}")]


def read_by_rules(schedule: str) -> dict[str, set[str]]:
    """What the schedule's compiled rules read, table by table, straight from the compiler."""
    loaded = load_schedule(schedule)
    _, compiled = compile_schedule(loaded, load_rules(None))
    read: dict[str, set[str]] = {}
    for cr in compiled:
        for part in [cr.filter, cr.assertion, *cr.lets.values(), *cr.shown.values()]:
            for table, field in part.fields_used if part else ():
                read.setdefault(table, set()).add(field)
    return read


def test_only_the_columns_the_rules_read_and_the_required_ones_appear(templates):
    ws = openpyxl.load_workbook(templates["statutory-minimum"])["Workforce"]
    headings = [c.value for c in ws[1]]
    read = read_by_rules("statutory-minimum")["workforce"]

    assert set(headings) == (read - {"*"}) | {"worker_id", "zero_hours", "hourly_rate"}
    assert "job_role" not in headings  # no statutory rule reads it (Oxfordshire's Care Certificate rule does)
    assert "job_role" in [c.value for c in openpyxl.load_workbook(templates["oxfordshire-help-to-live-at-home"])
                          ["Workforce"][1]]


def test_a_table_no_rule_reads_is_left_out(templates):
    assert openpyxl.load_workbook(templates["statutory-minimum"]).sheetnames == [
        "Contract", "Workforce", "Pay", GUIDANCE_SHEET, LISTS_SHEET]
    assert openpyxl.load_workbook(templates["oxfordshire-tender"]).sheetnames == [
        "Bid", "Costs", GUIDANCE_SHEET, LISTS_SHEET]


def _validations(ws) -> dict[str, str]:
    """column letter → the drop-down's source, for every list validation on a sheet."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            for rng in dv.sqref.ranges:
                out[rng.coord.split(":")[0].rstrip("0123456789")] = dv.formula1
    return out


def test_coded_and_yes_no_fields_have_drop_downs_of_their_vocabulary(templates):
    wb = openpyxl.load_workbook(templates["oxfordshire-help-to-live-at-home"])
    ws = wb["Workforce"]
    dropdowns = _validations(ws)
    for heading in ("job_role", "zero_hours", "apprentice", "care_certificate", "pay_basis", "pay_frequency"):
        assert _column_of(ws, heading) in dropdowns, heading
    assert _column_of(ws, "hourly_rate") not in dropdowns

    source = dropdowns[_column_of(ws, "care_certificate")]  # e.g. =Lists!$C$1:$C$4
    sheet, cells = source.lstrip("=").split("!")
    values = [c.value for row in wb[sheet][cells.replace("$", "")] for c in row]
    assert values == ["Completed", "In progress", "Not started", "Not required"]


def test_each_heading_has_a_note_saying_what_it_means_and_values_are_formatted(templates):
    wb = openpyxl.load_workbook(templates["oxfordshire-help-to-live-at-home"])
    ws = wb["Workforce"]
    notes = {c.value: c.comment.text for c in ws[1]}
    assert notes["hourly_rate"].startswith("Basic hourly pay at period end (GBP)")
    assert "Required (unless salary is given)" in notes["hourly_rate"]
    contract = wb["Contract"]
    period_end = next(r for r in contract.iter_rows(min_row=2) if r[0].value == "period_end")
    assert period_end[1].number_format == "dd/mm/yyyy"
    assert period_end[0].comment.text.startswith("Last day covered by the return")


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_the_guidance_sheet_lists_every_rule_and_the_version_it_came_from(schedule, templates):
    ws = openpyxl.load_workbook(templates[schedule])[GUIDANCE_SHEET]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    loaded = load_schedule(schedule)
    _, compiled = compile_schedule(loaded, load_rules(None))

    assert {row[0] for row in cells} >= {cr.rule.id for cr in compiled}
    stamp = {row[0]: row[1] for row in cells if row[0]}
    assert stamp["Schedule"] == f"{schedule} version {loaded.schedule.version}"
    assert stamp["Schedule sha256"] == loaded.digest
    assert stamp["Generated"] == "2026-11-30"


def test_the_template_never_overwrites_its_schedule(tmp_path):
    schedule = tmp_path / "council.yaml"
    schedule.write_text((bundled_dir("schedules") / "statutory-minimum.yaml").read_text(encoding="utf-8"))
    with pytest.raises(UsageError, match="would overwrite an input"):
        write_template(str(schedule), schedule)
    assert schedule.read_text(encoding="utf-8").startswith("id: statutory-minimum")


def test_the_command_writes_a_template_that_checks(cli, tmp_path):
    out = tmp_path / "return.xlsx"
    done = cli("template", "statutory-minimum", "-o", out)
    assert (done.code, done.err.strip()) == (0, f"template written to {out} (Contract, Workforce, Pay)")
    assert check(fill(out, tmp_path / "filled.xlsx", COMPLIANT), "statutory-minimum").summary.verdict == "compliant"


@pytest.mark.parametrize(("output", "says"), [
    ("schedules/leicester-homecare.yaml", "would overwrite an input"),
    ("template.csv", "give a file name ending .xlsx"),
    ("no/such/folder/template.xlsx", "--output folder does not exist"),
])
def test_the_command_refuses_a_bad_output_in_one_line(cli, output, says):
    done = cli("template", "schedules/leicester-homecare.yaml", "-o", output)
    assert done.code == 2
    assert done.err.startswith("error USAGE: ") and says in done.err and done.err.count("\n") == 1


def _outline(path: Path) -> list[tuple[str, list[object]]]:
    """A workbook's sheets with their headings (a key/value sheet's fields), and the Guidance sheet's rules."""
    wb = openpyxl.load_workbook(path)
    out: list[tuple[str, list[object]]] = []
    for ws in wb.worksheets:
        if ws.title == GUIDANCE_SHEET:
            out.append((ws.title, [r[0].value for r in ws.iter_rows() if r[0].value]))
        elif ws.title != LISTS_SHEET and ws["A1"].value == "Field":
            out.append((ws.title, [r[0].value for r in ws.iter_rows(min_row=2)]))
        elif ws.title != LISTS_SHEET:
            out.append((ws.title, [c.value for c in ws[1]]))
    return out


def test_the_shipped_templates_are_up_to_date_with_their_schedules(templates):
    shipped = ROOT / "samples" / "templates"
    assert sorted(p.stem for p in shipped.glob("*.xlsx")) == SCHEDULES
    for schedule in SCHEDULES:
        assert _outline(shipped / f"{schedule}.xlsx") == _outline(templates[schedule]), (
            f"samples/templates/{schedule}.xlsx is out of date: run make samples")
