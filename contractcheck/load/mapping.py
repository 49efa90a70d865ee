"""JSON and YAML: an object with one key per table; a table is a mapping (one record) or a list of records.

JSON is parsed with :mod:`json`, YAML with ``yaml.safe_load`` only (a Python object tag is an error
naming its line, never code that runs). Positions are the 1-based index of a record in its list
(``workforce[3].hourly_rate``); a mapping table is record 1. YAML dates become datetimes at midnight, as
every other reader returns them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from contractcheck.blank import is_blank
from contractcheck.load import Peek, RawTable, Source
from contractcheck.load._common import (
    date_as_datetime,
    decode_text,
    fail,
    read_bytes,
)
from contractcheck.yamldata import SAFE_LOADER, first_alias


def _dedupe_order(keys: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(keys))


_EXAMPLE_SHAPE = '{"contract": {"provider": "..."}, "workforce": [{"name": "...", "hourly_rate": 12.5}]}'


def _kind_of(value: object) -> str:
    if value is None:
        return "nothing (null)"
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(type(value), "a number")


class MappingSource(Source):
    """.json / .yaml / .yml: tables are keys; a table is a mapping (one record) or a list of records."""

    table_word = "table"

    def __init__(self, path: Path, given: str) -> None:
        super().__init__(path, given, "mapping")
        is_json = path.suffix.lower() == ".json"
        what = "JSON" if is_json else "YAML"
        raw = read_bytes(path, given)
        self._sha256 = hashlib.sha256(raw).hexdigest()
        text, _encoding = decode_text(raw, given, what)
        if not text.strip():
            fail(f"is empty (no {what} content)", given)
        document = self._parse_json(text) if is_json else self._parse_yaml(text)
        if not isinstance(document, dict):
            fail(
                f"should be a {what} object with one key per table, like {_EXAMPLE_SHAPE}; "
                f"found {_kind_of(document)} instead",
                given,
            )
        if not document:
            fail(f"has no tables (the top-level {what} object is empty)", given)
        self._tables: dict[str, object] = {str(key): value for key, value in document.items()}
        self._yaml_dates = not is_json  # YAML turns 2024-04-01 into a date; make it a datetime

    def _parse_json(self, text: str) -> object:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            fail(f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", self._given, line=exc.lineno)
        except RecursionError:
            fail("is not usable JSON: it is nested too deeply", self._given)

    def _parse_yaml(self, text: str) -> object:
        try:
            # composed first, so an alias tree ("billion laughs") is refused before anything expands it
            loader = SAFE_LOADER(text)
            try:
                node = loader.get_single_node()
                if node is None:
                    return None
                alias = first_alias(node)
                if alias is not None:
                    fail("uses a YAML alias (*name); a return is plain data: write each value out",
                         self._given, line=alias.start_mark.line + 1)
                return loader.construct_document(node)
            finally:
                loader.dispose()
        except yaml.constructor.ConstructorError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            problem = exc.problem or "it uses a construct that is not plain data"
            fail(
                f"uses a YAML tag that is not allowed ({problem}); only plain data (mappings, lists, text, "
                "numbers, dates) is accepted",
                self._given,
                line=line,
            )
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            fail(f"is not valid YAML: {exc.problem or exc.context}", self._given, line=line)
        except yaml.YAMLError as exc:
            fail(f"is not valid YAML: {exc}", self._given)
        except RecursionError:
            fail("is not usable YAML: it is nested too deeply", self._given)
        except (ValueError, OverflowError) as exc:  # PyYAML: a date such as 2027-02-30 is a bare ValueError
            fail(f"is not usable YAML: a value cannot be read ({exc})", self._given)

    def sha256(self) -> str:
        return self._sha256

    def table_names(self) -> list[str]:
        return list(self._tables)

    def _records(self, name: str) -> list[dict[str, object]]:
        """The table's records (a mapping is one record)."""
        value = self._tables[name]
        if isinstance(value, dict):
            records: list[dict[object, object]] = [value]
        elif isinstance(value, list):
            for index, item in enumerate(value, start=1):
                if not isinstance(item, dict):
                    fail(
                        f"{name}[{index}] should be an object with one key per column, not {_kind_of(item)}",
                        self._given,
                        row=index,
                    )
            records = value
        else:
            fail(
                f"table {name!r} should be an object (a key/value table) or a list of objects (rows), "
                f"not {_kind_of(value)}",
                self._given,
            )
        if self._yaml_dates or any(not isinstance(key, str) for record in records for key in record):
            records = [{str(key): date_as_datetime(item) for key, item in record.items()} for record in records]
        return records  # type: ignore[return-value]

    def peek(self, table: str, n_rows: int = 30) -> Peek:
        name = self._resolve(table)
        records = self._records(name)
        keys = _dedupe_order(key for record in records for key in record)
        if not keys or n_rows <= 0:
            return Peek(rows=[], row_numbers=[], column_labels=keys)
        shown = records[: n_rows - 1]
        return Peek(
            rows=[list[object](keys)] + [[record.get(key) for key in keys] for record in shown],
            row_numbers=list(range(len(shown) + 1)),
            column_labels=list(keys),
        )

    def read(self, table: str, header_row: int | None) -> RawTable:
        name = self._resolve(table)
        records = self._records(name)
        keys = _dedupe_order(key for record in records for key in record)
        count = len(records)
        while count and all(is_blank(value) for value in records[count - 1].values()):
            count -= 1
        kept = records[:count]
        data = pd.DataFrame(
            {i: pd.Series([record.get(key) for record in kept], dtype=object) for i, key in enumerate(keys)},
            index=pd.RangeIndex(count),
        )
        return RawTable(
            name=name,
            file=self._given,
            sheet=None,
            style="json",
            headers=list(keys),
            column_labels=list(keys),
            data=data,
            row_numbers=np.arange(1, count + 1, dtype=np.int64),
            header_row=0,
        )
