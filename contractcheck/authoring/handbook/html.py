"""A handbook document as one self-contained HTML page: no scripts, no external assets, print-friendly.

The style sheet is ``handbook.css`` beside this module, inlined into the page's ``<style>``.
"""

from __future__ import annotations

import html
from functools import cache
from importlib.resources import files

from contractcheck._version import __version__
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


@cache
def stylesheet() -> str:
    """The handbook's CSS, as shipped in the package (``handbook.css``)."""
    return files("contractcheck.authoring.handbook").joinpath("handbook.css").read_text(encoding="utf-8")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_inline(spans: Inline) -> str:
    out = []
    for sp in spans:
        text = _esc(sp.text)
        if sp.kind == "code":
            out.append(f"<code>{text}</code>")
        elif sp.kind == "strong":
            out.append(f"<strong>{text}</strong>")
        elif sp.kind == "em":
            out.append(f"<em>{text}</em>")
        elif sp.kind == "link" and sp.target:
            out.append(f'<a href="#{_esc(sp.target)}">{text}</a>')
        else:
            out.append(text)
    return "".join(out)


def _html_blocks(blocks: list[Block], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Section):
            cls = f' class="{_esc(block.kind)}"' if block.kind else ""
            out.append(f"<section{cls}>")
            _html_blocks([block.heading, *block.blocks], out)
            out.append("</section>")
        elif isinstance(block, Heading):
            ident = f' id="{_esc(block.anchor)}"' if block.anchor else ""
            out.append(f"<h{block.level}{ident}>{_html_inline(block.content)}</h{block.level}>")
        elif isinstance(block, Para):
            cls = ' class="note"' if block.note else ""
            out.append(f"<p{cls}>{_html_inline(block.content)}</p>")
        elif isinstance(block, Facts):
            out.append('<dl class="facts">')
            for label, value in block.items:
                out.append(f"<dt>{_esc(label)}</dt><dd>{_html_inline(value)}</dd>")
            out.append("</dl>")
        elif isinstance(block, Bullets):
            out.append("<ul>")
            out.extend(f"<li>{_html_inline(item)}</li>" for item in block.items)
            out.append("</ul>")
        elif isinstance(block, TableBlock):
            cls = f' class="{_esc(block.kind)}"' if block.kind else ""
            out.append(f"<table{cls}>")
            if block.caption:
                out.append(f"<caption>{_html_inline(block.caption)}</caption>")
            out.append("<thead><tr>" + "".join(f'<th scope="col">{_esc(h)}</th>' for h in block.header)
                       + "</tr></thead>")
            out.append("<tbody>")
            for row in block.rows:
                out.append("<tr>" + "".join(f"<td>{_html_inline(cell)}</td>" for cell in row) + "</tr>")
            out.append("</tbody>")
            out.append("</table>")


def document_to_html(doc: Document) -> str:
    """The document as a whole HTML page, ending in one newline."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="contractcheck {_esc(__version__)}">',
        f"<title>{_esc(doc.title)}</title>",
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    _html_blocks(doc.blocks, out)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"

