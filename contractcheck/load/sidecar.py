"""The contract file beside a return that holds only a table of workers (a single CSV, an ASC-WDS staff file).

Such a file (or a folder of CSV files without contract.csv, such as an ASC-WDS export) has no Contract sheet, so
the contract's values (provider, contract reference, period, establishment …) come from the command line
(``--set``), from Python (``set_values``), or from a small YAML file beside it named after it: ``staff.contract.yaml``
or ``staff.csv.contract.yaml`` for ``staff.csv``, ``export.contract.yaml`` for a folder ``export``; a mapping of
field to value. Values given on the command line win over the file's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from contractcheck.errors import InputError, Location, RuleError
from contractcheck.yamldata import load_yaml

SUFFIX = ".contract.yaml"


def contract_file_beside(path: Path) -> Path | None:
    """The contract file beside ``path`` (``NAME.contract.yaml`` or ``NAME.EXT.contract.yaml``; for a folder
    ``FOLDER.contract.yaml``), if there is one."""
    if not path.name:  # '.', '..', '/': the folder by its real name (FOLDER.contract.yaml beside it)
        path = path.resolve()
        if not path.name:
            return None
    if path.is_dir():  # a folder of CSV files: FOLDER.contract.yaml beside it
        candidate = path.with_name(path.name + SUFFIX)
        return candidate if candidate.is_file() else None
    for candidate in (path.with_name(path.stem + SUFFIX), path.with_name(path.name + SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def read_contract_file(path: Path) -> dict[str, str]:
    """The contract values of a contract file, as text for the fields' own parsers (dates as ISO dates). Raises
    ``InputError`` (LOAD) naming the file when it cannot be read or is not a mapping of field to a single value."""
    try:
        doc = load_yaml(path)
    except RuleError as exc:
        raise InputError(f"the contract file beside the return cannot be read: {exc.message}",
                         location=Location(file=str(path), line=exc.location.line if exc.location else None)) from None
    if not isinstance(doc.data, dict):
        raise InputError("a contract file is a mapping of field: value (e.g. contract_ref: OCC-1)",
                         location=Location(file=str(path)))
    values: dict[str, str] = {}
    for key, value in doc.data.items():
        if isinstance(value, (dict, list)):
            raise InputError(f"{key} must be one value, not a list or mapping",
                             location=Location(file=str(path), line=doc.line_of((key,))))
        if value is None:
            continue
        values[str(key)] = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    return values
