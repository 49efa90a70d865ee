"""Build the shipped sample returns (run from the repository root: python samples/build_samples.py).

The samples are committed; this script documents exactly what is in them and rebuilds them the same way.
Each is written the way providers write: the compliant one cleanly, the messy one with a title row, odd
headings, pound signs and commas, Y/N and dd/mm/yyyy text, and a sheet that does not start at A1.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
D = dt.date

CONTRACT = {
    "provider_name": "Riverside Home Care Ltd",
    "provider_id": "1-123456789",
    "contract_ref": "OCC-HTLAH-2015-07",
    "council": "Oxfordshire County Council",
    "period_start": D(2026, 7, 1),
    "period_end": D(2026, 9, 30),
    "contract_value": 1_650_000,
    "hours_delivered": 41_250,
    "dspt_status": "Standards Met",
    "dspt_published": D(2026, 6, 18),
    "cqc_rating": "Good",
    "ascwds_updated": D(2026, 9, 12),
}

WORKFORCE_FIELDS = [
    "worker_id", "job_role", "employment_status", "zero_hours", "zero_hours_reason", "zero_hours_evidence",
    "guaranteed_hours_offered", "contracted_hours", "average_hours", "unpaid_travel_hours", "hourly_rate",
    "date_of_birth", "start_date", "leave_date", "apprentice", "apprenticeship_start", "care_certificate",
    "care_certificate_date", "qualification_level",
]


def worker(worker_id: str, **over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "worker_id": worker_id, "job_role": "Care worker", "employment_status": "Permanent", "zero_hours": False,
        "zero_hours_reason": None, "zero_hours_evidence": None, "guaranteed_hours_offered": None,
        "contracted_hours": 30, "average_hours": 31.5, "unpaid_travel_hours": 0, "hourly_rate": 13.10,
        "date_of_birth": D(1985, 3, 14), "start_date": D(2021, 5, 4), "leave_date": None, "apprentice": False,
        "apprenticeship_start": None, "care_certificate": "Completed", "care_certificate_date": D(2021, 7, 16),
        "qualification_level": 2,
    }
    base.update(over)
    return base


COMPLIANT_WORKERS = [
    worker("W0001"),
    worker("W0002", job_role="Senior care worker", hourly_rate=14.25, date_of_birth=D(1979, 11, 2),
           qualification_level=3),
    worker("W0003", zero_hours=True, zero_hours_reason="Worker preference",
           zero_hours_evidence="Signed preference statement 2026-02-03", guaranteed_hours_offered=True,
           contracted_hours=0, average_hours=12, unpaid_travel_hours=1.5, hourly_rate=14.60),
    worker("W0004", apprentice=True, apprenticeship_start=D(2026, 2, 2), date_of_birth=D(2006, 6, 30),
           hourly_rate=10.95, start_date=D(2026, 2, 2), care_certificate="Completed",
           care_certificate_date=D(2026, 4, 10)),
    worker("W0005", apprentice=True, apprenticeship_start=D(2025, 9, 1), date_of_birth=D(1998, 1, 20),
           hourly_rate=12.80, start_date=D(2025, 9, 1), care_certificate_date=D(2025, 11, 14)),
    worker("W0006", apprentice=True, apprenticeship_start=D(2026, 5, 11), date_of_birth=D(2008, 8, 8),
           hourly_rate=8.40, start_date=D(2026, 5, 11), care_certificate="Completed",
           care_certificate_date=D(2026, 7, 24)),
    worker("W0007", job_role="Registered manager", hourly_rate=19.50, date_of_birth=D(1972, 4, 22),
           care_certificate="Not required", care_certificate_date=None, qualification_level=5),
    worker("W0008", job_role="Coordinator", hourly_rate=13.90, care_certificate="Not required",
           care_certificate_date=None),
    worker("W0009", start_date=D(2026, 8, 17), care_certificate="In progress", care_certificate_date=None,
           date_of_birth=D(1994, 12, 1)),
    worker("W0010", leave_date=D(2026, 8, 29), date_of_birth=D(1990, 7, 7)),
]

COURSES = ["Safeguarding adults", "Moving and handling", "Medication", "Infection control"]


def training_for(workers: list[dict[str, object]], skip: dict[str, set[str]] | None = None,
                 expired: dict[str, set[str]] | None = None) -> list[dict[str, object]]:
    rows = []
    for w in workers:
        if w["leave_date"]:
            continue
        for c in COURSES:
            if c in (skip or {}).get(str(w["worker_id"]), set()):
                continue
            old = c in (expired or {}).get(str(w["worker_id"]), set())
            done = D(2025, 3, 10) if old else D(2026, 3, 10)
            rows.append({"worker_id": w["worker_id"], "course": c, "completed_on": done,
                         "expires_on": D(done.year + 1, done.month, done.day)})
    return rows


COSTS = [
    {"item": "Care worker pay (contact time)", "category": "Care worker pay", "per_hour": 13.10, "annual": None},
    {"item": "Travel time", "category": "Travel time pay", "per_hour": 2.30, "annual": None},
    {"item": "Employer NI", "category": "Employer NI", "per_hour": 1.71, "annual": None},
    {"item": "Pension", "category": "Pension", "per_hour": 0.46, "annual": None},
    {"item": "Holiday pay", "category": "Holiday pay", "per_hour": 1.85, "annual": None},
    {"item": "Training and supervision", "category": "Training", "per_hour": 0.38, "annual": 15_675},
    {"item": "Mileage", "category": "Mileage", "per_hour": 1.95, "annual": None},
    {"item": "Office and management", "category": "Overheads", "per_hour": 6.40, "annual": None},
    {"item": "Surplus", "category": "Profit", "per_hour": 0.95, "annual": None},
]


def _new_workbook(path: Path) -> xlsxwriter.Workbook:
    """A workbook whose bytes do not change from build to build (fixed creation date)."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2026, 10, 5, 9, 0, 0), "author": "contractcheck samples"})
    return wb


def _write_keyvalue(ws, formats, values: dict[str, object]) -> None:
    """A key/value sheet: the field in column A, its value in column B."""
    for i, (k, v) in enumerate(values.items()):
        ws.write(i, 0, k, formats["head"])
        if isinstance(v, dt.date):
            ws.write_datetime(i, 1, dt.datetime(v.year, v.month, v.day), formats["date"])
        else:
            ws.write(i, 1, v)


def _write_table(ws, formats, top: int, left: int, fields: list[str], rows: list[dict[str, object]],
                 headings: dict[str, str] | None = None) -> None:
    for j, f in enumerate(fields):
        ws.write(top, left + j, (headings or {}).get(f, f), formats["head"])
    for i, row in enumerate(rows, start=1):
        for j, f in enumerate(fields):
            v = row.get(f)
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(top + i, left + j, dt.datetime(v.year, v.month, v.day), formats["date"])
            elif isinstance(v, bool):
                ws.write(top + i, left + j, "Yes" if v else "No")
            else:
                ws.write(top + i, left + j, v)


def _workbook(path: Path, contract: dict[str, object], workers: list[dict[str, object]],
              training: list[dict[str, object]], costs: list[dict[str, object]] | None) -> None:
    wb = _new_workbook(path)
    formats = {"head": wb.add_format({"bold": True}), "date": wb.add_format({"num_format": "dd/mm/yyyy"})}
    _write_keyvalue(wb.add_worksheet("Contract"), formats, contract)
    _write_table(wb.add_worksheet("Workforce"), formats, 0, 0, WORKFORCE_FIELDS, workers)
    _write_table(wb.add_worksheet("Training"), formats, 0, 0, ["worker_id", "course", "completed_on", "expires_on"],
                 training)
    if costs is not None:
        _write_table(wb.add_worksheet("Costs"), formats, 0, 0, ["item", "category", "per_hour", "annual"], costs)
    wb.close()


def build_compliant() -> None:
    _workbook(HERE / "compliant-return.xlsx", CONTRACT, COMPLIANT_WORKERS, training_for(COMPLIANT_WORKERS), COSTS)


def build_failing() -> None:
    contract = dict(CONTRACT, provider_name="Hilltop Care Services Ltd", contract_ref="OCC-HTLAH-2015-11",
                    dspt_status="Approaching Standards")
    workers = [
        worker("W0101", hourly_rate=12.50),  # below the April 2026 National Living Wage (PAY-01)
        worker("W0102", average_hours=32, unpaid_travel_hours=6, hourly_rate=13.00),  # travel (PAY-02)
        worker("W0103", zero_hours=True, contracted_hours=0, average_hours=28),  # no reason/evidence/offer
        worker("W0104", zero_hours=True, zero_hours_reason="Business need", contracted_hours=0, average_hours=10,
               zero_hours_evidence="None held"),
        worker("W0105", apprentice=True, date_of_birth=D(1996, 2, 2), hourly_rate=8.00,
               apprenticeship_start=D(2024, 9, 2), start_date=D(2024, 9, 2)),  # apprentice rate after year one
        worker("W0106", start_date=D(2026, 5, 18), care_certificate="In progress", care_certificate_date=None),
        worker("W0107", start_date=D(2026, 3, 2), care_certificate="Completed",
               care_certificate_date=D(2026, 7, 20)),  # completed after 12 weeks (CC-01)
        worker("W0108", hourly_rate="tbc"),  # cannot be read as money (DATA-03)
        worker("W0108", job_role="Senior care worker", hourly_rate=14.10),  # same id twice (DATA-02)
        worker("W0110", date_of_birth=D(2019, 4, 1)),  # implausible age (DATA-05)
        worker("W0111", apprentice=True, apprenticeship_start=None, hourly_rate=13.00),  # DATA-06
    ]
    training = training_for(workers, skip={"W0101": {"Medication"}}, expired={"W0102": {"Moving and handling"}})
    costs = [c for c in COSTS if c["category"] != "Training"]  # training folded into overheads (COST-01)
    _workbook(HERE / "failing-return.xlsx", contract, workers, training, costs)


def build_messy() -> None:
    """Written as providers write: headings of their own, text everywhere, a title above the table."""
    wb = _new_workbook(HERE / "messy-return.xlsx")
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("CONTRACT DETAILS")
    ws.write("A1", "Quarterly workforce return — Riverside Home Care", bold)
    pairs = [("Provider", "Riverside Home Care Ltd"), ("Contract Reference", "OCC-HTLAH-2015-07"),
             ("Local authority", "Oxfordshire County Council"), ("Period from", "01/07/2026"),
             ("Period to", "30/09/2026"), ("Value of business awarded (£)", "£1,650,000"),
             ("DSPT", "standards met"), ("DSPT published", "18/06/2026"), ("CQC overall rating", "Good")]
    for i, (k, v) in enumerate(pairs, start=3):
        ws.write(i, 0, k)
        ws.write_string(i, 1, v)
    staff = wb.add_worksheet("staff list")
    staff.write("B2", "Staff on the contract at any time in the quarter", bold)
    staff.write("B3", "(one row per worker; dates day/month/year)")
    headings = ["Staff ID", "Job Title", "Zero Hours (Y/N)", "Reason for zero hours", "Evidence ref",
                "Avg hours", "Unpaid travel (hrs/wk)", "Hourly Rate (£)", "D.O.B.", "Start Date", "Apprentice?",
                "Apprenticeship start date", "Care Cert Status", "Care Certificate completed"]
    for j, h in enumerate(headings):
        staff.write(4, 1 + j, h, bold)
    rows = [
        ["W0001", "Care Worker", "N", "", "", "31.5", "0", "£13.10", "14/03/1985", "04/05/2021", "N", "",
         "completed", "16/07/2021"],
        ["W0002", "senior care worker", "n", "", "", "35", "0", "£14.25", "02/11/1979", "04/05/2021", "no", "",
         "Completed", "16/07/2021"],
        ["W0003", "Care worker", "Y", "Worker preference", "Signed statement 03/02/2026", "12", "1.5", "14.60",
         "14/03/1985", "04/05/2021", "N", "", "Completed", "16/07/2021"],
        ["W0004", "Care worker", "N", "", "", "30", "0", "£10.95", "30/06/2006", "02/02/2026", "Y", "02/02/2026",
         "Completed", "10/04/2026"],
        ["W0005", "Care worker", "N", "", "", "30", "0", "12.80 GBP", "20/01/1998", "01/09/2025", "Yes",
         "01/09/2025", "Completed", "14/11/2025"],
        ["W0006", "Care worker", "N", "", "", "30", "0", "£8.40", "08/08/2008", "11/05/2026", "✓", "11/05/2026",
         "Completed", "24/07/2026"],
        ["W0007", "Registered Manager", "N", "", "", "37.5", "-", "£19.50", "22/04/1972", "04/05/2021", "N", "",
         "Not required", "N/A"],
    ]
    for i, row in enumerate(rows, start=5):
        for j, v in enumerate(row):
            if v != "":
                staff.write_string(i, 1 + j, v)
    wb.close()


def build_csv_folder() -> None:
    """A folder of CSVs as Excel writes them: the workforce file in Windows-1252 (with £), the rest UTF-8."""
    folder = HERE / "csv-return"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    contract = dict(CONTRACT, contract_ref="OCC-HTLAH-2015-09", provider_name="Meadow Care Partnership")
    lines = ["field,value"] + [
        f"{k},{v.strftime('%d/%m/%Y') if isinstance(v, dt.date) else v}" for k, v in contract.items()
    ]
    (folder / "contract.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    fields = ["worker_id", "job_role", "zero_hours", "zero_hours_reason", "zero_hours_evidence", "average_hours",
              "unpaid_travel_hours", "hourly_rate", "date_of_birth", "start_date", "apprentice",
              "apprenticeship_start", "care_certificate", "care_certificate_date"]
    rows = [
        ["M01", "Care worker", "N", "", "", "30", "0", "£13.10", "14/03/1985", "04/05/2021", "N", "", "Completed",
         "16/07/2021"],
        ["M02", "Care worker", "Y", "Worker preference", "", "8", "0", "£13.10", "01/01/1990", "04/05/2021", "N", "",
         "Completed", "16/07/2021"],
        ["M03", "Care worker", "N", "", "", "30", "6", "£12.75", "01/01/1990", "04/05/2021", "N", "", "Completed",
         "16/07/2021"],
        ["M04", "Care worker", "N", "", "", "30", "0", '"£1,2.50"', "01/01/1990", "04/05/2021", "Y", "01/09/2025",
         "Completed", "16/07/2021"],
    ]
    text = ",".join(fields) + "\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
    (folder / "workforce.csv").write_bytes(text.encode("cp1252"))


def build_bid() -> None:
    """A tender bid: the Bid sheet, and the cost breakdown the price is built from."""
    wb = _new_workbook(HERE / "tender-bid.xlsx")
    formats = {"head": wb.add_format({"bold": True}), "date": wb.add_format({"num_format": "dd/mm/yyyy"})}
    bid = {"bidder_name": "Sunrise Domiciliary Care Ltd", "tender_ref": "OCC-HTLAH-2027", "lot": "Lot 2 (City)",
           "contract_start": D(2027, 1, 4), "contract_value": 1_650_000, "price_per_hour": 31.20,
           "care_worker_rate": 12.71, "real_living_wage": "Yes", "apprentices_committed": 1,
           "zero_hours_policy": "Only where the worker asks, reviewed every six months", "training_budget": 18_000}
    _write_keyvalue(wb.add_worksheet("Bid"), formats, bid)
    _write_table(wb.add_worksheet("Costs"), formats, 0, 0, ["item", "category", "per_hour", "annual"], COSTS)
    wb.close()


# --- a tender: five bids for one contract, for `contractcheck compare` -----------------------------------------

TENDER = {"tender_ref": "OCC-HTLAH-2026-L1", "lot": "Lot 1 (North)", "contract_start": D(2026, 2, 2),
          "contract_end": D(2029, 2, 1), "contract_value": 1_650_000}


def tender_costs(**per_hour: float | None) -> list[dict[str, object]]:
    """A sound breakdown (£32.50 an hour: pay £12.90 + 20% travel, on-costs at the statutory rates, a training
    line), with lines changed (a number) or left out (None) by category."""
    lines = {"Care worker pay": 12.90, "Travel time pay": 2.58, "Holiday pay": 1.87, "Employer NI": 1.90,
             "Pension": 0.35, "Training": 0.45, "Mileage": 1.60, "Supervision": 0.50, "Overheads": 8.90,
             "Profit": 1.45}
    for category, value in per_hour.items():
        lines[category.replace("_", " ")] = value  # type: ignore[assignment]
    return [{"item": c, "category": c, "per_hour": v} for c, v in lines.items() if v is not None]


def tender_bid(bidder: str, costs: list[dict[str, object]], **over: object) -> tuple[dict[str, object],
                                                                                      list[dict[str, object]]]:
    bid: dict[str, object] = {
        "bidder_name": bidder, **TENDER, "price_per_hour": 32.50, "care_worker_rate": 12.90,
        "real_living_wage": "No", "travel_time_share": 0.20, "apprentices_committed": 3,
        "zero_hours_policy": "Guaranteed hours for all care workers; zero hours only at the worker's written request",
        "planned_roles": "Care worker, Senior care worker, Field supervisor, Coordinator",
        "planned_headcount": 46,
        "training_plan": "Care Certificate within 12 weeks; annual refreshers; Level 2/3 diploma for seniors",
    }
    bid.update(over)
    return bid, costs


#: file name → (Bid sheet, Costs sheet); each bid is sound but for what its name says
TENDER_BIDS = {
    "a-sound.xlsx": tender_bid("Cherwell Valley Care Ltd", tender_costs()),
    # training costed nowhere: the £0.45 went to overheads
    "b-no-training-line.xlsx": tender_bid("Banbury Homecare Ltd", tender_costs(Training=None, Overheads=9.35)),
    # holiday, NI, pension and training in one line whose name mentions training: no training line to see
    "c-training-in-on-costs.xlsx": tender_bid(
        "Thames Vale Care Services Ltd",
        [*tender_costs(Holiday_pay=None, Employer_NI=None, Pension=None, Training=None, Mileage=None,
                       Supervision=None, Overheads=None, Profit=None),
         {"item": "On-costs", "category": "Other wage on-costs incl. training", "per_hour": 4.57},
         *tender_costs(Care_worker_pay=None, Travel_time_pay=None, Holiday_pay=None, Employer_NI=None,
                       Pension=None, Training=None)]),
    # offers £13.20 with 25% travel (£16.50 of pay an hour of care) but prices pay at £12.60, at £26.00 an hour
    "d-price-cannot-pay.xlsx": tender_bid(
        "Kidlington Care at Home Ltd",
        tender_costs(Care_worker_pay=11.00, Travel_time_pay=1.60, Holiday_pay=1.52, Employer_NI=1.40, Pension=0.25,
                     Training=0.30, Mileage=1.40, Supervision=None, Overheads=7.13, Profit=1.40),
        price_per_hour=26.00, care_worker_rate=13.20, travel_time_share=0.25),
    # the lines come to £30.50, the price says £33.00
    "e-lines-do-not-add-up.xlsx": tender_bid("Witney Community Care Ltd", tender_costs(Overheads=6.90),
                                             price_per_hour=33.00),
}


def build_tender() -> None:
    """samples/tender/: five bids for one Oxfordshire contract, each a Bid sheet and a Costs sheet."""
    folder = HERE / "tender"
    folder.mkdir(exist_ok=True)
    for name, (bid, costs) in TENDER_BIDS.items():
        wb = _new_workbook(folder / name)
        formats = {"head": wb.add_format({"bold": True}), "date": wb.add_format({"num_format": "dd/mm/yyyy"})}
        _write_keyvalue(wb.add_worksheet("Bid"), formats, bid)
        _write_table(wb.add_worksheet("Costs"), formats, 0, 0, ["item", "category", "per_hour"], costs)
        wb.close()


# --- a return with a Pay table (format v2): a year of pay reference periods --------------------------------------

PAY_CONTRACT = {
    "provider_name": "Meadowbank Care Ltd",
    "provider_id": "1-987654321",
    "contract_ref": "OCC-HTLAH-2025-PAY",
    "council": "Oxfordshire County Council",
    "period_start": D(2025, 10, 1),
    "period_end": D(2026, 9, 30),
    "contract_value": 980_000,
    "hours_delivered": 24_500,
    "dspt_status": "Standards Met",
    "cqc_rating": "Good",
    "ascwds_updated": D(2026, 9, 10),
    "london": "No",
    "pay_frequency": "Monthly",
    "pay_period_anchor": D(2025, 10, 1),
}

PAY_WORKFORCE_FIELDS = [*WORKFORCE_FIELDS, "pay_basis", "salary", "pay_frequency", "london", "unpaid_waiting_hours",
                        "unpaid_training_hours"]

PAY_WORKERS = [
    worker("P001", hourly_rate=13.00, london=False),
    # paid every four weeks; unpaid travel between visits, heavy over Christmas
    worker("P002", hourly_rate=13.20, average_hours=30, unpaid_travel_hours=1, pay_frequency="Four-weekly",
           date_of_birth=D(1992, 2, 9), london=False),
    # turns 21 on 15 June 2026: the 18-20 rate for the June PRP (it began on 1 June), the NLW from July
    worker("P003", hourly_rate=12.75, date_of_birth=D(2005, 6, 15), start_date=D(2024, 9, 2), london=False),
    # the registered manager is salaried: judged on salary ÷ (37.5 × 52) hours
    worker("M001", job_role="Registered manager", hourly_rate=None, salary=32_000, pay_basis="Annual",
           contracted_hours=37.5, average_hours=37.5, date_of_birth=D(1976, 8, 30), care_certificate="Not required",
           care_certificate_date=None, qualification_level=5, london=False),
    # an apprentice from 1 November 2025, 19 on 1 March 2026, still in the first year: the apprentice rate
    worker("A001", hourly_rate=8.00, apprentice=True, apprenticeship_start=D(2025, 11, 1), start_date=D(2025, 11, 1),
           date_of_birth=D(2007, 3, 1), contracted_hours=23, average_hours=23, care_certificate="Completed",
           care_certificate_date=D(2026, 1, 16), london=False),
    # a live-in care worker: free accommodation counts as pay at the offset for each day
    worker("F001", hourly_rate=12.75, contracted_hours=35, average_hours=35, date_of_birth=D(1988, 10, 3),
           london=False),
    # pays for a uniform by deduction from wages, once a year
    worker("U001", hourly_rate=12.71, contracted_hours=32, average_hours=32, date_of_birth=D(1983, 1, 27),
           london=False),
]

PAY_FIELDS = ["worker_id", "prp_start", "prp_end", "gross_pay", "premium_pay", "hours_paid", "unpaid_travel_hours",
              "unpaid_waiting_hours", "unpaid_training_hours", "other_unpaid_hours", "deductions", "worker_expenses",
              "accommodation_charge", "accommodation_days"]


def _months(first: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    out = []
    for i in range(count):
        y, m = divmod(first.month - 1 + i, 12)
        start = D(first.year + y, m + 1, 1)
        y2, m2 = divmod(m + 1, 12)
        out.append((start, D(first.year + y + y2, m2 + 1, 1) - dt.timedelta(days=1)))
    return out


def pay_rows() -> list[dict[str, object]]:
    """A year of pay per worker per pay reference period. Three real breaches: P002's unpaid travel and waiting
    over Christmas, A001 left on the 2025 apprentice rate in April 2026, and U001's uniform deductions."""
    rows: list[dict[str, object]] = []
    new_rates = D(2026, 4, 1)

    def row(worker_id: str, start: dt.date, end: dt.date, hours: float, rate: float, **more: object) -> None:
        rows.append({"worker_id": worker_id, "prp_start": start, "prp_end": end,
                     "gross_pay": round(hours * rate, 2), "hours_paid": hours, **more})

    year = _months(D(2025, 10, 1), 12)
    for start, end in year:
        after = start >= new_rates
        # January's unpaid training (3 hours) counts as hours of work: £12.60 × 126 ÷ 129 = £12.31, still enough
        row("P001", start, end, 126, 13.00 if after else 12.60, unpaid_training_hours=3 if start.month == 1 else None)
        overtime = 10 if start.month == 12 else 0  # December overtime at time and a half: the premium is no pay
        rate = 12.75 if start >= D(2026, 7, 1) else (10.90 if after else 10.20)
        row("P003", start, end, 120 + overtime, rate, premium_pay=round(overtime * rate * 0.5, 2) or None,
            gross_pay=round(120 * rate + overtime * rate * 1.5, 2))
        row("M001", start, end, 162.5, 32_000 / 12 / 162.5)
        if start >= D(2025, 11, 1):
            rate = 8.00 if start >= D(2026, 5, 1) else 7.55  # the April uplift was missed for a month
            row("A001", start, end, 100, rate)
        row("F001", start, end, 150, 12.75 if after else 12.25, accommodation_days=(end - start).days + 1)
        row("U001", start, end, 140, 12.71 if after else 12.21,
            deductions=25.0 if start.month in (10, 4) else None)
    start = D(2025, 10, 1)
    while start <= D(2026, 9, 2):  # four-weekly from the contract's anchor: 13 PRPs
        end = start + dt.timedelta(days=27)
        christmas = start == D(2025, 12, 24)
        row("P002", start, end, 120, 13.20 if start >= D(2026, 4, 1) else 12.80,
            unpaid_travel_hours=12 if christmas else 4, unpaid_waiting_hours=1.5 if christmas else None)
        start = end + dt.timedelta(days=1)
    order = {w["worker_id"]: i for i, w in enumerate(PAY_WORKERS)}
    return sorted(rows, key=lambda r: (order[r["worker_id"]], r["prp_start"]))


def build_pay() -> None:
    """Format v2: a year's Pay sheet (monthly and four-weekly staff, a salaried manager, an apprentice, a live-in
    worker with free accommodation, uniform deductions) beside the Workforce sheet."""
    wb = _new_workbook(HERE / "pay-return.xlsx")
    formats = {"head": wb.add_format({"bold": True}), "date": wb.add_format({"num_format": "dd/mm/yyyy"})}
    _write_keyvalue(wb.add_worksheet("Contract"), formats, PAY_CONTRACT)
    _write_table(wb.add_worksheet("Workforce"), formats, 0, 0, PAY_WORKFORCE_FIELDS, PAY_WORKERS)
    _write_table(wb.add_worksheet("Pay"), formats, 0, 0, PAY_FIELDS, pay_rows())
    _write_table(wb.add_worksheet("Training"), formats, 0, 0, ["worker_id", "course", "completed_on", "expires_on"],
                 training_for(PAY_WORKERS))
    wb.close()


ASCWDS_STAFF_HEADER = (
    "LOCALESTID,UNIQUEWORKERID,STATUS,DISPLAYID,NINUMBER,POSTCODE,DOB,GENDER,ETHNICITY,NATIONALITY,"
    "BRITISHCITIZENSHIP,COUNTRYOFBIRTH,YEAROFENTRY,DISABLED,CARECERT,L2CARECERT,RECSOURCE,HANDCVISA,INOUTUK,"
    "STARTDATE,STARTINSECT,DHA,APPRENTICE,EMPLSTATUS,ZEROHRCONT,DAYSSICK,SALARYINT,SALARY,HOURLYRATE,MAINJOBROLE,"
    "MAINJRDESC,CONTHOURS,AVGHOURS,NMCREG,AMHP,SCQUAL,NONSCQUAL,CWPCATEGORY,QUALACH01,QUALACH01NOTES,QUALACH02,"
    "QUALACH02NOTES,QUALACH03,QUALACH03NOTES"
).split(",")


def build_ascwds_export() -> None:
    """An ASC-WDS bulk-upload export (synthetic people): a staff file and a training file as ASC-WDS names and
    codes them, with the contract's values in a file beside the folder. Two workers are paid below the minimum
    (one of them an annual salary over contracted hours), one zero-hours worker has no reason recorded, and the
    staff file breaks two of ASC-WDS's own rules (an hourly rate with the annual interval; contracted hours on a
    zero-hours contract), so it fails the ascwds-format schedule too. The optional columns are filled as a current
    export fills them: L2CARECERT (the Level 2 Adult Social Care Certificate: 3 no, 1;2024 completed in 2024, 2
    started), DHA (delegated healthcare activities, 999 don't know) and QUALACH01/02 (qualification code;year)."""
    folder = HERE / "ascwds-export"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    people = [
        dict(UNIQUEWORKERID="SFC001", STATUS="UPDATE", DOB="14/03/1985", CARECERT="1", STARTDATE="04/05/2021",
             APPRENTICE="2", EMPLSTATUS="1", ZEROHRCONT="2", DAYSSICK="3", SALARYINT="3", HOURLYRATE="12.95",
             MAINJOBROLE="8", CONTHOURS="30", SCQUAL="1;2", L2CARECERT="3", DHA="1", QUALACH01="26;2019"),
        dict(UNIQUEWORKERID="SFC002", STATUS="UPDATE", DOB="02/11/1979", CARECERT="1", STARTDATE="01/02/2019",
             APPRENTICE="2", EMPLSTATUS="1", ZEROHRCONT="2", DAYSSICK="0", SALARYINT="3", HOURLYRATE="12.50",
             MAINJOBROLE="8", CONTHOURS="37.5", SCQUAL="1;3", L2CARECERT="1;2024", DHA="2", QUALACH01="26;2017",
             QUALACH02="31;2022"),
        dict(UNIQUEWORKERID="SFC003", STATUS="NOCHANGE", DOB="30/06/1990", CARECERT="3", STARTDATE="12/08/2026",
             APPRENTICE="999", EMPLSTATUS="3", ZEROHRCONT="1", DAYSSICK="999", SALARYINT="3", HOURLYRATE="13.40",
             MAINJOBROLE="8", CONTHOURS="16", AVGHOURS="14", SCQUAL="999", L2CARECERT="2", DHA="999"),
        dict(UNIQUEWORKERID="SFC004", STATUS="UPDATE", DOB="21/01/1975", CARECERT="2", STARTDATE="01/02/2015",
             APPRENTICE="2", EMPLSTATUS="1", ZEROHRCONT="2", DAYSSICK="5", SALARYINT="1", SALARY="23000",
             MAINJOBROLE="4", CONTHOURS="40", SCQUAL="1;5"),
        dict(UNIQUEWORKERID="SFC005", STATUS="NEW", DOB="09/09/2006", CARECERT="3", STARTDATE="01/09/2025",
             APPRENTICE="1", EMPLSTATUS="1", ZEROHRCONT="2", DAYSSICK="0", SALARYINT="1", HOURLYRATE="8.10",
             MAINJOBROLE="8", CONTHOURS="30", SCQUAL="2"),
        dict(UNIQUEWORKERID="SFC006", STATUS="DELETE", DOB="09/09/1966", EMPLSTATUS="1", ZEROHRCONT="2",
             SALARYINT="3", HOURLYRATE="9.00", MAINJOBROLE="26"),
    ]
    lines = [",".join(ASCWDS_STAFF_HEADER)]
    lines += [",".join({"LOCALESTID": "RIVERSIDE1", **p}.get(c, "") for c in ASCWDS_STAFF_HEADER) for p in people]
    (folder / "2026-10-01-sfc-bu-staff.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    training = ["LOCALESTID,UNIQUEWORKERID,CATEGORY,DESCRIPTION,DATECOMPLETED,EXPIRYDATE,ACCREDITED,NOTES"]
    for worker in ("SFC001", "SFC002", "SFC004", "SFC005"):
        for code in ("20", "15", "13", "10"):  # safeguarding, moving and handling, medication, infection control
            training.append(f"RIVERSIDE1,{worker},{code},,10/01/2026,10/01/2027,1,")
    training.append("RIVERSIDE1,SFC003,20,,10/01/2026,10/01/2027,1,")
    (folder / "2026-10-01-sfc-bu-training.csv").write_text("\r\n".join(training) + "\r\n", encoding="utf-8")
    (HERE / "ascwds-export.contract.yaml").write_text(
        "# The contract's values for the ASC-WDS export in the folder beside this file (an export has no Contract).\n"
        "provider_name: Riverside Home Care Ltd\nprovider_id: 1-123456789\ncontract_ref: OCC-HTLAH-2015-07\n"
        "council: Oxfordshire County Council\nperiod_start: 2026-07-01\nperiod_end: 2026-09-30\n"
        "contract_value: 400000\ndspt_status: Standards Met\ndspt_published: 2026-06-18\n", encoding="utf-8")


GRANT_FIELDS = ["application_ref", "applicant", "priority_area", "amount_requested", "received_date", "outcomes"]
#: the headings as a fund's application form writes them (read through the Grant table's aliases)
GRANT_HEADINGS = {"application_ref": "Application ref", "applicant": "Applicant organisation",
                  "priority_area": "Priority area", "amount_requested": "Amount requested (£)",
                  "received_date": "Date received", "outcomes": "Expected outcomes"}
GRANT_APPLICATIONS = {
    # sound: within the recruitment and retention allocation (£48,000), received before the closing date
    "sound-application.xlsx": {
        "application_ref": "WDF-2017-014", "applicant": "Broadland Home Care Ltd",
        "priority_area": "Recruitment and retention", "amount_requested": 36_500, "received_date": D(2017, 2, 20),
        "outcomes": "12 care workers through the Level 2 Diploma; a values-based recruitment day each quarter"},
    # over its allocation: £24,750 asked of the £20,000 quality improvement area (written in the page's words)
    "over-allocation.xlsx": {
        "application_ref": "WDF-2017-021", "applicant": "Wensum Valley Care Ltd",
        "priority_area": "Improving quality in the independent care sector", "amount_requested": 24_750,
        "received_date": D(2017, 2, 24),
        "outcomes": "Quality champions in 6 homes; dementia care mapping for 40 staff"},
    # late: received on 3 March 2017, three days after the closing date of 28 February 2017
    "late-application.xlsx": {
        "application_ref": "WDF-2017-030", "applicant": "Yare Community Care CIC",
        "priority_area": "Statutory requirements", "amount_requested": 42_000, "received_date": D(2017, 3, 3),
        "outcomes": "Moving and handling and safeguarding refreshers for 85 staff"},
}


def build_grants() -> None:
    """Three applications to the Norfolk Workforce Development Fund 2016-17 (synthetic applicants), each a
    workbook with a Grant sheet of one row, headed as an application form heads it: one sound, one over its
    area's allocation, one received after the closing date. A fund's register of many applications is the
    same sheet with a row per application."""
    folder = HERE / "grants"
    folder.mkdir(exist_ok=True)
    for name, application in GRANT_APPLICATIONS.items():
        wb = _new_workbook(folder / name)
        formats = {"head": wb.add_format({"bold": True}), "date": wb.add_format({"num_format": "dd/mm/yyyy"})}
        _write_table(wb.add_worksheet("Grant"), formats, 0, 0, GRANT_FIELDS, [application], GRANT_HEADINGS)
        wb.close()


if __name__ == "__main__":
    build_bid()
    build_tender()
    build_compliant()
    build_failing()
    build_messy()
    build_csv_folder()
    build_pay()
    build_ascwds_export()
    build_grants()
    print("samples written to", HERE)
