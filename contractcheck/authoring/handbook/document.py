"""The handbook as a small document: headings, paragraphs, facts, bullets, tables and sections of inline spans.

The builder (``build``) writes a handbook in these terms and the renderers (``markdown``, ``html``) read
only these, so the markdown and the HTML page cannot say different things. Nothing here knows about rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

SpanKind = Literal["text", "code", "strong", "em", "link"]


@dataclass(frozen=True)
class Span:
    """A run of inline text: plain, code, strong, em, or a link to an anchor in the same document."""

    kind: SpanKind
    text: str
    target: str | None = None


Inline = list[Span]


# One-letter span builders, because the builder writes hundreds of them: text, code, bold (strong), italic (em).
def _t(text: str) -> Span:
    return Span("text", text)


def _c(text: str) -> Span:
    return Span("code", text)


def _b(text: str) -> Span:
    return Span("strong", text)


def _i(text: str) -> Span:
    return Span("em", text)


@dataclass
class Heading:
    """A heading of level 1 (the title) to 5 (an example); ``anchor`` is the id links point at."""

    level: int
    content: Inline
    anchor: str | None = None


@dataclass
class Para:
    """A paragraph."""

    content: Inline
    note: bool = False  # a side remark (smaller type in HTML)


@dataclass
class Facts:
    """Labelled facts: a bullet list of '**label:** value' in markdown, a definition list in HTML."""

    items: list[tuple[str, Inline]]


@dataclass
class Bullets:
    """A bullet list, one inline run an item."""

    items: list[Inline]


@dataclass
class TableBlock:
    """A table of inline cells under a plain-text header (not to be confused with a table of return data)."""

    header: list[str]
    rows: list[list[Inline]]
    caption: Inline | None = None
    kind: str = ""  # a CSS class hint for HTML ("summary", "records", ...)


@dataclass
class Section:
    """A heading and the blocks under it (an HTML ``<section>``; markdown shows only the heading)."""

    heading: Heading
    blocks: list[Block] = field(default_factory=list)
    kind: str = ""  # a CSS class hint for HTML ("rule", "example", "appendix", ...)


#: anything a document or section holds
Block: TypeAlias = Heading | Para | Facts | Bullets | TableBlock | Section


@dataclass
class Document:
    """A whole handbook: its title (the HTML page's ``<title>``) and its blocks in reading order."""

    title: str
    blocks: list[Block]
