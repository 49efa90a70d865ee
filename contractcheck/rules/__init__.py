"""Rules and schedules: YAML data validated strictly (``model``), found and versioned (``library``), chosen by a
council's schedule (``schedules``) and compiled against the return format (``compile``).
"""

from __future__ import annotations

from contractcheck.rules.compile import (
    CompiledRule,
    compile_rule,
    compile_schedule,
    rule_functions,
    schemas_for,
    value_on,
    version_in_force,
)
from contractcheck.rules.library import (
    RuleLibrary,
    add_version,
    bundled_dir,
    file_kind,
    load_rule_file,
    load_rules,
    read_rule_file,
    rule_files,
)
from contractcheck.rules.model import PARAM_NAME, RULE_ID, Example, ParamSpec, Rule, RuleOverride, Schedule, SourcedRule
from contractcheck.rules.schedules import (
    LoadedSchedule,
    find_schedule,
    load_schedule,
    schedule_format,
    select_rules,
)

__all__ = [
    "PARAM_NAME", "RULE_ID", "CompiledRule", "Example", "LoadedSchedule", "ParamSpec", "Rule", "RuleLibrary",
    "RuleOverride", "Schedule", "SourcedRule", "add_version", "bundled_dir", "compile_rule", "compile_schedule",
    "file_kind", "find_schedule", "load_rule_file", "load_rules", "load_schedule", "read_rule_file", "rule_files",
    "rule_functions", "schedule_format", "schemas_for", "select_rules", "value_on", "version_in_force",
]
