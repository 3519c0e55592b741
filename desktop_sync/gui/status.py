"""What the window says about the sync, as plain functions of the engine's results (no widgets):
each side's own state, relative times, the last-sync summary and the progress line."""

from __future__ import annotations

import re
from datetime import datetime

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import (
    CycleResult,
    Direction,
    Health,
    Progress,
    Side,
    SideTrouble,
    Stage,
)

__all__ = [
    "Side",
    "SideTrouble",
    "ago",
    "banner_sentence",
    "check_sentence",
    "first_sentence",
    "plural",
    "progress_text",
    "recovered_sides",
    "side_troubles",
    "sync_summary",
    "until",
    "what_happened",
]

side_troubles = DesktopSync.side_troubles
"""Each side's trouble after a cycle (``app.sides``, through the facade)."""
recovered_sides = DesktopSync.recovered_sides


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def ago(moment: datetime, now: datetime) -> str:
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        return f"{plural(hours, 'hour')} ago"
    return f"{plural(hours // 24, 'day')} ago"


def until(moment: datetime, now: datetime) -> str:
    seconds = (moment - now).total_seconds()
    if seconds < 60:
        return "in less than a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"in {minutes} min"
    return f"in {plural(round(minutes / 60), 'hour')}"


def sync_summary(
    result: CycleResult,
    last_push: CycleResult | None,
    last_pull: CycleResult | None,
    *,
    waiting: int | None = None,
    sent: int | None = None,
    shipped: int | None = None,
) -> str:
    """The "Last sync" line: both directions, each from the latest cycle that ran it, and a
    cycle that stopped on a problem says so instead of "finished". ``waiting``: the orders the
    journal holds unsent (a cycle counts only those it tried, not those waiting for a later
    try); ``sent`` and ``shipped``: what those cycles did, from the journal, when measured."""
    # The banner above says the whole sentence; this line only says where to read it.
    if result.health is Health.SETUP:
        return "Syncing could not start; see the message above."
    if result.health not in (Health.OK, Health.PAUSED, Health.FAILING):
        return "Last sync stopped; see the message above."
    parts: list[str] = []
    if last_push is not None and last_push.push is not None:
        push = last_push.push
        sent = push.sent + push.adopted if sent is None else sent
        words = plural(sent, "order") + " sent" if sent else "no new orders"
        left = push.waiting if waiting is None else waiting
        if left:
            words += f", {left:,} waiting"
        parts.append(words)
    if last_pull is not None and last_pull.pull is not None:
        pull = last_pull.pull
        shipped = pull.fulfillments_created + pull.tracking_added if shipped is None else shipped
        parts.append(
            plural(shipped, "shipment") + " sent to the store" if shipped else "no new shipments"
        )
    if not parts:
        return "Last sync: nothing to do yet."
    text = "; ".join(parts)
    return f"Last sync: {text[0].upper()}{text[1:]}."


def progress_text(progress: Progress) -> str:
    """What a running cycle is doing now, in the merchant's words."""
    if progress.direction is Direction.PULL:
        return f"Sending tracking: {progress.done:,} of {progress.total:,}"
    if progress.stage is Stage.READING:
        if progress.done:
            return f"Reading the store: {plural(progress.done, 'order')} found so far"
        return "Reading the store for new orders…"
    if progress.stage is Stage.CHECKING:
        return f"Checking which of {plural(progress.total, 'order')} Order Desk already has…"
    return f"Sending {progress.done:,} of {progress.total:,} orders to Order Desk"


# The connectors' sentences are written for the sync, which retries by itself; a connection
# check in the wizard does not, and the banner adds its own word about retrying.
_SYNC_RETRIES = re.compile(
    r"[;,]\s*the sync will try again shortly\.|\s*Desktop Sync will try again shortly\."
)
_ENGINE_RETRIES = " The app keeps retrying; nothing is lost."
_PRESS_VERIFY = re.compile(r"(?:, then | and )?(?:press|try) Verify Connection(?: again)?\.", re.I)


def check_sentence(sentence: str, button: str) -> str:
    """A failed check's sentence as the wizard must say it: nothing retries by itself there."""

    def retry(match: re.Match[str]) -> str:
        return (
            f"; press {button} to try again."
            if match.group(0)[0] in ";,"
            else (f" Press {button} to try again.")
        )

    return _SYNC_RETRIES.sub(retry, sentence)


def what_happened(message: str) -> str:
    """Only what happened, without the promise to retry: "BigCommerce answered with a server
    error (HTTP 500)." (for a line that says the retrying once for several of these)."""

    def cut(match: re.Match[str]) -> str:
        return "." if match.group(0)[0] in ";," else ""

    return _SYNC_RETRIES.sub(cut, first_sentence(message)).strip()


def banner_sentence(message: str, *, needs_reconnect: bool) -> str:
    """The engine's sentence for the banner: retrying said once, and the button named the one
    the banner has (Reconnect), not one inside the wizard."""
    text = message
    if _SYNC_RETRIES.search(text) and text.endswith(_ENGINE_RETRIES):

        def once(match: re.Match[str]) -> str:
            if match.group(0)[0] in ";,":
                return "; the app keeps retrying, and nothing is lost."
            return _ENGINE_RETRIES

        text = _SYNC_RETRIES.sub(once, text[: -len(_ENGINE_RETRIES)], count=1)
    if needs_reconnect:
        text = _PRESS_VERIFY.sub(", then press Reconnect.", text)
    return text
