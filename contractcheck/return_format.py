"""The canonical return/bid format as data: tables, fields, types and the headings providers write.

The format lives in ``data/return_format.yaml`` so that adding an alias is a data change, not a code
change. Headings and table names are matched forgivingly (case, spaces, punctuation, bracketed units)
because providers' workbooks are typed by hand; the aliases catch the other words they use. The
matching itself lives in :mod:`contractcheck.normalise.headings`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from contractcheck.value_types import FieldType
from contractcheck.vocabulary import Vocabulary, vocabularies
from contractcheck.yamldata import SAFE_LOADER


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: FieldType
    required: bool = False
    # a required value may be blank on a row where one of these fields is given (hourly_rate, unless a salary)
    unless: tuple[str, ...] = ()
    vocabulary: str | None = None  # a coded field: read through this vocabulary (data/vocabularies.yaml)
    # a number field that counts hours: also read from "6:30" and Excel time/duration cells (6:00 is 6 hours)
    unit: Literal["hours"] | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    layout: Literal["keyvalue", "rows"]
    title: str
    aliases: tuple[str, ...] = ()  # other sheet names providers use for this table
    key: str | None = None
    required_in: tuple[Literal["return", "bid", "grant"], ...] = ()
    # which files carry this table: rules over it judge these kinds unless they say otherwise (applies_to)
    used_in: tuple[Literal["return", "bid", "grant"], ...] = ("return",)
    row_noun: str = "row"  # what one row is, in a sentence: "worker", "training record"
    fields: dict[str, FieldSpec]


class ReturnFormat(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format_version: str
    tables: dict[str, TableSpec]
    # the table a file of one table without a table name holds (a single CSV file): a row table
    single_table: str
    # the vocabularies the coded fields name (data/vocabularies.yaml; a schedule may add words)
    vocabularies: dict[str, Vocabulary] = {}

    @model_validator(mode="after")
    def _single_table_is_a_row_table(self) -> ReturnFormat:
        spec = self.tables.get(self.single_table)
        if spec is None or spec.layout != "rows":
            raise ValueError(f"single_table {self.single_table!r} is not a table of rows in this format")
        return self

    @model_validator(mode="after")
    def _vocabularies_exist(self) -> ReturnFormat:
        for table, spec in self.tables.items():
            for name, field in spec.fields.items():
                if field.vocabulary and self.vocabularies and field.vocabulary not in self.vocabularies:
                    raise ValueError(f"{table}.{name} names vocabulary {field.vocabulary!r}, which is not defined")
        return self

    def vocabulary_of(self, field: FieldSpec) -> Vocabulary | None:
        """The vocabulary a coded field is read through (None for a field without one)."""
        return self.vocabularies.get(field.vocabulary) if field.vocabulary else None

    def with_vocabulary_words(self, extra: dict[str, dict[str, list[str]]]) -> ReturnFormat:
        """A copy with a schedule's extra words for canonical values (ValueError for an unknown vocabulary or
        value, or a word that already means another value)."""
        if not extra:
            return self
        vocabularies = dict(self.vocabularies)
        for name, words in extra.items():
            if name not in vocabularies:
                raise ValueError(f"there is no vocabulary {name!r} (there are: {', '.join(vocabularies)})")
            vocabularies[name] = vocabularies[name].with_words(words)
        return self.model_copy(update={"vocabularies": vocabularies})

    def is_keyvalue(self, table: str) -> bool:
        """A key/value table (Contract, Bid: one value per field) rather than a table of rows."""
        spec = self.tables.get(table)
        return spec is not None and spec.layout == "keyvalue"

    def keyvalue_tables(self) -> list[str]:
        """The key/value tables, in the format's order (their fields are the contract-level values)."""
        return [name for name, spec in self.tables.items() if spec.layout == "keyvalue"]

    def row_tables(self) -> list[str]:
        """The tables of rows (Workforce, Training, Costs), in the format's order."""
        return [name for name, spec in self.tables.items() if spec.layout == "rows"]

    def with_extra_fields(self, extra: dict[str, dict[str, FieldSpec]]) -> ReturnFormat:
        """A copy with fields a schedule declares for its own rules added to their tables."""
        if not extra:
            return self
        tables = dict(self.tables)
        for table, fields in extra.items():
            base = tables.get(table)
            if base is None:
                continue
            tables[table] = base.model_copy(update={"fields": {**base.fields, **fields}})
        return self.model_copy(update={"tables": tables})


FORMAT_RESOURCE = "data/return_format.yaml"
"""The format's file inside the ``contractcheck`` package: the one place tables and fields are declared."""


def format_text() -> str:
    """The text of the shipped format file."""
    return resources.files("contractcheck").joinpath(FORMAT_RESOURCE).read_text("utf-8")


@cache
def return_format() -> ReturnFormat:
    """The shipped canonical format (cached: it never changes during a run)."""
    data = yaml.load(format_text(), Loader=SAFE_LOADER)  # noqa: S506 - a SafeLoader
    return ReturnFormat.model_validate({**data, "vocabularies": vocabularies()})
