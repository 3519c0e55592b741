"""Start at login: written where each platform looks, with the command that starts the app."""

from __future__ import annotations

import plistlib
import re
import subprocess
from pathlib import Path

import pytest

from desktop_sync.app.autostart import (
    LAUNCH_AGENT_LABEL,
    RUN_KEY,
    RUN_VALUE_NAME,
    STARTUP_APPROVED_KEY,
    StartAtLogin,
    StartAtLoginFailed,
    desktop_exec,
    launch_command,
)


class FakeRegistry:
    """HKEY_CURRENT_USER as a dict of (key, name) -> value."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str | bytes] = {}

    def get_value(self, key: str, name: str) -> str | bytes | None:
        return self.values.get((key, name))

    def set_value(self, key: str, name: str, value: str) -> None:
        self.values[(key, name)] = value

    def delete_value(self, key: str, name: str) -> None:
        self.values.pop((key, name), None)


def _unquote_exec(value: str) -> list[str]:
    """A desktop entry's Exec value back to arguments, as the freedesktop spec reads it."""
    value = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t"}.get(m[1], m[1]), value)
    args: list[str] = []
    current, quoted, any_char = "", False, False
    chars = iter(value)
    for char in chars:
        if quoted and char == "\\":
            current += next(chars)
        elif char == '"':
            quoted, any_char = not quoted, True
        elif char == " " and not quoted:
            if current or any_char:
                args.append(current)
            current, any_char = "", False
        else:
            current += char
    if current or any_char:
        args.append(current)
    return [a.replace("%%", "%") for a in args]


def _desktop_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


# -- Linux, for real -----------------------------------------------------------------------


def test_linux_switch_on_writes_an_autostart_entry_that_starts_minimized(tmp_path: Path) -> None:
    login = StartAtLogin(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    login.enable(["/opt/desktop-sync/desktop-sync"])

    entry = tmp_path / "cfg" / "autostart" / "desktop-sync.desktop"
    assert login.desktop_file == entry
    keys = _desktop_keys(entry)
    assert keys["Type"] == "Application"
    assert keys["Exec"] == "/opt/desktop-sync/desktop-sync --minimized"
    assert keys["Icon"] == "desktop-sync"
    assert login.is_enabled()


def test_linux_switch_off_removes_the_entry(tmp_path: Path) -> None:
    login = StartAtLogin(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)})
    login.enable(["desktop-sync"])
    login.disable()
    assert not login.desktop_file.exists()
    assert not login.is_enabled()
    login.disable()  # already off: nothing to do, no error


def test_linux_without_xdg_config_home_uses_dot_config(tmp_path: Path) -> None:
    login = StartAtLogin(platform="linux", env={}, home=tmp_path)
    login.enable(["desktop-sync"])
    assert (tmp_path / ".config" / "autostart" / "desktop-sync.desktop").is_file()


def test_linux_default_uses_this_users_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_sync.app import autostart

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    autostart.enable(["/usr/bin/python3", "-m", "desktop_sync"])
    assert autostart.is_enabled()
    keys = _desktop_keys(tmp_path / "autostart" / "desktop-sync.desktop")
    assert keys["Exec"] == "/usr/bin/python3 -m desktop_sync --minimized"
    autostart.disable()
    assert not autostart.is_enabled()


def test_linux_paths_with_spaces_and_specials_survive_the_exec_quoting(tmp_path: Path) -> None:
    program = "/home/o'brien/My Apps/desktop sync/run$1\\x%u"
    login = StartAtLogin(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)})
    login.enable([program, "--minimized"])
    keys = _desktop_keys(login.desktop_file)
    assert _unquote_exec(keys["Exec"]) == [program, "--minimized"]  # not added twice


def test_linux_entry_turned_off_by_the_desktop_counts_as_off(tmp_path: Path) -> None:
    login = StartAtLogin(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)})
    login.enable(["desktop-sync"])
    with login.desktop_file.open("a", encoding="utf-8") as handle:
        handle.write("Hidden=true\n")
    assert not login.is_enabled()


def test_linux_entry_passes_desktop_file_validate(tmp_path: Path) -> None:
    validate = subprocess.run(["which", "desktop-file-validate"], capture_output=True, text=True)
    if validate.returncode != 0:
        pytest.skip("desktop-file-validate (desktop-file-utils) is not installed")
    login = StartAtLogin(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)})
    login.enable(["/opt/My Apps/desktop-sync"])
    result = subprocess.run(
        ["desktop-file-validate", str(login.desktop_file)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unwritable_folder_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "cfg"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    login = StartAtLogin(platform="linux", env={"XDG_CONFIG_HOME": str(blocker)})
    with pytest.raises(StartAtLoginFailed, match="could not be set to start when you log in"):
        login.enable(["desktop-sync"])


def test_an_empty_command_is_refused(tmp_path: Path) -> None:
    login = StartAtLogin(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)})
    with pytest.raises(ValueError):
        login.enable([])


def test_desktop_exec_leaves_plain_arguments_alone() -> None:
    assert desktop_exec(["/usr/bin/desktop-sync", "--minimized"]) == (
        "/usr/bin/desktop-sync --minimized"
    )
    assert desktop_exec(["/a b/c"]) == '"/a b/c"'


# -- Windows: what is written where --------------------------------------------------------


def test_windows_switch_on_writes_the_run_key_with_a_quoted_command() -> None:
    registry = FakeRegistry()
    login = StartAtLogin(platform="win32", registry=registry)
    login.enable([r"C:\Program Files\Desktop Sync\desktop-sync.exe"])
    assert registry.values == {
        (RUN_KEY, RUN_VALUE_NAME): r'"C:\Program Files\Desktop Sync\desktop-sync.exe" --minimized'
    }
    assert RUN_KEY == r"Software\Microsoft\Windows\CurrentVersion\Run"
    assert login.is_enabled()
    assert login.location() == rf"HKEY_CURRENT_USER\{RUN_KEY}\{RUN_VALUE_NAME}"


def test_windows_switch_off_deletes_the_value() -> None:
    registry = FakeRegistry()
    login = StartAtLogin(platform="win32", registry=registry)
    login.enable([r"C:\DesktopSync\desktop-sync.exe"])
    login.disable()
    assert registry.values == {}
    assert not login.is_enabled()


def test_windows_task_manager_off_switch_is_respected_and_cleared_on_enable() -> None:
    registry = FakeRegistry()
    login = StartAtLogin(platform="win32", registry=registry)
    login.enable([r"C:\DesktopSync\desktop-sync.exe"])
    registry.values[(STARTUP_APPROVED_KEY, RUN_VALUE_NAME)] = b"\x03" + bytes(11)
    assert not login.is_enabled()
    login.enable([r"C:\DesktopSync\desktop-sync.exe"])
    assert (STARTUP_APPROVED_KEY, RUN_VALUE_NAME) not in registry.values
    assert login.is_enabled()


def test_windows_registry_errors_become_a_sentence() -> None:
    class Locked(FakeRegistry):
        def set_value(self, key: str, name: str, value: str) -> None:
            raise PermissionError(13, "Access is denied")

    login = StartAtLogin(platform="win32", registry=Locked())
    with pytest.raises(StartAtLoginFailed, match="Access is denied"):
        login.enable(["desktop-sync.exe"])


# -- macOS: what is written where ----------------------------------------------------------


def test_macos_switch_on_writes_a_launch_agent(tmp_path: Path) -> None:
    login = StartAtLogin(platform="darwin", home=tmp_path)
    program = "/Applications/Desktop Sync.app/Contents/MacOS/desktop-sync"
    login.enable([program])
    agent = tmp_path / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
    assert login.location() == str(agent)
    data = plistlib.loads(agent.read_bytes())
    assert data["Label"] == LAUNCH_AGENT_LABEL
    assert data["ProgramArguments"] == [program, "--minimized"]
    assert data["RunAtLoad"] is True
    assert login.is_enabled()


def test_macos_switch_off_removes_the_launch_agent(tmp_path: Path) -> None:
    login = StartAtLogin(platform="darwin", home=tmp_path)
    login.enable(["/Applications/Desktop Sync.app/Contents/MacOS/desktop-sync"])
    login.disable()
    assert not login.launch_agent.exists()
    assert not login.is_enabled()


def test_macos_disabled_agent_counts_as_off(tmp_path: Path) -> None:
    login = StartAtLogin(platform="darwin", home=tmp_path)
    login.enable(["desktop-sync"])
    data = plistlib.loads(login.launch_agent.read_bytes())
    login.launch_agent.write_bytes(plistlib.dumps({**data, "Disabled": True}))
    assert not login.is_enabled()


# -- the command --------------------------------------------------------------------------


def test_launch_command_from_source_runs_this_python_on_the_package() -> None:
    import sys

    assert launch_command() == [sys.executable, "-m", "desktop_sync"]


def test_launch_command_in_a_bundle_is_the_bundled_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("sys.executable", "/opt/desktop-sync/desktop-sync")
    assert launch_command() == ["/opt/desktop-sync/desktop-sync"]
