"""The merchant's saved choices (never secrets), kept as JSON and written atomically."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_sync.app.paths import settings_path
from desktop_sync.app.stores import FIRST_STORE_ID, StoreSettings, store_from_json
from desktop_sync.engine.after_push import DEFAULT_CANCEL_FOLDER

__all__ = [
    "CONNECTION_FIELDS",
    "DEFAULT_ORDERDESK_API_URL",
    "EARLIEST_START",
    "MAXIMUMS",
    "REMEMBERED_STORE_FIELDS",
    "SCHEMA_VERSION",
    "BadStartDate",
    "Settings",
    "change_store",
    "load_settings",
    "parse_start",
    "save_settings",
    "write_atomically",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""2: the stores are a list (``stores``); 1 held one store in ``store_platform``, ``store_url``
and ``sync_since``."""
DEFAULT_ORDERDESK_API_URL = "https://app.orderdesk.me/api/v2"

# Fields that must be at least this number; smaller values in a hand-edited file fall back.
_MINIMUMS = {"push_interval_seconds": 1, "pull_interval_seconds": 1, "overlap_minutes": 0}
MAXIMUMS = {
    "push_interval_seconds": 86_400,
    "pull_interval_seconds": 86_400,
    "overlap_minutes": 1440,
}
"""The largest value each number may have: a day between syncs, a day of overlap. Larger ones
overflow the timers and the date arithmetic, and no merchant means them."""

EARLIEST_START = datetime(2000, 1, 1, tzinfo=UTC)
"""No store sends orders from before this date: an earlier start is a typing slip."""
_LATEST_AHEAD = timedelta(days=1)


class BadStartDate(Exception):
    """A start date for syncing that is not a date, or out of range; the message says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def parse_start(value: str, *, now: datetime | None = None) -> datetime:
    """``value`` (a date ``YYYY-MM-DD`` or an ISO time; UTC when it names no zone) as a UTC
    moment between 2000-01-01 and tomorrow; ``BadStartDate`` with a sentence otherwise."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadStartDate(
            f'"{text}" is not a date; write it as YYYY-MM-DD, e.g. 2025-06-01.'
        ) from None
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        moment = datetime.min.replace(tzinfo=UTC)
    latest = (now or datetime.now(UTC)) + _LATEST_AHEAD
    if moment < EARLIEST_START:
        raise BadStartDate(
            f"{text} is too far back: no store has orders from before "
            f"{EARLIEST_START:%Y-%m-%d}. Choose a date from then on."
        )
    if moment > latest:
        raise BadStartDate(
            f"{text} is in the future, so there is nothing to send from it yet. Choose a date "
            "up to today."
        )
    return moment


@dataclass(frozen=True)
class Settings:
    """Everything the app remembers between runs, except credentials (those are in the keyring)."""

    schema_version: int = SCHEMA_VERSION
    orderdesk_store_id: str = ""
    orderdesk_api_url: str = DEFAULT_ORDERDESK_API_URL
    orderdesk_folder_id: int | None = None
    orderdesk_folder_name: str = "New"
    cancel_folder_name: str = DEFAULT_CANCEL_FOLDER
    """The Order Desk folder an order cancelled in the store after the push is moved to."""
    orderdesk_folders: tuple[tuple[int, str], ...] = ()
    """Order Desk's folders (id, name) as last read from it: how a folder kept by its id is
    named in the window and the command line, without asking Order Desk again per row."""
    stores: tuple[StoreSettings, ...] = ()
    """The profile's stores, in the order the merchant added them (``app.stores``)."""
    push_interval_seconds: int = 120
    pull_interval_seconds: int = 300
    overlap_minutes: int = 10
    notify_errors: bool = True
    notify_shipments: bool = True
    start_minimized: bool = False
    paused: bool = False
    order_statuses: tuple[str, ...] = ()
    """The store statuses the merchant chose to send; empty: the platform's own rule (its
    registry entry's ``send_rule``), for every platform alike."""
    close_to_tray_notice_shown: bool = False

    @property
    def woocommerce_statuses(self) -> tuple[str, ...]:
        """The older name of ``order_statuses`` (the window still reads it)."""
        return self.order_statuses

    @property
    def folder_names(self) -> dict[int, str]:
        """Order Desk's folder names by id, as last read."""
        return dict(self.orderdesk_folders)

    @property
    def first_store(self) -> StoreSettings:
        """The first store (an empty one when there is none): what the window's single-store
        views show."""
        return self.stores[0] if self.stores else StoreSettings()

    @property
    def store_platform(self) -> str:
        return self.first_store.platform

    @property
    def store_url(self) -> str:
        return self.first_store.url

    @property
    def sync_since(self) -> str:
        return self.first_store.sync_since

    def to_json(self) -> dict[str, Any]:
        data = {spec.name: getattr(self, spec.name) for spec in dataclasses.fields(self)}
        data["order_statuses"] = list(self.order_statuses)
        data["orderdesk_folders"] = [list(pair) for pair in self.orderdesk_folders]
        data["stores"] = [store.to_json() for store in self.stores]
        data["schema_version"] = SCHEMA_VERSION
        return data


CONNECTION_FIELDS = (
    "orderdesk_store_id",
    "orderdesk_api_url",
    "orderdesk_folder_id",
    "orderdesk_folder_name",
    "cancel_folder_name",
    "stores",
    "push_interval_seconds",
    "pull_interval_seconds",
    "overlap_minutes",
    "order_statuses",
)
"""The settings a ``Profile`` carries (the rest are the window's preferences)."""


def load_settings(
    path: Path | None = None, *, warn: Callable[[str], None] | None = None
) -> Settings:
    """The saved settings, or the defaults when there are none.

    A file that cannot be read, or a value of the wrong kind, never stops the app: the defaults
    are used for what is unreadable and ``warn`` (default: the log) gets one readable sentence.
    """
    target = path if path is not None else settings_path()
    report = warn if warn is not None else log.warning
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        report(f"The settings file {target} could not be read ({exc}); the defaults are in use.")
        return Settings()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        report(
            f"The settings file {target} is damaged (line {exc.lineno}); the defaults are in use "
            "until you save your settings again."
        )
        return Settings()
    if not isinstance(data, dict):
        report(f"The settings file {target} is damaged; the defaults are in use.")
        return Settings()
    return _from_json(data, target, report)


def _from_json(data: Mapping[str, Any], target: Path, report: Callable[[str], None]) -> Settings:
    defaults = Settings()
    values: dict[str, Any] = {}
    bad: list[str] = []
    for spec in dataclasses.fields(Settings):
        # Unknown keys (from a newer version) are ignored; missing ones keep their default.
        if spec.name in ("schema_version", "stores") or spec.name not in data:
            continue
        value = _checked(spec.name, data[spec.name], getattr(defaults, spec.name))
        if value is _INVALID:
            bad.append(spec.name)
        else:
            values[spec.name] = value
    if "woocommerce_statuses" in data:
        # Saved before the choice was one for every platform: it was WooCommerce's alone.
        value = _checked("order_statuses", data["woocommerce_statuses"], ())
        if value is _INVALID:
            bad.append("woocommerce_statuses")
        elif "order_statuses" not in data and data.get("store_platform") == "woocommerce":
            values["order_statuses"] = value
    stores, unusable = _stores(data)
    values["stores"] = stores
    bad += unusable
    if bad:
        report(
            f"The settings file {target} has unusable values for {', '.join(bad)}; "
            "their defaults are in use."
        )
    return dataclasses.replace(defaults, **values)


def _stores(data: Mapping[str, Any]) -> tuple[tuple[StoreSettings, ...], list[str]]:
    """The saved stores, and what could not be read. A file from before the list (schema 1)
    holds one store in its own fields: it is the profile's first store, as it was."""
    if "stores" not in data:
        old = {name: data.get(name, "") for name in ("store_platform", "store_url", "sync_since")}
        if not all(isinstance(value, str) for value in old.values()):
            return (), ["store_platform"]
        if not (old["store_platform"].strip() or old["store_url"].strip()):
            return (), []
        first = StoreSettings(
            id=FIRST_STORE_ID,
            platform=old["store_platform"].strip().lower(),
            url=old["store_url"].strip(),
            sync_since=old["sync_since"].strip(),
        )
        return (first,), []
    entries = data["stores"]
    if not isinstance(entries, list):
        return (), ["stores"]
    stores: list[StoreSettings] = []
    for entry in entries:
        store = store_from_json(entry)
        if store is None or any(store.id == kept.id for kept in stores):
            return tuple(stores), ["stores"]
        stores.append(store)
    return tuple(stores), []


_INVALID = object()
# Text fields that mean nothing empty: a blank one in a hand-edited file falls back.
_NOT_BLANK = frozenset({"cancel_folder_name"})


def _checked(name: str, value: Any, default: Any) -> Any:
    if name == "orderdesk_folder_id":
        return value if value is None or _is_int(value) else _INVALID
    if name == "orderdesk_folders":
        pairs = value if isinstance(value, list) else None
        if pairs is not None and all(_is_folder(pair) for pair in pairs):
            return tuple((pair[0], pair[1]) for pair in pairs)
        return _INVALID
    if name == "order_statuses":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return _INVALID
    if isinstance(default, bool):
        return value if isinstance(value, bool) else _INVALID
    if isinstance(default, int):
        in_range = _is_int(value) and _MINIMUMS.get(name, 0) <= value <= MAXIMUMS.get(name, value)
        return value if in_range else _INVALID
    if name in _NOT_BLANK:
        return value if isinstance(value, str) and value.strip() else _INVALID
    if isinstance(default, str):
        return value if isinstance(value, str) else _INVALID
    return _INVALID


def _is_folder(pair: Any) -> bool:
    return (
        isinstance(pair, list) and len(pair) == 2 and _is_int(pair[0]) and isinstance(pair[1], str)
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


REMEMBERED_STORE_FIELDS = ("identity", "seen_as", "paused", "held", "held_by", "held_since")
"""What the app remembers of each store as it syncs (what the platform calls it, its own
pause, a hold for another computer), each written only by ``change_store``. A window or a
dialog saves the settings it read when it opened: these fields of a store already in the
file are kept as the file has them, so no older copy undoes a pause or a hold."""


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` so that a crash leaves either the old file or the new one, never
    half; each saved store keeps what the file remembers of it (``REMEMBERED_STORE_FIELDS``)."""
    target = path if path is not None else settings_path()
    if target.exists():
        saved = {store.id: store for store in load_settings(target, warn=lambda _: None).stores}
        settings = dataclasses.replace(
            settings, stores=tuple(_remembered(s, saved.get(s.id)) for s in settings.stores)
        )
    _write(settings, target)


def change_store(store_id: str, path: Path | None = None, **changes: Any) -> bool:
    """Change what the app remembers of one store (``REMEMBERED_STORE_FIELDS``) in the saved
    file, the rest as the file has it; False when the profile has no such store."""
    unknown = set(changes) - set(REMEMBERED_STORE_FIELDS)
    if unknown:
        raise TypeError(f"change_store cannot change {', '.join(sorted(unknown))}")
    target = path if path is not None else settings_path()
    saved = load_settings(target)
    if not any(store.id == store_id for store in saved.stores):
        return False
    stores = tuple(
        dataclasses.replace(store, **changes) if store.id == store_id else store
        for store in saved.stores
    )
    if stores != saved.stores:
        _write(dataclasses.replace(saved, stores=stores), target)
    return True


def _remembered(store: StoreSettings, saved: StoreSettings | None) -> StoreSettings:
    if saved is None:
        return store
    return dataclasses.replace(
        store, **{name: getattr(saved, name) for name in REMEMBERED_STORE_FIELDS}
    )


def _write(settings: Settings, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(settings.to_json(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    write_atomically(target, text)


def write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` so that a crash leaves the old file or the new, never half."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
