"""The log file: in the profile's log folder, rotated at 1 MB, and never holding a secret."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from desktop_sync.app import logs
from desktop_sync.app.logs import (
    BACKUP_COUNT,
    LOG_FILE,
    MAX_BYTES,
    SecretFilter,
    log_folder,
    mask,
    register_secret,
    setup_logging,
)
from desktop_sync.app.paths import log_dir


@pytest.fixture(autouse=True)
def clean_logging() -> Iterator[None]:
    """Each test installs its own file handler and secrets; leave the root logger as found."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    secrets = set(logs._secrets)
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logs._secrets.clear()
    logs._secrets.update(secrets)


def _rotating_handlers() -> list[RotatingFileHandler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_log_file_is_in_the_profiles_log_folder(isolated_profile: Path) -> None:
    path = setup_logging()
    assert path == log_dir() / LOG_FILE
    assert path.parent == isolated_profile / "logs" == log_folder()
    logging.getLogger("desktop_sync.engine").info("Order 1001 sent to Order Desk.")
    _flush()
    text = path.read_text(encoding="utf-8")
    assert "INFO" in text and "desktop_sync.engine: Order 1001 sent to Order Desk." in text


def test_debug_lines_are_left_out_at_info_level(isolated_profile: Path) -> None:
    path = setup_logging(logging.INFO)
    logging.getLogger("desktop_sync.x").debug("a debug detail")
    logging.getLogger("desktop_sync.x").warning("a warning")
    _flush()
    text = path.read_text(encoding="utf-8")
    assert "a warning" in text and "a debug detail" not in text


def test_a_registered_secret_never_reaches_the_file(isolated_profile: Path) -> None:
    path = setup_logging()
    register_secret("od-key-3f9a1c7e5b")
    log = logging.getLogger("desktop_sync.connectors")
    log.warning("Sign-in with %s failed", "od-key-3f9a1c7e5b")
    log.warning("Key od-key-3f9a1c7e5b was refused")
    _flush()
    text = path.read_text(encoding="utf-8")
    assert "od-key-3f9a1c7e5b" not in text
    assert text.count("***") == 2


def test_header_maps_are_masked_by_name(isolated_profile: Path) -> None:
    path = setup_logging(logging.DEBUG)
    headers = {"ORDERDESK-API-KEY": "abcdef123456", "Content-Type": "application/json"}
    logging.getLogger("desktop_sync.connectors").debug("Request headers: %s", headers)
    _flush()
    text = path.read_text(encoding="utf-8")
    assert "abcdef123456" not in text
    assert "'ORDERDESK-API-KEY': '***'" in text and "application/json" in text


def test_secret_looking_assignments_are_masked_even_unregistered() -> None:
    line = (
        "GET /wp-json/wc/v3/orders?consumer_key=ck_123456789&consumer_secret=cs_987654321 "
        'Authorization: Bearer shpat_abcdef0123 {"api_key": "k-55555555", "password": "hunter22"}'
    )
    masked = mask(line)
    for secret in ("ck_123456789", "cs_987654321", "shpat_abcdef0123", "k-55555555", "hunter22"):
        assert secret not in masked
    assert "consumer_key=***" in masked and "Bearer ***" in masked


def test_rate_limit_counters_are_not_mistaken_for_secrets() -> None:
    assert mask("X-Tokens-Remaining: 18") == "X-Tokens-Remaining: 18"


def test_short_values_are_not_registered_as_secrets() -> None:
    register_secret("abc")
    register_secret("")
    register_secret(None)
    assert mask("abc 123") == "abc 123"


def test_tracebacks_are_masked_too(isolated_profile: Path) -> None:
    path = setup_logging()
    register_secret("shpss_topsecret42")
    try:
        raise RuntimeError("token shpss_topsecret42 rejected")
    except RuntimeError:
        logging.getLogger("desktop_sync").exception("Sign-in failed")
    _flush()
    text = path.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "shpss_topsecret42" not in text


def test_filter_keeps_a_line_with_a_broken_format_string() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d orders", ("many",), None)
    assert SecretFilter().filter(record)
    assert "orders" in record.getMessage()


def test_file_rotates_at_one_megabyte_and_keeps_five(isolated_profile: Path) -> None:
    path = setup_logging()
    handler = next(
        h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == str(path)
    )
    assert handler.maxBytes == MAX_BYTES == 1_000_000  # type: ignore[attr-defined]
    assert handler.backupCount == BACKUP_COUNT == 5  # type: ignore[attr-defined]
    log = logging.getLogger("desktop_sync.engine")
    line = "x" * 999
    for _ in range(7 * MAX_BYTES // 1000):  # seven megabytes of log
        log.info(line)
    _flush()
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == [LOG_FILE] + [f"{LOG_FILE}.{n}" for n in range(1, 6)]
    assert all(p.stat().st_size <= MAX_BYTES for p in path.parent.iterdir())


def test_setting_up_twice_keeps_one_file_handler(isolated_profile: Path, tmp_path: Path) -> None:
    setup_logging()
    second = setup_logging(folder=tmp_path / "elsewhere")
    assert [Path(h.baseFilename) for h in _rotating_handlers()] == [second]
