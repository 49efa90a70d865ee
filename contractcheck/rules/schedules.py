"""Schedules: a council contract's choice of rules and parameter values, found by id or path, with ``extends``."""

from __future__ import annotations

import fnmatch
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contractcheck.errors import Location, RuleError, UsageError
from contractcheck.return_format import ReturnFormat, return_format
from contractcheck.rules.library import RuleLibrary, SourcedRule, bundled_dir
from contractcheck.rules.model import Schedule
from contractcheck.yamldata import YamlDocument, load_yaml, validation_error


def find_schedule(name: str, base: Path | None = None) -> Path:
    """A schedule by id (beside the extending schedule, then the shipped ``schedules/``) or by path."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") or os.sep in name or "/" in name:
        if base is not None and not p.is_absolute() and (base / p).exists():
            return base / p
        if not p.exists():
            raise UsageError("schedule file not found", location=Location(file=name))
        return p
    folder = bundled_dir("schedules")
    for where in ([base] if base is not None else []) + [folder]:
        for ext in (".yaml", ".yml"):
            candidate = where / f"{name}{ext}"
            if candidate.exists():
                return candidate
    known = sorted(x.stem for x in folder.glob("*.y*ml")) if folder.is_dir() else []
    raise UsageError(f"unknown schedule '{name}'; known schedules: {', '.join(known) or 'none'}")


@dataclass
class LoadedSchedule:
    schedule: Schedule  # with everything it inherits merged in
    file: str
    doc: YamlDocument
    digest: str
    chain: list[LoadedSchedule] = field(default_factory=list)  # the schedules it extends, nearest first

    def lineage(self) -> list[str]:
        return [self.schedule.id, *(s.schedule.id for s in self.chain)]


def _read_schedule(path: Path) -> tuple[Schedule, YamlDocument]:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise RuleError("a schedule must be a mapping of keys", code="SCHED000", location=doc.location())
    try:
        return Schedule.model_validate(doc.data), doc
    except ValidationError as exc:
        raise validation_error(exc, doc, (), "schedule") from None


def _merge(parent: Schedule, child: Schedule) -> Schedule:
    """The child's own keys win; rules add up; parameters and overrides merge rule by rule."""
    rules = list(parent.rules) + [r for r in child.rules if r not in parent.rules]
    params = {rid: dict(values) for rid, values in parent.params.items()}
    for rid, values in child.params.items():
        params.setdefault(rid, {}).update(values)
    overrides = dict(parent.overrides)
    for rid, o in child.overrides.items():
        base = overrides.get(rid)
        overrides[rid] = base.model_copy(update=o.model_dump(exclude_none=True)) if base else o
    fields = {t: dict(f) for t, f in parent.fields.items()}
    for t, f in child.fields.items():
        fields.setdefault(t, {}).update(f)
    vocabularies = {v: {c: list(w) for c, w in words.items()} for v, words in parent.vocabularies.items()}
    for v, words in child.vocabularies.items():
        for canonical, more in words.items():
            vocabularies.setdefault(v, {}).setdefault(canonical, []).extend(more)
    update: dict[str, Any] = {"rules": rules, "params": params, "overrides": overrides, "fields": fields,
                              "vocabularies": vocabularies}
    for inherited in ("kind", "as_of", "mandatory"):
        if inherited not in child.model_fields_set:
            update[inherited] = getattr(parent, inherited)
    return child.model_copy(update=update)


#: how many schedules one may extend, one through another: far above any contract, far below Python's stack
MAX_EXTENDS = 32


def load_schedule(name: str, _seen: tuple[str, ...] = (), _base: Path | None = None) -> LoadedSchedule:
    """A schedule by id or path, with the schedules it extends merged in (a cycle is an error)."""
    path = find_schedule(name, _base)
    key = str(path.resolve())
    schedule, doc = _read_schedule(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if not schedule.extends:
        return LoadedSchedule(schedule, str(path), doc, digest)
    if key in _seen or schedule.extends == schedule.id:
        raise RuleError(f"schedule {schedule.id} extends {schedule.extends}, which leads back to itself (a cycle)",
                        code="SCHED004", location=doc.location(("extends",)))
    if len(_seen) + 1 >= MAX_EXTENDS:
        raise RuleError(f"schedule {schedule.id} extends {schedule.extends}: the extends chain is deeper than "
                        f"{MAX_EXTENDS} schedules; is it a loop of copies?", code="SCHED004",
                        location=doc.location(("extends",)))
    parent = load_schedule(schedule.extends, (*_seen, key), path.parent)
    merged = _merge(parent.schedule, schedule)
    combined = hashlib.sha256((digest + parent.digest).encode()).hexdigest()
    return LoadedSchedule(merged, str(path), doc, combined, [parent, *parent.chain])


def _owner(schedule: LoadedSchedule, section: str, key: str) -> LoadedSchedule:
    """The schedule in the chain that wrote a key (for error lines)."""
    for s in [schedule, *schedule.chain]:
        data = s.doc.data if isinstance(s.doc.data, dict) else {}
        if isinstance(data.get(section), dict) and key in data[section]:
            return s
    return schedule


def select_rules(schedule: LoadedSchedule, library: RuleLibrary) -> list[SourcedRule]:
    """Every version of the rules a schedule includes, by id or glob (``DATA-*``), in the order listed."""
    chosen: dict[str, list[SourcedRule]] = {}
    for owner in [schedule, *schedule.chain]:
        own = owner.doc.data.get("rules", []) if isinstance(owner.doc.data, dict) else []
        for i, pattern in enumerate(own):
            if not any(fnmatch.fnmatchcase(rid, str(pattern)) for rid in library.versions):
                close = [rid for rid in library.versions if rid.split("-")[0] == str(pattern).split("-")[0]]
                hint = f" (rules with that prefix: {', '.join(sorted(close))})" if close else ""
                raise RuleError(f"schedule includes rule '{pattern}', which does not exist{hint}", code="SCHED001",
                                location=owner.doc.location(("rules", i)))
    for pattern in schedule.schedule.rules:
        for rid in sorted(r for r in library.versions if fnmatch.fnmatchcase(r, pattern)):
            chosen.setdefault(rid, library.versions[rid])
    for section in ("params", "overrides"):
        for key in getattr(schedule.schedule, section):
            if key not in chosen:
                owner = _owner(schedule, section, key)
                raise RuleError(f"{section} given for rule '{key}', which the schedule does not include",
                                code="SCHED002", location=owner.doc.location((section, key)))
    for i, pattern in enumerate(schedule.schedule.mandatory or []):
        if not any(fnmatch.fnmatchcase(rid, pattern) for rid in chosen):
            owner = next((s for s in [schedule, *schedule.chain]
                          if isinstance(s.doc.data, dict) and "mandatory" in s.doc.data), schedule)
            raise RuleError(f"mandatory names rule '{pattern}', which the schedule does not include",
                            code="SCHED002", location=owner.doc.location(("mandatory", i)))
    return [v for versions in chosen.values() for v in versions]


def schedule_format(schedule: LoadedSchedule) -> ReturnFormat:
    """The return format data is read with under a schedule: the shipped one, plus the fields the schedule
    declares and the words it adds to the vocabularies. Raises ``RuleError`` (SCHED005) naming the schedule's
    line when it adds words to a vocabulary or value that does not exist, or a word that means another value."""
    fmt = return_format().with_extra_fields(schedule.schedule.fields)
    try:
        return fmt.with_vocabulary_words(schedule.schedule.vocabularies)
    except ValueError as exc:
        owner = next((s for s in [schedule, *schedule.chain]
                      if isinstance(s.doc.data, dict) and s.doc.data.get("vocabularies")), schedule)
        raise RuleError(f"vocabularies: {exc}", code="SCHED005", location=owner.doc.location(("vocabularies",))) \
            from None
