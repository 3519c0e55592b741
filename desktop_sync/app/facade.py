"""``DesktopSync``: the one facade the window, the CLI and the tests drive for one profile (in
the spirit of Maestral's ``Maestral`` class), put together from its parts by idea: the profile,
its lock and journal (``facade_core``), setting up the stores (``facade_stores``), syncing
(``facade_sync``), the journal-only services (``facade_status``, ``facade_log``,
``order_services``) and what needs no lock (``facade_setup``). The window and the command line
import this module and ``facade_types`` alone (``tests/test_facade_door.py``).
"""

from __future__ import annotations

from desktop_sync.app.facade_core import NotLocked
from desktop_sync.app.facade_log import SyncLogReads
from desktop_sync.app.facade_records import Backfill, JournalReader, Status
from desktop_sync.app.facade_setup import SetupServices
from desktop_sync.app.facade_status import JournalServices
from desktop_sync.app.facade_stores import StoreChoices
from desktop_sync.app.facade_sync import Syncing
from desktop_sync.app.order_services import OrderServices
from desktop_sync.app.store_results import ProfileCycle, StoreStatus
from desktop_sync.app.stores import StoreSettings

__all__ = [
    "Backfill",
    "DesktopSync",
    "JournalReader",
    "NotLocked",
    "ProfileCycle",
    "Status",
    "StoreSettings",
    "StoreStatus",
]


class DesktopSync(
    Syncing, StoreChoices, JournalServices, OrderServices, SyncLogReads, SetupServices
):
    """One profile, driven by one window or one command at a time (``app.facade_core``): its
    stores set up (``facade_stores``), synced (``facade_sync``), their status and journal
    (``facade_status``, ``facade_log``, ``order_services``), and the services that need no
    lock (``facade_setup``)."""
