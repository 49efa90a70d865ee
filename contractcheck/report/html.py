"""Report stage: the report as one self-contained HTML page (``--format html``) to read on screen, print on A4
or attach to a letter.

The page is rendered by Jinja2 from the templates shipped in ``contractcheck/report/templates/`` —
``report.html`` (the page) and ``report.css`` (its style, inlined into the page's ``<style>``) — with
autoescaping on, so text from the provider's file (a worker id ``<script>…``) is shown as text and never
becomes markup. The page holds no script, loads nothing (no link, image, font or style from anywhere else) and
says so to the browser with a Content-Security-Policy. A council's own templates of the same names, in a folder
given with ``--template DIR`` (``templates=``), replace the shipped ones; any template they do not replace is
the shipped one.

Each rule shows its first ``max_findings`` findings (``SHOWN_PER_RULE_HTML`` unless asked otherwise), then how
many more there are: the page is built from the report's columnar findings (``Findings.first_per_rule``), so a
return with a million failing rows gives a page of a few hundred findings a rule, never a million objects.

The templates are given ``page``, a plain mapping of what to show, already worded (``page_of`` documents its
keys), and ``report``, the whole ``Report``, for a council's template that wants a key the page does not word.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from contractcheck.errors import TemplateError
from contractcheck.position import Position
from contractcheck.report.findings import as_findings
from contractcheck.report.model import Finding, Report, RuleResult
from contractcheck.report.shown import header_facts, more_line, result_words, visible, where
from contractcheck.return_format import return_format
from contractcheck.severity import SEVERITIES
from contractcheck.wording import iso_date_words, value_words

#: findings of one rule the HTML page shows unless --max-findings says otherwise: a printed page stays a
#: document someone reads; the JSON and CSV keep every finding
SHOWN_PER_RULE_HTML = 200

#: the templates the page is made of; a --template folder replaces any of them by holding a file of that name
TEMPLATE_NAMES = ("report.html", "report.css")
PAGE_TEMPLATE = "report.html"

def render_html(report: Report, *, max_findings: int | None = SHOWN_PER_RULE_HTML,
                templates: str | os.PathLike[str] | None = None) -> str:
    """The report as one HTML page (UTF-8 text ending in a newline).

    ``max_findings``: show at most this many findings of each rule, then ``… and N more``; None shows them all.
    ``templates``: a folder of a council's own templates (``report.html``, ``report.css``) that replace the
    shipped ones. Raises ``TemplateError`` (exit 2, one line) when a template cannot be found, read, parsed or
    rendered.
    """
    env = environment(templates)
    try:
        template = env.get_template(PAGE_TEMPLATE)
        text = template.render(page=page_of(report, max_findings), report=report)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template {exc.name or exc.filename}: {exc.message}",
                            location=Position(file=exc.filename or exc.name, line=exc.lineno)) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {exc.name!r} not found in {_searched(templates)}") from None
    except jinja2.TemplateError as exc:  # undefined names, a filter misused: found while rendering
        raise TemplateError(f"template {_template_in_error(exc)}could not be rendered: {exc.message or exc}") \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"a template in {_searched(templates)} cannot be read: {exc}") from None
    return visible(text if text.endswith("\n") else text + "\n")


def environment(templates: str | os.PathLike[str] | None = None) -> jinja2.Environment:
    """The Jinja2 environment the page is rendered in: a council's folder first (when given), then the shipped
    templates; autoescaping on for every template, undefined names an error rather than blank text.

    Raises ``TemplateError`` when ``templates`` is not a folder, or holds none of ``TEMPLATE_NAMES`` (a council's
    template under another name would silently not be used)."""
    shipped = jinja2.PackageLoader("contractcheck.report", "templates")
    loader: jinja2.BaseLoader = shipped
    if templates is not None:
        folder = Path(templates)
        if not folder.is_dir():
            raise TemplateError(f"--template {folder}: no such folder (give a folder holding report.html and/or "
                                "report.css)")
        if not any((folder / name).is_file() for name in TEMPLATE_NAMES):
            raise TemplateError(f"--template {folder} holds none of {', '.join(TEMPLATE_NAMES)}: a template "
                                "replaces the shipped one of the same name")
        loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder), shipped])
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def check_templates(templates: str | os.PathLike[str]) -> None:
    """Refuse, before any file is checked, a ``--template`` folder that is missing or whose templates do not
    parse (``TemplateError``)."""
    env = environment(templates)
    for name in TEMPLATE_NAMES:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template {exc.name or name}: {exc.message}",
                                location=Position(file=exc.filename or exc.name, line=exc.lineno)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"template {name} in {templates} cannot be read: {exc}") from None


def _searched(templates: str | os.PathLike[str] | None) -> str:
    return f"{os.fspath(templates)} or the shipped templates" if templates is not None else "the shipped templates"


def _template_in_error(exc: jinja2.TemplateError) -> str:
    """``/path/report.html line 12: `` for the innermost template frame of the exception (Jinja2 rewrites the
    traceback so a template's frames carry its file and line), or nothing when there is none."""
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "top-level template code" or code.co_name.startswith(("block ", "template")):
            found = f"{code.co_filename} line {tb.tb_lineno}: "
        tb = tb.tb_next
    return found


def page_of(report: Report, max_findings: int | None = SHOWN_PER_RULE_HTML) -> dict[str, Any]:
    """What the page shows, worded, as plain values a template reads.

    Keys: ``title``; ``verdict`` (``compliant``/``non-compliant``) and ``verdict_line`` (``11 of 19 rules
    failed``); ``facts``: ``[(label, text)]`` for the head (provider or bidder, contract or tender reference,
    period, as-of date and its basis, schedule, file); ``counts``: ``[{"severity", "count", "waived"}]`` in
    severity order (failing findings; waived ones apart); ``results``: one mapping a rule (``rule_id``,
    ``title``, ``severity``, ``status``, ``status_words``, ``reference``, ``checked``, ``failed``,
    ``not_judged``, ``waived``, ``note``, ``measures`` as ``[(name, value)]``, ``extent`` (sentence or None),
    ``anchor`` (the id of its findings, or None)); ``groups``: the findings by rule (``rule_id``, ``title``,
    ``severity``, ``reference``, ``remediation``, ``extent``, ``anchor``, ``findings``, ``more`` (the ``… and N
    more`` line or None)), each finding a mapping (``where``, ``subject``, ``message``, ``evidence`` as
    ``[(name, value)]``, ``waived``, ``waiver`` (who accepted it, why and until when, or None), ``remediation``
    (only when it differs from its rule's)); ``notes``; ``shown_per_rule`` (None: all); ``input``,
    ``schedule`` (the report's own); ``version``.
    """
    findings = as_findings(report.findings)
    shown, omitted = (findings, {}) if max_findings is None else findings.first_per_rule(max_findings)
    tally = findings.tally()
    waived_by_severity = dict.fromkeys(SEVERITIES, 0)
    for (_, severity, status), n in tally.items():
        if status == "waived":
            waived_by_severity[severity] += n
    groups = _groups(shown, omitted, report.results)
    with_findings = {g["rule_id"] for g in groups}
    s = report.summary
    facts = [*header_facts(report),
             ("As of", f"{iso_date_words(report.as_of.date)} ({report.as_of.basis})"),
             ("Schedule", f"{report.schedule.title} ({report.schedule.id} v{report.schedule.version})"
              + (f", {report.schedule.council}" if report.schedule.council else "")),
             ("File", f"{report.input.path} ({report.input.kind}, SHA-256 {report.input.sha256[:12]}…)")]
    return {
        "title": _title(report),
        "verdict": s.verdict,
        "verdict_line": f"{s.rules_failed} of {s.rules_checked} rules failed",
        "facts": facts,
        "counts": [{"severity": sev, "count": s.findings.get(sev, 0), "waived": waived_by_severity[sev]}
                   for sev in SEVERITIES],
        "results": [_result(r, with_findings) for r in report.results],
        "groups": groups,
        "notes": list(report.notes),
        "shown_per_rule": max_findings,
        "input": report.input,
        "schedule": report.schedule,
        "version": report.contractcheck_version,
    }


def _title(report: Report) -> str:
    who = header_facts(report)
    name = who[0][1] if who and who[0][0] in ("Provider", "Bidder") else report.input.path
    return f"Workforce schedule check: {name} — {report.schedule.title}"


def _anchor(rule_id: str) -> str:
    return "rule-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in rule_id)


def _result(r: RuleResult, with_findings: set[str]) -> dict[str, Any]:
    spaced = (r.note or "").replace("_", " ")
    measures = [(name.replace("_", " "), _value(value)) for name, value in r.measures.items()
                if name.replace("_", " ") not in spaced]  # the note already words a measure the rule names
    return {"rule_id": r.rule_id, "title": r.title, "severity": r.severity, "status": r.status,
            "status_words": result_words(r), "reference": r.reference, "checked": r.checked,
            "failed": r.failed, "not_judged": r.not_judged, "waived": r.waived, "note": r.note,
            "measures": measures, "extent": r.extent.text if r.extent is not None else None,
            "anchor": _anchor(r.rule_id) if r.rule_id in with_findings else None}


def _groups(shown: Iterable[Finding], omitted: dict[str, int], results: list[RuleResult]) -> list[dict[str, Any]]:
    """The findings shown, by rule in the report's order, each rule with its clause, fix, extent and the
    ``… and N more`` line."""
    extents = {r.rule_id: r.extent.text for r in results if r.extent is not None}
    groups: list[dict[str, Any]] = []
    for f in shown:
        if not groups or groups[-1]["rule_id"] != f.rule_id:
            groups.append({"rule_id": f.rule_id, "title": f.title, "severity": f.severity,
                           "reference": f.reference, "remediation": f.remediation,
                           "extent": extents.get(f.rule_id), "anchor": _anchor(f.rule_id), "findings": [],
                           "more": more_line(omitted[f.rule_id]) if omitted.get(f.rule_id) else None})
        group = groups[-1]
        group["findings"].append({
            "where": where(f), "subject": f.subject.key or "", "message": f.message,
            "evidence": evidence_words(f.evidence),
            "waived": f.status == "waived", "waiver": _waiver_words(f.waiver) if f.status == "waived" else None,
            "remediation": f.remediation if f.remediation != group["remediation"] else None})
    return groups


def _waiver_words(waiver: dict[str, Any] | None) -> str:
    w = waiver or {}
    parts = [str(w.get("reason") or "no reason given")]
    if w.get("approved_by"):
        parts.append(f"approved by {w['approved_by']}" + (f" on {w['approved_on']}" if w.get("approved_on") else ""))
    if w.get("expires"):
        parts.append(f"until {w['expires']}")
    return "; ".join(parts)


#: an ISO date as the JSON report holds a date (``2026-09-30``)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@cache
def _field_types() -> dict[str, str]:
    """The value type of each field of the return format by its name (``hourly_rate`` → ``money``), the first
    table's where two tables share a name."""
    types: dict[str, str] = {}
    for table in return_format().tables.values():
        for name, spec in table.fields.items():
            types.setdefault(name, str(spec.type))
    return types



def evidence_words(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's evidence as a reader reads it: ``[(label, value)]`` in the finding's order, the label the
    key in words (``judged_on`` → ``judged on``), the value worded by its field's type where the key is a field
    of the return format (``contract_value`` 1650000 → ``£1,650,000``, ``hourly_rate`` 10.5 → ``£10.50``), else
    by what it is: an ISO date as ``30 September 2026``, a number with at most two decimals (``10.9474`` →
    ``10.95``), yes/no, a list joined. Helper keys ending in ``_words`` (text a message is built from) are left
    out."""
    types = _field_types()
    shown: list[tuple[str, str]] = []
    for name, value in evidence.items():
        if name.endswith("_words"):
            continue
        type_ = types.get(name)
        if type_ not in ("money", "percent", "number", "date", "yesno"):
            type_ = None
        if isinstance(value, str) and _ISO_DATE.fullmatch(value) and type_ in (None, "date"):
            words = iso_date_words(value)
        elif isinstance(value, (list, tuple, dict)) or (type_ is None and not isinstance(value, (int, float))):
            words = _value(value)  # text as it is, yes/no, a list joined, a blank as "blank"
        else:
            number = type_ is None and not isinstance(value, bool)
            words = value_words(value, "number" if number else type_)
        shown.append((name.replace("_", " "), words))
    return shown


def _value(value: Any) -> str:
    """An evidence or measure value as the JSON holds it, in words: text as it is, a blank as ``blank``,
    yes/no, numbers as written (GBP and shares are plain numbers there: the finding's sentence words them)."""
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value) if value else "none"
    return json.dumps(value, ensure_ascii=False)
