"""What every report format shows the same way: the facts in a report's head, which findings (the first N of each
rule), where a finding points, and provider text made safe to print (control characters written out).

One home for these, so the table, markdown, CSV, HTML and pipeline formats never word them differently.
"""

from __future__ import annotations

import re

from contractcheck.report.findings import Findings, as_findings
from contractcheck.report.model import Finding, Report, RuleResult
from contractcheck.wording import iso_date_words

#: findings of one rule shown by the formats people read (table, markdown) unless --max-findings says otherwise
SHOWN_PER_RULE = 20


def result_words(result: RuleResult) -> str:
    """A rule's result as the formats people read say it: ``pass``, ``fail``, ``waived``, ``not applicable``
    (nothing in the file for it to judge) or ``not judged`` (it applies, but a figure it needs is blank: the
    result's note says which; never a pass)."""
    if result.status == "not_applicable":
        return "not judged" if result.not_judged else "not applicable"
    return result.status.replace("_", " ")


def more_line(omitted: int) -> str:
    """What the human formats say in place of a rule's findings they leave out."""
    return f"… and {omitted} more (see -f json/csv for all)"


def shown_findings(report: Report, max_findings: int | None) -> tuple[Findings, dict[str, int]]:
    """The findings to write (the first ``max_findings`` of each rule; all when None) and how many each rule
    leaves out (rule id → count)."""
    findings = as_findings(report.findings)
    if max_findings is None:
        return findings, {}
    return findings.first_per_rule(max_findings)


def header_facts(report: Report) -> list[tuple[str, str]]:
    """Whom the file is from, the council's reference it answers to and the period it covers, as the heads of
    the formats people read name them: ``[("Provider", "Hilltop Care Services Ltd"), ("Contract reference",
    "OCC-HTLAH-2015-11"), ("Period", "1 July 2026 to 30 September 2026")]`` for a return, ``Bidder`` and
    ``Tender reference`` for a bid. From ``report.input`` (``InputInfo``); what the file does not give is left
    out."""
    i = report.input
    facts = [("Bidder", i.bidder_name), ("Tender reference", i.tender_ref)] if i.kind == "bid" else \
        [("Provider", i.provider_name), ("Contract reference", i.contract_ref)]
    start, end = (iso_date_words(d) if d else None for d in (i.period_start, i.period_end))
    period = f"{start} to {end}" if start and end else (f"from {start}" if start else (f"to {end}" if end else None))
    return [(label, value) for label, value in [*facts, ("Period", period)] if value]


def where(f: Finding) -> str:
    """Where a finding points, in a few characters: the cell (``Workforce!K2``), else the sheet, the field or the
    file's name; ``-`` when nothing is known."""
    loc = f.location
    if loc.cell:
        return loc.cell
    if loc.sheet:
        return loc.sheet
    return loc.field or (loc.file.rsplit("/", 1)[-1] if loc.file else "-")


# Control characters (C0 but newline, DEL, C1) are shown as \x1b rather than sent: an escape sequence in a
# worker id must never retitle, clear or recolour the officer's terminal, and XML 1.0 cannot hold most of them.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_CONTROL_BUT_TAB = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str, *, keep_tab: bool = False) -> str:
    """``text`` with every control character but newline (and tab, with ``keep_tab``) written out as ``\\xNN``
    (unchanged when it has none)."""
    pattern = _CONTROL_BUT_TAB if keep_tab else _CONTROL
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
