"""Fixtures every test gets: a throwaway profile home, an in-memory keyring, a clean environment."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from desktop_sync.gui.collector import collect_due
from tests.memory_keyring import MemoryKeyring

# Environment variables that override the saved profile (see desktop_sync/app/profile.py);
# a developer's shell must not leak into the tests.
_PROFILE_ENV_PREFIXES = ("ORDERDESK_", "STORE_")


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point DESKTOP_SYNC_HOME at a temp dir, clear profile env vars, install a memory keyring.

    Yields the profile home. The keyring backend is ``keyring.get_keyring()``; tests that need
    the stored values read ``keyring.get_keyring().passwords``.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("DESKTOP_SYNC_HOME", str(home))
    # Start-at-login writes under XDG_CONFIG_HOME: never the developer's real autostart folder.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    for name in list(os.environ):
        if name.startswith(_PROFILE_ENV_PREFIXES):
            monkeypatch.delenv(name)
    # Read the module global rather than keyring.get_keyring(): the latter would run keyring's
    # backend discovery, which can touch the user's real keyring service.
    previous = keyring.core._keyring_backend
    keyring.set_keyring(MemoryKeyring())
    try:
        yield home
    finally:
        keyring.core._keyring_backend = previous


# Spec tests (marked ``spec``, see tests/specs.py) may skip on a clone without ../shared/specs,
# never in CI: there a skipped one fails the run, whatever made it skip.
_skipped_spec_tests: list[str] = []


@pytest.fixture(autouse=True)
def garbage_collected_on_the_main_thread() -> Iterator[None]:
    """Once a GUI test has left Python's collection to the GUI thread (``gui/collector.py``,
    as the app does), what each test leaves is collected here, after it."""
    yield
    if not gc.isenabled():
        collect_due()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "spec" in report.keywords:
        _skipped_spec_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from tests.specs import require_specs

    if _skipped_spec_tests and require_specs():
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"{len(_skipped_spec_tests)} spec test(s) skipped in CI, which fails the run:",
                red=True,
            )
            for nodeid in _skipped_spec_tests:
                reporter.write_line(f"  {nodeid}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
