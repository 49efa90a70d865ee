"""Safe YAML loading that remembers where each value was written.

Rule authors are not programmers: an error must point at the line they typed. PyYAML's safe loader
refuses Python tags; on top of it we compose the node tree once more to map every path
(``("rules", 3, "severity")``) to its line, and reject duplicate keys, which PyYAML would silently
let the last one win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from contractcheck.errors import Location, RuleError
from contractcheck.limits import current_limits, size_text, special_file_problem

PathKey = tuple[str | int, ...]
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe loader (no Python tags), libyaml's when PyYAML has it (rules, schedules, waivers, the format)."""


class YamlDocument:
    """A parsed YAML file plus the line of every mapping key and sequence item in it."""

    def __init__(self, file: str, data: Any, lines: dict[PathKey, int]):
        self.file = file
        self.data = data
        self.lines = lines

    def line_of(self, path: PathKey) -> int | None:
        """The line of the deepest known prefix of ``path`` (pydantic locations can point below a node)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def location(self, path: PathKey = ()) -> Location:
        return Location(file=self.file, line=self.line_of(path))


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise RuleError(
                    f"key {key!r} is written twice (first on line {seen[key]}); remove one",
                    code="YAML002",
                    location=Location(file=file, line=line),
                )
            seen[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _walk(item, (*path, i), lines, file)


def _bad_date(text: str) -> tuple[int | None, str | None]:
    """The line and text of the first date-like scalar that is not a real date."""
    import datetime as dt

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None, None
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
            try:
                dt.date.fromisoformat(node.value[:10])
            except ValueError:
                return node.start_mark.line + 1, node.value
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend([k, v])
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None, None


def first_alias(root: yaml.Node) -> yaml.Node | None:
    """The first node reached twice in a composed tree (an ``*alias``), or None: one pass over distinct nodes.

    A few hundred bytes of nested aliases ("billion laughs") stand for billions of values; walking or
    validating them would never end, so files that rules, schedules, waivers and returns are written in
    are plain trees: an alias is refused, not expanded.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _refuse_aliases(root: yaml.Node, file: str) -> None:
    alias = first_alias(root)
    if alias is not None:
        raise RuleError(
            "YAML aliases (*name) are not allowed: write the value out where it is used",
            code="YAML001",
            location=Location(file=file, line=alias.start_mark.line + 1),
        )


def parse_yaml_text(text: str, file: str) -> YamlDocument:
    """Parse YAML text safely; any problem is a RuleError naming the file and line."""
    try:
        # libyaml's C loader when PyYAML was built with it: the same safe subset, several times faster. The text
        # is parsed once: the node tree gives the lines, and the same tree is constructed into the data.
        loader = SAFE_LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "python/" in str(exc):
            problem = "a Python object tag is not allowed in rule files (YAML is data only)"
        raise RuleError(
            f"YAML cannot be read: {problem}",
            code="YAML001",
            location=Location(file=file, line=mark.line + 1 if mark else None),
        ) from None
    except yaml.YAMLError as exc:
        raise RuleError(f"YAML cannot be read: {exc}", code="YAML001", location=Location(file=file)) from None
    except ValueError as exc:  # PyYAML raises a bare ValueError for an impossible date such as 2027-02-30
        line, value = _bad_date(text)
        what = f"{value} is not a date ({exc})" if value else str(exc)
        raise RuleError(f"YAML cannot be read: {what}; dates are YYYY-MM-DD", code="YAML003",
                        location=Location(file=file, line=line)) from None
    if node is not None:
        _refuse_aliases(node, file)
    lines: dict[PathKey, int] = {}
    if node is not None:
        _walk(node, (), lines, file)
    return YamlDocument(file, data, lines)


def load_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file (never written to)."""
    return parse_yaml_text(read_text_file(path), str(path))


def read_text_file(path: Path) -> str:
    """The text of a YAML file (never written to); a folder, a missing file or one that is not UTF-8 text is a
    ``YAML000`` RuleError naming it."""
    if path.is_dir():
        raise RuleError("is a folder, not a YAML file", code="YAML000", location=Location(file=str(path)))
    special = special_file_problem(path)
    if special is not None:
        raise RuleError(special, code="YAML000", location=Location(file=str(path)))
    limit = current_limits().max_yaml_bytes
    try:
        with path.open("rb") as handle:  # never more than the limit: /dev/zero behind a link has no end
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise RuleError("file not found", code="YAML000", location=Location(file=str(path))) from None
    except OSError as exc:
        raise RuleError(f"cannot be read: {exc}", code="YAML000", location=Location(file=str(path))) from None
    if len(raw) > limit:
        raise RuleError(f"is larger than {size_text(limit)}, the limit for a YAML file; is it the right file?",
                        code="YAML000", location=Location(file=str(path)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError(f"cannot be read: {exc}", code="YAML000", location=Location(file=str(path))) from None
    return text


# ------------------------------------------------------------------------------------------------
# Strict models over YAML documents, and their errors with lines


class Strict(BaseModel):
    """A model for hand-written YAML: unknown keys are errors (never ignored), folded text reads as one line."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _fold_lines(cls, v: Any) -> Any:
        """Text folded over lines in YAML (``>``) reads as one line, without a trailing newline."""
        return " ".join(v.split()) if isinstance(v, str) and "\n" in v else v


def validation_error(
    exc: ValidationError, doc: YamlDocument, prefix: PathKey, what: str, code: str = "RULE001"
) -> RuleError:
    """The first problem pydantic found, as one line naming the file and the line of its key.

    ``prefix`` is the path of the validated mapping in the document; ``what`` names it ("rule PAY-01").
    """
    first = validation_errors(exc, doc, prefix, what, code)[0]
    if exc.error_count() > 1:
        first = RuleError(f"{first.message} (and {exc.error_count() - 1} more)", code=code, location=first.location)
    return first


def validation_errors(
    exc: ValidationError, doc: YamlDocument, prefix: PathKey, what: str, code: str = "RULE001"
) -> list[RuleError]:
    """Every problem pydantic found, each as ``validation_error`` words the first (without ``and N more``), at
    the line of its own key: for ``rules lint``, which lists them all."""
    found: list[RuleError] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        path = (*prefix, *loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = f"unknown key '{loc[-1]}' in {what} (check the spelling; unknown keys are never ignored)"
        elif kind == "missing":
            msg = f"{what} is missing '{loc[-1]}'"
        elif loc:
            msg = f"{what}: {'.'.join(str(p) for p in loc)}: {err['msg']}"
        else:  # a check across keys (e.g. dates that overlap): no one key to name
            msg = f"{what}: {err['msg']}"
        found.append(RuleError(msg, code=code, location=doc.location(path)))
    return found
