"""What is true at this moment, said once for every place that says it: the dashboard's banner,
the tray's picture, its tooltip and its menu line all read one ``Standing`` (no widgets here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop_sync.app.facade_types import CycleResult, Health, JournalCounts
from desktop_sync.gui.status import Side, SideTrouble, banner_sentence, plural, what_happened

__all__ = ["Facts", "Standing", "SyncRecord", "health_words", "standing"]

_HEALTH_WORDS = {
    Health.OK: "In sync",
    Health.PAUSED: "Paused",
    Health.ORDERDESK_AUTH: "Order Desk needs you to reconnect",
    Health.STORE_AUTH: "{store} needs you to reconnect",
    Health.ORDERDESK_OFFLINE: "Order Desk cannot be reached",
    Health.STORE_OFFLINE: "{store} cannot be reached",
    Health.FAILING: "Some orders need you",
    Health.SETUP: "Syncing could not start",
    Health.HELD: "A store waits for your choice",
}


def health_words(health: Health, store: str = "") -> str:
    """The health in words, naming the store a store's trouble is about ("Your store" when
    no store is named)."""
    return _HEALTH_WORDS[health].format(store=store.strip() or "Your store")


@dataclass(frozen=True)
class Facts:
    """What the window knows: the sync's health and the journal's counts, as they are now."""

    health: Health | None
    paused: bool = False
    """Every store is paused."""
    running: bool = False
    paused_stores: tuple[str, ...] = ()
    """The stores paused on their own while the others sync."""
    needs_attention: int = 0
    waiting: int = 0
    """Orders in the journal not sent yet (due, or waiting for their next try)."""
    retrying: bool = False
    """A send was refused or went unanswered and those orders still wait for their next try."""
    clock_message: str = ""
    message: str = ""
    """The last cycle's sentence (its trouble's)."""
    store: str = ""
    """The store that sentence is about."""
    sides: Mapping[Side, SideTrouble | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Standing:
    picture: Health
    """The tray's picture: OK (the tick), PAUSED, or a trouble (FAILING when orders wait for
    the merchant or for a next try)."""
    severity: str
    """The banner's colour: ``ok``, ``quiet``, ``warning`` or ``error``."""
    banner: str
    """One sentence: what happened, and what to do."""
    line: str
    """The same, short: the tray's menu line and tooltip."""


class SyncRecord:
    """What the syncs did, from the journal's counts at each cycle's start and end: the
    profile's result adds every store's last cycle (another store's too), and a cycle counts
    only the orders it tried, not those waiting for a later try."""

    def __init__(self) -> None:
        self.retrying = False
        """Orders were left for a next try after a refused or unanswered send, and still
        wait."""
        self.sent: int | None = None
        """Orders sent by the latest cycle that ran the push (None: not measured)."""
        self.shipped: int | None = None
        """Shipments sent to the store by the latest cycle that ran the pull."""
        self._at_start: JournalCounts | None = None

    def started(self, counts: JournalCounts) -> None:
        self._at_start = counts

    def finished(self, result: CycleResult, counts: JournalCounts) -> bool:
        """Take in a cycle's end; True when it did its work (the last good sync moves):
        both sides answered, nothing failed, and no order waits for a next try."""
        before, self._at_start = self._at_start, None
        if before is not None and result.push is not None:
            self.sent = max(0, counts.sent - before.sent)
        if before is not None and result.pull is not None:
            self.shipped = max(0, counts.fulfillments - before.fulfillments)
        left = result.push is not None and result.push.waiting > 0
        left = left or (result.pull is not None and result.pull.waiting > 0)
        self.retrying = counts.pending + counts.shipments_pending > 0 and (self.retrying or left)
        return result.health is Health.OK and not result.failures and not self.retrying


def standing(facts: Facts) -> Standing:
    health = facts.health
    if health is None:
        return Standing(Health.OK, "quiet", "Starting…", "Starting…")
    if facts.paused and facts.running:
        return Standing(
            Health.PAUSED,
            "quiet",
            "Pausing after the order being sent; the others stay waiting.",
            "Pausing",
        )
    if facts.paused or health is Health.PAUSED:
        return Standing(
            Health.PAUSED, "quiet", "Syncing is paused. Press Resume to continue.", "Paused"
        )
    if health is not Health.OK:
        return _trouble(facts, health)
    return _with_paused_stores(_connected(facts), facts.paused_stores)


def _connected(facts: Facts) -> Standing:
    """Both sides answer: what is left to do, if anything."""
    if facts.clock_message:
        return Standing(Health.OK, "warning", facts.clock_message, "Check this computer's clock")
    if facts.running:
        return Standing(Health.OK, "ok", "Connected to both; syncing now.", "Syncing...")
    if facts.needs_attention:
        count = facts.needs_attention
        who = "1 order needs" if count == 1 else f"{count:,} orders need"
        verb = "needs" if count == 1 else "need"
        return Standing(
            Health.FAILING,
            "warning",
            f"Connected to both. {who} you: see Needs you below.",
            f"{plural(count, 'order')} {verb} you",
        )
    waiting = plural(facts.waiting, "order")
    verb = "waits" if facts.waiting == 1 else "wait"
    if facts.waiting and facts.retrying:
        return Standing(
            Health.FAILING,
            "warning",
            f"{waiting} could not be sent yet (the log below says why); the app tries them "
            "again by itself; nothing is lost.",
            f"{waiting} {verb} to be sent",
        )
    if facts.waiting and not facts.paused_stores:
        return Standing(
            Health.OK,
            "quiet",
            f"{waiting} {verb} to be sent; the app sends them by itself, nothing is lost.",
            f"{waiting} {verb} to be sent",
        )
    return Standing(Health.OK, "ok", "Everything is in sync.", "Up to date")


def _with_paused_stores(said: Standing, names: tuple[str, ...]) -> Standing:
    """A store paused on its own is said wherever the rest is said to be in sync."""
    if not names:
        return said
    joined = " and ".join(names)
    line = f"{said.line} · {joined} paused"
    if said.severity != "ok":
        return Standing(said.picture, said.severity, said.banner, line)
    one = len(names) == 1
    return Standing(
        said.picture,
        "quiet",
        f"{joined} {'is' if one else 'are'} paused: {'its' if one else 'their'} orders wait "
        f"until you press Resume this store on {'its card' if one else 'their cards'}.",
        line,
    )


def _trouble(facts: Facts, health: Health) -> Standing:
    severity = "error" if health.needs_reconnect else "warning"
    line = health_words(health, facts.store)
    if health is Health.FAILING and facts.needs_attention:  # the count, not "Some orders"
        count = facts.needs_attention
        line = f"{plural(count, 'order')} {'needs' if count == 1 else 'need'} you"
    troubles = [t for t in (facts.sides.get(side) for side in Side) if t is not None]
    if len(troubles) > 1 and not any(t.health.needs_reconnect for t in troubles):
        # Both sides down: say both, not only the one that happened to be more urgent.
        both = " ".join(what_happened(t.message) for t in troubles)
        return Standing(health, severity, f"{both} The app keeps retrying; nothing is lost.", line)
    if not facts.message:
        return Standing(
            health, severity, "Something needs your attention; see the log below.", line
        )
    sentence = banner_sentence(facts.message, needs_reconnect=health.needs_reconnect)
    return Standing(health, severity, sentence, line)
