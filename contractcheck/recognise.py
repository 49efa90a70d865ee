"""Is this file a return at all? A rule file, a schedule or an unrelated workbook gets "cannot check", not a verdict.

Why this module exists: given a file with none of the return's tables and no heading row the return format knows,
the check used to judge it anyway — every rule "missing", NON-COMPLIANT, exit 1 — as if a provider had sent a bad
return. A file that is not a return at all is a mistake of the person running the check, so it is one line, exit 2:
what the file looks like (a rule file, a schedule, a workbook with sheets X and Y), what a return has, and the
nearest names the file holds. A file with any recognised table or heading row is a return, however poor, and is
judged as before.
"""

from __future__ import annotations

import difflib
import re
import shlex

from contractcheck.errors import InputError, Location
from contractcheck.load import Source
from contractcheck.normalise import Dataset
from contractcheck.normalise.headings import canonical_heading, heading_index
from contractcheck.return_format import ReturnFormat

#: top-level keys that say what kind of contractcheck YAML a file is
_YAML_KINDS = [({"id", "title"}, "a schedule (keys id, title, rules)"), ({"rules"}, "a rule file (a 'rules:' list)"),
               ({"waivers"}, "a waiver file (a 'waivers:' list)"), ({"statutory_periods"}, "a pay-rate table"),
               ({"periods"}, "a pay-rate table")]


#: a sheet of one bid in a workbook holding several: "Bid A" / "Costs A", "Bid - Cherwell" / "Costs - Cherwell"
_BID_SHEET = re.compile(r"^\s*(bid|costs?)\s*[-–—:(]?\s*(?P<label>.*?)\s*\)?\s*$", re.IGNORECASE)


def bid_sheets(names: list[str]) -> dict[str, dict[str, str]]:
    """The bids of a workbook with a sheet per bid, from its sheet names: label → ``{"Bid": sheet, "Costs":
    sheet}`` for two or more sheets named ``Bid <label>`` (each with its ``Costs <label>`` where there is one; the
    label is any text, matched ignoring case), in the workbook's order. Fewer than two: empty (it is one bid, or
    none)."""
    found: dict[str, dict[str, str]] = {}
    labels: dict[str, str] = {}
    for name in names:
        m = _BID_SHEET.match(name)
        if m is None or not m.group("label"):
            continue
        key = m.group("label").casefold()
        labels.setdefault(key, m.group("label"))
        found.setdefault(key, {})["Bid" if m.group(1).lower() == "bid" else "Costs"] = name
    bids = {labels[key]: sheets for key, sheets in found.items() if "Bid" in sheets}
    return bids if len(bids) >= 2 else {}


def refuse_if_not_a_return(source: Source, data: Dataset, fmt: ReturnFormat, kind: str = "return",
                           schedule_id: str = "SCHEDULE") -> None:
    """Raise ``InputError`` when nothing in ``source`` is a table of the return format: no table found by its
    name (a single CSV is always "the Workforce table", so for it: no heading row found either). A workbook
    with a sheet per bid (:func:`bid_sheets`) is told to use ``contractcheck compare``."""
    if data.tables or data.keyvalues or (data.found and not source.single_unnamed_table):
        return
    names = source.table_names()
    bids = bid_sheets(names) if source.kind_hint == "workbook" else {}
    if bids:
        sheets = _listed([s["Bid"] for s in bids.values()])
        command = f"contractcheck compare {shlex.quote(source.given)} -s {schedule_id}"
        raise InputError(f"holds {len(bids)} bids, a sheet per bid ({sheets}): compare them, a row per bid, with: "
                         f"{command}", location=Location(file=source.given))
    headings = _headings(source, names) if source.kind_hint != "mapping" else []
    looks = _looks_like(source, names, headings)
    expected_tables = [spec.title for spec in fmt.tables.values() if kind in spec.required_in]
    expected_tables = expected_tables or [spec.title for spec in fmt.tables.values() if kind in spec.used_in]
    single = fmt.tables[fmt.single_table]
    required = [name for name, spec in single.fields.items() if spec.required][:4]
    plural = "s" if len(expected_tables) > 1 else ""
    expected = f"a {kind} has the {' and '.join(expected_tables)} {source.table_word}{plural}"
    if kind in single.used_in:  # only a kind that carries the single table may come as one CSV of it
        expected += f", or is a .csv with {single.title} headings such as {', '.join(required)}"
    nearest = _nearest(names, headings, fmt)
    found = f"nearest names found: {', '.join(nearest)}" if nearest else "no name in it is near one a return uses"
    raise InputError(f"does not look like a return: it is {looks}; {expected}; {found}",
                     location=Location(file=source.given))


def _headings(source: Source, names: list[str]) -> list[str]:
    """The text of the first non-blank row of each table (at most 200 cells), for describing the file."""
    found: list[str] = []
    for name in names[:20]:
        try:
            peek = source.peek(name, 1)
        except InputError:
            continue
        for row in peek.rows[:1]:
            found.extend(str(cell) for cell in row[:200] if cell is not None and str(cell).strip())
    return found


def _looks_like(source: Source, names: list[str], headings: list[str]) -> str:
    if source.kind_hint == "mapping":
        keys = set(names)
        for marks, kind in _YAML_KINDS:
            if marks <= keys:
                return kind
        return f"a {source.path.suffix.lstrip('.').upper()} file with keys {_listed(names)}"
    if source.kind_hint == "workbook":
        return f"a workbook with sheets {_listed(names)}"
    if source.kind_hint == "csv_folder":
        return f"a folder of CSV files {_listed(names)}"
    return f"a CSV file with headings {_listed(headings)}" if headings else "a CSV file with no headings"


def _listed(names: list[str], most: int = 6) -> str:
    shown = ", ".join(repr(name[:40]) for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "") if names else "(none)"


def _nearest(names: list[str], headings: list[str], fmt: ReturnFormat) -> list[str]:
    """Names in the file close to a table or heading a return uses, each with what it may be meant as."""
    known: dict[str, str] = {}
    for table, spec in fmt.tables.items():
        for text in (spec.title, table, *spec.aliases):
            known.setdefault(canonical_heading(text), f"the {spec.title} table")
        for canonical, field in heading_index(spec).items():
            known.setdefault(canonical, field)
    out: list[str] = []
    for name in [*names, *headings]:
        canonical = canonical_heading(name)
        if not canonical:
            continue
        close = difflib.get_close_matches(canonical, list(known), n=1, cutoff=0.8)
        if close and f"{name!r}" not in " ".join(out):
            out.append(f"{name[:40]!r} (like {known[close[0]]})")
        if len(out) >= 3:
            break
    return out
