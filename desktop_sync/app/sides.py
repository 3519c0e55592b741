"""Each side of the sync (Order Desk, the store) and the trouble it is in, as the last cycles
found it: a side is cleared only by a call that reached it. The scheduler says "connected
again" from this, and the window's cards show it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_sync.engine.events import CycleResult, Health

__all__ = ["Side", "SideTrouble", "Sides", "recovered_sides", "side_of", "side_troubles"]


class Side(enum.StrEnum):
    ORDERDESK = "orderdesk"
    STORE = "store"

    @property
    def words(self) -> str:
        return "Order Desk" if self is Side.ORDERDESK else "your store"


_SIDE_OF = {
    Health.ORDERDESK_AUTH: Side.ORDERDESK,
    Health.ORDERDESK_OFFLINE: Side.ORDERDESK,
    Health.STORE_AUTH: Side.STORE,
    Health.STORE_OFFLINE: Side.STORE,
    Health.HELD: Side.STORE,
}


@dataclass(frozen=True)
class SideTrouble:
    health: Health
    message: str


Sides = Mapping[Side, SideTrouble | None]


def side_troubles(result: CycleResult, before: Sides) -> dict[Side, SideTrouble | None]:
    """Each side's trouble after ``result``: a side is cleared only by a call that reached it
    (a finished push listed the store; a finished pull listed Order Desk; sending reached the
    other side), and set by a problem that names it. A side this cycle never reached keeps
    what it had, so the cards do not flip from cycle to cycle."""
    after: dict[Side, SideTrouble | None] = {side: before.get(side) for side in Side}
    if result.push is not None:
        after[Side.STORE] = None
        push = result.push
        if push.sent or push.adopted or push.failed:
            after[Side.ORDERDESK] = None
    if result.pull is not None:
        after[Side.ORDERDESK] = None
        pull = result.pull
        if pull.fulfillments_created or pull.tracking_added or pull.adopted:
            after[Side.STORE] = None
    troubles = result.troubles or ((result.health, result.message),)
    for health, message in troubles:
        side = _SIDE_OF.get(health)
        if side is not None:
            after[side] = SideTrouble(health, message)
    return after


def recovered_sides(before: Sides, after: Sides) -> list[Side]:
    """The sides that had a connection problem before and answer now."""
    return [side for side in Side if before.get(side) is not None and after.get(side) is None]


def side_of(health: Health) -> Side | None:
    """The side a connection problem is on (None for no such problem)."""
    return _SIDE_OF.get(health)
