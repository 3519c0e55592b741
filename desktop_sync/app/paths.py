"""Where the profile lives on disk: ``$DESKTOP_SYNC_HOME`` when set, else the platform's dirs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from platformdirs import PlatformDirs

from desktop_sync import APP_NAME

__all__ = [
    "HOME_ENV",
    "config_dir",
    "data_dir",
    "journal_path",
    "log_dir",
    "profile_home",
    "settings_path",
]

HOME_ENV = "DESKTOP_SYNC_HOME"
"""Puts the whole profile (settings, journal, logs) under one folder: tests, demo, portable use."""

JOURNAL_FILE = "journal.sqlite3"
SETTINGS_FILE = "settings.json"


def profile_home(env: Mapping[str, str] = os.environ) -> Path | None:
    """The folder named by ``$DESKTOP_SYNC_HOME``, or None when it is unset or empty."""
    value = env.get(HOME_ENV, "").strip()
    if not value:
        return None
    return Path(value).expanduser().absolute()


def _platform_dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, appauthor=False)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """Settings live here (created on demand)."""
    home = profile_home(os.environ if env is None else env)
    return _ensure(home / "config" if home else _platform_dirs().user_config_path)


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The journal lives here (created on demand)."""
    home = profile_home(os.environ if env is None else env)
    return _ensure(home / "data" if home else _platform_dirs().user_data_path)


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    """Log files live here (created on demand)."""
    home = profile_home(os.environ if env is None else env)
    return _ensure(home / "logs" if home else _platform_dirs().user_log_path)


def journal_path(env: Mapping[str, str] | None = None) -> Path:
    """The SQLite journal file (its folder exists; the file may not yet)."""
    return data_dir(env) / JOURNAL_FILE


def settings_path(env: Mapping[str, str] | None = None) -> Path:
    """The settings JSON file (its folder exists; the file may not yet)."""
    return config_dir(env) / SETTINGS_FILE
