"""Schedule handbook: a schedule and its rules written out for a tender pack (markdown or HTML).

The handbook is for providers and contract officers, not programmers: what each rule asks, with the values
this schedule sets, what happens when data is missing or blank, and worked examples. It is built once as a
small document structure (headings, paragraphs, facts, tables) and rendered from that to markdown or to a
self-contained HTML page, so the two formats always say the same thing. Output is deterministic (no
timestamps, no absolute paths) so it can be golden-tested and diffed between versions of a schedule.

    from contractcheck.rules import load_rules, load_schedule, compile_schedule
    schedule = load_schedule("oxfordshire-help-to-live-at-home")
    text = schedule_handbook(schedule, compile_schedule(schedule, load_rules())[1], "html")

The package, in the order a handbook is made:

- ``document``: the document model (``Span``, ``Heading``, ``Para``, ``Facts``, ``Bullets``, ``TableBlock``,
  ``Section``, ``Document``);
- ``build``: the words, and ``build_handbook`` (schedule and compiled rules → ``Document``);
- ``markdown``: ``document_to_markdown``;
- ``html``: ``document_to_html``, with its style sheet ``handbook.css``.
"""

from __future__ import annotations

from typing import Literal

from contractcheck.authoring.handbook.build import build_handbook
from contractcheck.authoring.handbook.document import Document
from contractcheck.authoring.handbook.html import document_to_html
from contractcheck.authoring.handbook.markdown import document_to_markdown
from contractcheck.errors import UsageError
from contractcheck.rules import CompiledRule, LoadedSchedule

__all__ = ["FORMATS", "Document", "build_handbook", "document_to_html", "document_to_markdown",
           "schedule_handbook"]

FORMATS = ("markdown", "html")


def schedule_handbook(schedule: LoadedSchedule, rules: list[CompiledRule],
                      output: Literal["markdown", "html"] = "markdown") -> str:
    """A schedule written out as a handbook for a tender pack, as markdown or a self-contained HTML page.

    ``rules`` are the schedule's compiled rules, in order: ``compile_schedule(schedule, library)[1]``.
    Raises ``UsageError`` for an ``output`` other than ``"markdown"`` or ``"html"``.
    """
    if output not in FORMATS:
        raise UsageError(f"handbook format must be one of {', '.join(FORMATS)}, not {output!r}")
    doc = build_handbook(schedule, rules)
    return document_to_html(doc) if output == "html" else document_to_markdown(doc)
