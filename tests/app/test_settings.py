"""Saved settings: round trip, atomic save, damaged files, and no secrets."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_sync.app.paths import settings_path
from desktop_sync.app.settings import (
    SCHEMA_VERSION,
    BadStartDate,
    Settings,
    load_settings,
    parse_start,
    save_settings,
)
from desktop_sync.app.stores import StoreSettings

CHANGED = Settings(
    orderdesk_store_id="12345",
    orderdesk_api_url="http://127.0.0.1:8123/api/v2",
    orderdesk_folder_id=1004,
    orderdesk_folder_name="Ready to ship",
    stores=(
        StoreSettings(
            platform="woocommerce",
            url="https://shop.example.com",
            sync_since="2026-11-01T09:00:00+00:00",
        ),
    ),
    push_interval_seconds=60,
    pull_interval_seconds=600,
    overlap_minutes=15,
    notify_errors=False,
    notify_shipments=False,
    start_minimized=True,
    paused=True,
    order_statuses=("processing",),
    cancel_folder_name="Annulé",
    close_to_tray_notice_shown=True,
)


def test_missing_file_gives_the_defaults_without_a_warning() -> None:
    warnings: list[str] = []
    assert load_settings(warn=warnings.append) == Settings()
    assert warnings == []


def test_defaults_point_at_the_real_order_desk() -> None:
    defaults = Settings()
    assert defaults.orderdesk_api_url == "https://app.orderdesk.me/api/v2"
    assert defaults.orderdesk_folder_name == "New"
    assert defaults.cancel_folder_name == "Canceled"
    assert defaults.order_statuses == ()  # the platform's own rule
    assert (defaults.push_interval_seconds, defaults.pull_interval_seconds) == (120, 300)


def test_settings_round_trip_through_the_default_path() -> None:
    save_settings(CHANGED)
    assert settings_path().is_file()
    assert load_settings() == CHANGED


def test_saved_file_is_readable_json_with_a_schema_version(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    save_settings(CHANGED, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["order_statuses"] == ["processing"]
    assert data["orderdesk_folder_id"] == 1004


def test_unicode_values_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    chosen = Settings(orderdesk_folder_name="À expédier 📦")
    save_settings(chosen, target)
    assert load_settings(target) == chosen


def test_unknown_keys_are_ignored_and_missing_keys_keep_defaults(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text(
        json.dumps({"schema_version": 99, "from_the_future": [1, 2], "store_url": "https://x.io"}),
        encoding="utf-8",
    )
    warnings: list[str] = []
    loaded = load_settings(target, warn=warnings.append)
    assert loaded == Settings(stores=(StoreSettings(url="https://x.io"),))
    assert warnings == []


@pytest.mark.parametrize(
    "content",
    ["{not json", "", "[1, 2, 3]", '"a string"', "\xff\xfe garbage"],
)
def test_a_damaged_file_gives_defaults_and_a_readable_warning(tmp_path: Path, content: str) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(content.encode("latin-1"))
    warnings: list[str] = []

    assert load_settings(target, warn=warnings.append) == Settings()

    assert len(warnings) == 1
    assert str(target) in warnings[0]
    assert "defaults are in use" in warnings[0]


def test_a_damaged_file_is_logged_when_no_one_listens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "settings.json"
    target.write_text("{oops", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_settings(target) == Settings()
    assert "is damaged" in caplog.text


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("push_interval_seconds", "fast"),
        ("push_interval_seconds", 0),
        ("pull_interval_seconds", True),
        ("overlap_minutes", -1),
        ("notify_errors", "yes"),
        ("orderdesk_folder_id", "1004"),
        ("orderdesk_store_id", 12345),
        ("order_statuses", "processing"),
        ("order_statuses", ["processing", 3]),
        ("cancel_folder_name", "  "),
        ("cancel_folder_name", 7),
    ],
)
def test_a_value_of_the_wrong_kind_falls_back_to_its_default(
    tmp_path: Path, key: str, value: Any
) -> None:
    target = tmp_path / "settings.json"
    target.write_text(json.dumps({key: value, "store_platform": "shopify"}), encoding="utf-8")
    warnings: list[str] = []

    loaded = load_settings(target, warn=warnings.append)

    assert getattr(loaded, key) == getattr(Settings(), key)
    assert loaded.store_platform == "shopify"
    assert len(warnings) == 1 and key in warnings[0]


def test_save_replaces_the_file_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "settings.json"
    save_settings(Settings(stores=(StoreSettings(url="https://old.example.com"),)), target)
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spying_replace(src: str, dst: str) -> None:
        # At the moment of the swap the new content is complete in a sibling temp file.
        assert Path(src).parent == target.parent
        assert (
            json.loads(Path(src).read_text(encoding="utf-8"))["stores"][0]["url"]
            == "https://new.io"
        )
        replaced.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spying_replace)
    save_settings(Settings(stores=(StoreSettings(url="https://new.io"),)), target)

    assert [Path(dst) for _, dst in replaced] == [target]
    assert load_settings(target).store_url == "https://new.io"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "settings.json"
    save_settings(Settings(stores=(StoreSettings(url="https://old.example.com"),)), target)

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        save_settings(Settings(stores=(StoreSettings(url="https://new.io"),)), target)

    assert load_settings(target).store_url == "https://old.example.com"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_settings_have_no_field_for_a_secret() -> None:
    names = set(Settings().to_json())
    assert not {n for n in names if any(w in n for w in ("key", "secret", "password", "token"))}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("push_interval_seconds", 10**11),  # issue 12: overflowed the timers
        ("pull_interval_seconds", 86_401),
        ("overlap_minutes", 10**9),  # overflowed the date arithmetic
    ],
)
def test_a_number_out_of_range_falls_back_to_its_default_with_a_warning(
    tmp_path: Path, key: str, value: int
) -> None:
    target = tmp_path / "settings.json"
    target.write_text(json.dumps({key: value}), encoding="utf-8")
    warnings: list[str] = []
    loaded = load_settings(target, warn=warnings.append)
    assert getattr(loaded, key) == getattr(Settings(), key)
    assert len(warnings) == 1 and key in warnings[0]


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("0001-01-01", "0001-01-01 is too far back: no store has orders from before 2000-01-01."),
        ("2999-01-01", "2999-01-01 is in the future, so there is nothing to send from it yet."),
        ("soon", '"soon" is not a date; write it as YYYY-MM-DD, e.g. 2025-06-01.'),
    ],
)
def test_a_start_date_out_of_range_is_refused_with_a_sentence(text: str, sentence: str) -> None:
    with pytest.raises(BadStartDate) as caught:
        parse_start(text)
    assert str(caught.value).startswith(sentence)


def test_a_start_date_without_a_zone_is_utc() -> None:
    assert parse_start("2025-06-01") == datetime(2025, 6, 1, tzinfo=UTC)
    assert parse_start("2025-06-01T02:00:00+02:00") == datetime(2025, 6, 1, tzinfo=UTC)
