"""The layout is the architecture: imports point down the layers, with no circles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Bottom to top; a module may import its own layer or any layer below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("hotline.dialogue", "hotline.words", "hotline.config", "hotline.crypto", "hotline.logs",
     "hotline.safety", "hotline.voices"),
    ("hotline.store", "hotline.sessions"),
    ("hotline.outbound", "hotline.alerts", "hotline.conversations", "hotline.service",
     "hotline.calls", "hotline.spooling", "hotline.upkeep", "hotline.forgetting",
     "hotline.health", "hotline.worker_loop", "hotline.evidence"),
    ("hotline.web", "hotline.cli", "hotline.app", "workers"),
)
#: Modules that are data tables rather than code, exempt from the size rule.
DATA_MODULES = {"hotline.dialogue.topics"}
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted([*ROOT.glob("hotline/**/*.py"), *ROOT.glob("workers/*.py")]):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _layer(module: str) -> int:
    if module == "hotline":
        return 0  # the package itself holds nothing
    if module == "workers":
        return len(LAYERS) - 1
    for index, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _imports(path: Path) -> set[str]:
    """Return the project modules a file imports, outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    # "from hotline import config" names the package too; the package itself holds nothing
    return {name for name in names if name in MODULES and name not in ("hotline", "workers")}


GRAPH = {module: _imports(path) - {module} for module, path in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module: str) -> None:
    upward = sorted(dep for dep in GRAPH[module] if _layer(dep) > _layer(module))
    assert not upward, f"{module} imports a higher layer: {upward}"


def test_hotline_never_imports_the_workers_package() -> None:
    offenders = sorted(m for m, deps in GRAPH.items()
                       if m.startswith("hotline") and any(d.startswith("workers") for d in deps))
    assert not offenders


def test_no_import_circles() -> None:
    # a package's __init__ importing its own submodules is how a package gathers them
    edges = {m: {d for d in deps if not m or not d.startswith(m + ".")} for m, deps in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(edges[node]):
            if state.get(dep) == 1:
                circles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert not circles, "import circles: " + "; ".join(" → ".join(c) for c in circles)


@pytest.mark.parametrize("module", sorted(set(MODULES) - DATA_MODULES))
def test_no_module_does_two_jobs(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by job"
