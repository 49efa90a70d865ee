"""Skills for Care's ASC-WDS bulk-upload files, read as the Workforce table (the staff file) and the Training table.

Most care providers in England keep their workforce in ASC-WDS and can export its bulk-upload staff file: one row
per worker, columns named in ASC-WDS's own words (UNIQUEWORKERID, ZEROHRCONT, SALARYINT …) and values in its codes
(1 yes, 2 no, 999 don't know). The file is recognised by its header; its columns are renamed to the format's fields
and its codes turned into the words the vocabularies read, so the rest of the check is the same as for any return.
Cell positions are kept: a finding still points at the provider's own column and line. The profile (which column is
which field, which codes mean "don't know") is data: ``data/ascwds.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict

from contractcheck.errors import InputError, Location
from contractcheck.load import RawTable
from contractcheck.yamldata import SAFE_LOADER


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    unknown: tuple[str, ...] = ()
    codes: dict[str, str] = {}
    level_after: str | None = None
    # "code;YYYY": the separator before a year, and the codes that may carry one (any other code with a year is
    # a value the validator ignores: unknown)
    year_after: str | None = None
    year_codes: tuple[str, ...] = ()


class Joined(BaseModel):
    """A numbered run of columns (QUALACH01, QUALACH02 …) read as one field: their values joined in column order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    pattern: str  # a regular expression the whole column name matches


class FileProfile(BaseModel):
    """One ASC-WDS file: the columns that recognise it, which column is which field, and its codes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recognise: tuple[str, ...]
    establishment: str
    status: str | None = None
    left_out_status: tuple[str, ...] = ()
    columns: dict[str, Column]
    joined: tuple[Joined, ...] = ()


class Profiles(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    files: dict[str, FileProfile]  # table of the format → the ASC-WDS file read as it


@cache
def profiles() -> dict[str, FileProfile]:
    """The shipped profiles of the ASC-WDS files, by the table each is read as (cached)."""
    text = resources.files("contractcheck").joinpath("data/ascwds.yaml").read_text("utf-8")
    return Profiles.model_validate(yaml.load(text, Loader=SAFE_LOADER)).files  # noqa: S506 - a SafeLoader


def profile_for(table: str, headers: list[str]) -> FileProfile | None:
    """The ASC-WDS profile of a table whose headings are that ASC-WDS file's own column names (as its validator
    spells them), else None."""
    profile = profiles().get(table)
    names = {str(h).strip() for h in headers if h is not None}
    return profile if profile is not None and set(profile.recognise) <= names else None


def establishments(raw: RawTable, profile: FileProfile) -> list[str]:
    """The workplaces (LOCALESTID) an ASC-WDS file holds, in the order they first appear."""
    at = _column_index(raw, profile.establishment)
    if at is None:
        return []
    values = raw.data[at].dropna().astype(str).str.strip()
    return [v for v in pd.unique(values) if v]


def ascwds_table(raw: RawTable, profile: FileProfile, establishment: str | None) -> RawTable:
    """An ASC-WDS file as a table the heading match reads: its columns renamed to fields (the others left unread),
    "don't know" codes blank, yes/no codes as words, SCQUAL as a level; rows of other workplaces and rows being
    deleted left out. Raises ``InputError`` (LOAD) when the file holds several workplaces and ``establishment``
    does not choose one of them."""
    places = establishments(raw, profile)
    keep = np.ones(len(raw.data), dtype=bool)
    if establishment is not None or len(places) > 1:
        if establishment not in places:
            listed = ", ".join(places[:10]) + (" …" if len(places) > 10 else "")
            raise InputError(
                f"this ASC-WDS file holds {len(places)} workplaces ({listed}); choose one with "
                f"--set establishment=LOCALESTID (or establishment: in the contract file beside it)"
                if establishment is None else
                f"establishment {establishment!r} is not in this ASC-WDS file (it holds: {listed})",
                location=Location(file=raw.file))
        at = _column_index(raw, profile.establishment)
        assert at is not None
        keep &= (raw.data[at].astype(str).str.strip() == establishment).to_numpy(dtype=bool)
    status_at = _column_index(raw, profile.status) if profile.status else None
    if status_at is not None:
        status = raw.data[status_at].astype(str).str.strip().str.upper()
        keep &= ~status.isin(profile.left_out_status).to_numpy(dtype=bool)
    data = raw.data[keep].reset_index(drop=True)
    headers: list[str] = []
    for i, name in enumerate(raw.headers):
        column = profile.columns.get(str(name).strip()) if name is not None else None
        if column is None:
            headers.append("")  # a column the check does not read (STATUS, NINUMBER, …)
            continue
        headers.append(column.field)
        data[i] = _recode(data[i], column)
    for group in profile.joined:
        run = [i for i, name in enumerate(raw.headers)
               if name is not None and re.fullmatch(group.pattern, str(name).strip())]
        if run:
            headers[run[0]] = group.field  # findings point at the first column of the run
            data[run[0]] = _joined([data[i] for i in run])
    return replace(raw, headers=headers, data=data, row_numbers=np.asarray(raw.row_numbers)[keep])


def _joined(columns: list[pd.Series]) -> pd.Series:
    """Each row's non-blank values of the columns, joined with ", " in column order (None where all are blank)."""
    out = pd.Series(pd.NA, index=columns[0].index, dtype="string")
    for cells in columns:
        part = cells.astype("string").str.strip().replace("", pd.NA)
        out = out.where(part.isna(), (out + ", " + part).where(out.notna(), part))
    return out.astype(object).where(out.notna(), None)


def _column_index(raw: RawTable, name: str) -> int | None:
    return next((i for i, h in enumerate(raw.headers) if h is not None and str(h).strip() == name), None)


def _recode(cells: pd.Series, column: Column) -> pd.Series:
    """One column's ASC-WDS codes as the words the field's parser and vocabulary read (one pass per code)."""
    if not (column.unknown or column.codes or column.level_after or column.year_after):
        return cells
    plain = cells.astype("string").str.strip()
    out = cells.astype(object).where(cells.notna(), None)
    if column.year_after:
        parts = plain.str.split(column.year_after, n=1, expand=True).reindex(columns=[0, 1])
        code, dated = parts[0].str.strip(), parts[1].notna()
        ignored = (dated & ~code.isin(column.year_codes)).fillna(False)
        out = out.where(~ignored, None)  # "2;2025": the validator ignores the whole value
        plain = code.where(~ignored, pd.NA)  # "1;2025" is read as its code, 1
    if column.level_after:
        parts = plain.str.split(column.level_after, n=1, expand=True).reindex(columns=[0, 1])
        indicator, level = parts[0], parts[1]
        qualified = indicator.eq("1").fillna(False)
        out = out.where(~(qualified & level.notna()), level)  # "1;3": level 3
        out = out.where(~(qualified & level.isna()), None)  # qualified, level not given: unknown
        out = out.where(~level.isin(column.unknown).fillna(False), None)
    for code, word in column.codes.items():
        out = out.where(~plain.eq(code).fillna(False), word)
    return out.where(~plain.isin(column.unknown).fillna(False), None)
