"""One running sync per profile: an exclusive lock on a file in the profile's data folder.

Two engines on one journal would race on the same rows; the lock makes the second one stop
with a sentence instead. The OS drops the lock when the process dies, so a crash never leaves
a stale lock behind.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from desktop_sync.app.paths import data_dir
from desktop_sync.errors import DesktopSyncError

__all__ = ["ProfileBusy", "ProfileLock"]


class ProfileBusy(DesktopSyncError):
    """Another Desktop Sync is already running on this profile."""


class ProfileLock:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "desktop-sync.lock"
        self._handle: IO[str] | None = None

    def acquire(self) -> ProfileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise ProfileBusy(
                "Desktop Sync is already running for this store on this computer (look for "
                "its icon in the system tray). Close it first, or use that window."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
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
