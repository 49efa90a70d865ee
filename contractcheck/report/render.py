"""Report stage: render the one Report object as table, json, csv or markdown.

Each renderer is a function ``Report -> str``; they never compute anything the JSON does not hold, so
every format says the same thing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import TextIO

from tabulate import tabulate

from contractcheck.report.findings import FindingBlock, as_findings
from contractcheck.report.model import Finding, Report
from contractcheck.report.pipeline import render_github, render_junit, render_sarif
from contractcheck.report.shown import (
    SHOWN_PER_RULE,
    header_facts,
    more_line,
    result_words,
    shown_findings,
    visible,
    where,
)

SYMBOL = {"critical": "CRIT", "major": "MAJOR", "minor": "minor", "info": "info"}





def render_json(report: Report, *, max_findings: int | None = None) -> str:
    """The report as JSON (indent 2, UTF-8 text as it is, a newline at the end): the contract of docs/report.md.

    ``max_findings``: write at most this many findings of each rule; each result then says how many of its
    findings were left out (``findings_omitted``).
    """
    buffer = io.StringIO()
    write_json(report, buffer, max_findings=max_findings)
    return buffer.getvalue()


_FINDINGS_KEY = '\n  "findings": []'  # a string's newline is escaped, so only the top-level key reads like this
_FINDINGS_KEY_COMPACT = '"findings":[]'  # inside a string its quotes would be escaped: only a key reads like this


def write_json(report: Report, stream: TextIO, *, max_findings: int | None = None, compact: bool = False) -> None:
    """Write ``render_json``'s text to a stream without building it all: the report around its findings is
    dumped once, and the findings are written a chunk at a time from their columns
    (``Findings.write_items``), each exactly as ``json.dumps(finding.model_dump(mode="json"), indent=2)``.

    ``compact``: the same object on one line (no spaces, a newline at the end), as a JSON Lines record is.
    """
    findings, omitted = shown_findings(report, max_findings)
    if omitted:
        report = report.model_copy(update={"results": [
            r.model_copy(update={"findings_omitted": omitted.get(r.rule_id, 0)}) for r in report.results]})
    head = report.model_dump(mode="json", exclude={"findings"})
    ordered = {k: ([] if k == "findings" else head[k]) for k in Report.model_fields if k in head or k == "findings"}
    if compact:
        text = json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))
        before, found, after = text.partition(_FINDINGS_KEY_COMPACT)
        opening, closing, indent = '"findings":[', "]", None
    else:
        text = json.dumps(ordered, indent=2, ensure_ascii=False)
        before, found, after = text.partition(_FINDINGS_KEY)
        opening, closing, indent = '\n  "findings": [\n', "\n  ]", "    "
    if not found or not len(findings):
        stream.write(text + "\n")
        return
    stream.write(before + opening)
    findings.write_items(stream, indent=indent)
    stream.write(closing + after + "\n")



def _summary_line(report: Report) -> str:
    s = report.summary
    counts = ", ".join(f"{n} {sev}" for sev, n in s.findings.items() if n)
    waived = sum(n for (_, _, status), n in as_findings(report.findings).tally().items() if status == "waived")
    extra = f"; {waived} waived" if waived else ""
    return (f"{s.verdict.upper()}: {s.rules_failed} of {s.rules_checked} rules failed"
            f"{' (' + counts + ')' if counts else ''}{extra}")


#: the width the table is laid out to when it is not shown on a terminal (a file, a pipe): wide enough for a
#: finding's sentence to wrap onto two or three lines, narrow enough to read in an editor or an e-mail
TABLE_WIDTH = 120
#: a column never wraps narrower than this, however narrow the terminal (the table then runs wider)
_NARROWEST = 24

#: ANSI colours by severity for a terminal that wants them (red, amber, yellow, dim)
_COLOUR = {"critical": "\x1b[1;31m", "major": "\x1b[33m", "minor": "\x1b[36m", "info": "\x1b[2m"}
_VERDICT_COLOUR = {"compliant": "\x1b[1;32m", "non-compliant": "\x1b[1;31m"}
_RESET = "\x1b[0m"


def _painted(text: str, code: str | None, colour: bool) -> str:
    return f"{code}{text}{_RESET}" if colour and code else text


def _fit(rows: list[list[str]], headers: list[str], wrap: int, width: int) -> list[int | None]:
    """Column widths for tabulate's ``maxcolwidths``: every column as wide as its longest cell (or its heading,
    which tabulate pads by 2) but column ``wrap``, which takes what is left of ``width`` (never less than
    ``_NARROWEST``) and wraps within it."""
    if not rows:
        return []
    widest = [max(len(headers[i]) + 2, *(len(r[i]) for r in rows)) for i in range(len(headers))]
    others = sum(w for i, w in enumerate(widest) if i != wrap) + 2 * (len(widest) - 1)
    limits: list[int | None] = [None] * len(widest)
    limits[wrap] = max(_NARROWEST, width - others)
    return limits


#: below this many columns a table of five columns cannot give a sentence room to read: each row is shown as a
#: line of its short parts, then its sentence wrapped and indented beneath
NARROW = 90
_INDENT = "    "


def _stacked(rows: list[list[str]], width: int) -> list[str]:
    """Rows for a narrow terminal: ``CRIT  PAY-01  Workforce!K2  W0101`` then the sentence, indented and wrapped
    to ``width``; every line fits."""
    out: list[str] = []
    for *short, sentence in rows:
        parts = "  ".join(p for p in short if p)
        if parts:
            out.append(textwrap.fill(parts, width, break_on_hyphens=False))
        out += textwrap.wrap(sentence, width, initial_indent=_INDENT, subsequent_indent=_INDENT,
                             break_on_hyphens=False) or [""]
    return out


def render_table(report: Report, *, max_findings: int | None = SHOWN_PER_RULE, width: int | None = None,
                 colour: bool = False) -> str:
    """The terminal view: the findings (the first ``max_findings`` of each rule, then how many more), the result
    of each rule and the verdict.

    ``width``: the terminal's width in characters; the sentences wrap to fit it rather than being cut (``None``:
    ``TABLE_WIDTH``, for a file or a pipe). ``colour``: severities and the verdict in ANSI colour (only for a
    terminal that wants it: the CLI honours ``NO_COLOR`` and ``--no-color``). Provider text is shown with control
    characters written out (``visible``), whatever the colour.
    """
    width = width or TABLE_WIDTH
    shown, omitted = shown_findings(report, max_findings)
    head = (f"{report.input.path} ({report.input.kind}) checked against {report.schedule.id} "
            f"v{report.schedule.version}, as of {report.as_of.date} ({report.as_of.basis})")
    facts = header_facts(report)
    lines = [textwrap.fill(visible(head), width, break_on_hyphens=False),
             *([textwrap.fill(visible("; ".join(f"{label}: {value}" for label, value in facts)), width,
                              break_on_hyphens=False)] if facts else []), ""]
    extents = _extents(report)
    if report.findings:
        rows: list[list[str]] = []
        severities: list[str | None] = []
        for f, last_of_rule in _with_ends(shown):
            rows.append([SYMBOL[f.severity] + (" (waived)" if f.status == "waived" else ""), f.rule_id,
                         visible(where(f)), visible(f.subject.key or ""), visible(f.message)])
            severities.append(None if f.status == "waived" else f.severity)
            if last_of_rule and f.rule_id in extents:
                rows.append(["", f.rule_id, "", "", extents[f.rule_id]])
                severities.append(None)
            if last_of_rule and omitted.get(f.rule_id):
                rows.append(["", f.rule_id, "", "", more_line(omitted[f.rule_id])])
                severities.append(None)
        headers = ["severity", "rule", "where", "subject", "finding"]
        if colour:
            for row, severity in zip(rows, severities):
                row[0] = _painted(row[0], _COLOUR.get(severity or ""), colour)
        if width < NARROW:
            lines += _stacked(rows, width)
        else:
            lines.append(tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=_fit(rows, headers, 4, width)))
        lines.append("")
    results = [[r.rule_id, result_words(r), str(r.checked), str(r.failed), visible(r.note or r.title)]
               for r in report.results]
    result_headers = ["rule", "result", "checked", "failed", "title / note"]
    if width < NARROW:
        lines += _stacked([[rule, f"{status}, {checked} checked, {failed} failed", "", "", note]
                           for rule, status, checked, failed, note in results], width)
    else:
        lines.append(tabulate(results, headers=result_headers, tablefmt="simple",
                              maxcolwidths=_fit(results, result_headers, 4, width), disable_numparse=True,
                              colalign=("left", "left", "right", "right", "left")))
    lines.append("")
    for note in report.notes:
        lines.append(textwrap.fill(visible(f"note: {note}"), width, subsequent_indent="      ",
                                   break_on_hyphens=False, break_long_words=False))
    summary = textwrap.fill(_summary_line(report), width, break_on_hyphens=False)
    lines.append(_painted(summary, _VERDICT_COLOUR.get(report.summary.verdict), colour))
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ["rule_id", "severity", "status", "subject_table", "subject_key", "file", "sheet", "row", "column",
               "cell", "field", "message", "evidence", "reference", "remediation"]


#: the byte order mark a CSV starts with: Excel reads a CSV without it in the machine's code page (£ as Â£)
CSV_BOM = "\ufeff"


def render_csv(report: Report, *, max_findings: int | None = None) -> str:
    """One row per finding (a spreadsheet the officer can filter and send on); the first ``max_findings`` of
    each rule when given. The text starts with a byte order mark (``CSV_BOM``), so that written as UTF-8 — to a
    file or to stdout — it is UTF-8 with BOM, which Excel opens with ``£`` and accents intact."""
    shown, _ = shown_findings(report, max_findings)
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for seg, start, stop in shown.chunks():
        rows = _block_csv_rows(seg, start, stop) if isinstance(seg, FindingBlock) else None
        if rows is None:
            found = (seg.finding(i) if isinstance(seg, FindingBlock) else seg[i] for i in range(start, stop))
            rows = map(_csv_row, found)
        writer.writerows(_safe_rows(rows))
    return visible(buffer.getvalue())


def _csv_row(f: Finding) -> list[object]:
    loc = f.location
    return [f.rule_id, f.severity, f.status, f.subject.table, f.subject.key or "", loc.file, loc.sheet or "",
            loc.row if loc.row is not None else "", loc.column or "", loc.cell or "", loc.field or "", f.message,
            json.dumps(f.evidence, ensure_ascii=False), f.reference, f.remediation]


def _block_csv_rows(block: FindingBlock, start: int, stop: int) -> Iterable[Sequence[object]] | None:
    """``_csv_row`` of a block's rows ``start:stop``, column by column (None: word them one by one)."""
    evidence = block.evidence_json(start, stop)
    if evidence is None:
        return None
    n = stop - start
    keys = [k or "" for k in block.keys[start:stop].tolist()]
    same = [block.rule_id, block.severity, "fail", block.table]
    where = [block.file, block.sheet or ""]
    column = [block.column or ""]
    after_cell = [block.field or ""]
    return zip(*(repeat(v, n) for v in same), keys, *(repeat(v, n) for v in where), block.rows[start:stop].tolist(),
               *(repeat(v, n) for v in column), block.cells(start, stop), *(repeat(v, n) for v in after_cell),
               block.message_list(start, stop), evidence, repeat(block.reference, n), repeat(block.remediation, n),
               strict=False)


# Markdown that provider text could turn into markup: links and images ([click](javascript:...)), code spans,
# emphasis, the table's own separator — each escaped with a backslash; and raw HTML (<script>, <img onerror>):
# "<" and ">" are written as the entities &lt; and &gt; (Python-Markdown, unlike CommonMark, keeps a backslash
# before "<" and would still pass the tag through), with an "&" that would start an entity written as &amp;.
_MD_SPECIAL = re.compile(r"([\\`*\[\]|])")
_MD_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_MD_HTML = re.compile(r"[<>]|&(?=#?\w+;)")


def _md(text: object) -> str:
    """Provider or rule text as markdown that renders as that text and nothing more, on one line."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return _MD_HTML.sub(lambda m: _MD_ENTITY[m.group()], escaped).replace("\r\n", " ").replace("\n", " ") \
        .replace("\r", " ")




# OWASP CSV injection: a cell starting with one of these is a formula to Excel and LibreOffice
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text_cell(value: object) -> object:
    """A CSV cell that a spreadsheet would run as a formula, made text with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe_rows(rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
    for row in rows:
        yield [_as_text_cell(value) for value in row]


def render_markdown(report: Report, *, max_findings: int | None = SHOWN_PER_RULE) -> str:
    """A letter-ready summary: what failed, where, why it matters, what would fix it (the first ``max_findings``
    findings of each rule, then how many more)."""
    shown, omitted = shown_findings(report, max_findings)
    extents = _extents(report)
    s = report.summary
    out = [
        f"# Workforce schedule check: {_md(report.schedule.title)}",
        "",
        f"- **File:** {_md(report.input.path)} ({report.input.kind}, sha256 "
        f"`{report.input.sha256[:12]}…`)",
        *(f"- **{label}:** {_md(value)}" for label, value in header_facts(report)),
        f"- **Schedule:** {_md(report.schedule.id)} v{_md(report.schedule.version)} — {_md(report.schedule.council)}",
        f"- **Judged as of:** {report.as_of.date} ({_md(report.as_of.basis)})",
        f"- **Verdict:** **{s.verdict}** — {s.rules_failed} of {s.rules_checked} rules failed",
        "",
        "## Results by rule",
        "",
        "| rule | title | severity | result | checked | failed |",
        "|---|---|---|---|---:|---:|",
    ]
    for r in report.results:
        out.append(f"| {r.rule_id} | {_md(r.title)} | {r.severity} | {result_words(r)} | {r.checked} "
                   f"| {r.failed} |")
    if report.findings:
        out += ["", "## Findings", ""]
        current = None
        for f, last_of_rule in _with_ends(shown):
            if f.rule_id != current:
                current = f.rule_id
                if out[-1]:
                    out.append("")  # a heading right under a table row would be read as one more row
                out += [f"### {f.rule_id} — {_md(f.title)} ({f.severity})", "",
                        f"*Reference:* {_md(f.reference)}  ", f"*What would fix it:* {_md(f.remediation)}", ""]
                if f.rule_id in extents:
                    out += [f"**{_md(extents[f.rule_id])}.**", ""]
                out += ["| where | subject | finding |", "|---|---|---|"]
            waived = ""
            if f.status == "waived":
                w = f.waiver or {}
                waived = (f" *(waived: {_md(w.get('reason', ''))} — approved by {_md(w.get('approved_by', ''))}, "
                          f"until {w.get('expires', '')})*")
            out.append(f"| {_md(where(f))} | {_md(f.subject.key or '')} | {_md(f.message)}{waived} |")
            if last_of_rule and omitted.get(f.rule_id):
                out += ["", more_line(omitted[f.rule_id])]
    if report.notes:
        out += ["", "## Notes", ""] + [f"- {_md(n)}" for n in report.notes]
    return visible("\n".join(out) + "\n")


def _extents(report: Report) -> dict[str, str]:
    """The sentence saying how widespread each rule's failures are, for the rules that have one
    (``RuleResult.extent``: a row rule failing on more than ``EXTENT_OVER`` rows)."""
    return {r.rule_id: r.extent.text for r in report.results if r.extent is not None}


def _with_ends(findings: Iterable[Finding]) -> Iterator[tuple[Finding, bool]]:
    """Each finding, and whether it is the last of its rule."""
    previous: Finding | None = None
    for f in findings:
        if previous is not None:
            yield previous, previous.rule_id != f.rule_id
        previous = f
    if previous is not None:
        yield previous, True


def render_html(report: Report, **options: object) -> str:
    """One self-contained HTML page: ``contractcheck.report.html.render_html`` (Jinja2 is imported only when a
    page is asked for). Options: ``max_findings=`` (default 200 of each rule), ``templates=`` (a council's
    folder of templates)."""
    from contractcheck.report.html import render_html as render

    return render(report, **options)  # type: ignore[arg-type]


#: each takes the report and ``max_findings=`` (at most so many findings of each rule; None: all)
RENDERERS: dict[str, Callable[..., str]] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
    # for build pipelines (contractcheck.report.pipeline): CI test results, code scanning, Actions annotations
    "junit": render_junit,
    "sarif": render_sarif,
    "github": render_github,
    "html": render_html,
}
