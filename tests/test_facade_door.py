"""The facade is the only door: the window (``gui/``) and the command line (``cli*.py``) import
``app/facade.py`` (``DesktopSync``) and ``app/facade_types.py`` (the data it hands back and the
errors it raises), and nothing else of ``app/``, ``engine/``, ``state/`` or ``connectors/``.

Read with ``ast`` like ``tests/test_import_graph.py``, function bodies included, and here
``if TYPE_CHECKING:`` blocks too: a type named from an inner module ties the window to that
module as much as a call does. Allowed besides: the window's and the command line's own
modules, the package's metadata (``desktop_sync.__version__``, ``APP_NAME``, ...), and the
emulators' package where the demo and the ``sandbox`` command start.
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

import desktop_sync

ROOT = Path(desktop_sync.__file__).resolve().parent

DOORS = ("desktop_sync.app.facade", "desktop_sync.app.facade_types")
"""The facade and the one module of what it returns."""

SANDBOX_STARTS = {"gui/app.py", "gui/demo_panel.py", "cli.py"}
"""Where the demo and the ``sandbox`` command start the emulators."""


def _drivers() -> list[Path]:
    return sorted([*(ROOT / "gui").rglob("*.py"), *ROOT.glob("cli*.py")])


def _module_name(path: Path) -> str:
    parts = ["desktop_sync", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, module: str) -> Iterator[tuple[int, str]]:
    """Each module an import names, and its line: at any depth, ``TYPE_CHECKING`` included;
    ``from package import name`` names ``package.name`` (a module or not)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: -node.level]
                base = ".".join([*anchor, base] if base else anchor)
            yield from ((node.lineno, f"{base}.{alias.name}") for alias in node.names)


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _is_submodule(name: str) -> bool:
    """Whether ``name`` (``desktop_sync.x.y``) is a module or package of the product."""
    relative = Path(*name.split(".")[1:])
    return (ROOT / relative).with_suffix(".py").is_file() or (ROOT / relative).is_dir()


def _allowed(name: str, where: str) -> bool:
    if _within(name, "desktop_sync_sandbox"):
        return where in SANDBOX_STARTS
    if not _within(name, "desktop_sync"):
        return True  # the standard library, Qt, third parties: not this rule's business
    if any(_within(name, door) for door in DOORS):
        return True
    if _within(name, "desktop_sync.gui"):
        return True
    parts = name.split(".")
    if len(parts) == 1:
        return True  # ``import desktop_sync``: the package's metadata
    if len(parts) == 2:  # ``from desktop_sync import X``: metadata, or a driver's own module
        return parts[1].startswith("cli") or not _is_submodule(name)
    return parts[1].startswith("cli") and _is_submodule(".".join(parts[:2]))


def _doors_left_open() -> list[str]:
    found = []
    for path in _drivers():
        where = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in sorted(_imports(tree, _module_name(path))):
            if not _allowed(name, where):
                found.append(f"desktop_sync/{where}:{line} imports {name}")
    return found


def test_the_window_and_the_command_line_import_the_facade_and_nothing_else_of_the_app() -> None:
    found = _doors_left_open()
    assert not found, f"{len(found)} imports around the facade:\n" + "\n".join(found)


def test_the_scan_reads_every_driver() -> None:
    # A scan that read nothing would pass the test above.
    names = {p.relative_to(ROOT).as_posix() for p in _drivers()}
    assert {"cli.py", "cli_common.py", "gui/app.py", "gui/main_window.py"} <= names


def test_the_scan_sees_buried_imports_and_tells_the_doors_from_the_rest() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from desktop_sync import APP_NAME, cli_common, errors\n"
        "if TYPE_CHECKING:\n    from desktop_sync.state.journal import Journal\n"
        "def f():\n    from desktop_sync.app.wiring import build_engine\n"
        "def g():\n    from desktop_sync.app.facade_types import Health\n"
        "def h():\n    from ..app import settings\n"
        "import desktop_sync_sandbox.demo\n"
    )
    seen = list(_imports(ast.parse(source), "desktop_sync.gui.sample"))
    refused = sorted((line, name) for line, name in seen if not _allowed(name, "gui/sample.py"))
    assert refused == [
        (2, "desktop_sync.errors"),
        (4, "desktop_sync.state.journal.Journal"),
        (6, "desktop_sync.app.wiring.build_engine"),
        (10, "desktop_sync.app.settings"),
        (11, "desktop_sync_sandbox.demo"),
    ]
    assert _allowed("desktop_sync_sandbox.demo.DemoSandbox", "gui/demo_panel.py")
    assert _allowed("desktop_sync.cli_common.say", "cli.py")


def _door_names() -> list[tuple[str, object]]:
    door = importlib.import_module("desktop_sync.app.facade_types")
    return [(name, getattr(door, name)) for name in door.__all__]


def test_the_data_module_hands_out_data_not_doors() -> None:
    # What the window may call lives on DesktopSync; the data module holds classes (records,
    # events, results, errors, protocols), enums and constants, and not one function.
    functions = [name for name, value in _door_names() if inspect.isroutine(value)]
    assert functions == []


def test_each_name_of_the_data_module_is_a_type_or_a_constant() -> None:
    others = [
        name
        for name, value in _door_names()
        if not (inspect.isclass(value) or _is_constant(value) or _is_type_alias(value))
    ]
    assert others == []


def _is_constant(value: object) -> bool:
    return isinstance(value, str | int | tuple | frozenset | enum.Enum)


def _is_type_alias(value: object) -> bool:
    return type(value).__module__ in ("typing", "types", "collections.abc")
