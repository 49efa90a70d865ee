"""The house: data flows one way (load → normalise → evaluate → report), and no module imports one above it.

Each module of the package has a layer; a module may import its own layer or any below, never one above, and
the imports never form a cycle. Importing ``contractcheck.rules.model`` runs the package ``contractcheck.rules``
first, so such an import counts as an import of the package too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "contractcheck"

# lowest first; the longest prefix of a module's name decides its layer
LAYERS: list[list[str]] = [
    # leaves: facts and small shared concepts
    ["contractcheck._version", "contractcheck.position", "contractcheck.severity", "contractcheck.wording",
     "contractcheck.blank", "contractcheck.errors", "contractcheck.yamldata", "contractcheck.return_format",
     "contractcheck.as_of", "contractcheck.value_types", "contractcheck.vocabulary", "contractcheck.limits",
     "contractcheck.output"],
    # reading files, dated reference data, the expression language
    ["contractcheck.load", "contractcheck.reference.pay_floors", "contractcheck.expressions"],
    # normalise reads what load found; the pay functions are handed to the language
    ["contractcheck.normalise", "contractcheck.reference", "contractcheck.recognise"],
    ["contractcheck.rules"],
    ["contractcheck.report"],
    ["contractcheck.evaluate"],
    ["contractcheck.api", "contractcheck.batch", "contractcheck.compare"],
    ["contractcheck.authoring", "contractcheck.schemas"],
    ["contractcheck.cli", "contractcheck.render", "contractcheck.__main__"],
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(name: str) -> int:
    if name == "contractcheck":  # the package face (check, Report, …) sits on top of everything
        return len(LAYERS)
    best, found = -1, None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), i
    if found is None:
        raise AssertionError(f"{name} has no layer: add it to LAYERS in {Path(__file__).name}")
    return found


def imports_of(path: Path, name: str) -> set[str]:
    """Every contractcheck module this one imports (at the top or inside a function), with parent packages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        for target in targets:
            if not target.startswith("contractcheck."):
                continue
            parts = target.split(".")
            for i in range(2, len(parts) + 1):
                found.add(".".join(parts[:i]))
    real = {module_name(p) for p in PACKAGE.rglob("*.py")}
    # an imported name that is not a module (a class) is not an edge; nor is a module's own ancestor package
    return {m for m in found & real if not name.startswith(m + ".") and m != name}


GRAPH = {module_name(p): imports_of(p, module_name(p)) for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_one_above_it(module: str) -> None:
    above = sorted(m for m in GRAPH[module] if layer_of(m) > layer_of(module))
    assert above == [], f"{module} (layer {layer_of(module)}) imports a higher layer: {above}"


def test_the_imports_form_no_cycle() -> None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(GRAPH.get(m, ())):
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)


def test_the_expression_language_does_not_know_about_pay() -> None:
    """The generic language is handed the pay functions; it never imports the pay-floor data."""
    for module, imported in GRAPH.items():
        if module.startswith("contractcheck.expressions"):
            assert not any(m.startswith("contractcheck.reference") for m in imported), module


def test_load_answers_what_is_in_the_file_and_nothing_more() -> None:
    for module, imported in GRAPH.items():
        if module.startswith("contractcheck.load"):
            # limits: how much may be read; yamldata: the one safe YAML loader (aliases refused)
            allowed = ("contractcheck.load", "contractcheck.errors", "contractcheck.position", "contractcheck.blank",
                       "contractcheck.limits", "contractcheck.yamldata")
            assert all(m.startswith(allowed) for m in imported), (module, imported)


def test_every_built_in_check_a_rule_may_name_is_implemented() -> None:
    from typing import get_args

    from contractcheck.evaluate import BUILTIN_CHECKS
    from contractcheck.rules.model import BuiltinCheck

    assert set(get_args(BuiltinCheck)) == set(BUILTIN_CHECKS)


def test_the_command_line_starts_without_the_data_libraries() -> None:
    """`--help`, `version` and the rule tools must not pay for pandas, pyarrow and fastexcel before any work."""
    import subprocess
    import sys

    probe = "import sys, contractcheck.cli; print(sorted(m for m in ('pandas', 'pyarrow', 'fastexcel', 'numpy') " \
            "if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
