"""Each journal state, kind and cursor name is spelt once, in ``state/states.py``."""

from __future__ import annotations

import ast
from pathlib import Path

from desktop_sync.state.states import Cursor, OrderState, ShipmentKind, ShipmentState

PACKAGE = Path(__file__).parents[2] / "desktop_sync"
# The platforms speak their own words ("pending" is a WooCommerce status,
# and each platform's send rule in the registry names its statuses); the first migration is
# never edited.
OUTSIDE = ("connectors",)
SPELLINGS = ("states.py", "schema.py", "platforms.py")
WORDS = {m.value for e in (OrderState, ShipmentState, ShipmentKind, Cursor) for m in e}


def test_no_state_word_is_written_as_a_bare_string_outside_the_enums() -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in OUTSIDE or relative.name in SPELLINGS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Docstrings, and the keys of a report (the CLI's JSON "failed" count), are not states.
        not_states: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Attribute | ast.Name)
                and (base.attr if isinstance(base, ast.Attribute) else base.id).endswith("Enum")
                for base in node.bases
            ):
                # Another enum's own members (the engine's progress Stage.SENDING) are not
                # journal states spelt out; they are spelt once, where they are defined.
                not_states.update(
                    id(n)
                    for stmt in node.body
                    for n in ast.walk(stmt)
                    if isinstance(n, ast.Constant)
                )
            elif isinstance(node, ast.Expr):
                not_states.add(id(node.value))
            elif isinstance(node, ast.Dict):
                not_states.update(id(key) for key in node.keys)
            elif isinstance(node, ast.Subscript):
                not_states.add(id(node.slice))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and node.value in WORDS
                and id(node) not in not_states
            ):
                found.append(f"{relative}:{node.lineno} {node.value!r}")
    assert found == []
