"""Small hand-made workbooks for tests: the Contract sheet most of them need, written once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter


def contract_workbook(path: Path) -> tuple[Any, Any]:
    """An xlsxwriter workbook at ``path`` whose Contract sheet gives the period 1 July to 30 September 2026 as date
    cells, and its ``dd/mm/yyyy`` date format; the caller adds the other sheets and closes it."""
    workbook = xlsxwriter.Workbook(str(path))
    when = workbook.add_format({"num_format": "dd/mm/yyyy"})
    contract = workbook.add_worksheet("Contract")
    contract.write("A1", "period_start")
    contract.write_datetime("B1", dt.datetime(2026, 7, 1), when)
    contract.write("A2", "period_end")
    contract.write_datetime("B2", dt.datetime(2026, 9, 30), when)
    return workbook, when
