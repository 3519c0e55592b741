"""What a backfill from a date would send, counted before anything is sent: each store's
orders placed since then that the app has not sent or queued, by the same rule the push
applies (statuses chosen in Settings, never a cancelled or unpaid order). The stores counted
are the stores the backfill moves (every store, or the one named), each read against its own
rows of the journal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop_sync.app.platforms import send_rule_for
from desktop_sync.app.profile import Profile
from desktop_sync.state.journal import Journal, OrderState

__all__ = ["BackfillPreview", "preview_backfill"]


@dataclass(frozen=True)
class BackfillPreview:
    since: datetime
    to_send: int
    """Orders placed since then that a backfill would send."""
    already: int
    """Orders placed since then already in Order Desk or waiting to go."""
    held: int
    """Orders placed since then that the send rule holds back (status, cancelled, unpaid)."""
    notice: str = ""
    """What the store says of how far back it shows orders ("" when all of them)."""
    stores: tuple[tuple[str, int], ...] = ()
    """Each store's name and how many of its orders would be sent, in the profile's order."""

    def sentence(self) -> str:
        day = f"{self.since.astimezone():%Y-%m-%d}"
        if not self.to_send:
            said = f"No order placed since {day} is waiting to be sent"
        elif self.to_send == 1:
            said = f"1 order placed since {day} would be sent"
        else:
            said = f"{self.to_send:,} orders placed since {day} would be sent"
        extra = [", ".join(f"{name} {n:,}" for name, n in self.stores)] if self.to_send else []
        if len(self.stores) < 2:  # one store: its count is the whole
            extra = []
        if self.already:
            extra.append(f"{self.already:,} already in Order Desk or waiting")
        if self.held:
            extra.append(f"{self.held:,} held by their status")
        return f"{said}{' (' + '; '.join(extra) + ')' if extra else ''}." + (
            f" {self.notice}" if self.notice else ""
        )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def preview_backfill(
    profiles: Sequence[Profile], journal_file: Path, since: datetime, notice: str = ""
) -> BackfillPreview:
    """Count, store by store, by listing each store's orders changed since ``since`` (one
    listing a store, no order read one by one). Runs on a worker thread: its own journal
    connection and connectors."""
    counts = [_count(profile, journal_file, since) for profile in profiles]
    return BackfillPreview(
        since,
        to_send=sum(c[0] for c in counts),
        already=sum(c[1] for c in counts),
        held=sum(c[2] for c in counts),
        notice=notice,
        stores=tuple((p.store_name, c[0]) for p, c in zip(profiles, counts, strict=True)),
    )


def _count(profile: Profile, journal_file: Path, since: datetime) -> tuple[int, int, int]:
    """(to send, already sent or queued, held) of one store's orders placed since then."""
    from desktop_sync.app.wiring import make_store_connector  # imports every connector

    rule = send_rule_for(profile.store_platform, profile.order_statuses or None)
    store = make_store_connector(
        profile.store_platform, profile.store_url, profile.store_key, profile.store_secret
    )
    seen: set[str] = set()
    to_send = already = held = 0
    try:
        with Journal(journal_file, store=profile.store_id) as journal:
            for order in store.iter_orders(since, None):
                if order.id in seen or _utc(order.created_at) < since:
                    continue
                seen.add(order.id)
                known = journal.get_order(order.id)
                if known is not None and known.state is not OrderState.SKIPPED:
                    already += 1
                elif rule.why_not_sent(order):
                    held += 1
                else:
                    to_send += 1
    finally:
        store.close()
    return to_send, already, held
