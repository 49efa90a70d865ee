"""How serious a failing finding is: the one list of severities, their order and what each means.

Rules declare a severity, schedules may override it, reports count findings by it and ``--fail-on`` picks
the lowest one that makes the exit code 1 (``docs/report.md``).
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["critical", "major", "minor", "info"]

#: most serious first; a report lists findings in this order
SEVERITIES: tuple[Severity, ...] = ("critical", "major", "minor", "info")

#: 0 for the most serious
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

#: what each severity means, in the words of the schedule handbook
SEVERITY_MEANING: dict[Severity, str] = {
    "critical": "the most serious, such as pay below the legal minimum",
    "major": "a breach of a contract condition",
    "minor": "a lesser gap, often in the records, to put right",
    "info": "reported for information, such as a share the council monitors",
}

#: ``--fail-on`` takes a severity, or "never" (exit 0 whatever fails)
FAIL_ON_CHOICES: tuple[str, ...] = (*SEVERITIES, "never")
