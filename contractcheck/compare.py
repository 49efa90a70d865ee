"""A tender panel's view of several bids: one row per bid, its verdict on each mandatory rule, and its figures.

``compare(paths, schedule)`` prepares the schedule once (:func:`contractcheck.api.prepare`) and checks each bid with
it (:func:`contractcheck.api.check_prepared_with_data`); nothing is judged here. Each row holds:

- the bid's verdict on each **mandatory** rule: ``pass``, ``fail``, ``not judged`` (a figure the rule needs is
  blank: never a pass), ``waived`` or ``n/a``. Mandatory rules are the schedule's ``mandatory:`` list (ids or
  globs), else its rules of critical severity after overrides; only rules that apply to bids count;
- the bid's figures, read from the normalised bid (``Bid`` and ``Costs`` sheets): price per hour and care
  worker pay offered (GBP an hour), training per hour (the Costs lines in COST-01's training categories, as the
  report's parameters give them), apprentices committed; and the margin of the price over the Homecare
  Association minimum price the report's COST-04 result measured (GBP an hour; negative below it).

Each bid's ``status``: ``eligible`` (every mandatory rule passed, or waived or not for bids), ``incomplete`` (no
mandatory rule failed, but one could not be judged: a figure it needs is blank — never eligible), ``set aside``
(fails a mandatory rule) or ``could not check``. Rows are in the order the bids were given within each status, in
that order of statuses. Renderers: ``table``, ``markdown``, ``csv``,
``json``, ``html`` (:data:`COMPARE_RENDERERS`, text) and :func:`render_xlsx` (bytes).
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tabulate import tabulate

from contractcheck.api import (
    PreparedSchedule,
    ReferenceGiven,
    check_prepared_with_data,
    prepare,
    rules_for_kind,
)
from contractcheck.blank import is_null
from contractcheck.errors import ContractcheckError, UsageError
from contractcheck.load import Peek, RawTable, Source, open_source
from contractcheck.normalise import Dataset
from contractcheck.recognise import bid_sheets
from contractcheck.report.model import Report, RuleResult
from contractcheck.report.render import _md, _safe_rows, visible
from contractcheck.rules import CompiledRule, LoadedSchedule
from contractcheck.wording import money, number

#: what a rule's result reads as in the panel's view
VERDICT_WORDS = {"pass": "pass", "fail": "fail", "waived": "waived"}
#: the rule whose parameters name the training categories, and the measure that gives the minimum price
TRAINING_RULE, TRAINING_PARAM = "COST-01", "training_categories"
MINIMUM_MEASURE = "minimum_price_for_year"
#: the evidence of a failing COST-01 naming the lines whose category mentions training ("none" when there is none)
FOLDED_EVIDENCE = "folded_into"


@dataclass
class BidRow:
    """One bid in the panel's view. Money is GBP an hour (None: the bid does not give it)."""

    path: str
    bidder_name: str | None = None
    status: str = "eligible"
    """``eligible``, ``incomplete`` (a mandatory rule not judged), ``set aside`` (fails a mandatory rule) or
    ``could not check``"""
    mandatory: dict[str, str] = field(default_factory=dict)
    """rule id → pass / fail / not judged / waived / n/a"""
    failed_mandatory: list[str] = field(default_factory=list)
    not_judged_mandatory: list[str] = field(default_factory=list)
    not_judged_why: dict[str, str] = field(default_factory=dict)
    """rule id → why a mandatory rule was not judged (its result's note: the blank figure)"""
    price_per_hour: float | None = None
    care_worker_rate: float | None = None
    training_per_hour: float | None = None
    """None too where training is folded into another line (training_folded_into): its cost cannot be seen"""
    training_folded_into: str | None = None
    """the cost categories that mention training without being a training line (COST-01's finding), quoted"""
    apprentices_committed: float | None = None
    minimum_price: float | None = None
    margin: float | None = None
    """price_per_hour − minimum_price"""
    verdict: str | None = None
    """the bid's whole report: compliant / non-compliant (every rule, not only the mandatory ones)"""
    error: str | None = None


@dataclass
class Comparison:
    """The panel's view: the schedule, its mandatory rules (id → title) and one row per bid, in panel order."""

    schedule_id: str
    schedule_title: str
    schedule_version: str
    mandatory: dict[str, str]
    rows: list[BidRow]

    @property
    def could_not_check(self) -> list[BidRow]:
        return [r for r in self.rows if r.status == "could not check"]


def mandatory_rules(schedule: LoadedSchedule, rules: list[CompiledRule]) -> dict[str, str]:
    """Rule id → title of the rules a panel treats as pass/fail for a bid (see the module docstring)."""
    bid_rules = rules_for_kind(rules, "bid")[0]
    chosen = schedule.schedule.mandatory
    out: dict[str, str] = {}
    for cr in bid_rules:
        rid = cr.rule.id
        if chosen is None:
            if cr.severity == "critical":
                out.setdefault(rid, cr.rule.title)
        elif any(fnmatch.fnmatchcase(rid, pattern) for pattern in chosen):
            out.setdefault(rid, cr.rule.title)
    if chosen is not None:  # in the schedule's own order
        order = {rid: min(i for i, p in enumerate(chosen) if fnmatch.fnmatchcase(rid, p)) for rid in out}
        out = dict(sorted(out.items(), key=lambda kv: order[kv[0]]))
    return out


def _verdict(result: RuleResult | None) -> str:
    if result is None:
        return "n/a"
    if result.status == "not_applicable":
        return "not judged" if result.not_judged else "n/a"
    return VERDICT_WORDS.get(result.status, result.status)


def _number(value: Any) -> float | None:
    return None if is_null(value) else float(value)


def _training_per_hour(report: Report, data: Dataset) -> float | None:
    """The bid's training lines per hour: Costs rows whose category is one COST-01 counts (its parameters in the
    report), summed; None without a Costs sheet or a per-hour figure; 0 when no line is a training line."""
    result = next((r for r in report.results if r.rule_id == TRAINING_RULE), None)
    costs = data.tables.get("costs")
    if result is None or costs is None or "per_hour" not in costs.frame or "category" not in costs.frame:
        return None
    names = {str(c).strip().casefold() for c in result.params.get(TRAINING_PARAM, [])}
    frame = costs.frame
    chosen = frame["category"].astype("string").str.strip().str.casefold().isin(names).fillna(False)
    return round(float(frame.loc[chosen.to_numpy(dtype=bool), "per_hour"].astype("Float64").sum()), 2)


def bid_row(path: str, report: Report, data: Dataset, mandatory: dict[str, str]) -> BidRow:
    """A bid's row from its report and its normalised data (nothing judged again)."""
    results = {r.rule_id: r for r in report.results}
    scalars = data.scalars
    row = BidRow(path=path, bidder_name=None if is_null(scalars.get("bidder_name")) else str(scalars["bidder_name"]))
    row.mandatory = {rid: _verdict(results.get(rid)) for rid in mandatory}
    row.failed_mandatory = [rid for rid, v in row.mandatory.items() if v == "fail"]
    row.not_judged_mandatory = [rid for rid, v in row.mandatory.items() if v == "not judged"]
    row.not_judged_why = {rid: results[rid].note or "a figure it needs is blank" for rid in row.not_judged_mandatory}
    row.status = "set aside" if row.failed_mandatory else "incomplete" if row.not_judged_mandatory else "eligible"
    row.price_per_hour = _number(scalars.get("price_per_hour"))
    row.care_worker_rate = _number(scalars.get("care_worker_rate"))
    row.apprentices_committed = _number(scalars.get("apprentices_committed"))
    row.training_per_hour = _training_per_hour(report, data)
    folded = next((f.evidence.get(FOLDED_EVIDENCE) for f in report.findings if f.rule_id == TRAINING_RULE), None)
    if isinstance(folded, str) and folded != "none":
        row.training_folded_into, row.training_per_hour = folded, None
    minimum = next((r.measures[MINIMUM_MEASURE] for r in report.results if MINIMUM_MEASURE in r.measures), None)
    row.minimum_price = _number(minimum)
    if row.minimum_price is not None and row.price_per_hour is not None:
        row.margin = round(row.price_per_hour - row.minimum_price, 2)
    row.verdict = report.summary.verdict
    return row


_ORDER = {"eligible": 0, "incomplete": 1, "set aside": 2, "could not check": 3}
#: the statuses shown struck through (markdown, html, xlsx): out of the scoring; an incomplete bid awaits its figures
_ASIDE = ("set aside", "could not check")

class BidSheets(Source):
    """One bid of a workbook holding several: its ``Bid <label>`` sheet (and ``Costs <label>``) seen as the
    ``Bid`` and ``Costs`` tables. Positions stay the workbook's own (``Bid A!B7``): reading is the base source's."""

    def __init__(self, base: Source, label: str, sheets: dict[str, str]) -> None:
        super().__init__(base.path, f"{base.given} [{label}]", base.kind_hint)
        self.table_word = base.table_word
        self._base, self._sheets = base, sheets

    def table_names(self) -> list[str]:
        return list(self._sheets)

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        return self._base.peek(self._sheets[self._resolve(table)], n_rows)

    def read(self, table: str, header_row: int | None) -> RawTable:
        return self._base.read(self._sheets[self._resolve(table)], header_row)

    def sha256(self) -> str:
        return self._base.sha256()

    def notes(self) -> list[str]:
        return self._base.notes()


def bids_in_workbook(source: Source) -> list[BidSheets]:
    """The bids of a workbook with a sheet per bid: two or more sheets named ``Bid <label>`` (each with its
    ``Costs <label>`` sheet where there is one; the label is any text, matched ignoring case). Any other file
    (one Bid sheet, or a bid's own ``Bid details`` sheet) gives an empty list: it is one bid."""
    if source.kind_hint != "workbook":
        return []
    return [BidSheets(source, label, sheets) for label, sheets in bid_sheets(source.table_names()).items()]


def _checked(path: str | Path, prepared: PreparedSchedule, as_of: dt.date | None,
             ) -> list[tuple[str, tuple[Report, Dataset] | ContractcheckError]]:
    """Each bid a file holds (one, or one per sheet of a workbook of bids), checked; or why it could not be."""
    try:
        source = open_source(Path(path))
        several = bids_in_workbook(source)
    except ContractcheckError as exc:
        return [(str(path), exc)]
    out: list[tuple[str, tuple[Report, Dataset] | ContractcheckError]] = []
    sources: list[Source] = list(several) or [source]
    for one in sources:
        name = one.given if several else str(path)
        try:
            out.append((name, check_prepared_with_data(name, prepared, as_of=as_of, source=one)))
        except ContractcheckError as exc:
            out.append((name, exc))
    return out


def compare(
    paths: Sequence[str | Path],
    schedule: str | os.PathLike[str] | LoadedSchedule,
    *,
    as_of: dt.date | None = None,
    rules_paths: list[Path] | None = None,
    reference: ReferenceGiven = None,
    waivers: str | Path | None = None,
) -> Comparison:
    """Check each bid against the schedule (prepared once) and gather the panel's view.

    A workbook with a sheet per bid (:func:`bids_in_workbook`) gives a row per bid, named ``file [label]``. A file
    that cannot be checked, or is a return rather than a bid, is a row with ``status`` "could not check" and its
    one-line ``error``; it never stops the others. Raises ``ContractcheckError`` only for the schedule,
    rules, waivers or reference data (as :func:`contractcheck.api.prepare`).
    """
    prepared = prepare(schedule, rules_paths=rules_paths, reference=reference, waivers=waivers)
    mandatory = mandatory_rules(prepared.schedule, prepared.rules)
    rows: list[BidRow] = []
    for given in paths:
        for path, outcome in _checked(given, prepared, as_of):
            if isinstance(outcome, ContractcheckError):
                rows.append(BidRow(path=path, status="could not check", error=outcome.one_line()))
                continue
            report, data = outcome
            if data.kind != "bid":
                rows.append(BidRow(path=path, status="could not check",
                                   error=f"error LOAD: {path}: is a {data.kind}, not a bid (a bid has a Bid sheet)"))
                continue
            rows.append(bid_row(path, report, data, mandatory))
    rows.sort(key=lambda r: _ORDER[r.status])  # stable: the order given, within each group
    s = prepared.schedule.schedule
    return Comparison(schedule_id=s.id, schedule_title=s.title, schedule_version=s.version, mandatory=mandatory,
                      rows=rows)


# --- rendering ------------------------------------------------------------------------------------------------

#: the figures' column headings (table and markdown; csv and json use the field names)
FIGURES = ["price/h", "pay/h", "training/h", "apprentices", "vs minimum price"]


def _money(v: float | None) -> str:
    return "" if v is None else (f"-{money(-v)}" if v < 0 else money(v))


def _status_words(row: BidRow) -> str:
    if row.status == "set aside":
        return f"SET ASIDE: fails {', '.join(row.failed_mandatory)}"
    if row.status == "could not check":
        return "could not check"
    if row.status == "incomplete":
        return f"INCOMPLETE: not judged {', '.join(row.not_judged_mandatory)}"
    return "eligible"


def _figures(row: BidRow) -> list[str]:
    training = "folded" if row.training_folded_into else _money(row.training_per_hour)
    return [_money(row.price_per_hour), _money(row.care_worker_rate), training,
            "" if row.apprentices_committed is None else number(row.apprentices_committed), _money(row.margin)]


def _grid(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    headers = ["bid", "status", *comparison.mandatory, *FIGURES]
    rows = []
    for row in comparison.rows:
        name = row.bidder_name or Path(row.path).name
        cells = [row.mandatory.get(rid, "") for rid in comparison.mandatory]
        rows.append([name, _status_words(row), *cells, *_figures(row)])
    return headers, rows


def _heading(comparison: Comparison) -> str:
    return (f"{len(comparison.rows)} bid(s) compared against {comparison.schedule_id} v{comparison.schedule_version}"
            f" — mandatory: {', '.join(comparison.mandatory) or 'none'}")


def _footer(comparison: Comparison) -> list[str]:
    eligible = sum(r.status == "eligible" for r in comparison.rows)
    incomplete = [r for r in comparison.rows if r.status == "incomplete"]
    aside = sum(r.status == "set aside" for r in comparison.rows)
    lines = ["price/h, pay/h, training/h: the bid's price, care worker pay offered and training lines, GBP an hour",
             f"{eligible} eligible, "
             + (f"{len(incomplete)} incomplete (a mandatory rule not judged: a figure it needs is blank), "
                if incomplete else "")
             + f"{aside} set aside (failing a mandatory rule)"
             + (f", {len(comparison.could_not_check)} could not be checked" if comparison.could_not_check else "")]
    lines += [f"{r.bidder_name or r.path}: {rid} {why}" for r in incomplete for rid, why in r.not_judged_why.items()]
    lines += [f"{r.bidder_name or r.path}: training/h folded: no training line; training is folded into "
              f"{r.training_folded_into}, a line that is not a training line of its own"
              for r in comparison.rows if r.training_folded_into]
    lines += [f"{r.path}: {r.error}" for r in comparison.could_not_check]
    minimum = next((r.minimum_price for r in comparison.rows if r.minimum_price is not None), None)
    if minimum is not None:
        lines.append(f"vs minimum price: price per hour less the Homecare Association minimum price for "
                     f"the year the contract starts ({money(minimum)})")
    return lines


def render_table(comparison: Comparison) -> str:
    headers, rows = _grid(comparison)
    text = tabulate([[visible(c) for c in r] for r in rows], headers=headers, tablefmt="simple",
                    disable_numparse=True)
    files = [f"  {r.bidder_name or '-'}: {visible(r.path)}" for r in comparison.rows]
    return "\n".join([_heading(comparison), "", text, "", *_footer(comparison), "", "files:", *files]) + "\n"


def render_markdown(comparison: Comparison) -> str:
    headers, rows = _grid(comparison)
    out = [f"# Bids compared: {_md(comparison.schedule_title)}", "",
           f"Schedule `{_md(comparison.schedule_id)}` v{_md(comparison.schedule_version)}. Mandatory rules: "
           + (", ".join(f"**{rid}** {_md(title)}" for rid, title in comparison.mandatory.items()) or "none") + ".",
           "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row, cells in zip(comparison.rows, rows, strict=True):
        shown = [f"~~{_md(cells[0])}~~" if row.status in _ASIDE else _md(cells[0]), *map(_md, cells[1:])]
        out.append("| " + " | ".join(shown) + " |")
    out += ["", *(f"- {_md(line)}" for line in _footer(comparison))]
    return "\n".join(out) + "\n"


def render_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["bidder_name", "file", "status", *comparison.mandatory, "price_per_hour", "care_worker_rate",
                     "training_per_hour", "training_folded_into", "apprentices_committed", "minimum_price", "margin",
                     "error"])
    for row in comparison.rows:
        writer.writerows(_safe_rows([[
            row.bidder_name or "", row.path, row.status, *(row.mandatory.get(rid, "") for rid in comparison.mandatory),
            *("" if v is None else v for v in (row.price_per_hour, row.care_worker_rate, row.training_per_hour,
                                               row.training_folded_into, row.apprentices_committed,
                                               row.minimum_price, row.margin)),
            row.error or ""]]))
    return buffer.getvalue()


def render_json(comparison: Comparison) -> str:
    data = {
        "schedule": {"id": comparison.schedule_id, "title": comparison.schedule_title,
                     "version": comparison.schedule_version},
        "mandatory": [{"rule_id": rid, "title": title} for rid, title in comparison.mandatory.items()],
        "bids": [asdict(row) for row in comparison.rows],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_html(comparison: Comparison) -> str:
    """The panel's view as one self-contained HTML page (inline style, print-ready): the ``compare.html`` template
    of the HTML report's Jinja2 environment (``contractcheck.report.html.environment``), autoescaped, so a
    bidder's name can never become markup."""
    from contractcheck.report.html import environment

    headers, rows = _grid(comparison)
    first_figure = 2 + len(comparison.mandatory)
    shown = [{"aside": row.status in _ASIDE,
              "cells": [{"text": cell,
                         "css": "fail" if 2 <= i < first_figure and cell == "fail" else ("num" if i >= first_figure
                                                                                         else "")}
                        for i, cell in enumerate(cells)]}
             for row, cells in zip(comparison.rows, rows, strict=True)]
    return environment().get_template("compare.html").render(
        title=comparison.schedule_title, schedule_id=comparison.schedule_id, version=comparison.schedule_version,
        mandatory=list(comparison.mandatory.items()), headers=headers, rows=shown, footer=_footer(comparison))


def render_xlsx(comparison: Comparison) -> bytes:
    """The panel's view as an Excel workbook (XlsxWriter, in memory): a ``Bids`` sheet (a row per bid, money as
    numbers in ``£#,##0.00``, bids set aside greyed and struck through, a failing cell red) and a ``Mandatory
    rules`` sheet (id and title). Provider text is written as text, never as a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    fmt = {"plain": wb.add_format(), "money": wb.add_format({"num_format": "£#,##0.00"}),
           "aside": wb.add_format({"font_strikeout": True, "font_color": "#808080"}),
           "aside_money": wb.add_format({"font_strikeout": True, "font_color": "#808080", "num_format": "£#,##0.00"}),
           "fail": wb.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})}
    ws = wb.add_worksheet("Bids")
    headers = ["bid", "status", *comparison.mandatory, "price per hour", "pay offered", "training per hour",
               "apprentices", "minimum price", "margin", "file"]
    for col, text in enumerate(headers):
        ws.write_string(0, col, text, head)
    for r, row in enumerate(comparison.rows, start=1):
        aside = row.status in _ASIDE
        text_fmt = fmt["aside"] if aside else fmt["plain"]
        money_fmt = fmt["aside_money"] if aside else fmt["money"]
        ws.write_string(r, 0, row.bidder_name or Path(row.path).name, text_fmt)
        ws.write_string(r, 1, _status_words(row), text_fmt)
        col = 2
        training_col = col + len(comparison.mandatory) + 2
        for rid in comparison.mandatory:
            verdict = row.mandatory.get(rid, "")
            ws.write_string(r, col, verdict, fmt["fail"] if verdict == "fail" else text_fmt)
            col += 1
        for value, is_money in [(row.price_per_hour, True), (row.care_worker_rate, True),
                                (row.training_per_hour, True), (row.apprentices_committed, False),
                                (row.minimum_price, True), (row.margin, True)]:
            if value is not None:
                ws.write_number(r, col, value, money_fmt if is_money else text_fmt)
            elif col == training_col and row.training_folded_into:
                ws.write_string(r, col, f"folded into {row.training_folded_into}", text_fmt)
            col += 1
        ws.write_string(r, col, row.path if row.error is None else f"{row.path}: {row.error}", text_fmt)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 1, 30)
    ws.set_column(2, len(headers) - 2, 12)
    ws.set_column(len(headers) - 1, len(headers) - 1, 50)
    rules = wb.add_worksheet("Mandatory rules")
    rules.write_string(0, 0, "rule", head)
    rules.write_string(0, 1, f"title (schedule {comparison.schedule_id} v{comparison.schedule_version})", head)
    for r, (rid, title) in enumerate(comparison.mandatory.items(), start=1):
        rules.write_string(r, 0, rid)
        rules.write_string(r, 1, title)
    rules.set_column(0, 0, 10)
    rules.set_column(1, 1, 80)
    wb.close()
    return buffer.getvalue()


#: format name → renderer
COMPARE_RENDERERS: dict[str, Callable[[Comparison], str]] = {
    "table": render_table, "markdown": render_markdown, "csv": render_csv, "json": render_json, "html": render_html,
}
#: the formats compare writes: the text renderers and the workbook (:func:`render_xlsx`)
COMPARE_FORMATS = (*COMPARE_RENDERERS, "xlsx")
#: an output file's extension → the format written to it
COMPARE_SUFFIXES = {".txt": "table", ".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json",
                    ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def compare_format(chosen: str | None, output: Path | None) -> str:
    """The format to write: ``chosen`` (``--format``), else the output file's extension, else ``table``.

    Raises ``UsageError`` (one line, exit 2) for an extension compare does not write (``.pdf``, ``.sarif``), and
    for ``xlsx`` with no output file (a workbook is not written to a terminal).
    """
    if chosen is None and output is not None and output.suffix:
        suffix = output.suffix.lower()
        if suffix not in COMPARE_SUFFIXES:
            raise UsageError(f"--output {output}: compare writes no format as '{suffix}' (extensions: "
                             f"{', '.join(COMPARE_SUFFIXES)}); give --format, or one of those extensions")
        chosen = COMPARE_SUFFIXES[suffix]
    chosen = chosen or "table"
    if chosen not in COMPARE_FORMATS:
        raise UsageError(f"--format {chosen}: compare writes {', '.join(COMPARE_FORMATS)}")
    if chosen == "xlsx" and output is None:
        raise UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
    return chosen
