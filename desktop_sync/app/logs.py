"""The app's log file: size-capped, rotated, in the profile's log folder, and never a secret."""

from __future__ import annotations

import errno
import logging
import re
import sys
import threading
from collections.abc import Mapping
from contextlib import suppress
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_sync.app.paths import log_dir
from desktop_sync.connectors.http_safety import redact_headers

if TYPE_CHECKING:
    from desktop_sync.app.profile import Profile

__all__ = [
    "BACKUP_COUNT",
    "LOG_FILE",
    "MASK",
    "MAX_BYTES",
    "SecretFilter",
    "log_folder",
    "mask",
    "register_secret",
    "register_secrets",
    "setup_logging",
]

LOG_FILE = "desktop-sync.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
"""1 MB x (1 + 5) files: enough history for support, bounded on a small disk."""
MASK = "***"
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)

# Shorter values would mask ordinary words and numbers all over the log; no real key is this short.
_MIN_SECRET_LENGTH = 6

_secrets: set[str] = set()
_secrets_lock = threading.Lock()

# "api_key=abc", "token: abc", '"password": "abc"', "Authorization: Bearer abc", in any case.
_SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?<![\w.-])  # a whole name only: keeps the search linear on long lines
    (?P<name>[\w.-]*?(?:api[_-]?key|consumer[_-]?key|token|secret|password|passwd|signature)[\w.-]*)
    (?P<sep>["']?\s*[:=]\s*["']?)
    (?P<value>[^\s"',;&}]+)
    """
)
_NOT_SECRET_NAMES = ("remaining", "expire", "limit")
_AUTH_SCHEME = re.compile(r"(?i)\b(?P<scheme>Bearer|Basic|Token)\s+(?P<value>[\w.~+/=-]{6,})")


def register_secret(value: str | None) -> None:
    """From now on, mask ``value`` wherever it would appear in the log (keys, passwords)."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def mask(text: str) -> str:
    """``text`` with every registered secret and every secret-looking assignment masked."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)  # longest first: no half-masked keys
    for secret in known:
        text = text.replace(secret, MASK)
    text = _AUTH_SCHEME.sub(lambda m: f"{m['scheme']} {MASK}", text)
    return _SECRET_ASSIGNMENT.sub(_masked_assignment, text)


def _masked_assignment(match: re.Match[str]) -> str:
    # Rate-limit counters ("X-Tokens-Remaining: 18") and expiry times are not secrets.
    if any(word in match["name"].lower() for word in _NOT_SECRET_NAMES):
        return match[0]
    return f"{match['name']}{match['sep']}{MASK}"


def _safe_arg(value: Any) -> Any:
    # Header maps (httpx.Headers too) are masked by name before they become text.
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        try:
            return redact_headers({k: str(v) for k, v in value.items()})
        except Exception:  # an odd mapping is logged as text and masked like any text
            return value
    return value


class SecretFilter(logging.Filter):
    """Rewrites each record so no handler ever sees a secret: the message, its arguments and
    the traceback text are all masked. Attach it to a handler (it then covers every logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_safe_arg(a) for a in args)
        elif isinstance(args, Mapping):
            record.args = _safe_arg(args)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class _AppLogHandler(RotatingFileHandler):
    """Marks the handler ``setup_logging`` installed, so a second call replaces it.

    A line the file cannot take (a full disk, a folder gone) is said once on stderr in one
    sentence, instead of logging's "--- Logging error ---" and a traceback for every line.
    """

    _told = False

    def handleError(self, record: logging.LogRecord) -> None:
        if self._told or not logging.raiseExceptions or sys.stderr is None:
            return
        self._told = True
        exc = sys.exc_info()[1]
        why = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or "unknown error"
        full = isinstance(exc, OSError) and exc.errno in _DISK_FULL
        what = "Free some disk space" if full else "Check the log folder"
        with suppress(OSError, ValueError):
            sys.stderr.write(
                f"The log file {self.baseFilename} could not be written ({why}). {what}; "
                "syncing goes on meanwhile.\n"
            )


def log_folder() -> Path:
    """The folder "Open log folder" shows (created when missing)."""
    return log_dir()


def setup_logging(level: int = logging.INFO, *, folder: Path | None = None) -> Path:
    """Send the app's log to a rotating file in ``folder`` (the profile's log folder); the path.

    Calling it again (a test, a reconnect) replaces the earlier file handler, never adds one.
    """
    directory = folder if folder is not None else log_folder()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_FILE
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _AppLogHandler):
            root.removeHandler(handler)
            handler.close()
    handler = _AppLogHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
    )
    handler.setLevel(level)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(SecretFilter())
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    # httpx logs each request line at INFO; with query strings that is noise, not history.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    return path


def register_secrets(profile: Profile) -> None:
    """Mask a profile's keys in every log line from now on."""
    for value in (profile.orderdesk_api_key, profile.store_key, profile.store_secret):
        register_secret(value)
