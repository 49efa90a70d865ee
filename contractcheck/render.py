"""Kept for one release: ``from contractcheck.render import RENDERERS`` still works (the renderers live in
``contractcheck.report.render``)."""

from __future__ import annotations

from contractcheck.report.render import RENDERERS, render_csv, render_json, render_markdown, render_table

__all__ = ["RENDERERS", "render_csv", "render_json", "render_markdown", "render_table"]
