"""A store held because another computer syncs it (``engine.whose_store``), remembered in the
store's settings with who holds it and since when. Found again only at a later look-up, a
forgotten hold would let a restarted computer send the one order that look-up misses (a quiet
store's, when the other computer's orders are older than the look-up reaches); kept, nothing
is sent for the store until the merchant chooses this computer ("Sync from this computer",
``desktop-sync store sync-here``), which releases it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from desktop_sync.app.settings import change_store, load_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync.engine.whose_store import ANOTHER_COMPUTER

__all__ = ["held_for_another", "release_hold", "remembering_holds"]


def held_for_another(store: StoreSettings, chosen: int) -> str:
    """The sentence of the store's saved hold ("" when it syncs): none is saved, or the
    merchant chose this computer (``chosen``, Unix seconds) since it was found."""
    if not store.held:
        return ""
    try:
        since = datetime.fromisoformat(store.held_since)
    except ValueError:  # a hand-edited time: the hold stands, the safe side
        return store.held
    since = since.replace(tzinfo=UTC) if since.tzinfo is None else since
    return "" if chosen > since.timestamp() else store.held


def remembering_holds(
    store_id: str,
    settings_file: Path,
    then: Callable[[CycleResult], None] | None = None,
) -> Callable[[CycleResult], None]:
    """A cycle's listener that saves a hold for another computer the first time a cycle meets
    it (the first moment stays its ``held_since``), then passes the result on to ``then``."""

    def heard(result: CycleResult) -> None:
        if result.health is Health.HELD and result.message.startswith(ANOTHER_COMPUTER):
            saved = load_settings(settings_file)
            if any(s.id == store_id and not s.held for s in saved.stores):
                change_store(
                    store_id,
                    settings_file,
                    held=result.message,
                    held_by=_holder(result.message),
                    held_since=_moment(result.finished_at).isoformat(),
                )
        if then is not None:
            then(result)

    return heard


def release_hold(store_id: str, *, settings_file: Path) -> None:
    """The merchant chose this computer: the store syncs again from here."""
    change_store(store_id, settings_file, held="", held_by="", held_since="")


def _holder(sentence: str) -> str:
    """The other computer's name, as the sentence gives it ("Another computer (NAME) also
    sends..."; "" when it gave none)."""
    rest = sentence.removeprefix(ANOTHER_COMPUTER)
    if not rest.startswith(" ("):
        return ""
    name, found, _ = rest[2:].rpartition(") also sends")
    return name if found else ""


def _moment(finished_at: datetime | None) -> datetime:
    moment = finished_at or datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0)
