"""A blank return template generated from a schedule, so the workbook providers fill in and the checks never drift.

The template holds the sheets and columns the schedule's compiled rules read (and only those), plus the format's
required fields of those tables and the tables a return (or a bid) must have. Each heading carries a note saying
what the field means; coded and yes/no fields have drop-downs from their vocabularies; dates and money are
formatted. A "Guidance" sheet lists every obligation of the schedule with its clause, and a version stamp (the
contractcheck version, the schedule's id, version and sha256, the date generated).

Filled in, the template is read by ``check`` like any return: key/value tables (Contract, Bid) are field|value
rows, tables of rows (Workforce, Training, Pay, Costs) have one heading row and a row per record.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from contractcheck._version import __version__
from contractcheck.errors import UsageError
from contractcheck.output import is_input, write_bytes_atomically
from contractcheck.return_format import FieldSpec, ReturnFormat
from contractcheck.rules import CompiledRule, LoadedSchedule, RuleLibrary, compile_schedule, load_rules, load_schedule

GUIDANCE_SHEET = "Guidance"
LISTS_SHEET = "Lists"  # the drop-downs' values (a list of over 255 characters cannot be written in the validation)
TEMPLATE_ROWS = 2000  # rows of a table the drop-downs and formats cover
YES_NO = ("Yes", "No")

_NUMBER_FORMATS = {"date": "dd/mm/yyyy", "money": "£#,##0.00", "percent": "0%", "number": "General", "text": "@"}
_WIDTHS = {"date": 13, "money": 12, "percent": 10, "number": 12, "yesno": 9, "text": 24}
_TYPE_WORDS = {"text": "text", "number": "a number", "money": "an amount in pounds, e.g. 12.50", "percent":
               "a percentage", "yesno": "Yes or No", "date": "a date, e.g. 31/03/2026"}


@dataclass(frozen=True)
class TemplateSheet:
    """One sheet of the template: a table of the format and the fields it carries, in the format's order."""

    table: str
    title: str
    layout: str  # "keyvalue" (field|value rows) or "rows" (a heading row)
    fields: tuple[str, ...]


def fields_read(compiled: list[CompiledRule]) -> dict[str, set[str]]:
    """The fields each table's rules read: table → field names (an empty set: a table read only as a whole,
    e.g. counted by an aggregate)."""
    read: dict[str, set[str]] = {}
    for cr in compiled:
        parts = [cr.filter, cr.assertion, *cr.lets.values(), *cr.shown.values()]
        for part in parts:
            for table, fname in part.fields_used if part is not None else ():
                read.setdefault(table, set())
                if fname != "*":
                    read[table].add(fname)
        if cr.point_at and cr.row_table:
            read.setdefault(cr.row_table, set()).add(cr.point_at)
    return read


def template_sheets(loaded: LoadedSchedule, fmt: ReturnFormat, compiled: list[CompiledRule]) -> list[TemplateSheet]:
    """The sheets of a schedule's template, in the format's table order: each table the rules read or the kind
    of file requires, with the fields read and the table's required fields."""
    kind = loaded.schedule.kind
    read: dict[str, set[str]] = {}
    for table, names in fields_read([cr for cr in compiled if kind in cr.rule.kinds()]).items():
        spec = fmt.tables[table]
        if kind in spec.used_in:
            read.setdefault(table, set()).update(names)
        elif spec.layout == "keyvalue":  # a contract-level value is a name of every key/value table that has it
            for other in fmt.keyvalue_tables():
                if kind in fmt.tables[other].used_in:
                    read.setdefault(other, set()).update(n for n in names if n in fmt.tables[other].fields)
    sheets: list[TemplateSheet] = []
    for name, spec in fmt.tables.items():
        if kind not in spec.used_in or (name not in read and kind not in spec.required_in):
            continue
        wanted = read.get(name, set())
        fields = tuple(f for f, fs in spec.fields.items() if fs.required or f in wanted)
        sheets.append(TemplateSheet(name, spec.title, spec.layout, fields))
    return sheets


def describe(fspec: FieldSpec, fmt: ReturnFormat) -> str:
    """A heading's note: what the field means, the form its value takes, and whether it must be given."""
    meaning = fspec.description or ""
    vocab = fmt.vocabulary_of(fspec)
    if vocab is not None:
        form = f"one of the {vocab.title} values in the drop-down"
        if not vocab.closed:
            form += " (or your own words)"
    else:
        form = _TYPE_WORDS.get(fspec.type, fspec.type)
    text = f"{meaning[:1].upper()}{meaning[1:]}." if meaning else ""
    text += f" Write {form}."
    if fspec.required:
        text += " Required" + (f" (unless {', '.join(fspec.unless)} is given)." if fspec.unless else ".")
    return text.strip()


def _choices(fspec: FieldSpec, fmt: ReturnFormat) -> tuple[tuple[str, ...], bool] | None:
    """A coded or yes/no field's drop-down values and whether only those may be written."""
    vocab = fmt.vocabulary_of(fspec)
    if vocab is not None:
        return tuple(vocab.values), vocab.closed
    if fspec.type == "yesno":
        return YES_NO, True
    return None


class _Writer:
    """Writes one template workbook (XlsxWriter, in memory)."""

    def __init__(self, fmt: ReturnFormat, buffer: io.BytesIO, created: dt.datetime) -> None:
        self.fmt = fmt
        self.wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
        self.wb.set_properties({"created": created, "author": "contractcheck", "title": "Return template"})
        self.head = self.wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                        "valign": "top"})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.bold = self.wb.add_format({"bold": True})
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self.types = {t: self.wb.add_format({"num_format": f}) for t, f in _NUMBER_FORMATS.items()}
        self.list_ranges: dict[tuple[str, ...], str] = {}

    def list_source(self, values: tuple[str, ...]) -> str:
        """A range on the Lists sheet holding these values (one column per list; the sheet is written last)."""
        if values not in self.list_ranges:
            letter = xl_col_to_name(len(self.list_ranges))
            self.list_ranges[values] = f"={LISTS_SHEET}!${letter}$1:${letter}${len(values)}"
        return self.list_ranges[values]

    def validate(self, ws: Any, first_row: int, col: int, last_row: int, fspec: FieldSpec) -> None:
        choices = _choices(fspec, self.fmt)
        if choices is not None:
            values, closed = choices
            ws.data_validation(first_row, col, last_row, col, {
                "validate": "list", "source": self.list_source(values),
                "error_type": "stop" if closed else "information",
                "error_title": "Not in the list",
                "error_message": "Choose a value from the drop-down." if closed
                else "Not a value in the list: it is kept as you wrote it.",
            })
        elif fspec.type == "date":
            ws.data_validation(first_row, col, last_row, col, {
                "validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2100, 12, 31), "error_type": "warning",
                "error_message": "Write a date, e.g. 31/03/2026."})
        elif fspec.type in ("money", "number", "percent"):
            ws.data_validation(first_row, col, last_row, col, {
                "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
                "error_message": "Write a number, e.g. 12.50."})

    def rows_sheet(self, sheet: TemplateSheet) -> None:
        ws = self.wb.add_worksheet(sheet.title)
        spec = self.fmt.tables[sheet.table]
        for col, fname in enumerate(sheet.fields):
            fspec = spec.fields[fname]
            ws.set_column(col, col, max(_WIDTHS.get(fspec.type, 14), len(fname) + 2), self.types.get(fspec.type))
            ws.write_string(0, col, fname, self.head)
            ws.write_comment(0, col, describe(fspec, self.fmt), {"x_scale": 2, "y_scale": 1.5})
            self.validate(ws, 1, col, TEMPLATE_ROWS, fspec)
        ws.freeze_panes(1, 0)

    def keyvalue_sheet(self, sheet: TemplateSheet) -> None:
        ws = self.wb.add_worksheet(sheet.title)
        spec = self.fmt.tables[sheet.table]
        ws.set_column(0, 0, max(len(f) for f in sheet.fields) + 4)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 2, 70, self.wrap)
        for col, heading in enumerate(("Field", "Value", "What it means")):
            ws.write_string(0, col, heading, self.head)
        for row, fname in enumerate(sheet.fields, start=1):
            fspec = spec.fields[fname]
            note = describe(fspec, self.fmt)
            ws.write_string(row, 0, fname, self.bold)
            ws.write_comment(row, 0, note, {"x_scale": 2, "y_scale": 1.5})
            ws.write_blank(row, 1, None, self.types.get(fspec.type))
            ws.write_string(row, 2, note, self.wrap)
            self.validate(ws, row, 1, row, fspec)
        ws.freeze_panes(1, 0)

    def guidance(self, loaded: LoadedSchedule, compiled: list[CompiledRule], sheets: list[TemplateSheet],
                 generated: dt.date) -> None:
        ws = self.wb.add_worksheet(GUIDANCE_SHEET)
        s = loaded.schedule
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 40, self.wrap)
        ws.set_column(2, 2, 10)
        ws.set_column(3, 3, 70, self.wrap)
        ws.set_column(4, 4, 45, self.wrap)
        ws.set_column(5, 5, 24, self.wrap)
        ws.write_string(0, 0, f"{s.title}: {s.kind} template", self.title)
        stamp = [
            ("Council", s.council),
            ("Schedule", f"{s.id} version {s.version}"),
            ("Schedule sha256", loaded.digest),
            ("contractcheck", __version__),
            ("Generated", generated.isoformat()),
            ("How to fill it in", "One sheet per table: " + "; ".join(self._how(t) for t in sheets)
             + ". Each heading has a note saying what it means. Keep the sheet names and headings as they are."),
            ("Check it with", f"contractcheck check RETURN.xlsx --schedule {s.id}"),
        ]
        for i, (label, value) in enumerate(stamp, start=2):
            ws.write_string(i, 0, label, self.bold)
            ws.write_string(i, 1, value)
        top = len(stamp) + 3
        ws.write_string(top - 1, 0, "Obligations", self.title)
        for col, heading in enumerate(("Rule", "Title", "Severity", "What it checks", "Reference", "In force")):
            ws.write_string(top, col, heading, self.head)
        for row, cr in enumerate(compiled, start=top + 1):
            rule = cr.rule
            ws.write_string(row, 0, rule.id)
            ws.write_string(row, 1, rule.title)
            ws.write_string(row, 2, str(cr.severity))
            ws.write_string(row, 3, " ".join((rule.description or rule.message).split()))
            ws.write_string(row, 4, " ".join(cr.reference.split()))
            ws.write_string(row, 5, rule.version_label())

    def _how(self, sheet: TemplateSheet) -> str:
        if sheet.layout == "keyvalue":
            return f"{sheet.title} (one value per field)"
        return f"{sheet.title} (one row per {self.fmt.tables[sheet.table].row_noun})"

    def close(self) -> None:
        if self.list_ranges:
            lists = self.wb.add_worksheet(LISTS_SHEET)
            for col, values in enumerate(self.list_ranges):
                lists.write_column(0, col, list(values))
            lists.hide()
        self.wb.close()


def build_template(loaded: LoadedSchedule, library: RuleLibrary,
                   generated: dt.date | None = None) -> tuple[bytes, list[TemplateSheet]]:
    """The template workbook of a schedule, as the bytes of an .xlsx file, and its sheets of data."""
    fmt, compiled = compile_schedule(loaded, library)
    sheets = template_sheets(loaded, fmt, compiled)
    generated = generated or dt.date.today()
    buffer = io.BytesIO()
    writer = _Writer(fmt, buffer, dt.datetime(generated.year, generated.month, generated.day))
    for sheet in sheets:
        if sheet.layout == "keyvalue":
            writer.keyvalue_sheet(sheet)
        else:
            writer.rows_sheet(sheet)
    writer.guidance(loaded, compiled, sheets, generated)
    writer.close()
    return buffer.getvalue(), sheets


def _inputs(loaded: LoadedSchedule) -> list[Path]:
    return [Path(s.file) for s in (loaded, *loaded.chain)]



def write_template(schedule: str | LoadedSchedule, path: str | Path, *, rules: list[Path] | None = None,
                   generated: dt.date | None = None) -> list[TemplateSheet]:
    """Write a schedule's blank return template to ``path`` (an .xlsx file); returns its sheets.

    ``schedule``: a shipped schedule's id, a schedule file, or a loaded schedule; ``rules``: extra rule files.
    Raises ``UsageError`` for an output that is one of the schedule's own files, ``OutputError`` when the file
    cannot be written, ``RuleError`` for a schedule that does not compile.
    """
    loaded = load_schedule(schedule) if isinstance(schedule, str) else schedule
    target = Path(path)
    for given in [*_inputs(loaded), *(rules or [])]:
        if is_input(target, Path(given)):
            raise UsageError(f"{target} would overwrite an input ({given}); inputs are never written: "
                             "choose another file name")
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"a template is an Excel workbook: give a file name ending .xlsx (got {target.name})")
    data, sheets = build_template(loaded, load_rules(rules or None), generated)
    write_bytes_atomically(target, lambda stream: stream.write(data), what="the template")
    return sheets
