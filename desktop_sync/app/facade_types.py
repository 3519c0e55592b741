"""What the facade (``app.facade.DesktopSync``) hands its drivers and raises to them, in one
place: the window (``gui/``) and the command line (``cli*.py``) import these names from here,
and everything they call from ``DesktopSync`` (``tests/test_facade_door.py``).

Classes, enums, protocols and constants only, never a function: what the window may call is
the facade's. A class here that does something (``SecretStore``, ``StartAtLogin``,
``Scheduler``) is named for its type; the facade builds it (``DesktopSync.keyring()``,
``start_at_login()``, ``scheduler()``).
"""

from __future__ import annotations

from desktop_sync.app.autostart import StartAtLogin, StartAtLoginFailed
from desktop_sync.app.backfill_preview import BackfillPreview
from desktop_sync.app.credentials import UnusableKey
from desktop_sync.app.facade_records import Backfill, JournalReader, Status
from desktop_sync.app.lock import WINDOW, ProfileBusy
from desktop_sync.app.order_services import OrdersReader
from desktop_sync.app.paths import HOME_ENV, ProfileFolderUnusable
from desktop_sync.app.platforms import NAMES as PLATFORM_NAMES
from desktop_sync.app.platforms import Platform as PlatformInfo
from desktop_sync.app.platforms import UnknownPlatform
from desktop_sync.app.profile import ProfileIncomplete, StoreNotFound
from desktop_sync.app.scheduler import (
    ONE_STORE,
    ConnectedAgain,
    CycleFinished,
    CycleStarted,
    HealthChanged,
    Retried,
    ScheduleChanged,
    Scheduler,
    SchedulerEvent,
)
from desktop_sync.app.secrets import KeyringUnavailable, MemorySecretStore, SecretStore
from desktop_sync.app.settings import DEFAULT_ORDERDESK_API_URL, BadStartDate, Settings
from desktop_sync.app.sides import Side, SideTrouble
from desktop_sync.app.status_choices import StatusChoices, StatusOption
from desktop_sync.app.store_profile import Profile
from desktop_sync.app.store_results import ProfileCycle, StoreBackfill, StoreCycle, StoreStatus
from desktop_sync.app.store_schedule import StoreEngine
from desktop_sync.app.stores import StoreSettings
from desktop_sync.connectors.errors import ConnectorError
from desktop_sync.connectors.orderdesk.models import Folder, StoreInfo
from desktop_sync.connectors.stores.base import StoreIdentity
from desktop_sync.engine.events import (
    CycleResult,
    Direction,
    EventSink,
    Failure,
    FailureGroup,
    Health,
    Level,
    Progress,
    Stage,
    SyncEvent,
)
from desktop_sync.engine.send_rules import SendRule
from desktop_sync.engine.whose_store import ANOTHER_COMPUTER
from desktop_sync.errors import DesktopSyncError
from desktop_sync.state.journal import Journal, JournalError
from desktop_sync.state.month import DayTally, Month, StoreDay
from desktop_sync.state.needs_you import Action, Look, NeedsYou, NeedsYouRow
from desktop_sync.state.orders_view import OrderLine, OrdersQuery, OrderWord, Show
from desktop_sync.state.records import EventRow, JournalCounts, OrderRow, ShipmentRow

__all__ = [
    "ANOTHER_COMPUTER",
    "DEFAULT_ORDERDESK_API_URL",
    "HOME_ENV",
    "ONE_STORE",
    "PLATFORM_NAMES",
    "WINDOW",
    "Action",
    "Backfill",
    "BackfillPreview",
    "BadStartDate",
    "ConnectedAgain",
    "ConnectorError",
    "CycleFinished",
    "CycleResult",
    "CycleStarted",
    "DayTally",
    "DesktopSyncError",
    "Direction",
    "EventRow",
    "EventSink",
    "Failure",
    "FailureGroup",
    "Folder",
    "Health",
    "HealthChanged",
    "Journal",
    "JournalCounts",
    "JournalError",
    "JournalReader",
    "KeyringUnavailable",
    "Level",
    "Look",
    "MemorySecretStore",
    "Month",
    "NeedsYou",
    "NeedsYouRow",
    "OrderLine",
    "OrderRow",
    "OrderWord",
    "OrdersQuery",
    "OrdersReader",
    "PlatformInfo",
    "Profile",
    "ProfileBusy",
    "ProfileCycle",
    "ProfileFolderUnusable",
    "ProfileIncomplete",
    "Progress",
    "Retried",
    "ScheduleChanged",
    "Scheduler",
    "SchedulerEvent",
    "SecretStore",
    "SendRule",
    "Settings",
    "ShipmentRow",
    "Show",
    "Side",
    "SideTrouble",
    "Stage",
    "StartAtLogin",
    "StartAtLoginFailed",
    "Status",
    "StatusChoices",
    "StatusOption",
    "StoreBackfill",
    "StoreCycle",
    "StoreDay",
    "StoreEngine",
    "StoreIdentity",
    "StoreInfo",
    "StoreNotFound",
    "StoreSettings",
    "StoreStatus",
    "SyncEvent",
    "UnknownPlatform",
    "UnusableKey",
]
