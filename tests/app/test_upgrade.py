"""After an update: older settings and journal are backed up, then migrated, and said so."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_sync import __version__
from desktop_sync.app import upgrade
from desktop_sync.app.paths import config_dir, journal_path, settings_path
from desktop_sync.app.settings import SCHEMA_VERSION as SETTINGS_SCHEMA_VERSION
from desktop_sync.app.settings import load_settings
from desktop_sync.app.upgrade import LAST_VERSION_FILE, backup_name, last_version, migrate_on_start
from desktop_sync.state import schema
from desktop_sync.state.journal import Journal

NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
STAMP = "20250304T050607Z"


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.bak-*"))


def test_a_fresh_profile_needs_nothing_and_records_the_version() -> None:
    assert migrate_on_start(now=NOW) == []
    assert (config_dir() / LAST_VERSION_FILE).read_text(encoding="utf-8").strip() == __version__
    assert last_version() == __version__


def test_older_settings_are_backed_up_then_rewritten_with_the_values_kept() -> None:
    path = settings_path()
    old = {
        "schema_version": 0,
        "orderdesk_store_id": "100001",
        "store_platform": "shopify",
        "push_interval_seconds": 90,
    }
    path.write_text(json.dumps(old), encoding="utf-8")

    lines = migrate_on_start(now=NOW)

    (backup,) = _backups(path)
    assert backup.name == f"settings.json.bak-schema0-{STAMP}"
    assert json.loads(backup.read_text(encoding="utf-8")) == old
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["schema_version"] == SETTINGS_SCHEMA_VERSION
    settings = load_settings()
    assert (settings.orderdesk_store_id, settings.store_platform) == ("100001", "shopify")
    assert settings.push_interval_seconds == 90
    assert lines == [
        f"Your settings were updated from an older version; the old file was kept as {backup.name}."
    ]


def test_settings_without_a_schema_version_count_as_older() -> None:
    settings_path().write_text(json.dumps({"store_url": "shop.example"}), encoding="utf-8")
    lines = migrate_on_start(now=NOW)
    assert len(_backups(settings_path())) == 1
    assert "updated from an older version" in lines[0]
    assert load_settings().store_url == "shop.example"


def test_second_start_makes_no_second_backup() -> None:
    settings_path().write_text(json.dumps({"schema_version": 0}), encoding="utf-8")
    migrate_on_start(now=NOW)
    assert migrate_on_start(now=NOW) == []
    assert len(_backups(settings_path())) == 1


def test_current_settings_are_left_alone() -> None:
    path = settings_path()
    text = json.dumps({"schema_version": SETTINGS_SCHEMA_VERSION, "store_url": "x"})
    path.write_text(text, encoding="utf-8")
    assert migrate_on_start(now=NOW) == []
    assert path.read_text(encoding="utf-8") == text
    assert _backups(path) == []


def test_newer_settings_are_not_touched_and_the_merchant_is_told() -> None:
    path = settings_path()
    text = json.dumps({"schema_version": SETTINGS_SCHEMA_VERSION + 1, "future_option": True})
    path.write_text(text, encoding="utf-8")
    (line,) = migrate_on_start(now=NOW)
    assert "newer version" in line
    assert path.read_text(encoding="utf-8") == text
    assert _backups(path) == []


def test_older_journal_is_backed_up_before_the_loader_migrates_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = journal_path()
    with Journal(path) as journal:  # written by "this" version, with one order in it
        journal.set_cursor("push", NOW, 600)
    assert _user_version(path) == schema.SCHEMA_VERSION
    (config_dir() / LAST_VERSION_FILE).write_text("0.1.0\n", encoding="utf-8")

    # The next release adds a column: one more migration step.
    newer = schema.SCHEMA_VERSION + 1
    step = "ALTER TABLE cursors ADD COLUMN note TEXT NOT NULL DEFAULT ''"
    monkeypatch.setattr(schema, "_MIGRATIONS", (*schema._MIGRATIONS, step))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", newer)
    monkeypatch.setattr(upgrade, "JOURNAL_SCHEMA_VERSION", newer)
    monkeypatch.setattr(upgrade, "__version__", "0.2.0")

    lines = migrate_on_start(now=NOW)

    (backup,) = _backups(path)
    assert backup.name == f"journal.sqlite3.bak-0.1.0-{STAMP}"
    assert _user_version(backup) == newer - 1
    with Journal(backup) as old:  # the copy is a whole, working journal of the old version
        assert old.get_cursor("push") == NOW
    assert _user_version(path) == newer
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT note FROM cursors").fetchall() == [("",)]
    finally:
        conn.close()
    assert lines == [
        "Desktop Sync was updated from version 0.1.0 to 0.2.0.",
        f"The sync history was updated from schema {newer - 1} to {newer}; the old file was "
        f"kept as {backup.name}.",
    ]
    assert last_version() == "0.2.0"


def test_journal_from_a_newer_version_is_left_alone() -> None:
    path = journal_path()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    (line,) = migrate_on_start(now=NOW)
    assert "newer version of Desktop Sync" in line
    assert _backups(path) == []
    assert _user_version(path) == schema.SCHEMA_VERSION + 1


def test_an_unreadable_journal_is_left_for_the_journal_to_report() -> None:
    path = journal_path()
    path.write_bytes(b"not a database at all" * 100)
    assert migrate_on_start(now=NOW) == []
    assert _backups(path) == []


def test_backup_names_never_overwrite_an_earlier_backup(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    first = backup_name(target, "0.1.0", NOW)
    first.write_text("{}", encoding="utf-8")
    second = backup_name(target, "0.1.0", NOW)
    assert first.name == f"settings.json.bak-0.1.0-{STAMP}"
    assert second != first and not second.exists()
