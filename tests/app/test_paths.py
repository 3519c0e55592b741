"""Where the profile lives: under DESKTOP_SYNC_HOME when set, else in the platform's folders."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop_sync.app import paths


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"DESKTOP_SYNC_HOME": ""}, None),
        ({"DESKTOP_SYNC_HOME": "   "}, None),
        ({"DESKTOP_SYNC_HOME": "/srv/sync"}, Path("/srv/sync")),
    ],
)
def test_profile_home_comes_from_desktop_sync_home(
    env: dict[str, str], expected: Path | None
) -> None:
    assert paths.profile_home(env) == expected


def test_profile_home_expands_the_user_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/merchant")
    assert paths.profile_home({"DESKTOP_SYNC_HOME": "~/sync"}) == Path("/home/merchant/sync")


def test_everything_lives_under_desktop_sync_home(isolated_profile: Path) -> None:
    assert paths.config_dir() == isolated_profile / "config"
    assert paths.data_dir() == isolated_profile / "data"
    assert paths.log_dir() == isolated_profile / "logs"
    assert paths.settings_path() == isolated_profile / "config" / "settings.json"
    assert paths.journal_path() == isolated_profile / "data" / "journal.sqlite3"


def test_folders_are_created_on_demand(isolated_profile: Path) -> None:
    assert not isolated_profile.exists()
    settings = paths.settings_path()
    journal = paths.journal_path()
    logs = paths.log_dir()
    assert settings.parent.is_dir() and journal.parent.is_dir() and logs.is_dir()
    assert not settings.exists() and not journal.exists()


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG variables steer platformdirs on Linux")
def test_without_desktop_sync_home_the_platform_folders_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Point the XDG folders at tmp_path so the test never creates folders in the real home.
    for name, sub in (
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_DATA_HOME", "xdg-data"),
        ("XDG_STATE_HOME", "xdg-state"),
    ):
        monkeypatch.setenv(name, str(tmp_path / sub))
    env: dict[str, str] = {}

    assert paths.config_dir(env) == tmp_path / "xdg-config" / "desktop-sync"
    assert paths.data_dir(env) == tmp_path / "xdg-data" / "desktop-sync"
    assert paths.log_dir(env).is_relative_to(tmp_path / "xdg-state" / "desktop-sync")
    assert paths.settings_path(env) == tmp_path / "xdg-config" / "desktop-sync" / "settings.json"
    assert paths.journal_path(env).parent.is_dir()
