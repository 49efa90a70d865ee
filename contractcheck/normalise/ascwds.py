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
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict

from contractcheck.errors import InputError, Location
from contractcheck.load import RawTable
from contractcheck.return_format import TableSpec
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
    # the validator's own form and range of a value that is not a "don't know" code: a cell outside them is one
    # ASC-WDS rejects or ignores, so it has no value here and is reported (DATA-03) with ``rejected``
    form: str | None = None  # a regular expression the whole (stripped) cell matches
    range: tuple[float, float] | None = None  # lowest and highest of a number, both included
    year_range: tuple[int, int] | None = None  # "code;YYYY": the year's range, as years back from today (100, 0)
    rejected: str = ""  # what ASC-WDS says of a value outside them: "DD/MM/YYYY (validator warning 3190)"
    # the format requires the field but ASC-WDS does not (ZEROHRCONT): a blank or "don't know" is unknown there,
    # never a missing required value
    optional: bool = False


class Joined(BaseModel):
    """A numbered run of columns (QUALACH01, QUALACH02 …) read as one field: their values joined in column order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    pattern: str  # a regular expression the whole column name matches
    check: Column | None = None  # each column's own form (QUALACHnn: "code;YYYY"), checked before the join


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


@dataclass
class AscwdsTable:
    """An ASC-WDS file read as a table of the format: ``raw`` (columns renamed to fields, codes as words),
    ``reasons``, per column of ``raw`` that has any, why each kept row's cell has no value (None where it has,
    or is blank), ``unknown``, per column, each kept row's "don't know" cell worded as written ("999 (don't
    know)"; None for the other rows), and ``optional``,
    the fields the format requires that ASC-WDS does not."""

    raw: RawTable
    reasons: dict[int, np.ndarray] = field(default_factory=dict)
    unknown: dict[int, np.ndarray] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()


def with_optional(spec: TableSpec, optional: frozenset[str]) -> TableSpec:
    """The table's spec with ``optional`` fields not required (the file's own format does not require them)."""
    if not optional:
        return spec
    fields = {name: f.model_copy(update={"required": False}) if name in optional else f
              for name, f in spec.fields.items()}
    return spec.model_copy(update={"fields": fields})


#: how a "don't know" cell is worded where a message quotes it (never "blank": the provider wrote a code)
DONT_KNOW = "{} (don't know)"
#: how a cell ASC-WDS does not take is worded where a message quotes it (DATA-03 reports the cell itself)
NOT_TAKEN = "{} (a value ASC-WDS does not take)"


def establishments(raw: RawTable, profile: FileProfile) -> list[str]:
    """The workplaces (LOCALESTID) an ASC-WDS file holds, in the order they first appear."""
    at = _column_index(raw, profile.establishment)
    if at is None:
        return []
    values = raw.data[at].dropna().astype(str).str.strip()
    return [v for v in pd.unique(values) if v]


def ascwds_table(raw: RawTable, profile: FileProfile, establishment: str | None) -> AscwdsTable:
    """An ASC-WDS file as a table the heading match reads: its columns renamed to fields (the others left unread),
    "don't know" codes blank (and said which, in ``unknown``), yes/no codes as words, SCQUAL as a level; a value
    outside ASC-WDS's own form or range without a value and with a reason; rows of other workplaces and rows
    being deleted left out. Raises ``InputError`` (LOAD) when the file holds several workplaces and ``establishment``
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
    reasons: dict[int, np.ndarray] = {}
    unknown: dict[int, np.ndarray] = {}
    for i, name in enumerate(raw.headers):
        column = profile.columns.get(str(name).strip()) if name is not None else None
        if column is None:
            headers.append("")  # a column the check does not read (STATUS, NINUMBER, …)
            continue
        headers.append(column.field)
        said = _dont_know(data[i], column)
        if said.any():  # the cell as written, worded as a "don't know"
            words = np.full(len(data), None, dtype=object)
            words[said] = [DONT_KNOW.format(c) for c in data[i].astype("string").str.strip()[said].tolist()]
            unknown[i] = words
        why = _rejected(data[i], column, str(name).strip())
        data[i] = _recode(data[i], column)
        if why is not None:
            reasons[i] = why
    for group in profile.joined:
        run = [i for i, name in enumerate(raw.headers)
               if name is not None and re.fullmatch(group.pattern, str(name).strip())]
        if run:
            headers[run[0]] = group.field  # findings point at the first column of the run
            if group.check is not None:  # a rejected code;year in any column of the run: the field has no value
                why = _first_reason([_rejected(data[i], group.check, str(raw.headers[i]).strip()) for i in run])
                if why is not None:
                    reasons[run[0]] = why
            data[run[0]] = _joined([data[i] for i in run])
    optional = frozenset(c.field for c in profile.columns.values() if c.optional)
    return AscwdsTable(replace(raw, headers=headers, data=data, row_numbers=np.asarray(raw.row_numbers)[keep]),
                       reasons, unknown, optional)


def _dont_know(cells: pd.Series, column: Column) -> np.ndarray:
    """The cells that are one of the column's "don't know" codes (the whole cell, or SCQUAL's level)."""
    plain = cells.astype("string").str.strip()
    said = plain.isin(column.unknown)
    if column.level_after:
        said |= plain.str.split(column.level_after, n=1).str[1].isin(column.unknown)
    return said.fillna(False).to_numpy(dtype=bool)


def _rejected(cells: pd.Series, column: Column, name: str) -> np.ndarray | None:
    """Why each cell ASC-WDS would reject or ignore has no value (None where a cell is blank, a "don't know" code,
    or in the column's form and range); None when no cell is rejected. The reason is the sentence after the
    heading, naming the column and the cell."""
    if column.form is None and column.range is None and column.year_range is None:
        return None
    plain = cells.astype("string").str.strip()
    given = (plain.notna() & plain.ne("") & ~plain.isin(column.unknown)).fillna(False).to_numpy(dtype=bool)
    # the form is the text's (a CSV's every cell); a workbook's date or number cell is left to the field's parser
    text = np.ones(len(cells), dtype=bool) if isinstance(cells.dtype, pd.StringDtype) else \
        cells.map(lambda cell: isinstance(cell, str)).to_numpy(dtype=bool)
    bad = np.zeros(len(cells), dtype=bool)
    if column.form is not None:
        bad |= given & text & ~plain.str.fullmatch(column.form).fillna(False).to_numpy(dtype=bool)
    if column.range is not None:
        number = pd.to_numeric(plain, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        low, high = column.range
        bad |= given & (text | ~np.isnan(number)) & ~((number >= low) & (number <= high))
    if column.year_range is not None and column.year_after:
        year = pd.to_numeric(plain.str.split(column.year_after, n=1).str[1], errors="coerce")
        year = year.to_numpy(dtype=float, na_value=np.nan)
        this_year = pd.Timestamp.today().year
        back, ahead = column.year_range
        bad |= given & ~((year >= this_year - back) & (year <= this_year - ahead))
    if not bad.any():
        return None
    why = np.full(len(cells), None, dtype=object)
    # the cell itself is named (a QUALACHnn cell is one of the run joined into the field's value)
    why[bad] = [f"({name}) {_braced(repr(cell))} is not what ASC-WDS takes: {_braced(column.rejected)}"
                for cell in plain[bad].tolist()]
    return why


def _first_reason(reasons: list[np.ndarray | None]) -> np.ndarray | None:
    """Per row, the first reason of any of the columns (None where none has one); None when none has any."""
    out: np.ndarray | None = None
    for why in reasons:
        if why is None:
            continue
        out = why.copy() if out is None else np.where(out == None, why, out)  # noqa: E711 - elementwise
    return out


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


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
