"""Start at login, the platform's own way: an XDG autostart entry on Linux, the Run key on
Windows, a LaunchAgent on macOS. No Qt: the Settings dialog and the CLI both use it."""

from __future__ import annotations

import importlib
import os
import plistlib
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from desktop_sync import APP_DISPLAY_NAME, APP_NAME
from desktop_sync.errors import DesktopSyncError

__all__ = [
    "LAUNCH_AGENT_LABEL",
    "MINIMIZED_FLAG",
    "RUN_KEY",
    "RUN_VALUE_NAME",
    "STARTUP_APPROVED_KEY",
    "Registry",
    "StartAtLogin",
    "StartAtLoginFailed",
    "desktop_exec",
    "disable",
    "enable",
    "is_enabled",
    "launch_command",
]

MINIMIZED_FLAG = "--minimized"
"""Started by the OS at login, the app goes straight to the tray."""

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
STARTUP_APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
RUN_VALUE_NAME = "DesktopSync"
LAUNCH_AGENT_LABEL = "io.github.desktopsync.DesktopSync"
_DESKTOP_FILE = f"{APP_NAME}.desktop"


class StartAtLoginFailed(DesktopSyncError):
    """The login item could not be written or removed; the message says what to do."""

    title = "Start at login"


class Registry(Protocol):
    """The few HKEY_CURRENT_USER operations start-at-login needs (a fake one in tests)."""

    def get_value(self, key: str, name: str) -> str | bytes | None: ...

    def set_value(self, key: str, name: str, value: str) -> None: ...

    def delete_value(self, key: str, name: str) -> None:
        """Remove ``name``; nothing happens when it is not there."""


def _winreg() -> Any:
    # Imported by name: the module exists on Windows only, and mypy checks on every platform.
    return importlib.import_module("winreg")


class WindowsRegistry:
    """``Registry`` over ``winreg`` in HKEY_CURRENT_USER: no administrator rights needed."""

    def get_value(self, key: str, name: str) -> str | bytes | None:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                value, _kind = winreg.QueryValueEx(handle, name)
        except FileNotFoundError:
            return None
        return value if isinstance(value, str | bytes) else str(value)

    def set_value(self, key: str, name: str, value: str) -> None:
        winreg = _winreg()
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as handle:
            winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)

    def delete_value(self, key: str, name: str) -> None:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
                winreg.DeleteValue(handle, name)
        except FileNotFoundError:
            pass


def launch_command() -> list[str]:
    """How to start this very copy of the app again: the bundle's program, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "desktop_sync"]


def _platform_name(value: str) -> str:
    if value.startswith("win"):
        return "windows"
    if value == "darwin":
        return "macos"
    return "linux"


def _with_minimized(command: Sequence[str]) -> list[str]:
    if not command:
        raise ValueError("The command to start at login is empty.")
    return list(command) if MINIMIZED_FLAG in command else [*command, MINIMIZED_FLAG]


# Characters that make a desktop-entry Exec argument need double quotes (freedesktop
# Desktop Entry spec, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def _exec_argument(argument: str) -> str:
    # Field codes start with %, so a literal one is doubled, quoted or not.
    text = argument.replace("%", "%%")
    if text and not _EXEC_RESERVED.intersection(text):
        return text
    for char in ("\\", '"', "`", "$"):
        text = text.replace(char, "\\" + char)
    return f'"{text}"'


def desktop_exec(command: Sequence[str]) -> str:
    """``command`` as the value of a desktop entry's Exec key, escaped as the spec asks.

    The quoting rules apply to the argument list; the file's string escaping (a backslash is
    written twice) applies on top, so a path with a backslash survives both readers.
    """
    line = " ".join(_exec_argument(argument) for argument in command)
    return line.replace("\\", "\\\\")


class StartAtLogin:
    """One platform's login item. Everything it touches can be injected for tests."""

    def __init__(
        self,
        *,
        platform: str | None = None,
        env: Mapping[str, str] | None = None,
        home: Path | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.platform = _platform_name(platform or sys.platform)
        self._env = os.environ if env is None else env
        self._home = home if home is not None else Path.home()
        self._registry = registry

    # -- where -----------------------------------------------------------------------------

    @property
    def desktop_file(self) -> Path:
        """Linux: ``$XDG_CONFIG_HOME/autostart/desktop-sync.desktop``."""
        config = self._env.get("XDG_CONFIG_HOME", "").strip()
        base = Path(config) if config and Path(config).is_absolute() else self._home / ".config"
        return base / "autostart" / _DESKTOP_FILE

    @property
    def launch_agent(self) -> Path:
        """macOS: ``~/Library/LaunchAgents/<label>.plist``."""
        return self._home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"

    def location(self) -> str:
        """Where the login item lives, for a log line or a support question."""
        if self.platform == "windows":
            return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{RUN_VALUE_NAME}"
        return str(self.launch_agent if self.platform == "macos" else self.desktop_file)

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = WindowsRegistry()
        return self._registry

    # -- what ------------------------------------------------------------------------------

    def enable(self, command: Sequence[str]) -> None:
        """Start ``command`` (plus ``--minimized``) each time this user logs in."""
        full = _with_minimized(command)
        try:
            if self.platform == "windows":
                self.registry.set_value(RUN_KEY, RUN_VALUE_NAME, subprocess.list2cmdline(full))
                # Turned off in Task Manager once? That choice is kept here and would silently
                # win over the merchant's new one.
                self.registry.delete_value(STARTUP_APPROVED_KEY, RUN_VALUE_NAME)
            elif self.platform == "macos":
                _write_atomically(self.launch_agent, _launch_agent_plist(full))
            else:
                _write_atomically(self.desktop_file, _desktop_entry(full).encode("utf-8"))
        except OSError as exc:
            raise StartAtLoginFailed(
                f"Desktop Sync could not be set to start when you log in ({_reason(exc)}); "
                "check that you can write to your profile folder, then try again."
            ) from exc

    def disable(self) -> None:
        """No longer start at login; nothing happens when it was not set."""
        try:
            if self.platform == "windows":
                self.registry.delete_value(RUN_KEY, RUN_VALUE_NAME)
            elif self.platform == "macos":
                self.launch_agent.unlink(missing_ok=True)
            else:
                self.desktop_file.unlink(missing_ok=True)
        except OSError as exc:
            raise StartAtLoginFailed(
                f"Desktop Sync could not stop starting when you log in ({_reason(exc)}); "
                f"remove {self.location()} by hand, or try again."
            ) from exc

    def is_enabled(self) -> bool:
        """True when the login item is there and not switched off by the OS's own settings."""
        if self.platform == "windows":
            if not self.registry.get_value(RUN_KEY, RUN_VALUE_NAME):
                return False
            approved = self.registry.get_value(STARTUP_APPROVED_KEY, RUN_VALUE_NAME)
            # Task Manager's Startup tab writes 02... (on) or 03... (off) here.
            return not (isinstance(approved, bytes) and approved[:1] == b"\x03")
        if self.platform == "macos":
            try:
                agent = plistlib.loads(self.launch_agent.read_bytes())
            except (OSError, plistlib.InvalidFileException, ValueError):
                return False
            return isinstance(agent, dict) and not agent.get("Disabled", False)
        try:
            text = self.desktop_file.read_text(encoding="utf-8")
        except OSError:
            return False
        entries = _desktop_keys(text)
        return (
            entries.get("Hidden", "false") != "true"
            and entries.get("X-GNOME-Autostart-enabled", "true") != "false"
        )


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _desktop_entry(command: Sequence[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_DISPLAY_NAME}\n"
        "Comment=Sends your store's orders to Order Desk and brings tracking back\n"
        f"Exec={desktop_exec(command)}\n"
        f"Icon={APP_NAME}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        # Let the desktop settle (tray host, keyring) before the app asks for them.
        "X-GNOME-Autostart-Delay=5\n"
    )


def _desktop_keys(text: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.startswith(("#", "[")):
            keys[name.strip()] = value.strip()
    return keys


def _launch_agent_plist(command: Sequence[str]) -> bytes:
    return plistlib.dumps(
        {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            # Only in a graphical login, not for ssh sessions.
            "LimitLoadToSessionType": "Aqua",
            "ProcessType": "Interactive",
        }
    )


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def enable(command: Sequence[str]) -> None:
    """Start ``command`` with ``--minimized`` at login, on this computer's platform."""
    StartAtLogin().enable(command)


def disable() -> None:
    StartAtLogin().disable()


def is_enabled() -> bool:
    return StartAtLogin().is_enabled()
