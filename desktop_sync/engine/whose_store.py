"""Which store the engine syncs, as the platform says it (architecture, sync rules: "a moved
store"): learned from the store itself once per engine, compared with the identity saved in
the store's settings, and held for the merchant when the two disagree.

BigCommerce's store hash and Shopify's shop id never change, so a store reached at a new
address keeps its identity by itself; other ids mean other keys reach another store. A
WordPress site says only its home address: when that changes, only the merchant can say
whether the store moved or the address now reaches another shop, so nothing is synced for it
until they confirm (the confirmed address is then ``seen_as``; the identity stays).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.engine.context import EngineContext
from desktop_sync.engine.identity import (
    comparable,
    former_keys,
    platform_key,
    sent_elsewhere,
    store_key_of,
)

__all__ = ["ANOTHER_COMPUTER", "SavedIdentity", "StoreHeld", "StoreSelf", "stop_if_sent_elsewhere"]

log = logging.getLogger(__name__)

ANOTHER_COMPUTER = "Another computer"
"""How the sentence of a store held because another computer syncs it begins."""
# Platforms whose own id never changes with the store's address.
_PERMANENT_IDS = frozenset({"bigcommerce", "shopify"})


@dataclass(frozen=True)
class SavedIdentity:
    """What the store's settings keep of its identity."""

    key: str = ""
    """The identity written in Order Desk ("" until first learned)."""
    seen_as: str = ""
    """What a moved WooCommerce site now says of itself, confirmed by the merchant."""


class StoreHeld(Exception):
    """Nothing is synced for this store until the merchant chooses; ``str()`` says what and
    how, in one sentence."""


class StoreSelf:
    """Learns the store's identity (``learn``) and puts it in the engine's context."""

    def __init__(
        self,
        ctx: EngineContext,
        store: StoreConnector,
        saved: SavedIdentity,
        on_learned: Callable[[str], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.store = store
        self.saved = saved
        self._on_learned = on_learned
        self._learned = False
        ctx.store_key = saved.key or ctx.store_key or store_key_of(store)
        ctx.former_keys = former_keys(store, None) | _given(saved.key, saved.seen_as)

    def learn(self) -> None:
        """Ask the store what it is (once per engine); raises the connector's errors, and
        ``StoreHeld`` when it is not the store the settings name."""
        if self.ctx.held:
            raise StoreHeld(self.ctx.held)
        if self._learned:
            return
        identity = self.store.identify()
        learned = platform_key(self.store.platform, identity)
        accepted = _given(self.saved.key, self.saved.seen_as)
        if learned and accepted and comparable(learned) not in {comparable(k) for k in accepted}:
            raise StoreHeld(self._held_sentence(learned))
        self.ctx.store_key = self.saved.key or learned or self.ctx.store_key
        self.ctx.former_keys = (
            former_keys(self.store, identity) | accepted | _given(learned, self.ctx.store_key)
        )
        self._learned = True
        if learned and not self.saved.key and self._on_learned is not None:
            self._on_learned(learned)

    def _held_sentence(self, learned: str) -> str:
        name = self.store.display_name
        if self.store.platform in _PERMANENT_IDS:
            return (
                f"These keys now reach another {name} store ({_shown(learned)}) than the one "
                f"connected ({_shown(self.saved.key)}), so nothing is synced for it; if you "
                "meant to connect another store, add it as a new store."
            )
        was = _shown(self.saved.seen_as or self.saved.key)
        return (
            f"The {name} site now says its address is {_shown(learned)}, not {was}: nothing "
            "is synced for it until you confirm it is the same store, moved (Same store in "
            "the window, or desktop-sync store same-store)."
        )


def stop_if_sent_elsewhere(ctx: EngineContext, order: Order) -> None:
    """Stop syncing the store (``StoreHeld``, for as long as this engine runs) when ``order``,
    one of its orders, was sent by another computer that may still be syncing it: two
    computers sending the same store send every order twice."""
    other = sent_elsewhere(order, ctx.this_computer)
    if other is None:
        return
    named = f" ({other})" if other else ""
    ctx.held = (
        f"{ANOTHER_COMPUTER}{named} also sends this store's orders to Order Desk, so this "
        "computer stopped syncing it to send nothing twice; choose the computer that syncs it "
        "(Sync from this computer, in the window or with desktop-sync store sync-here)."
    )
    raise StoreHeld(ctx.held)  # the cycle logs it and reports it


def _given(*keys: str) -> frozenset[str]:
    return frozenset(k for k in keys if k)


def _shown(key: str) -> str:
    """A key without its platform, as the merchant knows the store."""
    return key.partition(":")[2] or key
