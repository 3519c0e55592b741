"""The package's imports point down only and never close a circle.

The graph is read with ``ast`` from every module's source, imports inside function bodies
included (a circle hidden in a function is still a circle: it only waits for the first call).
Imports under ``if TYPE_CHECKING:`` are left out: they never run, and type-only references
between layers are how a protocol is named from above.

Covers ``desktop_sync`` and, where it exists, the emulators' sibling package
``desktop_sync_sandbox``.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGES = ("desktop_sync", "desktop_sync_sandbox")

QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def _package_root(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _module_name(root: Path, package: str, path: Path) -> str:
    parts = [package, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every module ``module`` imports, at any depth, outside ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # ``from package import module`` imports the module too.
            yield from (f"{base}.{alias.name}" for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))


def _sources() -> dict[str, tuple[Path, bool]]:
    """Every module of the packages: its file, and whether it is a package's ``__init__``."""
    sources: dict[str, tuple[Path, bool]] = {}
    for package in PACKAGES:
        root = _package_root(package)
        if root is None:
            continue
        for path in sorted(root.rglob("*.py")):
            sources[_module_name(root, package, path)] = (path, path.name == "__init__.py")
    return sources


def _all_imports(module: str) -> set[str]:
    path, is_package = SOURCES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return set(_imports(tree, module, is_package))


def _external(module: str) -> set[str]:
    """Top-level names of what ``module`` imports from outside the packages."""
    return {name.split(".")[0] for name in _all_imports(module)}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == 1:
                return [*path[path.index(imported) :], imported]
            if imported not in state:
                found = visit(imported)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


SOURCES = _sources()
GRAPH = {m: {i for i in _all_imports(m) if i in SOURCES} - {m} for m in SOURCES}
"""Module -> the package modules it imports."""


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _in(layer: str) -> list[str]:
    return sorted(m for m in GRAPH if m.startswith("desktop_sync.") and _layer(m) == layer)


def test_the_graph_covers_every_layer() -> None:
    # A reader that found nothing would pass every test below.
    for layer in ("app", "engine", "state", "connectors", "gui"):
        assert _in(layer), layer
    assert "desktop_sync.cli" in GRAPH


def test_the_graph_sees_imports_inside_functions_and_skips_type_checking() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from desktop_sync import gui\n"
        "def f():\n    from desktop_sync.engine import sync\n"
    )
    found = set(_imports(ast.parse(source), "desktop_sync.x", False))
    assert "desktop_sync.engine.sync" in found
    assert "desktop_sync.gui" not in found


def test_no_import_cycle_anywhere() -> None:
    cycle = _cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


@pytest.mark.parametrize("layer", ["engine", "state", "connectors", "app"])
def test_below_the_window_nothing_imports_qt(layer: str) -> None:
    offenders = {m: _external(m) & set(QT) for m in _in(layer)}
    assert not {m: q for m, q in offenders.items() if q}


def _reaching(layer: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {
        module: sorted(i for i in GRAPH[module] if _layer(i) in forbidden) for module in _in(layer)
    }
    return {module: imported for module, imported in found.items() if imported}


def test_connectors_import_nothing_above_them() -> None:
    assert _reaching("connectors", ("app", "engine", "gui", "cli", "sandbox")) == {}


def test_connectors_do_not_import_the_platform_registry() -> None:
    # A connector knows its own name; the registry is read from above.
    assert not [m for m in _in("connectors") if any("platforms" in i for i in GRAPH[m])]


def test_state_imports_no_connector_engine_app_or_window() -> None:
    assert _reaching("state", ("connectors", "engine", "app", "gui", "cli", "sandbox")) == {}


def test_engine_imports_no_window_and_no_command_line() -> None:
    assert _reaching("engine", ("gui", "cli", "sandbox")) == {}


def test_the_emulators_import_nothing_of_the_product() -> None:
    if "desktop_sync_sandbox" not in {m.split(".")[0] for m in GRAPH}:
        pytest.skip("the emulators are not a sibling package yet")
    product = {
        m: sorted(i for i in GRAPH[m] if i.startswith("desktop_sync."))
        for m in GRAPH
        if m.startswith("desktop_sync_sandbox")
    }
    assert {m: i for m, i in product.items() if i} == {}


def test_the_engine_imports_nothing_of_app() -> None:
    # The engine is handed the registry's facts (send rule, source name, display name) by the
    # wiring above it, and reads the store's own name from its connector.
    assert _reaching("engine", ("app",)) == {}
