"""After an update: back up settings and journal written by an older version, then migrate them.

Run once at start, before anything opens the journal. The loaders do the migrating; this module
makes sure a copy of the old files exists first, so a failed or regretted update can be undone
by hand, and remembers which version of the app last ran.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from desktop_sync import __version__
from desktop_sync.app.paths import config_dir, journal_path, settings_path
from desktop_sync.app.settings import SCHEMA_VERSION as SETTINGS_SCHEMA_VERSION
from desktop_sync.app.settings import load_settings, save_settings
from desktop_sync.state.schema import SCHEMA_VERSION as JOURNAL_SCHEMA_VERSION

__all__ = ["LAST_VERSION_FILE", "backup_name", "last_version", "migrate_on_start"]

log = logging.getLogger(__name__)

LAST_VERSION_FILE = "last-version.txt"
"""In the config folder: the version of the app that last started on this profile."""


def last_version(env: Mapping[str, str] | None = None) -> str | None:
    """The app version that last ran on this profile, or None before the first recorded run."""
    return _read_version(config_dir(env) / LAST_VERSION_FILE)


def _read_version(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def backup_name(path: Path, old_version: str, now: datetime) -> Path:
    """``<name>.bak-<old version>-<UTC timestamp>`` beside ``path``, never an existing file."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.bak-{old_version}-{stamp}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.name}.bak-{old_version}-{stamp}-{counter}")
    return candidate


def migrate_on_start(
    env: Mapping[str, str] | None = None, *, now: datetime | None = None
) -> list[str]:
    """Back up and migrate what an older version wrote; one readable line per thing done."""
    moment = now or datetime.now(UTC)
    previous = last_version(env)
    lines: list[str] = []
    if previous and previous != __version__:
        lines.append(f"Desktop Sync was updated from version {previous} to {__version__}.")
    lines += _settings(settings_path(env), previous, moment)
    lines += _journal(journal_path(env), previous, moment)
    try:
        _record_version(config_dir(env) / LAST_VERSION_FILE)
    except OSError as exc:
        lines.append(
            f"The app version could not be recorded ({exc.strerror or exc}); the next start "
            "checks your files again."
        )
    for line in lines:
        log.info("%s", line)
    return lines


def _label(previous: str | None, schema: int) -> str:
    # The app version says more to support than a schema number; before versions were
    # recorded only the schema number is known.
    return previous or f"schema{schema}"


def _settings(path: Path, previous: str | None, now: datetime) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []  # the loader reports an unreadable file in its own words
    if not isinstance(data, dict):
        return []
    schema = data.get("schema_version", 0)
    if not isinstance(schema, int) or isinstance(schema, bool):
        schema = 0
    if schema > SETTINGS_SCHEMA_VERSION:
        return [
            f"Your settings were saved by a newer version of Desktop Sync; options this version "
            f"does not know are ignored, and {path.name} is left as it is."
        ]
    if schema == SETTINGS_SCHEMA_VERSION:
        return []
    backup = backup_name(path, _label(previous, schema), now)
    try:
        shutil.copy2(path, backup)
    except OSError as exc:
        return [
            f"Your settings were not updated: no backup copy could be made ({exc.strerror or exc})."
        ]
    warnings: list[str] = []
    settings = load_settings(path, warn=warnings.append)
    try:
        save_settings(settings, path)
    except OSError as exc:
        return [f"Your settings could not be updated ({exc.strerror or exc}); they still work."]
    return [
        f"Your settings were updated from an older version; the old file was kept as "
        f"{backup.name}.",
        *warnings,
    ]


def _journal_version(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(path)
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            return int(version)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _journal(path: Path, previous: str | None, now: datetime) -> list[str]:
    if not path.exists():
        return []
    version = _journal_version(path)
    if version is None:
        return []  # opening it says what is wrong and what to do
    if version > JOURNAL_SCHEMA_VERSION:
        return [
            f"The sync history was written by a newer version of Desktop Sync (schema {version}); "
            "install that version again to keep syncing without sending orders twice."
        ]
    if version == JOURNAL_SCHEMA_VERSION:
        return []
    backup = backup_name(path, _label(previous, version), now)
    try:
        _copy_database(path, backup)
    except (OSError, sqlite3.Error) as exc:
        backup.unlink(missing_ok=True)
        return [f"The sync history was not updated: no backup copy could be made ({exc})."]
    from desktop_sync.state.journal import Journal, JournalError

    try:
        Journal(path).close()  # opening migrates it
    except JournalError as exc:
        return [str(exc)]
    return [
        f"The sync history was updated from schema {version} to {JOURNAL_SCHEMA_VERSION}; "
        f"the old file was kept as {backup.name}."
    ]


def _copy_database(source: Path, target: Path) -> None:
    # SQLite's backup API copies what is still in the WAL file too; a file copy would not.
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _record_version(path: Path) -> None:
    if _read_version(path) == __version__:
        return
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(__version__ + "\n", encoding="utf-8")
    os.replace(temp, path)
