"""The support bundle behind ``desktop-sync doctor`` and the GUI's "Copy diagnostics": versions,
settings, keyring backend, journal counts and recent errors. Never a secret: settings hold none
by design, and every known secret value is masked from the text as a second guard."""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Iterable
from dataclasses import asdict
from importlib import metadata
from typing import Any

from desktop_sync import __version__
from desktop_sync.app.paths import config_dir, data_dir, journal_path, log_dir, profile_home
from desktop_sync.app.settings import load_settings

__all__ = ["collect", "mask_secrets", "render"]

_PACKAGES = ("PySide6-Essentials", "httpx", "keyring", "platformdirs")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _keyring_backend() -> str:
    try:
        import keyring

        from desktop_sync.app.secrets import usable_backend

        backend = keyring.get_keyring()
        label = f"{type(backend).__module__}.{type(backend).__name__}"
        return label if usable_backend(backend) else f"{label} (not usable)"
    except Exception as exc:  # diagnostics must never fail on a broken keyring
        return f"unavailable ({type(exc).__name__})"


def _journal_summary() -> dict[str, Any]:
    from desktop_sync.state.journal import Cursor, Journal, JournalError

    path = journal_path()
    if not path.exists():
        return {"path": str(path), "exists": False}
    try:
        with Journal(path) as journal:
            counts = asdict(journal.counts())
            errors = [
                {
                    "time": e.time.isoformat(timespec="seconds"),
                    "direction": e.direction,
                    "order": e.order_number,
                    "message": e.message,
                }
                for e in journal.events_page(0, 20, levels=("error",))
            ]
            cursors = {
                name: (mark.isoformat(timespec="seconds") if mark else None)
                for name in Cursor
                for mark in [journal.get_cursor(name)]
            }
    except JournalError as exc:
        return {"path": str(path), "exists": True, "error": str(exc)}
    return {
        "path": str(path),
        "exists": True,
        "counts": counts,
        "checked_until": cursors,
        "recent_errors": errors,
    }


def collect() -> dict[str, Any]:
    settings = load_settings()
    return {
        "app": {
            "version": __version__,
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "packages": {name: _version(name) for name in _PACKAGES},
        "paths": {
            "profile_home": str(profile_home() or ""),
            "config": str(config_dir()),
            "data": str(data_dir()),
            "logs": str(log_dir()),
        },
        "settings": asdict(settings),
        "keyring": _keyring_backend(),
        "journal": _journal_summary(),
        **_notices(),
    }


def _notices() -> dict[str, Any]:
    """What the merchant must see though nothing failed: the PC's clock, orders that need
    attention (as the last sync cycles found them)."""
    from desktop_sync.app.notices import NOTICES_FILE, load_notices

    notices = load_notices(data_dir() / NOTICES_FILE)
    return {
        "clock": notices.clock_message or "not found off at the last reading",
        "needs_attention": [
            {"order": f.order_number, "reason": f.reason} for f in notices.attention
        ],
    }


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "•••")
    return text


def render(bundle: dict[str, Any], secrets: Iterable[str] = ()) -> str:
    return mask_secrets(json.dumps(bundle, indent=2, ensure_ascii=False, default=str), secrets)
