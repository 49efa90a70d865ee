"""Reports people act on: the head names whom a file is from, the markdown reads right when rendered, and the
HTML report is one self-contained, printable page — checked as a reader sees it, in a real headless browser."""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from contractcheck import check
from contractcheck.report.findings import Findings
from contractcheck.report.html import SHOWN_PER_RULE_HTML, evidence_words, page_of, render_html
from contractcheck.report.model import InputInfo, Report, Subject
from contractcheck.report.render import RENDERERS, render_json, render_markdown, render_table

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SCHEDULE = "oxfordshire-help-to-live-at-home"
#: the browser tests' PDF and screenshot, kept for a person to look at (git-ignored)
ARTEFACTS = ROOT / "tests" / "artefacts"

HOSTILE_ID = '<script>window.ran = 1; document.title = "ran"</script><img src="x.png" onerror="window.ran = 2">'
HOSTILE_LINK = "[x](javascript:alert(1))"


@pytest.fixture(scope="module")
def failing() -> Report:
    here = Path.cwd()
    os.chdir(ROOT)  # the report names the sample by the path given, as the goldens do
    try:
        return check("samples/failing-return.xlsx", SCHEDULE)
    finally:
        os.chdir(here)


def _hostile(report: Report) -> Report:
    """The failing report as if the provider had written markup into its name, a worker id and a message."""
    changed = [f.model_copy(update={"subject": Subject(table="workforce", key=HOSTILE_ID),
                                    "message": f"{f.message} {HOSTILE_LINK}"}) if i == 0 else f
               for i, f in enumerate(report.findings)]
    return report.model_copy(update={
        "input": report.input.model_copy(update={"provider_name": "<script>alert(1)</script> Care Ltd"}),
        "findings": Findings.in_order(changed)})


# -- the head: provider, contract reference, period ------------------------------------------------------------


def test_the_json_names_the_provider_the_contract_and_the_period(failing):
    given = json.loads(render_json(failing))["input"]
    assert given["provider_name"] == "Hilltop Care Services Ltd"
    assert given["contract_ref"] == "OCC-HTLAH-2015-11"
    assert (given["period_start"], given["period_end"]) == ("2026-07-01", "2026-09-30")
    assert "bidder_name" not in given and "tender_ref" not in given


def test_a_bid_names_the_bidder_and_the_tender_reference(monkeypatch):
    monkeypatch.chdir(ROOT)
    bid = check("samples/tender-bid.xlsx", "oxfordshire-tender")
    given = json.loads(render_json(bid))["input"]
    assert (given["bidder_name"], given["tender_ref"]) == ("Sunrise Domiciliary Care Ltd", "OCC-HTLAH-2027")
    assert "provider_name" not in given and "period_start" not in given
    assert "Bidder: Sunrise Domiciliary Care Ltd; Tender reference: OCC-HTLAH-2027" in render_table(bid)


def test_a_report_without_the_facts_reads_as_before():
    """The keys are left out when the file does not give them, so a report from before them is still valid."""
    info = InputInfo(path="r.xlsx", kind="return", sha256="0" * 64)
    assert info.model_dump(mode="json") == {"path": "r.xlsx", "kind": "return", "sha256": "0" * 64, "tables": {}}


def test_table_and_markdown_heads_name_them(failing):
    table_head = render_table(failing).split("\n\n")[0].splitlines()
    assert table_head[-1] == ("Provider: Hilltop Care Services Ltd; Contract reference: OCC-HTLAH-2015-11; "
                              "Period: 1 July 2026 to 30 September 2026")
    text = render_markdown(failing)
    for line in ("- **Provider:** Hilltop Care Services Ltd", "- **Contract reference:** OCC-HTLAH-2015-11",
                 "- **Period:** 1 July 2026 to 30 September 2026"):
        assert line in text


# -- markdown, as Python-Markdown renders it ---------------------------------------------------------------------


def test_every_rule_heading_of_the_markdown_golden_renders_as_a_heading():
    """A heading straight under a table row was read as one more row of that table."""
    text = (GOLDEN / "failing-return--oxfordshire-help-to-live-at-home.md").read_text(encoding="utf-8")
    page = markdown.markdown(text, extensions=["tables"])
    headings = [line[4:] for line in text.splitlines() if line.startswith("### ")]
    assert len(headings) == 11
    for heading in headings:
        rule_id = heading.split(" ")[0]
        assert f"<h3>{rule_id} — " in page, rule_id
        assert f"<td>### {rule_id}" not in page and f"<td>{rule_id} — " not in page


def test_provider_markup_in_markdown_comes_out_as_text(failing):
    page = markdown.markdown(render_markdown(_hostile(failing)), extensions=["tables"])
    assert "<script" not in page and "<img" not in page and "<a " not in page and "href" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Care Ltd" in page
    assert "[x](javascript:alert(1))" in page


# -- the HTML page -----------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """The tags, attributes and text of an HTML page, as a browser's parser would split them."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_page_is_self_contained_and_loads_nothing(failing):
    text = render_html(failing)
    page = _Page(text)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert (attrs.get("href") or "#").startswith("#"), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert "url(" not in text and "@import" not in text
    assert "default-src 'none'" in text  # the browser is told to load nothing, should anything try
    assert "@page { size: A4" in text


def test_the_page_says_what_a_reader_needs(failing):
    text = " ".join(" ".join(_Page(render_html(failing)).text).split())
    for said in ("Non-compliant", "11 of 19 rules failed", "Hilltop Care Services Ltd", "OCC-HTLAH-2015-11",
                 "1 July 2026 to 30 September 2026", "As of 30 September 2026 (period_end of the return)",
                 "PAY-01 — Hourly pay at or above the statutory minimum for the worker's age",
                 "Workforce!K2 W0101 Worker W0101 is paid £12.50 an hour",
                 "What would fix it Raise the worker's pay to at least the statutory minimum",
                 "no pay table in the return", "2 row(s) could not be judged",
                 "File samples/failing-return.xlsx (return, SHA-256"):
        assert said in text, said


def test_evidence_reads_in_words_not_field_names(failing):
    groups = {g["rule_id"]: g for g in page_of(failing)["groups"]}
    late = next(f for f in groups["CC-01"]["findings"] if f["subject"] == "W0107")
    assert ("judged on", "30 September 2026") in late["evidence"]
    assert ("care certificate date", "20 July 2026") in late["evidence"]
    apprentices = dict(groups["APP-01"]["findings"][0]["evidence"])
    assert apprentices["contract value"] == "£1,650,000"
    assert not any(label.endswith("words") for label in apprentices)
    assert dict(groups["PAY-02"]["findings"][0]["evidence"])["effective rate"] == "10.95"


def test_evidence_words_dates_money_numbers_and_leaves_out_helper_text():
    assert evidence_words({"judged_on": "2026-09-30", "hourly_rate": 10.5, "effective_rate": 10.9474,
                           "basis_words": "over the whole term", "zero_hours": True, "leave_date": None}) == [
        ("judged on", "30 September 2026"), ("hourly rate", "£10.50"), ("effective rate", "10.95"),
        ("zero hours", "yes"), ("leave date", "blank")]


def test_a_printed_rule_heading_is_kept_with_its_findings(failing):
    css = (ROOT / "contractcheck" / "report" / "templates" / "report.css").read_text(encoding="utf-8")
    printed = css.split("@media print", 1)[1]
    assert ".rule-head { break-inside: avoid; break-after: avoid; }" in printed
    page = render_html(failing)
    assert '<div class="rule-head">\n<h3>' in page


def test_provider_markup_in_the_page_is_text(failing):
    page = _Page(render_html(_hostile(failing)))
    assert not any(tag in ("script", "img") for tag, _ in page.tags)
    text = "".join(page.text)
    assert HOSTILE_ID in text and HOSTILE_LINK in text
    assert "<script>alert(1)</script> Care Ltd" in text


def test_waived_findings_are_shown_as_waived(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = check("samples/failing-return.xlsx", SCHEDULE, waivers="samples/waivers.yaml")
    text = render_html(report)
    row = text[text.index('<section class="rule-group" id="rule-PAY-02">'):]
    row = row[:row.index("</section>")]
    assert '<tr class="waived">' in row and '<span class="status waived">waived</span>' in row
    assert "Waived: " in row
    assert '<span class="waived-n">(+1 waived)</span>' in text


def test_each_rule_shows_the_first_200_findings_then_how_many_more(failing):
    one = next(f for f in failing.findings if f.rule_id == "DATA-02")
    many = failing.model_copy(update={"findings": Findings.in_order(
        [one.model_copy(update={"subject": Subject(table="workforce", key=f"W{i:04}")}) for i in range(230)])})
    text = render_html(many)
    assert SHOWN_PER_RULE_HTML == 200
    assert text.count('<td class="cell">') == 200
    assert "… and 30 more (see -f json/csv for all)" in text
    assert render_html(many, max_findings=5).count('<td class="cell">') == 5
    assert render_html(many, max_findings=None).count('<td class="cell">') == 230


def test_output_html_picks_the_format_and_is_written_whole(cli, tmp_path):
    out = tmp_path / "report.html"
    done = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", out, "--max-findings", "1")
    assert done.code == 1, done.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n")
    assert text.count('<td class="cell">') == 11  # the first finding of each of the 11 rules that failed
    assert "… and 1 more (see -f json/csv for all)" in text  # PAY-01's second
    assert text == RENDERERS["html"](check("samples/failing-return.xlsx", SCHEDULE), max_findings=1)


def test_a_council_template_replaces_the_shipped_one(cli, tmp_path):
    (tmp_path / "report.css").write_text("body { color: #123456 }\n", encoding="utf-8")
    done = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "html", "--template", tmp_path)
    assert done.code == 1, done.err
    assert "body { color: #123456 }" in done.out and "@page { size: A4" not in done.out
    assert "Hilltop Care Services Ltd" in done.out  # the shipped report.html, with the council's style


@pytest.mark.parametrize(("files", "needle"), [
    ({}, "holds none of report.html, report.css"),
    ({"report.html": "<p>{{ page.title </p>\n"}, "report.html:1"),
    ({"report.html": "<p>{{ page.no_such_key }}</p>\n"}, "report.html line 1: could not be rendered"),
    ({"report.html": '{% include "letterhead.html" %}\n'}, "template 'letterhead.html' not found"),
])
def test_a_broken_or_missing_template_is_one_line(cli, tmp_path, files, needle):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.html"
    done = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-o", out, "--template", tmp_path)
    assert done.code == 2 and done.out == ""
    assert done.err.count("\n") == 1 and done.err.startswith("error TEMPLATE: "), done.err
    assert needle in done.err
    assert "Traceback" not in done.err and not out.exists()


def test_template_is_for_the_html_report_only(cli, tmp_path):
    done = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "json", "--template", tmp_path)
    assert done.code == 2 and done.err.startswith("error USAGE: --template")
    missing = cli("check", "samples/failing-return.xlsx", "-s", SCHEDULE, "-f", "html", "--template",
                  tmp_path / "nope")
    assert missing.code == 2 and "no such folder" in missing.err


# -- in a real browser -------------------------------------------------------------------------------------------

BROWSER = os.environ.get("CONTRACTCHECK_BROWSER", "/usr/bin/chromium")
# no network at all: nothing in the background (updates, sync, safe browsing), a fresh profile per launch
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-default-apps",
                "--disable-extensions"]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (the system's, driven by Playwright) for every browser test of this module.

    Without a browser the tests are skipped, unless CONTRACTCHECK_BROWSER_TESTS=required (CI: .ci/run sets it),
    when they fail: CI must never pass by skipping them."""
    required = os.environ.get("CONTRACTCHECK_BROWSER_TESTS") == "required"
    found = shutil.which(BROWSER)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if found is None or sync_playwright is None:
        why = f"no browser at {BROWSER} (apt-get install chromium)" if found is None else "playwright not installed"
        if required:
            pytest.fail(f"CONTRACTCHECK_BROWSER_TESTS=required but {why}")
        pytest.skip(why)
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, temporary --user-data-dir of its own
        launched = playwright.chromium.launch(executable_path=found, headless=True, args=BROWSER_ARGS)
        yield launched
        launched.close()


def _open(browser, html_file: Path):
    """A page showing the file, and every request the page made (the file itself is the only one allowed)."""
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(html_file.as_uri())
    return page, requests


def test_in_a_browser_the_reader_sees_the_verdict_the_provider_and_the_cells(browser, failing, tmp_path):
    html_file = tmp_path / "report.html"
    html_file.write_text(render_html(failing), encoding="utf-8")
    page, requests = _open(browser, html_file)
    banner = page.locator("header.banner").inner_text()
    assert "Non-compliant" in banner and "11 of 19 rules failed" in banner
    assert "Hilltop Care Services Ltd" in banner and "OCC-HTLAH-2015-11" in banner
    row = page.locator("#rule-PAY-01 tbody tr").filter(has_text="Workforce!K2")
    assert row.count() == 1
    assert "W0101" in row.inner_text() and "£12.50" in row.inner_text()
    assert page.get_by_role("link", name="PAY-01").count() == 1  # the summary links to the rule's findings
    assert requests == [html_file.as_uri()]
    ARTEFACTS.mkdir(exist_ok=True)
    pdf = ARTEFACTS / "failing-return.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    printed = pdf.read_bytes()
    assert printed.startswith(b"%PDF")
    assert printed.count(b"/Type /Page") - printed.count(b"/Type /Pages") >= 2  # the findings start a new page
    page.screenshot(path=str(ARTEFACTS / "failing-return.png"))
    if os.environ.get("CONTRACTCHECK_UPDATE_SCREENSHOT") == "1":  # the README's picture
        page.screenshot(path=str(ROOT / "docs" / "images" / "html-report.png"))
    page.close()


def test_in_a_browser_provider_markup_is_shown_as_text_and_never_runs(browser, failing, tmp_path):
    html_file = tmp_path / "hostile.html"
    html_file.write_text(render_html(_hostile(failing)), encoding="utf-8")
    page, requests = _open(browser, html_file)
    assert page.evaluate("window.ran") is None
    assert page.title() != "ran"
    assert page.locator("script, img").count() == 0
    shown = page.locator("main").inner_text()
    assert HOSTILE_ID in shown and "<script>alert(1)</script> Care Ltd" in shown
    assert requests == [html_file.as_uri()]  # the image in the worker id was never fetched
    page.close()
