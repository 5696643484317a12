"""The package's shape, read from its source: imports run downstream, no cycle, codes once."""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from berlintalks.checks.rules.relations import _cycle_members
from conftest import REPO

SRC = REPO / "src"
PACKAGE = "berlintalks"
CODE = re.compile(r"BT\d{3}")

# What each stage may not import, at run time or for type checking: files → records →
# findings → pages, with export and the editor tools beside the site.
FORBIDDEN = {
    "records": ("checks", "site", "export", "editor"),
    "checks": ("site", "export", "editor"),
    "export": ("site",),
}
# Modules every stage uses; they import no stage when they run.
SHARED = ("finding", "boundary", "gcpause", "second_process")
STAGES = ("records", "checks", "site", "export", "editor")


@dataclass(frozen=True, slots=True)
class Import:
    source: str
    target: str
    line: int
    typing_only: bool  # under ``if TYPE_CHECKING:``, never run


@functools.cache
def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _typing_only_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """Every import of a package module by ``name``, function-level ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _typing_only_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            # ``from . import x`` imports the module x if there is one, else a name of the package.
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                for alias in node.names
            ]
        for target in dict.fromkeys(targets):
            if target in known and target != name:
                found.append(Import(name, target, node.lineno, node.lineno in typing_only))
    return found


@functools.cache
def all_imports() -> tuple[Import, ...]:
    known = modules()
    return tuple(imp for name, path in known.items() for imp in imports_of(name, path, known))


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def cycles(imports: Sequence[Import]) -> list[list[str]]:
    """The modules of each import cycle, sorted (the relation rules' cycle search)."""
    edges: dict[str, list[str]] = {}
    for imp in imports:
        edges.setdefault(imp.source, []).append(imp.target)
        edges.setdefault(imp.target, [])
    loops: dict[int, list[str]] = {}
    for module, component in _cycle_members(edges).items():
        loops.setdefault(component, []).append(module)
    return sorted(sorted(members) for members in loops.values())


def code_strings() -> dict[str, Counter[str]]:
    """For each module, the string constants that are exactly a code, counted."""
    found: dict[str, Counter[str]] = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        counted = Counter(
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and CODE.fullmatch(node.value)
        )
        if counted:
            found[name] = counted
    return found


def test_the_graph_sees_the_imports_the_code_makes() -> None:
    # Guards the tests below against passing on an empty or misread graph.
    imports = all_imports()
    pairs = {(i.source, i.target, i.typing_only) for i in imports}
    assert ("berlintalks.checks.engine", "berlintalks.records.load", False) in pairs
    assert ("berlintalks.checks.rules", "berlintalks.checks.rules.quotes", False) in pairs
    assert ("berlintalks.checks.rule", "berlintalks.checks.context", True) in pairs
    assert len(modules()) >= 50


def test_no_import_cycle() -> None:
    # Imports made for annotations count too: a cycle there is still two modules that
    # cannot be read, or moved, one without the other.
    assert cycles(all_imports()) == []


def test_the_cycle_search_finds_a_cycle() -> None:
    a_b = [Import("p.a", "p.b", 1, False), Import("p.b", "p.c", 1, False)]
    assert cycles([*a_b, Import("p.c", "p.a", 1, False)]) == [["p.a", "p.b", "p.c"]]
    assert cycles(a_b) == []


def test_each_stage_imports_only_downstream() -> None:
    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in all_imports()
        if stage_of(i.target) in FORBIDDEN.get(stage_of(i.source) or "", ())
    ]
    assert wrong == []


def test_shared_modules_import_no_stage() -> None:
    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in all_imports()
        if stage_of(i.source) in SHARED and not i.typing_only and stage_of(i.target) in STAGES
    ]
    assert wrong == []


def test_each_code_is_written_once_where_it_is_declared() -> None:
    found = code_strings()
    declared: Counter[str] = Counter()
    for counted in found.values():
        declared.update(counted)
    twice = {code: n for code, n in declared.items() if n != 1}
    assert twice == {}
    # The registry lists exactly the codes written down, so none is declared out of sight.
    from berlintalks.checks.registry import RULES

    assert sorted(declared) == sorted(RULES)


def test_rule_modules_name_no_code_outside_their_declarations() -> None:
    wrong = []
    for name, path in modules().items():
        if not name.startswith("berlintalks.checks.rules."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Constant) and CODE.fullmatch(str(inner.value)):
                        wrong.append(f"{name}:{inner.lineno} {inner.value} in {node.name}()")
    assert wrong == []
