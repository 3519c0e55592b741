"""What the last sync cycles said the merchant must see though nothing failed: orders that need
attention (cancelled in the store after they shipped) and a PC clock that is off. Kept in a
small JSON file beside the journal, so ``status`` and ``doctor`` show what the window's or
``run``'s cycles found, in another process, after a restart."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_sync.app.settings import write_atomically
from desktop_sync.engine.events import CycleResult, Failure, Health

__all__ = ["NOTICES_FILE", "Notices", "load_notices", "record_cycle"]

log = logging.getLogger(__name__)

NOTICES_FILE = "notices.json"
KEPT_FOR = timedelta(days=14)
"""How long an order that needs attention stays listed: the engine tells it once, and the
merchant acts outside the app (a return, a refund), so the list forgets it after this."""
_MOST = 50


@dataclass(frozen=True)
class Notices:
    attention: tuple[Failure, ...] = ()
    """Orders that need the merchant, newest last."""
    clock_message: str = ""
    """The sentence about this PC's clock when the last reading found it off, else ""."""
    held: tuple[tuple[str, str], ...] = ()
    """(store, sentence) of each store whose last cycle was held for the merchant's choice."""


def load_notices(path: Path) -> Notices:
    """The saved notices; none when the file is missing or unreadable (it is only a mirror of
    what the log already holds, so nothing is lost)."""
    data = _read(path)
    attention = tuple(
        Failure(str(item.get("order_number", "")), str(item.get("reason", "")))
        for item in data.get("attention", [])
        if isinstance(item, dict) and item.get("reason")
    )
    clock = data.get("clock_message", "")
    held = data.get("held", {})
    stores = held.items() if isinstance(held, dict) else ()
    return Notices(
        attention,
        clock if isinstance(clock, str) else "",
        tuple((str(store), sentence) for store, sentence in stores if isinstance(sentence, str)),
    )


def record_cycle(
    path: Path, result: CycleResult, *, now: datetime | None = None, store: str = ""
) -> None:
    """Add the cycle's orders that need attention, its clock reading when it made one, and
    whether ``store``'s syncing waits for the merchant's choice (health ``held``).
    A file that cannot be written is logged, never raised: the cycle's own log has it all."""
    moment = now or datetime.now(UTC)
    data = _read(path)
    kept = [
        item
        for item in data.get("attention", [])
        if isinstance(item, dict) and _recent(item.get("time"), moment)
    ]
    known = {(item.get("order_number"), item.get("reason")) for item in kept}
    for failure in result.attention:
        if (failure.order_number, failure.reason) not in known:
            kept.append(
                {
                    "order_number": failure.order_number,
                    "reason": failure.reason,
                    "time": moment.isoformat(),
                }
            )
    data["attention"] = kept[-_MOST:]
    saved = data.get("held")
    held: dict[str, Any] = saved if isinstance(saved, dict) else {}
    if result.health is Health.HELD:
        held[store] = result.message
    elif result.health is not Health.PAUSED:
        held.pop(store, None)
    data["held"] = held
    if result.clock_offset is not None:  # read this cycle: the clock's state is known now
        data["clock_message"] = result.clock_message
    try:
        write_atomically(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        log.warning("The notices file %s could not be written (%s).", path, exc)


def _recent(value: Any, now: datetime) -> bool:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return False
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return now - when <= KEPT_FOR


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
