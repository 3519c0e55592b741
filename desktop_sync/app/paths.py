"""Where the profile lives on disk: ``$DESKTOP_SYNC_HOME`` when set, else the platform's dirs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from platformdirs import PlatformDirs

from desktop_sync import APP_NAME

__all__ = [
    "HOME_ENV",
    "ProfileFolderUnusable",
    "check_profile_folders",
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


class ProfileFolderUnusable(OSError):
    """A profile folder cannot be made or written; the message names it and says what to do."""

    def __init__(self, message: str, folder: Path) -> None:
        super().__init__(message)
        self.message = message
        self.folder = folder

    def __str__(self) -> str:
        return self.message


def _blocking_file(path: Path) -> Path | None:
    """The file (not folder) standing where ``path`` or one of its parents should be."""
    for candidate in (path, *path.parents):
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return None


def _unusable(path: Path, what: str, exc: OSError | None) -> ProfileFolderUnusable:
    blocking = _blocking_file(path)
    home = profile_home()
    if blocking is not None:
        named = f" ({HOME_ENV})" if home is not None and blocking == home else ""
        return ProfileFolderUnusable(
            f"Desktop Sync cannot use {blocking}{named} as its {what} folder because it is a "
            f"file, not a folder. Move that file away, or point {HOME_ENV} at a folder.",
            path,
        )
    reason = f" ({exc.strerror.lower()})" if exc is not None and exc.strerror else ""
    return ProfileFolderUnusable(
        f"Desktop Sync cannot write to its {what} folder {path}{reason}. Give your user "
        f"account permission to write there (or point {HOME_ENV} at a folder you can write), "
        "then try again; nothing in it was changed.",
        path,
    )


def _ensure(path: Path, what: str) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unusable(path, what, exc) from None
    return path


def _writable(path: Path, what: str) -> None:
    # os.access lies for administrators and network drives: only a real write tells.
    try:
        with tempfile.TemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise _unusable(path, what, exc) from None


def _writable_file(path: Path, what: str) -> None:
    # Appending nothing changes nothing, and fails exactly when a write would.
    try:
        if path.exists():
            with path.open("ab"):
                pass
    except OSError as exc:
        reason = f" ({exc.strerror.lower()})" if exc.strerror else ""
        raise ProfileFolderUnusable(
            f"Desktop Sync cannot write to its {what} {path}{reason}. Give your user account "
            "permission to write it, then try again; nothing in it was changed.",
            path.parent,
        ) from None


def check_profile_folders(env: Mapping[str, str] | None = None) -> list[ProfileFolderUnusable]:
    """Each profile folder (or file in it) that cannot be made or written, as its sentence
    (empty: all good)."""
    problems: list[ProfileFolderUnusable] = []
    for what, folder in (("settings", config_dir), ("data", data_dir), ("log", log_dir)):
        try:
            _writable(folder(env), what)
        except ProfileFolderUnusable as exc:
            problems.append(exc)
    if problems:
        return problems
    journal = journal_path(env)
    for what, path in (
        ("settings file", settings_path(env)),
        ("sync journal", journal),
        ("sync journal", Path(f"{journal}-wal")),
        ("sync journal", Path(f"{journal}-shm")),
    ):
        try:
            _writable_file(path, what)
        except ProfileFolderUnusable as exc:
            problems.append(exc)
            break
    return problems


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """Settings live here (created on demand)."""
    home = profile_home(os.environ if env is None else env)
    return _ensure(home / "config" if home else _platform_dirs().user_config_path, "settings")


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The journal lives here (created on demand)."""
    home = profile_home(os.environ if env is None else env)
    return _ensure(home / "data" if home else _platform_dirs().user_data_path, "data")


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    """Log files live here (created on demand)."""
    home = profile_home(os.environ if env is None else env)
    return _ensure(home / "logs" if home else _platform_dirs().user_log_path, "log")


def journal_path(env: Mapping[str, str] | None = None) -> Path:
    """The SQLite journal file (its folder exists; the file may not yet)."""
    return data_dir(env) / JOURNAL_FILE


def settings_path(env: Mapping[str, str] | None = None) -> Path:
    """The settings JSON file (its folder exists; the file may not yet)."""
    return config_dir(env) / SETTINGS_FILE
