"""The rule library: finding rule files, reading them with lines, and keeping every version of each rule.

A rule id may have several versions, each in force between dates (``effective_from``/``effective_to``);
two versions of one id must not overlap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from contractcheck.errors import Location, RuleError
from contractcheck.rules.model import Rule, SourcedRule
from contractcheck.yamldata import load_yaml, validation_error, validation_errors

FileKind = Literal["rules", "schedule", "other"]


def file_kind(path: Path) -> FileKind:
    """What a YAML file in a rules folder is: ``schedule`` (a mapping with an ``id``), ``rules`` (a mapping with
    a ``rules`` list, or a file whose YAML cannot be read — its error is reported when it is read as rules) or
    ``other``. ``rules lint`` and ``check --rules`` sort a folder's files by this one test."""
    try:
        data = load_yaml(path).data
    except RuleError:
        return "rules"
    if isinstance(data, dict) and "id" in data:
        return "schedule"
    if isinstance(data, dict) and "rules" in data:
        return "rules"
    return "other"


def read_rule_file(path: Path, *, every: bool = False) -> tuple[list[SourcedRule], list[RuleError]]:
    """Every valid rule in a file, and a problem for each invalid one; with ``every``, each of an invalid rule's
    problems on its own (lint lists them all), else its first with how many more."""
    try:
        doc = load_yaml(path)
    except RuleError as exc:
        return [], [exc]
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return [], [RuleError("a rule file must be a mapping with a 'rules:' list", code="RULE000",
                              location=doc.location())]
    problems: list[RuleError] = []
    for key in sorted(set(data) - {"rules", "description"}):
        problems.append(RuleError(f"unknown top-level key '{key}' (a rule file has 'rules:')", code="RULE001",
                                  location=doc.location((key,))))
    found: list[SourcedRule] = []
    for i, raw in enumerate(data["rules"]):
        what = f"rule {raw.get('id', '#' + str(i + 1))}" if isinstance(raw, dict) else f"rule #{i + 1}"
        if not isinstance(raw, dict):
            problems.append(RuleError(f"{what} must be a mapping of keys", code="RULE001",
                                      location=doc.location(("rules", i))))
            continue
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            if every:
                problems.extend(validation_errors(exc, doc, ("rules", i), what))
            else:
                problems.append(validation_error(exc, doc, ("rules", i), what))
            continue
        found.append(SourcedRule(rule, str(path), doc.line_of(("rules", i)), doc, i))
    return found, problems


def load_rule_file(path: Path) -> list[SourcedRule]:
    """Every rule in one YAML file, validated; the first problem is raised."""
    found, problems = read_rule_file(path)
    if problems:
        raise problems[0]
    return found


def bundled_dir(name: str) -> Path:
    """Where the shipped ``rules``/``schedules`` are: beside the package in a checkout, inside it when installed."""
    env = os.environ.get("CONTRACTCHECK_HOME")
    if env:
        return Path(env) / name
    inside = Path(str(resources.files("contractcheck"))) / "_bundled" / name
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / name


@dataclass
class RuleLibrary:
    """All known rules by id (each id may have several versions in force at different dates)."""

    versions: dict[str, list[SourcedRule]]
    files: list[Path]

    @property
    def rules(self) -> dict[str, SourcedRule]:
        """Each id's latest version (the one in force last)."""
        return {rid: max(vs, key=lambda v: v.rule.effective_from or dt.date.min) for rid, vs in self.versions.items()}

    def digest(self) -> str:
        h = hashlib.sha256()
        for f in sorted(self.files):
            h.update(f.name.encode())
            h.update(f.read_bytes())
        return h.hexdigest()


def rule_files(paths: list[Path]) -> list[Path]:
    """The YAML files (``.yaml``/``.yml``) to read: each file given, and every one in a folder and its subfolders.

    The one finder for rule and schedule files: ``check --rules``, ``rules lint`` and ``rules test`` all read
    the same files. Sorted within each folder, each file once. Raises ``RuleError`` (RULE000) for a path that
    does not exist.
    """
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml") and x.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise RuleError("rules file or folder not found", code="RULE000", location=Location(file=str(p)))
    seen: set[Path] = set()
    unique: list[Path] = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append(f)
    return unique


def add_version(versions: dict[str, list[SourcedRule]], sr: SourcedRule) -> None:
    """Add a rule; a second rule with the same id is a new version only if their dates do not overlap."""
    for other in versions.get(sr.rule.id, []):
        if other.rule.overlaps(sr.rule):
            raise RuleError(
                f"rule id {sr.rule.id} is defined twice (first at {other.file}:{other.line}); a second version "
                f"needs effective dates that do not overlap the first",
                code="RULE002",
                location=Location(file=sr.file, line=sr.line),
            )
    versions.setdefault(sr.rule.id, []).append(sr)


def load_rules(paths: list[Path] | None = None) -> RuleLibrary:
    """Rules from the shipped library plus any extra files or folders (subfolders too); clashing ids are errors.

    A schedule found in a folder is passed over (a folder may hold a council's rules and its schedule, as
    ``rules lint`` reads them); a schedule named as a rules file is refused (RULE000). Raises ``RuleError``
    naming the file and line of the first problem.
    """
    given = {p.resolve() for p in paths or [] if p.is_file()}
    files: list[Path] = []
    for f in rule_files([bundled_dir("rules"), *(paths or [])]):
        if file_kind(f) == "schedule":
            if f.resolve() in given:
                raise RuleError("is a schedule (it has an 'id:'), not a rule file: give it with --schedule",
                                code="RULE000", location=Location(file=str(f)))
            continue
        files.append(f)
    versions: dict[str, list[SourcedRule]] = {}
    for f in files:
        for sr in load_rule_file(f):
            add_version(versions, sr)
    return RuleLibrary(versions, files)


