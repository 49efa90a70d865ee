"""Readable views of what exists: rules and schedules as tables, one rule or schedule in full.

These are for people deciding what a schedule should hold, so they show the words (title, reference,
parameters with their values in a schedule), not the machinery.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from tabulate import tabulate

from contractcheck.errors import UsageError
from contractcheck.return_format import return_format
from contractcheck.rules import (
    CompiledRule,
    LoadedSchedule,
    Rule,
    RuleLibrary,
    SourcedRule,
    bundled_dir,
    compile_rule,
    compile_schedule,
    load_schedule,
)
from contractcheck.wording import shorten as _short
from contractcheck.wording import value_words as format_value


def _in_force(sr: SourcedRule) -> str:
    r = sr.rule
    if not r.effective_from and not r.effective_to:
        return "always"
    return f"{r.effective_from or '…'} to {r.effective_to or 'now'}"


def _param_value(cr: CompiledRule, name: str) -> str:
    spec = cr.rule.params[name]
    history = cr.param_history[name]
    ty = spec.type
    if len(history) == 1:
        shown = format_value(history[0][1], ty)
    else:
        shown = "; ".join(f"{format_value(v, ty)} from {start}" if start else format_value(v, ty)
                          for start, v in history)
    if name in cr.param_overridden:
        same = len(history) == 1 and history[0][1] == _coerced_default(cr, name)
        shown += " (set by the schedule)" if same else f" (default {format_value(spec.default, ty)})"
    return shown


def _coerced_default(cr: CompiledRule, name: str) -> Any:
    default = cr.rule.params[name].default
    return tuple(default) if isinstance(default, list) else (float(default) if isinstance(default, int) else default)


def _shown_path(path: str) -> str:
    """Paths relative to where the user is, when they are below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _tagged(rule: Rule, tags: set[str] | None) -> bool:
    return not tags or bool(tags & {t.casefold() for t in rule.tags})


def rules_table(library: RuleLibrary, schedule: LoadedSchedule | None = None, tags: list[str] | None = None) -> str:
    """The rules as a table (in a schedule: with its parameter values); ``tags``: only rules with any of them.

    Raises ``UsageError`` when no rule carries any of the tags, naming the tags in use.
    """
    wanted = {t.casefold() for t in tags} if tags else None
    if wanted and not any(_tagged(sr.rule, wanted) for vs in library.versions.values() for sr in vs):
        known = sorted({t for vs in library.versions.values() for sr in vs for t in sr.rule.tags})
        raise UsageError(f"no rule is tagged {', '.join(sorted(wanted))}; tags in use: {', '.join(known)}")
    if schedule is not None:
        _, compiled = compile_schedule(schedule, library)
        rows = [[cr.rule.id, _short(cr.rule.title, 60), cr.severity, cr.rule.scope, ", ".join(cr.rule.kinds()),
                 _in_force(cr.source),
                 "; ".join(f"{n}={_param_value(cr, n)}" for n in cr.rule.params) or "-"]
                for cr in compiled if _tagged(cr.rule, wanted)]
        head = f"Rules in {schedule.schedule.id} ({schedule.schedule.title})\n\n"
        return head + tabulate(rows, headers=["id", "title", "severity", "scope", "applies to", "in force",
                                              "parameters"]) + "\n"
    rows = []
    for rid, versions in sorted(library.versions.items()):
        for sr in versions:
            r = sr.rule
            if _tagged(r, wanted):
                rows.append([rid, _short(r.title, 60), r.severity, r.scope, ", ".join(r.kinds()), _in_force(sr),
                             ", ".join(r.tags) or "-", _short(r.reference, 50)])
    return tabulate(rows, headers=["id", "title", "severity", "scope", "applies to", "in force", "tags",
                                   "reference"]) + "\n"


def find_rule(library: RuleLibrary, rule_id: str) -> list[SourcedRule]:
    versions = library.versions.get(rule_id) or library.versions.get(rule_id.upper())
    if not versions:
        known = ", ".join(sorted(library.versions))
        raise UsageError(f"unknown rule '{rule_id}'; known rules: {known}")
    return versions


def rule_detail(library: RuleLibrary, rule_id: str, schedule: LoadedSchedule | None = None) -> str:
    """One rule in full: what it checks, its parameters (in a schedule if given), where it comes from."""
    out: list[str] = []
    fmt = return_format()
    for sr in find_rule(library, rule_id):
        r = sr.rule
        if schedule is not None:
            compiled = [cr for cr in compile_schedule(schedule, library)[1] if cr.source is sr]
            if not compiled:
                raise UsageError(f"schedule {schedule.schedule.id} does not include {r.id}")
            cr = compiled[0]
        else:
            cr = compile_rule(sr, None, fmt)
        lines: list[tuple[str, Any]] = [
            ("rule", f"{r.id} — {r.title}"),
            ("defined in", f"{_shown_path(sr.file)}:{sr.line}"),
            ("version", r.version_label()),
            ("severity", cr.severity + (" (set by the schedule)" if cr.severity != r.severity else "")),
            ("scope", f"{r.scope} (applies to {', '.join(r.kinds())})"),
            ("in force", _in_force(sr)),
            ("tags", ", ".join(r.tags) or "-"),
            ("description", r.description or "-"),
            ("filter", r.filter or "every row"),
        ]
        lines += [(f"let {name}", text) for name, text in r.let.items()]
        lines += [("assert", r.assert_ or f"built-in check: {r.check}")]
        lines += [(f"param {n}", f"{_param_value(cr, n)} — {spec.description}") for n, spec in r.params.items()]
        lines += [
            ("blank values", "a blank counts as a failure" if r.when_blank == "fail" else
             "rows with a blank needed value are not judged (the DATA rules report the blank)"),
            ("missing sheet", "fails" if cr.when_missing == "fail" else "the rule does not apply"),
            ("message", r.message),
            ("reference", cr.reference),
            ("remediation", r.remediation),
            ("examples", ", ".join(f"{e.name} ({e.expect})" for e in r.examples) or "none"),
        ]
        if schedule is not None:
            lines.insert(1, ("schedule", f"{schedule.schedule.id} v{schedule.schedule.version}"))
        width = max(len(k) for k, _ in lines)
        out.append("\n".join(f"{k.ljust(width)}  {v}" for k, v in lines))
    return "\n\n".join(out) + "\n"


def schedules_table() -> str:
    rows = []
    for path in sorted(bundled_dir("schedules").glob("*.y*ml")):
        s = load_schedule(str(path)).schedule
        rows.append([s.id, _short(s.title, 55), s.council, s.version, s.kind, s.extends or "-", len(s.rules)])
    return tabulate(rows, headers=["id", "title", "council", "version", "kind", "extends", "rules"]) + "\n"


def schedule_detail(schedule: LoadedSchedule, library: RuleLibrary) -> str:
    s = schedule.schedule
    basis = s.as_of.isoformat() if isinstance(s.as_of, dt.date) else s.as_of
    head = [
        ("schedule", f"{s.id} v{s.version} — {s.title}"),
        ("council", s.council),
        ("source", s.source),
        ("file", _shown_path(schedule.file)),
        ("extends", " → ".join(schedule.lineage()[1:]) or "-"),
        ("kind", s.kind),
        ("judged as of", basis),
    ]
    width = max(len(k) for k, _ in head)
    text = "\n".join(f"{k.ljust(width)}  {v}" for k, v in head)
    return text + "\n\n" + rules_table(library, schedule).split("\n\n", 1)[1]


def explain(library: RuleLibrary, rule_id: str, schedule: LoadedSchedule | None = None) -> str:
    """A rule in full plus its examples run for real, so the arithmetic of a finding can be followed."""
    from contractcheck.authoring.examples import explain_example

    text = [rule_detail(library, rule_id, schedule)]
    for sr in find_rule(library, rule_id):
        for example in sr.rule.examples:
            outcome = explain_example(sr, example)
            text.append(f"example: {example.name} — expected to {example.expect.replace('_', ' ')}, "
                        f"got {outcome.result.status.replace('_', ' ')}")
            for finding in outcome.findings[:3]:
                text.append(f"  finding: {finding.message}")
                if finding.evidence:
                    shown = ", ".join(f"{k}={v}" for k, v in finding.evidence.items())
                    text.append(f"  evidence: {shown}")
            if outcome.result.note:
                text.append(f"  note: {outcome.result.note}")
    return "\n".join(text) + "\n"


def functions_table() -> str:
    """Every function a rule expression may call (the language's own and the pay functions): signature and doc.

    Read from the registry the compiler uses (``rules.rule_functions()``), so it is never out of date.
    """
    from contractcheck.rules import rule_functions

    entries = sorted(rule_functions().values(), key=lambda e: e.name)
    rows = [[e.signature, _short(e.doc, 90), "yes" if any(p.fixed for p in e.params) else ""] for e in entries]
    return tabulate(rows, headers=["function", "gives", "needs a fixed value"]) + "\n"

