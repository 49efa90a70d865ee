"""A handbook document as markdown (CommonMark with GitHub's pipe tables).

Rule text is written by people, so every run of text is escaped: characters markdown gives meaning to
(``*``, ``_``, ``|``, ``<``, a ``#`` or ``1.`` at the start of a line, ...) are shown as written.
"""

from __future__ import annotations

import re

from contractcheck.authoring.handbook.document import (
    Block,
    Bullets,
    Document,
    Facts,
    Heading,
    Inline,
    Para,
    Section,
    TableBlock,
)

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|])")
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")


def _md_text(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    return _MD_ENTITY.sub("&amp;", text)


def _md_code(text: str, in_table: bool) -> str:
    text = " ".join(text.split())
    if in_table:
        text = text.replace("|", "\\|")
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0) + 1
    fence = "`" * ticks
    pad = " " if ticks > 1 or text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_inline(spans: Inline, in_table: bool = False) -> str:
    out = []
    for sp in spans:
        if sp.kind == "code":
            out.append(_md_code(sp.text, in_table))
        elif sp.kind == "strong":
            out.append(_wrap(_md_text(sp.text), "**"))
        elif sp.kind == "em":
            out.append(_wrap(_md_text(sp.text), "*"))
        else:
            out.append(_md_text(sp.text))
    return "".join(out)


def _wrap(text: str, mark: str) -> str:
    """Emphasis around text, keeping edge spaces outside the markers (where markdown needs them)."""
    stripped = text.strip()
    if not stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _md_para(spans: Inline) -> str:
    text = _md_inline(spans)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def _md_blocks(blocks: list[Block], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Section):
            _md_blocks([block.heading, *block.blocks], out)
            continue
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {_md_inline(block.content)}")
        elif isinstance(block, Para):
            out.append(_md_para(block.content))
        elif isinstance(block, Facts):
            out.append("\n".join(f"- **{_md_text(label)}:** {_md_inline(value)}" for label, value in block.items))
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {_md_inline(item)}" for item in block.items))
        elif isinstance(block, TableBlock):
            lines = []
            if block.caption:
                lines += [_wrap(_md_inline(block.caption), "*"), ""]
            lines.append("| " + " | ".join(_md_text(h) for h in block.header) + " |")
            lines.append("|" + "|".join("---" for _ in block.header) + "|")
            for row in block.rows:
                lines.append("| " + " | ".join(_md_inline(cell, in_table=True) for cell in row) + " |")
            out.append("\n".join(lines))
        out.append("")


def document_to_markdown(doc: Document) -> str:
    """The document as markdown text, ending in one newline."""
    out: list[str] = []
    _md_blocks(doc.blocks, out)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"

