"""The report: the JSON contract (``model``), the verdict (``summarise``), renderers and waivers."""

from __future__ import annotations

from contractcheck.report.model import Finding, Report, RuleResult, Summary

__all__ = ["Finding", "Report", "RuleResult", "Summary"]
