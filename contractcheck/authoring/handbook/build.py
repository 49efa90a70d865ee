"""Building a schedule's handbook: the words for each rule, parameter, example and appendix, as a ``Document``.

Everything a reader of the handbook sees is worded here, once; ``markdown`` and ``html`` only draw it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from contractcheck._version import __version__
from contractcheck.as_of import DateBasis
from contractcheck.authoring.handbook.document import (
    Block,
    Bullets,
    Document,
    Facts,
    Heading,
    Inline,
    Para,
    Section,
    Span,
    TableBlock,
    _b,
    _c,
    _i,
    _t,
)
from contractcheck.return_format import ReturnFormat, return_format
from contractcheck.rules import CompiledRule, Example, LoadedSchedule, ParamSpec, Rule, rule_functions
from contractcheck.rules.compile import History, history_of
from contractcheck.severity import SEVERITY_MEANING
from contractcheck.value_types import TYPE_WORDS
from contractcheck.wording import long_date, number, value_words

FUNCTIONS = rule_functions()

# ------------------------------------------------------------------------------------------------
# Words for values and settings

EXPECT_WORDS = {"pass": "passes", "fail": "fails", "not_applicable": "does not apply"}
KIND_WORDS = {"return": "returns", "bid": "bids", "grant": "grant applications"}
#: what one file of each kind is called in a sentence
THING_WORDS = {"return": "return", "bid": "bid", "grant": "grant application"}


def format_param(value: Any, type_: str) -> str:
    """A parameter value as a reader expects it: £500,000, 50%, 12, 1 April 2025, yes, a, b, c."""
    return value_words(value, type_, blank="none")


def _same_value(a: Any, b: Any, type_: str) -> bool:
    """Whether two parameter values are the same once read as their type (500000 == 500000.0)."""
    def norm(v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return tuple(v)
        if type_ in ("money", "percent", "number") and not isinstance(v, bool):
            try:
                return float(v)
            except (TypeError, ValueError):
                return v
        if type_ == "date" and isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                return v
        return v

    return norm(a) == norm(b)


def _record_value(value: Any, type_: str | None) -> Span:
    """A cell of an example record, as written in the rule (numbers tidied, dates spelled out)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _i("blank")
    if isinstance(value, bool):
        return _t("yes" if value else "no")
    if isinstance(value, dt.date):
        return _t(long_date(value))
    if isinstance(value, (int, float)):
        if type_ == "money":
            return _t(format_param(value, "money"))
        return _t(number(float(value)))
    if isinstance(value, (list, tuple)):
        return _t(", ".join(str(x) for x in value))
    return _t(str(value))


def as_of_words(basis: DateBasis | dt.date, kind: Literal["return", "bid", "grant"]) -> tuple[str, str]:
    """The schedule's date basis: a short name and a sentence on what it means for a provider."""
    thing = THING_WORDS[kind]
    if isinstance(basis, dt.date) and kind == "grant":
        return (f"a fixed date, {long_date(basis)}",
                (f"Every {thing} is judged as at {long_date(basis)}: closing dates and other dates the rules "
                 f"use are worked out on it."))
    if isinstance(basis, dt.date):
        return (f"a fixed date, {long_date(basis)}",
                (f"Every {thing} is judged as at {long_date(basis)}, whatever period it covers: hourly rates are "
                 f"judged against the floors in force on that date, and ages, expiry dates and deadlines are "
                 f"worked out on it."))
    if basis == "period_start":
        return ("the first day of the return period (period_start)",
                ("Hourly rates are judged against the floors in force on the first day of the return period, "
                 "and ages, expiry dates and deadlines are worked out on that day."))
    if basis == "contract_start":
        return ("the contract start date (contract_start)",
                ("Hourly rates are judged against the floors in force on the day the contract starts, and ages "
                 "and deadlines are worked out on that day."))
    return ("the last day of the return period (period_end)",
            ("Hourly rates are judged against the floors in force on the last day of the return period, and "
             "ages, expiry dates and deadlines are worked out on that day."))


def _fallback_words(basis: DateBasis | dt.date, kind: Literal["return", "bid", "grant"]) -> str:
    """What happens when the return or bid lacks the date the schedule judges on (``as_of_candidates``): no other
    date stands in for it."""
    if isinstance(basis, dt.date):
        return ""
    thing = THING_WORDS[kind]
    return (f" If a {thing} does not give that date, or gives one that cannot be read, it is not checked until the "
            f"date is put right or a date to judge on is given (--as-of); no other date stands in for it.")


def _kinds_words(kinds: list[str]) -> str:
    words = [KIND_WORDS.get(k, k) for k in kinds]
    return " and ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} and {words[-1]}"


def in_force_words(rule: Rule) -> str:
    f, t = rule.effective_from, rule.effective_to
    if f and t:
        return f"from {long_date(f)} to {long_date(t)}"
    if f:
        return f"from {long_date(f)}"
    if t:
        return f"until {long_date(t)}"
    return "always"


def fields_read(cr: CompiledRule, fmt: ReturnFormat) -> set[tuple[str, str]]:
    """(table, field) pairs of the return format a compiled rule reads."""
    used: set[tuple[str, str]] = set()
    for compiled in (cr.filter, *cr.lets.values(), cr.assertion):
        if compiled is not None:
            used |= {(t, f) for t, f in compiled.fields_used if f != "*"}
    if cr.rule.check == "required_fields":
        for tname, table in fmt.tables.items():
            used |= {(tname, f) for f, spec in table.fields.items() if spec.required}
    return used


def _sheets_needed(cr: CompiledRule, fmt: ReturnFormat) -> list[str]:
    """Titles of the row sheets (Workforce, Training, Costs) without which the rule cannot run."""
    tables: set[str] = set()
    for compiled in (cr.filter, *cr.lets.values(), cr.assertion):
        if compiled is not None:
            tables |= {t for t, _ in compiled.fields_used}
    if cr.row_table:
        tables.add(cr.row_table)
    order = list(fmt.tables)
    rows = [t for t in tables if t in fmt.tables and fmt.tables[t].layout == "rows"]
    return [fmt.tables[t].title for t in sorted(rows, key=order.index)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


# ------------------------------------------------------------------------------------------------
# Building the document


def build_handbook(schedule: LoadedSchedule, rules: list[CompiledRule]) -> Document:
    """The handbook as a document structure (what both renderers draw)."""
    s = schedule.schedule
    fmt = return_format().with_extra_fields(s.fields)
    thing = THING_WORDS[s.kind]
    basis_name, basis_sentence = as_of_words(s.as_of, s.kind)
    fallback = _fallback_words(s.as_of, s.kind)
    blocks: list[Block] = [Heading(1, [_t(s.title)], "top")]
    blocks.append(Para([_t(f"This handbook sets out each rule a provider's {thing} is checked against under this "
                          f"schedule: what it asks, the values the schedule sets, what happens when data is missing "
                          f"or blank, and worked examples.")]))
    blocks.append(Facts([
        ("Council", [_t(s.council)]),
        ("Schedule", [_c(s.id), _t(f", version {s.version}")]),
        ("Checks", [_t(f"provider {KIND_WORDS.get(s.kind, s.kind)}")]),
        ("Source", [_t(s.source)]),
        *_builds_on(schedule),
        ("Judged as at", [_t(f"{basis_name}. {basis_sentence}{fallback}")]),
        ("Generated by", [_t(f"contractcheck {__version__} from the schedule file "), _c(Path(schedule.file).name),
                          _t(" (sha256 "), _c(schedule.digest[:12]), _t(")")]),
    ]))
    if s.description:
        blocks.append(Para([_t(s.description)]))

    blocks.append(Section(Heading(2, [_t("How to read this handbook")], "how-to-read"), [
        Para([_t(f"Each rule is checked against the provider's {thing} and, for each rule, the result is that it "),
              _b("passes"), _t(", "), _b("fails"), _t(" (with a finding for each row or value that breaks it) or "),
              _b("does not apply"), _t(" (for example, when no rows are in scope). A rule's severity says how "
                                        "serious a failure is:")]),
        Facts([(sev, [_t(meaning)]) for sev, meaning in SEVERITY_MEANING.items()]),
        Para([_t("Under \u201cWhat is checked\u201d each rule shows the exact test in code formatting; "
                 "Appendix C explains how to read it, and Appendix B lists the functions it uses.")]),
    ], "intro"))

    anchors = rule_anchors(rules)
    summary_rows = [[[Span("link", cr.rule.id, anchor)], [_t(cr.rule.title)], [_t(cr.severity)],
                     [_t(_kinds_words(cr.rule.kinds()))], [_t(in_force_words(cr.rule))]]
                    for cr, anchor in zip(rules, anchors, strict=True)]
    blocks.append(Section(Heading(2, [_t("Rules at a glance")], "summary"), [
        Para([_t(f"This schedule includes {len(rules)} rule{'s' if len(rules) != 1 else ''}.")]),
        TableBlock(["id", "title", "severity", "applies to", "in force"], summary_rows, kind="summary"),
    ], "summary"))

    versioned = {cr.rule.id for cr in rules if sum(1 for other in rules if other.rule.id == cr.rule.id) > 1}
    rule_sections: list[Block] = [_rule_section(cr, schedule, fmt, anchor, cr.rule.id in versioned)
                                  for cr, anchor in zip(rules, anchors, strict=True)]
    blocks.append(Section(Heading(2, [_t("The rules")], "rules"), rule_sections, "rules"))
    blocks.append(_fields_appendix(rules, fmt, thing))
    blocks.append(_functions_appendix(rules))
    blocks.append(_reading_appendix(thing))
    return Document(s.title, blocks)


def _builds_on(schedule: LoadedSchedule) -> list[tuple[str, Inline]]:
    """The schedules this one extends, nearest first (their rules, parameters and settings apply too)."""
    if not schedule.chain:
        return []
    words: Inline = []
    for i, parent in enumerate(schedule.chain):
        p = parent.schedule
        words += [_t(", which builds on " if i else ""), _t(f"{p.title} ("), _c(p.id), _t(f", version {p.version})")]
    words.append(_t(". Its rules, parameters and settings apply here too, as changed by this schedule; this "
                    "handbook shows the result."))
    return [("Builds on", words)]


def _what_is_checked(cr: CompiledRule, fmt: ReturnFormat) -> list[Block]:
    rule = cr.rule
    facts: list[tuple[str, Inline]] = []
    if cr.row_table is None:
        things = [THING_WORDS.get(k, k) for k in rule.kinds()]
        whole = " or ".join(things) if len(things) < 3 else f"{', '.join(things[:-1])} or {things[-1]}"
        facts.append(("Checked", [_t(f"once for the whole {whole}")]))
    else:
        title = fmt.tables[rule.scope].title if rule.scope in fmt.tables else rule.scope
        noun = fmt.tables[rule.scope].row_noun if rule.scope in fmt.tables else "row"
        facts.append(("Checked", [_t(f"for each {noun} (each row of the {title} sheet)")]))
    blocks: list[Block] = []
    if rule.check == "required_fields":
        facts.append(("Test", [_t("a built-in check: every sheet the format requires is there, and every required "
                                  "column and value is present and not blank")]))
        req = []
        for table in fmt.tables.values():
            names = [f for f, spec in table.fields.items() if spec.required]
            if names:
                when = f" (sheet required in {_kinds_words(list(table.required_in))})" if table.required_in else \
                    " (when the sheet is given)"
                req.append([_b(f"{table.title}{when}: "), *_code_list(names)])
        blocks.append(Facts(facts))
        blocks.append(Para([_t("Required columns and values, by sheet (Appendix A lists the fields the rules read):")]))
        blocks.append(Bullets(req))
    elif rule.check == "values_parse":
        facts.append(("Test", [_t("a built-in check: every value can be read as its column's type (amounts of money, "
                                  "numbers, percentages, dates, yes/no), every column has a heading, and no heading "
                                  "is used twice")]))
        blocks.append(Facts(facts))
    else:
        if rule.filter:
            facts.append(("Only where", [_c(rule.filter)]))
        if rule.assert_:
            facts.append(("Passes when", [_c(rule.assert_)]))
        if cr.point_at:
            facts.append(("Findings point at", [_t("the cell for "), _c(cr.point_at)]))
        if rule.measures():
            shown: list = []
            for i, name in enumerate(rule.measures()):
                shown += ([_t(", ")] if i else []) + [_c(name)]
            facts.append(("Every result shows", [*shown, _t(", pass or fail")]))
        blocks.append(Facts(facts))
        if rule.let:
            blocks.append(Para([_t("Working (named values the test uses, worked out in this order):")]))
            blocks.append(TableBlock(["name", "worked out as"], [[[_c(n)], [_c(x)]] for n, x in rule.let.items()],
                                     kind="working"))
    blocks.append(Para([_b("A failure reads: "), _i(rule.message)]))
    return blocks


def _code_list(names: list[str]) -> Inline:
    out: Inline = []
    for i, n in enumerate(names):
        if i:
            out.append(_t(", "))
        out.append(_c(n))
    return out


def history_words(history: History, type_: str) -> str:
    """A value that may change on dates: '£12.00 until 31 March 2026; £12.60 from 1 April 2026'.

    As when rules run, the first value also applies before its own start date.
    """
    if len(history) == 1:
        return format_param(history[0][1], type_)
    parts = []
    for i, (start, value) in enumerate(history):
        text = format_param(value, type_)
        if i and start is not None:
            text += f" from {long_date(start)}"
        next_start = history[i + 1][0] if i + 1 < len(history) else None
        if next_start is not None:
            text += f" until {long_date(next_start - dt.timedelta(days=1))}"
        parts.append(text)
    return "; ".join(parts)


def _same_history(a: History, b: History, type_: str) -> bool:
    return len(a) == len(b) and all(sa == sb and _same_value(va, vb, type_)
                                    for (sa, va), (sb, vb) in zip(a, b, strict=True))


def _parameters(cr: CompiledRule) -> tuple[list[Block], bool]:
    """The parameter table, and whether any value in this schedule differs from the rule's default."""
    rule = cr.rule
    rows: list[list[Inline]] = []
    differs = False
    for name, spec in rule.params.items():
        history = cr.param_history[name]  # as compiled: the schedule's value, else the default
        shown = history_words(history, spec.type)
        if spec.default is None:
            cell = [_t(shown), _t(" (set by this schedule; the rule has no default)")]
        elif not _same_history(history, history_of(spec.default), spec.type):
            differs = True
            default = history_words(history_of(spec.default), spec.type)
            cell = [_t(shown), _t(f" (default {default}) \u2014 set by this schedule")]
        elif name in cr.param_overridden:
            cell = [_t(shown), _t(" (set by this schedule; the same as the default)")]
        else:
            cell = [_t(shown), _t(" (the default)")]
        rows.append([[_c(name)], cell, [_t(spec.description or "")]])
    if not rows:
        return [], False
    return [TableBlock(["parameter", "value in this schedule", "meaning"], rows, kind="params")], differs


def _missing_and_blank(cr: CompiledRule, fmt: ReturnFormat, thing: str) -> list[tuple[str, Inline]]:
    rule = cr.rule
    if rule.check == "required_fields":
        return [("When the sheet is missing", [_t("a missing required sheet is itself a failure of this check")]),
                ("Blank values", [_t("a blank required value is a failure of this check")])]
    if rule.check:
        return [("When the sheet is missing", [_t("only the sheets given are read; a missing required sheet is "
                                                  "reported by the required-fields check")]),
                ("Blank values", [_t("blank cells are not read, so they never fail this check")])]
    sheets = _sheets_needed(cr, fmt)
    facts: list[tuple[str, Inline]] = []
    if sheets:
        named = " or ".join(sheets)
        if cr.when_missing == "fail":
            missing: Inline = [_t(f"if the {thing} has no {named} sheet, the rule fails: this schedule requires "
                                  f"{'it' if len(sheets) == 1 else 'them'}")]
        else:
            missing = [_t(f"if the {thing} has no {named} sheet, the rule does not apply (reported as not "
                          f"applicable)")]
        if cr.when_missing != rule.when_missing:
            default = "fail" if rule.when_missing == "fail" else "not apply"
            missing.append(_i(f" (set by this schedule; without it the rule would {default})"))
        missing.append(_t("; a missing column counts as blank"))
        facts.append(("When the sheet is missing", missing))
    else:
        facts.append(("When the sheet is missing", [_t(f"the rule reads only the {thing}'s own details, so no "
                                                       f"sheet can be missing; a missing value counts as blank")]))
    blank = {
        "skip": "rows with a blank needed value are not judged (the data rules report the blank)",
        "fail": "a blank counts as a failure",
    }
    facts.append(("Blank values", [_t(blank[rule.when_blank])]))
    return facts


def rule_anchors(rules: list[CompiledRule]) -> list[str]:
    """An id for each rule's section: its rule id, with its dates where the id has several versions."""
    anchors: list[str] = []
    for cr in rules:
        anchor = _slug(cr.rule.id)
        if sum(1 for other in rules if other.rule.id == cr.rule.id) > 1:
            anchor += "-" + _slug(in_force_words(cr.rule))
        while anchor in anchors:
            anchor += "-x"
        anchors.append(anchor)
    return anchors


def _rule_section(cr: CompiledRule, schedule: LoadedSchedule, fmt: ReturnFormat, anchor: str,
                  versioned: bool = False) -> Section:
    rule = cr.rule
    s = schedule.schedule
    thing = THING_WORDS[s.kind]
    blocks: list[Block] = []
    if rule.description:
        blocks.append(Para([_t(rule.description)]))
    severity: Inline = [_t(cr.severity)]
    if cr.severity != rule.severity:
        severity.append(_i(f" (set by this schedule; the rule's own severity: {rule.severity})"))
    reference: Inline = [_t(cr.reference)]
    if cr.reference != rule.reference:
        reference.append(_i(f" (set by this schedule; the rule's own reference: {rule.reference})"))
    blocks.append(Facts([
        ("Severity", severity),
        ("Applies to", [_t(_kinds_words(rule.kinds()))]),
        ("In force", [_t(in_force_words(rule))]),
        ("Reference", reference),
        ("What would fix a failure", [_t(rule.remediation)]),
    ]))
    blocks.append(Section(Heading(4, [_t("What is checked")]), _what_is_checked(cr, fmt), "checked"))
    param_blocks, differs = _parameters(cr)
    if param_blocks:
        blocks.append(Section(Heading(4, [_t("Parameters")]), param_blocks, "params"))
    blocks.append(Section(Heading(4, [_t("Missing and blank data")]), [Facts(_missing_and_blank(cr, fmt, thing))],
                          "missing"))
    if rule.examples:
        ex_blocks: list[Block] = []
        if differs:
            ex_blocks.append(Para([_t("The examples are worked with the rule's default parameters, not this "
                                      "schedule's values.")], note=True))
        for n, example in enumerate(rule.examples, 1):
            ex_blocks.append(_example_section(rule, n, example, fmt))
        blocks.append(Section(Heading(4, [_t("Examples")]), ex_blocks, "examples"))
    title = f"{rule.id} \u2014 {rule.title}"
    if versioned:
        title += f" (version in force {in_force_words(rule)})"
        blocks.insert(0, Para([_t("This rule has more than one version; each return is judged by the version in "
                                  "force on the date it is judged as at.")], note=True))
    return Section(Heading(3, [_t(title)], anchor), blocks, "rule")


def _example_section(rule: Rule, n: int, example: Example, fmt: ReturnFormat) -> Section:
    result = EXPECT_WORDS.get(example.expect, example.expect)
    blocks: list[Block] = []
    facts: list[tuple[str, Inline]] = [("Expected result", [_b(f"{result}")])]
    if example.as_of:
        facts.append(("Judged as at", [_t(long_date(example.as_of))]))
    if example.params:
        spec: dict[str, ParamSpec] = rule.params
        items: Inline = []
        for i, (k, v) in enumerate(example.params.items()):
            if i:
                items.append(_t("; "))
            items += [_c(k), _t(" = " + format_param(v, spec[k].type if k in spec else "text"))]
        facts.append(("Parameters for this example", items))
    blocks.append(Facts(facts))
    for tname, records in example.tables().items():
        table_spec = fmt.tables.get(tname)
        title = table_spec.title if table_spec else tname.capitalize()
        types = {f: s.type for f, s in table_spec.fields.items()} if table_spec else {}
        if isinstance(records, dict):
            rows = [[[_c(str(k))], [_record_value(v, types.get(str(k)))]] for k, v in records.items()]
            blocks.append(TableBlock(["field", "value"], rows, [_t(f"{title} sheet")], "records keyvalue"))
        else:
            columns: list[str] = []
            for rec in records:
                for k in rec:
                    if str(k) not in columns:
                        columns.append(str(k))
            rows = [[[_record_value(rec.get(c), types.get(c))] if c in rec else [] for c in columns]
                    for rec in records]
            blocks.append(TableBlock(columns, rows, [_t(f"{title} sheet")], "records"))
    if example.message:
        blocks.append(Para([_b("Expected message: "), _i(" ".join(example.message.split()))]))
    return Section(Heading(5, [_t(f"Example {n}: {example.name} \u2014 {result}")]), blocks, "example")


def _fields_appendix(rules: list[CompiledRule], fmt: ReturnFormat, thing: str) -> Section:
    readers: dict[tuple[str, str], list[str]] = {}
    for cr in rules:
        for key in fields_read(cr, fmt):
            readers.setdefault(key, []).append(cr.rule.id)
    rows: list[list[Inline]] = []
    for tname, table in fmt.tables.items():
        for fname, spec in table.fields.items():
            ids = readers.get((tname, fname))
            if not ids:
                continue
            rows.append([[_t(table.title)], [_c(fname)], [_t(TYPE_WORDS[spec.type])],
                         [_t("yes" if spec.required else "")], [_t(", ".join(ids))]])
    extra = sorted(k for k in readers if k[0] not in fmt.tables or k[1] not in fmt.tables[k[0]].fields)
    for tname, fname in extra:
        rows.append([[_t(tname)], [_c(fname)], [_t("")], [_t("")], [_t(", ".join(readers[(tname, fname)]))]])
    checkers = [cr.rule.id for cr in rules if cr.rule.check == "required_fields"]
    required = f"; {', '.join(checkers)} reports them when they are missing or blank" if checkers else ""
    return Section(Heading(2, [_t("Appendix A: fields of the return the rules read")], "appendix-fields"), [
        Para([_t(f"Columns (and contract details) the rules of this schedule read, by sheet. \u201cRequired\u201d "
                 f"fields must be filled in every {thing} that has the sheet{required}. Headings are matched "
                 f"forgivingly: case, spaces, punctuation and units in brackets are ignored.")]),
        TableBlock(["sheet", "field", "type", "required", "read by"], rows, kind="fields"),
    ], "appendix")


def _functions_appendix(rules: list[CompiledRule]) -> Section:
    used: list[str] = []
    for cr in rules:
        for compiled in (cr.filter, *cr.lets.values(), cr.assertion):
            for name in compiled.functions_used if compiled is not None else []:
                if name not in used:
                    used.append(name)
    rows = [[[_c(FUNCTIONS[n].signature)], [_t(FUNCTIONS[n].doc)]] for n in sorted(used)]
    blocks: list[Block] = [Para([_t("The functions the checks in this schedule use, with what each gives.")])]
    if rows:
        blocks.append(TableBlock(["function", "gives"], rows, kind="functions"))
    else:
        blocks.append(Para([_t("The checks in this schedule use no functions.")]))
    return Section(Heading(2, [_t("Appendix B: functions used in the checks")], "appendix-functions"), blocks,
                   "appendix")


def _reading_appendix(thing: str) -> Section:
    rows = [
        ("and, or, not", "both true; either true; the opposite"),
        ("==, !=", "equal to; not equal to (text is compared ignoring case)"),
        ("<, <=, >, >=", "less than; at most; more than; at least"),
        ("x in list", "x is one of the listed values (ignoring case)"),
        ("a if condition else b", "a where the condition holds, otherwise b"),
        ("+, -, *, /", "add, subtract, multiply, divide"),
        ("as_of", f"the date the {thing} is judged as at (see the top of this handbook)"),
    ]
    return Section(Heading(2, [_t("Appendix C: reading the checks")], "appendix-reading"), [
        Para([_t(f"A check names the columns of the {thing} (such as "), _c("hourly_rate"),
              _t("), the rule's parameters (such as "), _c("per_value"), _t(") and its named working, and combines "
                                                                          "them with:")]),
        TableBlock(["written", "means"], [[[_c(a)], [_t(b)]] for a, b in rows], kind="operators"),
        Para([_t("A comparison with a blank value is neither true nor false: the row is not judged (unless the rule "
                 "says a blank counts as a failure), and the data rules report the blank instead.")]),
    ], "appendix")

