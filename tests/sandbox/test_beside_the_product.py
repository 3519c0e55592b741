"""The emulators live beside the product, not inside it.

``desktop_sync_sandbox`` imports nothing of ``desktop_sync`` (so no emulator can share the
product's reading of a platform), and the product reaches for the sandbox only where the demo and
the ``sandbox`` command start, lazily (inside a function) or for type checking alone, so a
merchant's app never loads an emulator it does not run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from desktop_sync.app.platforms import NAMES
from desktop_sync_sandbox.demo import PLATFORMS

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ROOT / "desktop_sync"
SANDBOX = ROOT / "desktop_sync_sandbox"

# Where the product starts the sandbox: the `sandbox` command and its admin actions, the GUI's
# demo session, its demo strip, and the demo's profile.
ENTRY_POINTS = {
    "desktop_sync/cli.py",
    "desktop_sync/gui/app.py",
    "desktop_sync/gui/demo_panel.py",
    "desktop_sync/app/demo.py",
}


def _imported_modules(node: ast.AST, module: str) -> Iterator[str]:
    """Every module an import statement names, relative imports resolved against ``module``."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            package = module.split(".")[: -node.level]
            base = ".".join([*package, node.module] if node.module else package)
        else:
            base = node.module or ""
        yield base
        yield from (f"{base}.{alias.name}" for alias in node.names)


def _imports(path: Path, root: Path = ROOT) -> Iterator[tuple[ast.stmt, str, bool]]:
    """Each import in the file (function bodies and ``if`` blocks included), what it names, and
    whether it runs only on demand: inside a function, or under ``if TYPE_CHECKING``."""
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def walk(node: ast.AST, on_demand: bool) -> Iterator[tuple[ast.stmt, str, bool]]:
        for child in ast.iter_child_nodes(node):
            lazy = on_demand or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING"):
                yield from walk(ast.Module(body=child.body, type_ignores=[]), True)
                yield from walk(ast.Module(body=child.orelse, type_ignores=[]), on_demand)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                for name in _imported_modules(child, module):
                    yield child, name, lazy
            yield from walk(child, lazy)

    yield from walk(tree, False)


def _is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_no_module_of_the_sandbox_imports_the_product() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
        for path in sorted(SANDBOX.rglob("*.py"))
        for node, name, _ in _imports(path)
        if _is_within(name, "desktop_sync")
    ]
    assert found == []


def test_the_product_imports_the_sandbox_only_where_the_demo_and_the_sandbox_command_start() -> (
    None
):
    holders: set[str] = set()
    eager: list[str] = []
    for path in sorted(PRODUCT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for node, name, on_demand in _imports(path):
            if _is_within(name, "desktop_sync_sandbox"):
                holders.add(relative)
                if not on_demand:
                    eager.append(f"{relative}:{node.lineno}")
    assert holders <= ENTRY_POINTS, sorted(holders - ENTRY_POINTS)
    assert eager == [], "imported when the module loads, not when the demo starts"


def test_the_scan_sees_imports_in_functions_and_type_checking_blocks(tmp_path: Path) -> None:
    # The rule above is only as good as its scan: a buried import must be seen, and seen as lazy.
    sample = tmp_path / "desktop_sync_sandbox" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "import desktop_sync\n"
        "if TYPE_CHECKING:\n"
        "    from desktop_sync.app import profile\n"
        "def later() -> None:\n"
        "    from ..desktop_sync import cli\n",
        encoding="utf-8",
    )
    seen = [
        (name, lazy)
        for _, name, lazy in _imports(sample, root=tmp_path)
        if _is_within(name, "desktop_sync")
    ]
    assert ("desktop_sync", False) in seen
    assert ("desktop_sync.app.profile", True) in seen
    assert ("desktop_sync.cli", True) in seen


def test_the_sandbox_has_a_store_for_every_platform_the_app_knows() -> None:
    # Spelt twice on purpose (the sandbox may not read the product's registry); this keeps the
    # two lists from drifting apart.
    assert sorted(PLATFORMS) == sorted(NAMES)


def _loaded_after(*modules: str) -> set[str]:
    """The modules a fresh interpreter holds after importing ``modules``."""
    script = (
        "import importlib, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_running_every_emulator_loads_nothing_of_the_app() -> None:
    # The scan above reads the source; this runs it, so an import by name (importlib) shows too.
    emulators = [f"desktop_sync_sandbox.{p.stem}" for p in sorted(SANDBOX.glob("*.py"))]
    loaded = _loaded_after(*emulators)
    assert set(emulators) <= loaded
    assert sorted(m for m in loaded if _is_within(m, "desktop_sync")) == []


def test_the_app_loads_no_emulator_until_the_demo_starts() -> None:
    app = ("cli", "gui.app", "gui.main_window", "gui.demo_panel", "app.demo", "app.facade")
    loaded = _loaded_after(*(f"desktop_sync.{name}" for name in app))
    assert "desktop_sync.gui.app" in loaded
    assert sorted(m for m in loaded if _is_within(m, "desktop_sync_sandbox")) == []
