"""What every command module shares: the exit codes (the README's table) and the one way to
say a line and to open the facade on this profile."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from desktop_sync.app.facade import DesktopSync

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILURES",
    "EXIT_OK",
    "EXIT_ORDERDESK_AUTH",
    "EXIT_ORDERDESK_OFFLINE",
    "EXIT_STORE_AUTH",
    "EXIT_STORE_OFFLINE",
    "EXIT_WAITING",
    "open_facade",
    "say",
]

# The exit codes, one per kind of trouble; the README's table lists the same (tests check it).
EXIT_OK = 0
"""Both sides were reached and nothing failed."""
EXIT_FAILURES = 1
"""Health ``failing``: some orders or shipments failed (listed), or the journal could not be
written; the rest went through."""
EXIT_CONFIG = 2
"""The command could not start: bad input, not set up, an unusable profile folder, another
Desktop Sync on this profile, a damaged journal. Nothing was changed."""
EXIT_ORDERDESK_AUTH = 3
"""Health ``orderdesk_auth``: Order Desk refused the key; reconnect."""
EXIT_STORE_AUTH = 4
"""Health ``store_auth``: the store refused its key; reconnect."""
EXIT_ORDERDESK_OFFLINE = 5
"""Health ``orderdesk_offline``: Order Desk could not be reached (or answered in error)."""
EXIT_STORE_OFFLINE = 6
"""Health ``store_offline``: the store could not be reached (or answered in error)."""
EXIT_WAITING = 7
"""Both sides answered, but some orders or shipments met a temporary error (Order Desk
answering 500 to each new order, say) and wait for a later sync; the log says which."""


def say(line: str, stream: TextIO | None = None) -> None:
    print(line, file=stream or sys.stdout, flush=True)


def open_facade(driver: str, verb: str, *, lock: bool = True) -> DesktopSync | None:
    """The facade on this profile (holding its lock unless ``lock`` is False), or None after
    saying why it cannot be opened."""
    from desktop_sync.app.facade import DesktopSync
    from desktop_sync.app.facade_types import ProfileBusy, ProfileFolderUnusable

    try:
        app = DesktopSync(driver=driver, lock=lock)
    except (ProfileBusy, ProfileFolderUnusable) as exc:
        say(f"Cannot {verb}: {exc}", sys.stderr)
        return None
    for line in app.upgrade_notes:
        say(line, sys.stderr)
    return app
