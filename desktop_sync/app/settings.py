"""The merchant's saved choices (never secrets), kept as JSON and written atomically."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_sync.app.paths import settings_path

__all__ = [
    "DEFAULT_ORDERDESK_API_URL",
    "SCHEMA_VERSION",
    "Settings",
    "load_settings",
    "save_settings",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DEFAULT_ORDERDESK_API_URL = "https://app.orderdesk.me/api/v2"

# Fields that must be at least this number; smaller values in a hand-edited file fall back.
_MINIMUMS = {"push_interval_seconds": 1, "pull_interval_seconds": 1, "overlap_minutes": 0}


@dataclass(frozen=True)
class Settings:
    """Everything the app remembers between runs, except credentials (those are in the keyring)."""

    schema_version: int = SCHEMA_VERSION
    orderdesk_store_id: str = ""
    orderdesk_api_url: str = DEFAULT_ORDERDESK_API_URL
    orderdesk_folder_id: int | None = None
    orderdesk_folder_name: str = "New"
    store_platform: str = ""
    store_url: str = ""
    push_interval_seconds: int = 120
    pull_interval_seconds: int = 300
    overlap_minutes: int = 10
    notify_errors: bool = True
    notify_shipments: bool = True
    start_minimized: bool = False
    paused: bool = False
    sync_since: str = ""
    """ISO 8601 UTC: the moment of connection, or the date a backfill starts from."""
    woocommerce_statuses: tuple[str, ...] = ("processing", "on-hold")
    close_to_tray_notice_shown: bool = False

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["woocommerce_statuses"] = list(self.woocommerce_statuses)
        data["schema_version"] = SCHEMA_VERSION
        return data


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
        if spec.name == "schema_version" or spec.name not in data:
            continue
        value = _checked(spec.name, data[spec.name], getattr(defaults, spec.name))
        if value is _INVALID:
            bad.append(spec.name)
        else:
            values[spec.name] = value
    if bad:
        report(
            f"The settings file {target} has unusable values for {', '.join(bad)}; "
            "their defaults are in use."
        )
    return dataclasses.replace(defaults, **values)


_INVALID = object()


def _checked(name: str, value: Any, default: Any) -> Any:
    if name == "orderdesk_folder_id":
        return value if value is None or _is_int(value) else _INVALID
    if name == "woocommerce_statuses":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return _INVALID
    if isinstance(default, bool):
        return value if isinstance(value, bool) else _INVALID
    if isinstance(default, int):
        return value if _is_int(value) and value >= _MINIMUMS.get(name, 0) else _INVALID
    if isinstance(default, str):
        return value if isinstance(value, str) else _INVALID
    return _INVALID


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` so that a crash leaves either the old file or the new one, never half."""
    target = path if path is not None else settings_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(settings.to_json(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
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
