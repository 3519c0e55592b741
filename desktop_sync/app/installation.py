"""This installation: one profile on one computer, named by an id made once and kept in the
profile's data folder (beside its journal, never in the settings, which a window may save
from an older copy). Every order it sends carries the id, so two computers syncing one store
find each other in Order Desk (``engine.second_computer``).

Per store it keeps the moment the merchant chose this computer to sync it ("Sync from this
computer"): orders another computer sent under an earlier choice, or none, no longer stop it.
"""

from __future__ import annotations

import json
import logging
import platform
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_sync.app.settings import write_atomically
from desktop_sync.engine.identity import ThisComputer

__all__ = [
    "INSTALLATION_FILE",
    "Installation",
    "choose_this_computer",
    "load_installation",
    "this_computer",
]

INSTALLATION_FILE = "installation.json"


@dataclass(frozen=True)
class Installation:
    id: str
    computer: str = ""
    """This computer's name, as the other computer's sentence names it."""
    chosen: Mapping[str, int] = field(default_factory=dict)
    """Store id -> when the merchant chose this computer for it (Unix seconds, UTC)."""

    def turn(self, store_id: str) -> int:
        """When this computer was chosen for the store (0: never chosen)."""
        return self.chosen.get(store_id, 0)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "computer": self.computer, "chosen": dict(self.chosen)}


def load_installation(folder: Path) -> Installation:
    """The profile's installation, made (and saved) on first use. A file that cannot be read
    is made again: a new id is the safe side (this computer is then one more computer, never
    another's twin)."""
    target = folder / INSTALLATION_FILE
    found = _read(target)
    if found is not None:
        return found
    made = Installation(id=uuid.uuid4().hex, computer=platform.node())
    _save(made, target)
    return made


def this_computer(folder: Path, store_id: str) -> ThisComputer:
    """What the engine of the store writes of this installation, and checks others against."""
    installation = load_installation(folder)
    return ThisComputer(installation.id, installation.computer, installation.turn(store_id))


def choose_this_computer(folder: Path, store_id: str, *, at: datetime | None = None) -> int:
    """The merchant chose this computer to sync the store: from now, its orders say so, and a
    computer that sees them stops. Returns the moment written (Unix seconds)."""
    installation = load_installation(folder)
    moment = int((at or datetime.now(UTC)).timestamp())
    moment = max(moment, installation.turn(store_id) + 1)  # a later choice is a newer one
    chosen = {**installation.chosen, store_id: moment}
    _save(Installation(installation.id, installation.computer, chosen), folder / INSTALLATION_FILE)
    return moment


def _read(target: Path) -> Installation | None:
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        logging.getLogger(__name__).warning("%s is unreadable (%s); made again", target, exc)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        return None
    chosen = data.get("chosen")
    turns = (
        {k: v for k, v in chosen.items() if isinstance(v, int) and not isinstance(v, bool)}
        if isinstance(chosen, dict)
        else {}
    )
    return Installation(data["id"], str(data.get("computer") or ""), turns)


def _save(installation: Installation, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, json.dumps(installation.to_json(), indent=2))
