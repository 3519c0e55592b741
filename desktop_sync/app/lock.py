"""One running sync per profile: an exclusive lock on a file in the profile's data folder.

Two engines on one journal would race on the same rows; the lock makes the second one stop
with a sentence instead. The OS drops the lock when the process dies, so a crash never leaves
a stale lock behind. The holder writes its process id and what it is (the window, or which
command), so the one turned away is told who holds the profile and what to do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from desktop_sync.app.paths import data_dir
from desktop_sync.errors import DesktopSyncError

__all__ = ["LOCK_FILE", "WINDOW", "ProfileBusy", "ProfileLock", "busy_sentence"]


LOCK_FILE = "desktop-sync.lock"
"""In the profile's data folder."""

WINDOW = "window"
"""The driver name of the app's window; any other name is a command (``sync``, ``run``...)."""

_BUSY = "Desktop Sync is already running for this store on this computer"


class ProfileBusy(DesktopSyncError):
    """Another Desktop Sync is already running on this profile; the message says which."""

    def __init__(self, message: str, holder: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.holder = holder

    def __str__(self) -> str:
        return self.message


def busy_sentence(holder_line: str) -> str:
    """What the one turned away is told, from the holder's line ("<pid> <driver>")."""
    pid, _, driver = holder_line.strip().partition(" ")
    process = f", process {pid}" if pid.isdigit() else ""
    if driver == WINDOW:
        return (
            f"{_BUSY} (its window{process}). Use that window (look for its icon in the system "
            "tray), or quit it first."
        )
    if driver:
        return (
            f"{_BUSY} (the command 'desktop-sync {driver}'{process}). Wait for it to finish, "
            "or stop it (Ctrl-C), then try again."
        )
    return f"{_BUSY} (look for its icon in the system tray). Close it first, or use that window."


class ProfileLock:
    def __init__(self, path: Path | None = None, *, driver: str = "") -> None:
        self.path = path or data_dir() / LOCK_FILE
        self.driver = driver
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> ProfileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            _lock(handle)
        except OSError:
            handle.close()
            holder = _read_holder(self.path)
            raise ProfileBusy(busy_sentence(holder), holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {self.driver}".strip())
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            _unlock(handle)
            handle.close()

    def __enter__(self) -> ProfileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")[:200]
    except (OSError, UnicodeDecodeError):  # Windows keeps a locked byte unreadable
        return ""


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
