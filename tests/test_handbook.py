"""The schedule handbook: a schedule and its rules written out for a tender pack (markdown and HTML).

The golden handbook is regenerated with ``CONTRACTCHECK_UPDATE_GOLDEN=1 pytest tests/test_handbook.py``;
read the diff before committing it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from contractcheck import __version__
from contractcheck.authoring.handbook import schedule_handbook
from contractcheck.errors import UsageError
from contractcheck.rules import compile_schedule, load_rules, load_schedule

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CONTRACTCHECK_UPDATE_GOLDEN") == "1"
OXFORDSHIRE = "oxfordshire-help-to-live-at-home"
LIBRARY = load_rules()


def handbook(schedule_name: str, fmt: str = "markdown", rules_paths: list[Path] | None = None) -> str:
    schedule = load_schedule(schedule_name)
    library = load_rules(rules_paths) if rules_paths else LIBRARY
    return schedule_handbook(schedule, compile_schedule(schedule, library)[1], fmt)


def section(text: str, rule_id: str) -> str:
    """The markdown of one rule's section, from its heading to the next rule's."""
    start = text.index(f"### {rule_id} — ")
    end = text.find("\n### ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def write_schedule(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "tender.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------
# Markdown


def test_markdown_lists_every_rule_of_the_schedule_with_its_title():
    text = handbook(OXFORDSHIRE)
    _, rules = compile_schedule(load_schedule(OXFORDSHIRE), LIBRARY)
    assert text.startswith("# Oxfordshire Help to Live at Home — home care workforce schedule\n")
    for cr in rules:
        assert f"| {cr.rule.id} | {cr.rule.title} |" in text  # the summary table
        assert f"### {cr.rule.id} — {cr.rule.title}" in text  # its own section


def test_markdown_includes_the_data_rules():
    text = handbook(OXFORDSHIRE)
    for rid in ("DATA-01", "DATA-02", "DATA-03", "DATA-04", "DATA-05", "DATA-06"):
        assert f"### {rid} — " in text


def test_markdown_gives_the_schedule_details_and_date_basis():
    text = handbook(OXFORDSHIRE)
    assert "- **Council:** Oxfordshire County Council" in text
    assert "version 2026.2" in text
    assert "hourly rates are judged against the floors in force on the last day of the return period" in text.lower()
    assert f"contractcheck {__version__}" in text


def test_parameter_shows_its_value_in_this_schedule():
    app = section(handbook(OXFORDSHIRE), "APP-01")
    assert "| `per_value` | £500,000 (set by this schedule; the same as the default) |" in app


def test_rule_shows_its_check_working_and_expected_message():
    app = section(handbook(OXFORDSHIRE), "APP-01")
    assert "- **Passes when:** `in_post >= required`" in app
    assert ('| `required` | `ceil(value_judged / per_value) if rounding == "part" else '
            'floor(value_judged / per_value)` |') in app
    assert ("**Expected message:** *Contract value £1,650,000 over the whole term ÷ £500,000 = 3.3 → 3 "
            "apprentice(s) required (rounded down: one per whole slice); 1 in post at 30 June 2025.*") in app


def test_example_records_are_small_tables():
    app = section(handbook(OXFORDSHIRE), "APP-01")
    # the contract is key/value: two columns
    assert "| field | value |\n|---|---|\n| `contract_ref` | C1 |" in app
    assert "| `contract_value` | £1,650,000 |" in app
    # workforce is a list of records: the fields given, one row each
    assert "| worker_id | apprentice | hourly_rate | zero_hours | leave_date |" in app
    assert "| A2 | Y | £12.21 | N | 1 May 2025 |" in app
    assert "##### Example 2: three required, one in post and one who left — fails" in app


def test_not_applicable_example_reads_does_not_apply():
    cc = section(handbook(OXFORDSHIRE), "CC-01")
    assert "##### Example 8: a care co-ordinator is not in scope — does not apply" in cc


def test_missing_sheet_and_blank_behaviour_in_words():
    text = handbook(OXFORDSHIRE)
    cost = section(text, "COST-01")  # the schedule overrides when_missing to fail
    assert "if the return has no Costs sheet, the rule fails" in cost
    assert "set by this schedule; without it the rule would not apply" in cost
    assert "rows with a blank needed value are not judged (the data rules report the blank)" in section(text, "PAY-01")
    # ZHC-01: a blank zero-hours reason fails (Oxfordshire's rules now leave a blank they cannot settle unjudged)
    assert "- **Blank values:** a blank counts as a failure" in section(handbook("leicester-homecare"), "ZHC-01")


def test_glossary_lists_only_the_functions_used():
    text = handbook("statutory-minimum")
    glossary = text[text.index("## Appendix B"):text.index("## Appendix C")]
    assert "| `lowest_floor(date_of_birth, age, apprentice, apprenticeship_start, first, last)` |" in glossary
    assert "`living_wage(" not in glossary  # PAY-03 uses it, but this schedule does not include PAY-03
    assert "`share(" not in glossary


def test_schedule_that_overrides_a_parameter_shows_the_override(tmp_path):
    path = write_schedule(tmp_path, """\
        id: small-tender
        title: Small tender
        council: Example Council
        source: Example tender pack
        version: "1"
        rules: [APP-01, PAY-01]
        params:
          APP-01:
            per_value: 250000
        overrides:
          PAY-01:
            severity: major
        """)
    text = handbook(str(path))
    app = section(text, "APP-01")
    assert "£250,000 (default £500,000)" in app
    assert "set by this schedule" in app
    assert "examples are worked with the rule's default parameters" in app
    assert "major *(set by this schedule; the rule's own severity: critical)*" in section(text, "PAY-01")
    assert "| PAY-01 | Hourly pay at or above the statutory minimum for the worker's age | major |" in text


def test_schedule_that_extends_another_says_so_and_shows_the_merged_rules(tmp_path):
    path = write_schedule(tmp_path, """\
        id: oxfordshire-plus
        title: Oxfordshire plus the Real Living Wage
        council: Oxfordshire County Council
        source: Example tender pack
        version: "1"
        extends: oxfordshire-help-to-live-at-home
        rules: [PAY-03]
        params:
          APP-01: {per_value: 250000}
        """)
    text = handbook(str(path))
    assert ("- **Builds on:** Oxfordshire Help to Live at Home — home care workforce schedule "
            "(`oxfordshire-help-to-live-at-home`, version 2026.2).") in text
    assert "### PAY-03 — " in text and "### COST-01 — " in text  # its own rule and an inherited one
    assert "£250,000 (default £500,000)" in section(text, "APP-01")
    assert "the rule fails: this schedule requires it" in section(text, "COST-01")  # inherited override


def test_parameter_that_changes_on_a_date_shows_each_value_with_its_dates(tmp_path):
    path = write_schedule(tmp_path, """\
        id: dated
        title: Dated
        council: Example Council
        source: Example
        version: "1"
        rules: [APP-01]
        params:
          APP-01:
            per_value:
              - {from: 2025-04-01, value: 500000}
              - {from: 2026-04-01, value: 250000}
        """)
    app = section(handbook(str(path)), "APP-01")
    assert "£500,000 until 31 March 2026; £250,000 from 1 April 2026 (default £500,000)" in app


def test_rule_with_two_versions_gets_a_section_for_each(tmp_path):
    rules = tmp_path / "versions.yaml"
    version = """\
          - id: VER-01
            title: Hourly rate recorded
            severity: minor
            scope: workforce
            assert: present(hourly_rate)
            message: Worker {{worker_id}} has no hourly rate.
            reference: Clause {clause}
            remediation: Record the rate.
            {dates}
        """
    rules.write_text("rules:\n" + textwrap.dedent(version).format(clause="4.1", dates="effective_to: 2026-03-31")
                     + textwrap.dedent(version).format(clause="4.2", dates="effective_from: 2026-04-01"),
                     encoding="utf-8")
    schedule = write_schedule(tmp_path, """\
        id: versions
        title: Versions
        council: Example Council
        source: Example
        version: "1"
        rules: [VER-01]
        """)
    text = handbook(str(schedule), rules_paths=[rules])
    assert "### VER-01 — Hourly rate recorded (version in force until 31 March 2026)" in text
    assert "### VER-01 — Hourly rate recorded (version in force from 1 April 2026)" in text
    assert "| VER-01 | Hourly rate recorded | minor | returns | until 31 March 2026 |" in text
    page = handbook(str(schedule), "html", rules_paths=[rules])
    assert 'id="ver-01-until-31-march-2026"' in page and 'href="#ver-01-from-1-april-2026"' in page


def test_markdown_escapes_rule_text_that_would_read_as_markup(tmp_path):
    rules, schedule = _awkward_rule(tmp_path)
    text = handbook(str(schedule), rules_paths=[rules])
    assert r"Pay \& conditions" not in text  # & needs no escape in markdown ...
    assert r"\<review\>" in text  # ... but < would start HTML
    assert r"a \| b" in text  # and | would split a table cell


# ------------------------------------------------------------------------------------------------
# HTML


class TagChecker(HTMLParser):
    """Checks that tags nest and close properly, and collects the page's text."""

    VOID = {"meta", "br", "hr", "img", "link", "input", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(page)
    checker.close()
    return checker


def test_html_is_one_balanced_self_contained_page():
    page = handbook(OXFORDSHIRE, "html")
    checker = parse(page)
    assert checker.problems == []
    assert checker.stack == []
    assert page.startswith("<!DOCTYPE html>")
    assert {"html", "head", "style", "body", "table", "h1", "h3"} <= checker.tags
    assert "script" not in checker.tags and "link" not in checker.tags  # no scripts, no external stylesheets
    assert "http://" not in page and "https://" not in page
    assert "@media print" in page


def test_html_says_what_the_markdown_says():
    page = parse(handbook(OXFORDSHIRE, "html"))
    text = " ".join("".join(page.text).split())
    assert "£500,000 (set by this schedule; the same as the default)" in text
    assert "Contract value £1,650,000 over the whole term ÷ £500,000 = 3.3 → 3 apprentice(s) required" in text
    assert "count(workforce, apprentice and (is_blank(leave_date) or leave_date > period_end))" in text


def test_html_escapes_rule_text(tmp_path):
    rules, schedule = _awkward_rule(tmp_path)
    page = handbook(str(schedule), "html", rules_paths=[rules])
    assert "Pay &amp; conditions &lt;review&gt;" in page
    assert "<review>" not in page
    assert "hourly_rate &lt; 100 and" in page  # an expression with < in it
    checker = parse(page)
    assert checker.problems == [] and checker.stack == []
    assert "Pay & conditions <review>" in "".join(checker.text)


# ------------------------------------------------------------------------------------------------
# Determinism and the golden handbook


def handbook_in_a_new_process(fmt: str, hash_seed: str) -> str:
    """The handbook written by a fresh interpreter, with its own string-hash seed (set and dict order may differ)."""
    code = ("import sys; from contractcheck.authoring.handbook import schedule_handbook; "
            "from contractcheck.rules import compile_schedule, load_rules, load_schedule; "
            f"s = load_schedule({OXFORDSHIRE!r}); "
            f"sys.stdout.write(schedule_handbook(s, compile_schedule(s, load_rules())[1], {fmt!r}))")
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_output_is_the_same_in_two_processes_with_different_hash_seeds(fmt):
    first = handbook_in_a_new_process(fmt, "1")
    assert first == handbook_in_a_new_process(fmt, "2")
    assert first == handbook(OXFORDSHIRE, fmt)


def test_unknown_format_is_refused_with_the_formats_it_knows():
    schedule = load_schedule(OXFORDSHIRE)
    with pytest.raises(UsageError) as refused:
        schedule_handbook(schedule, compile_schedule(schedule, LIBRARY)[1], "pdf")  # type: ignore[arg-type]
    assert refused.value.message == "handbook format must be one of markdown, html, not 'pdf'"


def test_handbook_matches_golden():
    path = GOLDEN / f"handbook-{OXFORDSHIRE}.md"
    text = handbook(OXFORDSHIRE)
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path.name} is missing; run with CONTRACTCHECK_UPDATE_GOLDEN=1 to create it")
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from the golden handbook"


# ------------------------------------------------------------------------------------------------


def _awkward_rule(tmp_path: Path) -> tuple[Path, Path]:
    """A rule whose text has the characters markup gives meaning to, and a schedule including it."""
    rules = tmp_path / "awkward.yaml"
    rules.write_text(textwrap.dedent("""\
        rules:
          - id: AWK-01
            title: Pay & conditions <review>
            severity: minor
            scope: workforce
            description: Pay is judged as a | b in the review.
            assert: hourly_rate < 100 and hourly_rate >= 0
            message: Worker {worker_id} is paid {hourly_rate} & more.
            reference: Clause 7 <b>bold</b>
            remediation: Check the rate.
            examples:
              - name: ok
                expect: pass
                workforce: [{worker_id: "<W1>", hourly_rate: 13, zero_hours: "N"}]
        """), encoding="utf-8")
    schedule = write_schedule(tmp_path, """\
        id: awkward
        title: Awkward & <odd> schedule
        council: Example Council
        source: Example
        version: "1"
        rules: [AWK-01]
        """)
    return rules, schedule


# what a provider reading a handbook (or a finding's reference and fix) must never meet: our file paths, Python
# calling conventions, notes about how the project was researched
_INTERNAL = re.compile(r"contractcheck/|\.py\b|reference= from Python|project's|project seed|\bseed\b")


@pytest.mark.parametrize("schedule", ["statutory-minimum", "leicester-homecare", "gloucestershire-homecare-training",
                                      "norfolk-workforce-development-fund", "oxfordshire-help-to-live-at-home",
                                      "oxfordshire-tender",
                                      "ascwds-format", "ethical-care-charter-homecare"])
def test_handbook_for_providers_carries_no_internal_paths_or_development_notes(schedule):
    from contractcheck.authoring.handbook import schedule_handbook
    from contractcheck.rules import compile_schedule, load_rules, load_schedule

    loaded = load_schedule(schedule)
    _, compiled = compile_schedule(loaded, load_rules())
    text = schedule_handbook(loaded, compiled, "markdown")
    found = sorted({m.group() for m in _INTERNAL.finditer(text)})
    assert found == [], found
