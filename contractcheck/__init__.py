"""contractcheck: check care providers' workforce returns and tender bids against a council's workforce schedule.

The library API is what the CLI uses and what a portal imports::

    from contractcheck import check
    report = check("return.xlsx", "oxfordshire-help-to-live-at-home")
    report.summary.verdict, report.findings[0].location.cell

    from contractcheck import check_many  # a folder of returns, the schedule compiled once
    for item in check_many(["a.xlsx", "b.xlsx"], "statutory-minimum", jobs=2):
        item.path, item.report or item.error
"""

from __future__ import annotations

from typing import Any

from contractcheck._version import __version__

__all__ = ["check", "check_many", "exit_code_for", "ContractcheckError", "Report", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use so that `contractcheck version` and rule tooling stay quick to start.
    if name in ("check", "exit_code_for"):
        from contractcheck import api

        return getattr(api, name)
    if name == "check_many":
        from contractcheck.batch import check_many

        return check_many
    if name == "ContractcheckError":
        from contractcheck.errors import ContractcheckError

        return ContractcheckError
    if name == "Report":
        from contractcheck.report import Report

        return Report
    raise AttributeError(name)
