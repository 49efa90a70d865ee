"""What every format people read (table, markdown, html) says the same way: the facts in a report's head, where
a finding points, the line that stands for findings left out, and text made safe to show.

Kept apart from the renderers so that each of them (``render``, ``html``) takes the one wording from here.
"""

from __future__ import annotations

import datetime as dt
import re

from contractcheck.report.model import Finding, Report
from contractcheck.wording import long_date


def header_facts(report: Report) -> list[tuple[str, str]]:
    """Whom the file is from, the council's reference it answers to and the period it covers, as the heads of
    the formats people read name them: ``[("Provider", "Hilltop Care Services Ltd"), ("Contract reference",
    "OCC-HTLAH-2015-11"), ("Period", "1 July 2026 to 30 September 2026")]`` for a return, ``Bidder`` and
    ``Tender reference`` for a bid. From ``report.input`` (``InputInfo``); what the file does not give is left
    out."""
    i = report.input
    facts = [("Bidder", i.bidder_name), ("Tender reference", i.tender_ref)] if i.kind == "bid" else \
        [("Provider", i.provider_name), ("Contract reference", i.contract_ref)]
    start, end = (long_date(dt.date.fromisoformat(d)) if d else None for d in (i.period_start, i.period_end))
    period = f"{start} to {end}" if start and end else (f"from {start}" if start else (f"to {end}" if end else None))
    return [(label, value) for label, value in [*facts, ("Period", period)] if value]


def where(f: Finding) -> str:
    """Where a finding points, in a few characters: the cell (``Workforce!K2``), else the sheet, the field or
    the file's name."""
    loc = f.location
    if loc.cell:
        return loc.cell
    if loc.sheet:
        return loc.sheet
    return loc.field or (loc.file.rsplit("/", 1)[-1] if loc.file else "-")


def more_line(omitted: int) -> str:
    """What the human formats say in place of a rule's findings they leave out."""
    return f"… and {omitted} more (see -f json/csv for all)"


# Control characters (C0 but newline, DEL, C1) are shown as \x1b rather than sent: an escape sequence in a
# worker id must never retitle, clear or recolour the officer's terminal.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character but newline written out as ``\\xNN`` (unchanged when it has none)."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
