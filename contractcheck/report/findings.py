"""Findings kept as columns until they are read: a rule's failing rows as one block, not one object per row.

A row rule that fails on a million rows makes one ``FindingBlock``: the rule's constant parts once (rule,
title, severity, clause, fix, table, sheet, column) and, per failing row, its row number, key, message and
evidence values. ``Findings`` is the report's list of findings: blocks and single ``Finding`` objects in the
report's order (``Finding.sort_key``). It reads like a list of ``Finding`` — ``len()`` costs nothing, indexing
and iterating build each ``Finding`` when it is asked for — and ``write_items`` writes the JSON of each finding
straight from the columns, exactly as ``json.dumps(finding.model_dump(mode="json"), indent=2)`` would.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO, overload

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic_core import core_schema

from contractcheck.position import LocationStyle, Position
from contractcheck.report.finding import Finding, FindingLocation, Subject
from contractcheck.severity import SEVERITY_RANK, Severity

#: findings written to JSON at once from a block: bounds the text held in memory
CHUNK = 20_000
#: fewer rows than this are worded and written by Python's C-level string calls, not Arrow's (Arrow's fixed cost
#: per call is more than it saves on a 90-worker return's few findings): a block's run of findings written to
#: JSON, a rule's failing rows whose messages are filled
ARROW_MIN = 500
_SEP = "\x00"  # JSON escapes a NUL inside a string, so a bare one can only be the separator
_NOT_FINITE = {"NaN", "Infinity", "-Infinity"}


def json_texts(values: Sequence[Any] | np.ndarray, *, finite_only: bool = True) -> list[str] | None:
    """The compact JSON text of each scalar (str, int, float, bool or None) in one C-speed ``json.dumps``;
    None when a value is a list or mapping (written over several lines in the report, so not a scalar's text).

    A float that is not finite reads ``null``, as pydantic writes it in a report (``NaN``, ``Infinity`` as
    ``json.dumps`` writes them when not ``finite_only``).
    """
    if len(values) == 0:
        return []
    dumped = json.dumps(list(values), ensure_ascii=False, separators=(_SEP, ":"))[1:-1]
    texts = dumped.split(_SEP)
    if len(texts) != len(values) or (("[" in dumped or "{" in dumped) and any(t[:1] in "[{" for t in texts)):
        return None
    if finite_only and _NOT_FINITE & set(texts):
        return ["null" if t in _NOT_FINITE else t for t in texts]
    return texts


def json_text_array(values: Sequence[Any] | np.ndarray | pa.Array, *, finite_only: bool = True) -> pa.Array | None:
    """``json_texts`` as an Arrow string array, with no Python string per value: the values are dumped by one
    C-speed ``json.dumps`` into one text, which Arrow splits; an Arrow string array is quoted by Arrow itself
    when nothing in it needs escaping. None where ``json_texts`` gives None."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        if values.null_count == 0 and not pc.any(pc.match_substring_regex(values, _NEEDS_ESCAPE)).as_py():
            return pc.binary_join_element_wise('"', values, '"', "")
        values = values.to_pylist()
    n = len(values)
    if n == 0:
        return pa.array([], pa.string())
    dumped = json.dumps(list(values), ensure_ascii=False, separators=(_SEP, ":"))[1:-1]
    texts = pc.list_flatten(pc.split_pattern(pa.array([dumped], pa.large_string()), _SEP)).cast(pa.string())
    if len(texts) != n:
        return None
    if ("[" in dumped or "{" in dumped) and pc.any(pc.match_substring_regex(texts, r"^[\[{]")).as_py():
        return None
    if finite_only and any(word in dumped for word in _NOT_FINITE):
        texts = pc.if_else(pc.is_in(texts, pa.array(sorted(_NOT_FINITE))), "null", texts)
    return texts


#: a character json.dumps writes escaped (ensure_ascii=False): a quote, a backslash, a control character
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


@dataclass
class FindingBlock:
    """The failing rows of one rule in one table, as columns (rows in ascending order).

    ``evidence`` holds, by name, either one JSON-ready value for every row (a parameter) or a numpy object array
    with one per row (``varying`` names those). ``changed`` holds findings replaced one by one (a waiver marks one
    ``waived``), by their offset in the block.
    """

    rule_id: str
    title: str
    severity: Severity
    reference: str
    remediation: str
    table: str
    field: str | None
    heading: str | None
    file: str
    sheet: str | None
    style: LocationStyle
    column: str | None
    rows: np.ndarray
    keys: np.ndarray
    messages: np.ndarray | pa.Array  # an object array of str, or an Arrow string array (filled by Arrow)
    evidence: dict[str, Any]
    varying: frozenset[str] = frozenset()
    changed: dict[int, Finding] = dataclasses.field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def __deepcopy__(self, memo: dict) -> FindingBlock:
        # the columns are never changed after the block is made: a copy shares them, and copies what can change
        return dataclasses.replace(self, changed=copy.deepcopy(self.changed, memo))

    def position(self, row: int) -> Position:
        return Position(file=self.file, sheet=self.sheet, style=self.style, row=row, column=self.column)

    def finding(self, i: int) -> Finding:
        """The ``Finding`` of the block's i-th row (built now; the same values as the columns)."""
        if i in self.changed:
            return self.changed[i]
        evidence = {n: (self.evidence[n][i] if n in self.varying else copy.copy(self.evidence[n]))
                    for n in self.evidence}
        return Finding.model_construct(
            rule_id=self.rule_id, title=self.title, severity=self.severity, status="fail",
            message=self.message_list(i, i + 1)[0],
            subject=Subject.model_construct(table=self.table, key=self.keys[i]),
            location=FindingLocation.at(self.position(int(self.rows[i])), self.field, self.heading),
            evidence=evidence, reference=self.reference, remediation=self.remediation)

    def _template(self, compact: bool = False) -> list[str] | None:
        """The JSON of one of this block's findings (indent 2, or on one line when ``compact``) cut at the parts
        that change from row to row: message, key, row, cell and each varying evidence value, in that order."""
        marks = {"message": "\x01m\x01", "key": "\x01k\x01", "row": "\x01r\x01", "cell": "\x01c\x01"}
        evidence = {n: (f"\x01e{j}\x01" if n in self.varying else v)
                    for j, (n, v) in enumerate(self.evidence.items())}
        sample = Finding.model_construct(
            rule_id=self.rule_id, title=self.title, severity=self.severity, status="fail", message=marks["message"],
            subject=Subject.model_construct(table=self.table, key=marks["key"]),
            location=FindingLocation.model_construct(
                file=self.file, sheet=self.sheet, row=marks["row"], column=self.column, cell=marks["cell"],
                field=self.field, heading=self.heading, line=None),
            evidence=evidence, reference=self.reference, remediation=self.remediation)
        text = _dumps(sample.model_dump(mode="json", warnings=False), compact)
        cuts = [json.dumps(m) for m in marks.values()]
        cuts += [json.dumps(f"\x01e{j}\x01") for j, n in enumerate(self.evidence) if n in self.varying]
        parts = []
        for cut in cuts:
            before, found, text = text.partition(cut)
            if not found:
                return None
            parts.append(before)
        parts.append(text)
        return parts

    def json_items(self, start: int, stop: int, indent: str | None) -> str:
        """The JSON of findings ``start:stop`` of the block, each indented by ``indent``, joined by ``,\\n``
        (``indent`` None: each on one line, joined by ``,``)."""
        compact = indent is None
        template = self._template(compact) if not any(start <= i < stop for i in self.changed) else None
        columns = self._json_columns(start, stop) if template is not None else None
        if template is None or columns is None:  # a finding changed by hand, or a list or mapping as evidence
            return _joiner(indent).join(_indented(self.finding(i), indent) for i in range(start, stop))
        if indent is None:
            return ",".join(map("{}".join(map(_braced, template)).format, *columns))
        # one format string per block, filled row by row by C-level map: no Python loop over the rows
        literals = [(indent if i == 0 else "") + part.replace("\n", "\n" + indent) for i, part in enumerate(template)]
        form = "{}".join(map(_braced, literals))
        return ",\n".join(map(form.format, *columns))


    def message_list(self, start: int, stop: int) -> list[str]:
        """The messages of rows ``start:stop`` as Python text."""
        picked = self.messages[start:stop]
        return picked.to_pylist() if isinstance(picked, pa.Array) else picked.tolist()

    def json_array(self, start: int, stop: int, indent: str | None) -> pa.Array | None:
        """``json_items`` of findings ``start:stop`` as an Arrow string array, each finding's text followed by
        its separator (``,\\n``, or ``,`` for one line): the template's literal parts and the columns' JSON text
        joined by Arrow, no Python string per finding. None where it cannot (``json_items`` then writes them)."""
        if any(start <= i < stop for i in self.changed):
            return None
        template = self._template(indent is None)
        if template is None:
            return None
        columns = self._json_arrays(start, stop)
        if columns is None:
            return None
        if indent is None:
            literals = list(template)
        else:
            literals = [(indent if i == 0 else "") + part.replace("\n", "\n" + indent)
                        for i, part in enumerate(template)]
        literals[-1] += _joiner(indent)
        parts: list[Any] = [literals[0]]
        for column, literal in zip(columns, literals[1:]):
            parts += [column, literal]
        return pc.binary_join_element_wise(*parts, "")

    def _json_arrays(self, start: int, stop: int) -> list[pa.Array] | None:
        """``_json_columns`` as Arrow string arrays."""
        rows = pa.array(self.rows[start:stop], pa.int64()).cast(pa.string())
        before, after = self.position(0).cell_parts()
        quoted = json.dumps(before + "\x01" + after, ensure_ascii=False)
        head, _, tail = quoted.partition("\\u0001")
        columns = [json_text_array(self.messages[start:stop]), json_text_array(self.keys[start:stop]), rows,
                   pc.binary_join_element_wise(head, rows, tail, "")]
        columns += [json_text_array(self.evidence[n][start:stop]) for n in self.evidence if n in self.varying]
        return None if any(c is None for c in columns) else columns

    def cells(self, start: int, stop: int) -> list[str]:
        """``location.cell`` of rows ``start:stop``."""
        before, after = self.position(0).cell_parts()
        return list(map(f"{_braced(before)}{{}}{_braced(after)}".format, self.rows[start:stop].tolist()))

    def evidence_json(self, start: int, stop: int) -> list[str] | None:
        """``json.dumps(finding.evidence, ensure_ascii=False)`` of rows ``start:stop`` (None when a varying value
        is a list or mapping, or a finding was changed)."""
        if any(start <= i < stop for i in self.changed):
            return None
        form, columns = [], []
        for name, value in self.evidence.items():
            if name in self.varying:
                texts = json_texts(value[start:stop], finite_only=False)
                if texts is None:
                    return None
                columns.append(texts)
                form.append(f"{json.dumps(name, ensure_ascii=False)}: {{}}")
            else:
                form.append(_braced(f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"))
        text = "{{" + ", ".join(form) + "}}"
        return list(map(text.format, *columns)) if columns else [text.format()] * (stop - start)

    def _json_columns(self, start: int, stop: int) -> list[list[str]] | None:
        """The JSON text of the parts that change from row to row, in ``_template``'s order."""
        rows = list(map(str, self.rows[start:stop].tolist()))
        columns = [json_texts(self.message_list(start, stop)), json_texts(self.keys[start:stop]), rows,
                   json_texts(self.cells(start, stop))]
        columns += [json_texts(self.evidence[n][start:stop]) for n in self.evidence if n in self.varying]
        return None if any(c is None for c in columns) else columns  # type: ignore[return-value]


def _text_bytes(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of an Arrow string array's values, one after another (its data buffer, not copied)."""
    texts = texts.cast(pa.large_string())
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64, count=len(texts) + 1, offset=texts.offset * 8)
    data = texts.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def _write_utf8(stream: TextIO, data: memoryview) -> None:
    """Write UTF-8 bytes to a text stream: to its byte buffer when it has one that takes UTF-8 as it is (no
    newline translation), else as text."""
    buffer = getattr(stream, "buffer", None)
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if buffer is not None and encoding == "utf8" and os.linesep == "\n":
        stream.flush()
        buffer.write(data)
    else:
        stream.write(str(data, "utf-8"))


def _braced(text: str) -> str:
    """Text to put in a format string as it is."""
    return text.replace("{", "{{").replace("}", "}}")


def _dumps(value: Any, compact: bool) -> str:
    """JSON text as the report writes it: indent 2, or on one line (JSON Lines), UTF-8 text as it is."""
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, indent=2, ensure_ascii=False)


def _joiner(indent: str | None) -> str:
    """What goes between two findings: a comma and a new line, or a comma alone when each is on one line."""
    return "," if indent is None else ",\n"


def _indented(finding: Finding, indent: str | None) -> str:
    text = _dumps(finding.model_dump(mode="json"), indent is None)
    return text if indent is None else indent + text.replace("\n", "\n" + indent)


Segment = FindingBlock | list[Finding]


def _codes(parts: list[list[str] | str], sizes: list[int], by_length: Any) -> np.ndarray:
    """Each text as its rank among the texts (a column letter ranks by length first: Z before AA).

    ``parts`` has one entry per segment: one text for all its findings, or one per finding.
    """
    distinct = {p for p in parts if isinstance(p, str)} | {t for p in parts if not isinstance(p, str) for t in p}
    ranked = sorted(distinct, key=(lambda t: (len(t), t)) if by_length else None)
    code = {t: i for i, t in enumerate(ranked)}
    return np.concatenate([np.full(n, code[p], dtype=np.int64) if isinstance(p, str)
                           else np.array([code[t] for t in p], dtype=np.int64)
                           for p, n in zip(parts, sizes, strict=True)])


class Findings(Sequence[Finding]):
    """A report's findings in the report's order, read like a list of ``Finding``.

    Made with ``Findings.of([...])`` from ``Finding`` objects, ``FindingBlock`` columns and other ``Findings``;
    sorted by ``Finding.sort_key`` (severity, rule id, sheet, row, column), ties kept in the order given.
    ``len()`` is free; ``findings[i]``, slices and iteration build ``Finding`` objects as they are read (a slice is
    a ``list``). Compares equal to a list of the same findings.
    """

    def __init__(self, segments: list[Segment], segment_of: np.ndarray, offset_of: np.ndarray) -> None:
        self._segments = segments
        self._segment_of = segment_of
        self._offset_of = offset_of

    @classmethod
    def of(cls, items: Iterable[Finding | FindingBlock | Findings]) -> Findings:
        singles: list[Finding] = []
        segments: list[Segment] = []
        for item in items:
            if isinstance(item, Findings):
                for seg in item._segments:
                    if isinstance(seg, FindingBlock):
                        segments.append(seg)
                    else:
                        singles.extend(seg)
            elif isinstance(item, FindingBlock):
                if len(item):
                    segments.append(item)
            else:
                singles.append(item)
        if singles:
            segments.append(singles)
        return cls._sorted(segments)

    @classmethod
    def in_order(cls, findings: Iterable[Finding]) -> Findings:
        """Findings in the order given (a report read back, or made by hand), not sorted again."""
        items = list(findings)
        return cls([items] if items else [], np.zeros(len(items), dtype=np.int32), np.arange(len(items)))

    @classmethod
    def _sorted(cls, segments: list[Segment]) -> Findings:
        if not segments:
            return cls([], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64))
        sev, row, seg_of, off_of = [], [], [], []
        # the text parts of the key (rule id, sheet, column): one per block, one per finding otherwise
        texts: list[tuple[list[str] | str, list[str] | str, list[str] | str]] = []
        for s, seg in enumerate(segments):
            n = len(seg)
            seg_of.append(np.full(n, s, dtype=np.int32))
            off_of.append(np.arange(n, dtype=np.int64))
            if isinstance(seg, FindingBlock):
                sev.append(np.full(n, SEVERITY_RANK[seg.severity], dtype=np.int64))
                row.append(seg.rows.astype(np.int64))
                texts.append((seg.rule_id, seg.sheet or "", seg.column or ""))
            else:
                keys = [f.sort_key() for f in seg]
                sev.append(np.array([k[0] for k in keys], dtype=np.int64))
                row.append(np.array([k[3] for k in keys], dtype=np.int64))
                texts.append(([k[1] for k in keys], [k[2] for k in keys], [k[5] for k in keys]))
        sizes = [len(seg) for seg in segments]
        rule, sheet, col = (_codes([t[i] for t in texts], sizes, key) for i, key in ((0, None), (1, None), (2, len)))
        order = np.lexsort((col, np.concatenate(row), sheet, rule, np.concatenate(sev)))
        return cls(segments, np.concatenate(seg_of)[order], np.concatenate(off_of)[order])

    # -- the list of Finding an API user sees -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._segment_of)

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("finding index out of range")
        return self._at(index)

    def _at(self, i: int) -> Finding:
        seg = self._segments[self._segment_of[i]]
        off = int(self._offset_of[i])
        return seg.finding(off) if isinstance(seg, FindingBlock) else seg[off]

    def __iter__(self) -> Iterator[Finding]:
        for i in range(len(self)):
            yield self._at(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Findings, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Findings({len(self)} findings)"

    def __deepcopy__(self, memo: dict) -> Findings:
        return Findings(copy.deepcopy(self._segments, memo), self._segment_of, self._offset_of)

    # -- cheap questions, answered from the columns -----------------------------------------------------------

    def replace(self, index: int, finding: Finding) -> None:
        """Put ``finding`` at ``index`` (a changed copy of the finding there: same rule and position)."""
        seg = self._segments[self._segment_of[index]]
        off = int(self._offset_of[index])
        if isinstance(seg, FindingBlock):
            seg.changed[off] = finding
        else:
            seg[off] = finding

    def subject_keys(self, rule_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Where the findings of one rule are, and their subject keys (an object array), read from the columns."""
        positions = np.flatnonzero(self._rule_ids() == rule_id)
        keys = np.empty(len(positions), dtype=object)
        seg_of, off_of = self._segment_of[positions], self._offset_of[positions]
        for s in np.unique(seg_of).tolist():
            here = seg_of == s
            seg = self._segments[s]
            if isinstance(seg, FindingBlock):
                keys[here] = seg.keys[off_of[here]]
            else:
                keys[here] = [seg[o].subject.key for o in off_of[here].tolist()]
        return positions, keys

    def failing(self, at_or_above: Severity) -> Findings:
        """The failing (not waived) findings at or above a severity, in order: a view, decided per block and
        per finding changed by hand, not per finding."""
        limit = SEVERITY_RANK[at_or_above]
        keep = np.zeros(len(self), dtype=bool)
        for s, seg in enumerate(self._segments):
            here = np.flatnonzero(self._segment_of == s)
            if isinstance(seg, FindingBlock):
                ok = np.full(len(seg), SEVERITY_RANK[seg.severity] <= limit)
                changed: Iterable[tuple[int, Finding]] = seg.changed.items()
            else:
                ok = np.zeros(len(seg), dtype=bool)
                changed = enumerate(seg)
            for off, f in changed:
                ok[off] = f.status == "fail" and SEVERITY_RANK[f.severity] <= limit
            keep[here] = ok[self._offset_of[here]]
        return self.subset(np.flatnonzero(keep))

    def subset(self, positions: np.ndarray) -> Findings:
        """The findings at these positions, in this order (a view: nothing is built or copied)."""
        return Findings(self._segments, self._segment_of[positions], self._offset_of[positions])

    def _rule_ids(self) -> np.ndarray:
        out = np.empty(len(self), dtype=object)
        for s, seg in enumerate(self._segments):
            here = self._segment_of == s
            if isinstance(seg, FindingBlock):
                out[here] = seg.rule_id
            else:
                out[here] = np.array([f.rule_id for f in seg], dtype=object)[self._offset_of[here]]
        return out

    def first_per_rule(self, limit: int) -> tuple[Findings, dict[str, int]]:
        """The first ``limit`` findings of each rule, and how many of each rule's findings that leaves out.

        A rule's findings are next to each other in the report's order (severity, then rule id), so each run
        of one rule is cut after ``limit``.
        """
        n = len(self)
        if n == 0:
            return self, {}
        rules = self._rule_ids()
        change = np.flatnonzero(rules[1:] != rules[:-1]) + 1
        keep: list[np.ndarray] = []
        omitted: dict[str, int] = {}
        for a, b in zip([0, *change.tolist()], [*change.tolist(), n], strict=True):
            keep.append(np.arange(a, min(b, a + limit)))
            if b - a > limit:
                omitted[rules[a]] = omitted.get(rules[a], 0) + (b - a - limit)
        return self.subset(np.concatenate(keep)), omitted

    def tally(self) -> Counter[tuple[str, Severity, str]]:
        """How many findings there are by (rule id, severity, status), without building them."""
        counts: Counter[tuple[str, Severity, str]] = Counter()
        for seg in self._segments:
            if isinstance(seg, FindingBlock):
                counts[(seg.rule_id, seg.severity, "fail")] += len(seg) - len(seg.changed)
                items: Iterable[Finding] = seg.changed.values()
            else:
                items = seg
            for f in items:
                counts[(f.rule_id, f.severity, f.status)] += 1
        return counts

    def write_items(self, stream: TextIO, indent: str | None) -> None:
        """Write each finding's JSON (indent 2, then shifted by ``indent``), separated by ``,\\n`` (``indent``
        None: each on one line, separated by ``,``); a run of one block's rows is written from its columns,
        ``CHUNK`` findings at a time."""
        first = True
        joiner = _joiner(indent)
        for seg, start, stop in self.chunks():
            joined = seg.json_array(start, stop, indent) \
                if isinstance(seg, FindingBlock) and stop - start >= ARROW_MIN else None
            if joined is not None:  # Arrow's UTF-8 text, straight to the stream
                if not first:
                    stream.write(joiner)
                _write_utf8(stream, _text_bytes(joined)[:-len(joiner)])
                first = False
                continue
            if isinstance(seg, FindingBlock):
                text = seg.json_items(start, stop, indent)
            else:
                text = joiner.join(_indented(seg[i], indent) for i in range(start, stop))
            stream.write(text if first else joiner + text)
            first = False

    def chunks(self) -> Iterator[tuple[Segment, int, int]]:
        """The findings in order as runs of one segment: ``(block or list, start, stop)``, at most ``CHUNK`` long,
        so a writer can take each run's columns at once."""
        if len(self) == 0:
            return
        seg_of, off_of = self._segment_of, self._offset_of
        breaks = np.flatnonzero((np.diff(seg_of) != 0) | (np.diff(off_of) != 1)) + 1
        for a, b in zip([0, *breaks.tolist()], [*breaks.tolist(), len(self)], strict=True):
            seg = self._segments[seg_of[a]]
            lo = int(off_of[a])
            for c in range(lo, lo + (b - a), CHUNK):
                yield seg, c, min(c + CHUNK, lo + (b - a))

    # -- pydantic: a Report's ``findings`` field is this class; its JSON is a list of Finding -------------------

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        items = core_schema.list_schema(handler.generate_schema(Finding))
        from_list = core_schema.no_info_after_validator_function(cls.in_order, items)
        return core_schema.json_or_python_schema(
            json_schema=from_list,
            python_schema=core_schema.union_schema([core_schema.is_instance_schema(cls), from_list]),
            serialization=core_schema.plain_serializer_function_ser_schema(list, return_schema=items))


def as_findings(findings: Iterable[Finding] | Findings) -> Findings:
    """``Findings`` as they are; a plain list (a report changed by hand) as ``Findings`` in the order it has."""
    return findings if isinstance(findings, Findings) else Findings.in_order(findings)
