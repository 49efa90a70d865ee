"""Build the shipped return templates, one per shipped schedule (run from the repository root:
python samples/build_templates.py, or make samples).

Each is exactly what ``contractcheck template SCHEDULE -o samples/templates/SCHEDULE.xlsx`` writes, stamped with a
fixed date so that rebuilding an unchanged schedule gives the same file. tests/test_template.py checks they are
up to date with their schedules (sheets, columns and rules).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from contractcheck.authoring.template import write_template
from contractcheck.rules import bundled_dir

HERE = Path(__file__).resolve().parent / "templates"
GENERATED = dt.date(2026, 11, 30)


def build_templates() -> None:
    HERE.mkdir(exist_ok=True)
    for schedule in sorted(bundled_dir("schedules").glob("*.yaml")):
        write_template(schedule.stem, HERE / f"{schedule.stem}.xlsx", generated=GENERATED)


if __name__ == "__main__":
    build_templates()
    print("templates written to", HERE)
