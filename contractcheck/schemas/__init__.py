"""JSON Schemas of the files contractcheck reads and writes, generated from their pydantic models.

Four schemas ship in this folder, each ``NAME.schema.json`` (JSON Schema 2020-12, as pydantic writes it):

- ``report``: the JSON report (``contractcheck.report.model.Report``; ``findings`` is a list of ``Finding``);
- ``rules``: a rule file, ``{description?, rules: [Rule]}`` (``contractcheck.rules.model.Rule``; an example's
  tables are the tables of the shipped return format);
- ``schedule``: a schedule file (``contractcheck.rules.model.Schedule``);
- ``waivers``: a waiver file, ``{description?, waivers: [Waiver]}`` (``contractcheck.report.waivers.Waiver``).

The report's schema is of its JSON form (pydantic's serialization mode): keys left out while empty are not
required.

They are for editors (a ``# yaml-language-server: $schema=…`` line in a YAML file) and for other programs
reading a report. The loaders stay the judge: they check what a schema cannot say (a rule's expressions, dates
in order, ids that exist). Regenerate after changing a model with ``python -m contractcheck.schemas``; a test
fails while a committed schema differs from what the models give.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from contractcheck.report.model import Report
from contractcheck.report.waivers import Waiver
from contractcheck.return_format import return_format
from contractcheck.rules.model import Rule, Schedule

#: where the shipped schemas are: this package's folder
SCHEMA_DIR = Path(__file__).resolve().parent
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class RuleFile(BaseModel):
    """A rule file: obligations written as data (``rules/*.yaml``)."""

    model_config = ConfigDict(title="contractcheck rule file", extra="forbid", use_attribute_docstrings=True)

    description: str = ""
    """what the file's rules are about"""
    rules: list[Rule]
    """the rules, each an obligation"""


class WaiverList(BaseModel):
    """A waiver file: deviations a council has accepted (``--waivers FILE``)."""

    model_config = ConfigDict(title="contractcheck waiver file", extra="forbid", use_attribute_docstrings=True)

    description: str = ""
    """what the waivers are for"""
    waivers: list[Waiver]
    """the accepted deviations, each for one rule and one worker (or ``contract``)"""


def _example_tables(schema: dict[str, Any]) -> None:
    """An example writes its records under the table names of the return format (``workforce:`` a list of
    rows, ``contract:`` a mapping), which the model gathers before validation: say so in the schema."""
    example = schema["$defs"]["Example"]
    example["properties"].pop("tables", None)
    fmt = return_format()
    for name in fmt.tables:
        if fmt.is_keyvalue(name):
            example["properties"][name] = {"type": "object", "description": f"the {name} values, field: value"}
        else:
            example["properties"][name] = {"type": "array", "items": {"type": "object"},
                                           "description": f"rows of the {name} table, one mapping a row"}


def _rules_schema() -> dict[str, Any]:
    schema = RuleFile.model_json_schema()
    _example_tables(schema)
    return schema


def schemas() -> dict[str, dict[str, Any]]:
    """Each shipped schema by name (``report``, ``rules``, ``schedule``, ``waivers``), as the models give it."""
    built = {
        "report": Report.model_json_schema(mode="serialization"),
        "rules": _rules_schema(),
        "schedule": Schedule.model_json_schema(),
        "waivers": WaiverList.model_json_schema(),
    }
    return {name: {"$schema": DIALECT, **schema} for name, schema in built.items()}


def schema_text(schema: dict[str, Any]) -> str:
    """A schema as its file holds it: JSON, indent 2, UTF-8 text as it is, a newline at the end."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def schema_path(name: str, folder: Path = SCHEMA_DIR) -> Path:
    """The file of one schema: ``FOLDER/NAME.schema.json``."""
    return folder / f"{name}.schema.json"


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema into ``folder`` (default: the shipped ones, in this package); the files written."""
    written = []
    for name, schema in schemas().items():
        path = schema_path(name, folder)
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written
