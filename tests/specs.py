"""Where the platforms' published contracts are, for the tests held to them.

The files live outside the project (``../shared/specs/``, or ``$DESKTOP_SYNC_SPECS``); see that
folder's README. A test that needs one asks for it through :func:`spec_path` and is marked
``@pytest.mark.spec``. Where neither place exists (a clone outside CI) the test skips, saying
why; in CI (``CI=true`` or ``DESKTOP_SYNC_REQUIRE_SPECS=1``) a missing spec fails the test, and
``tests/conftest.py`` fails the run if any spec test skipped for any other reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["require_specs", "spec_path", "specs_dir"]

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _candidates() -> list[Path]:
    found = []
    if os.environ.get("DESKTOP_SYNC_SPECS"):
        found.append(Path(os.environ["DESKTOP_SYNC_SPECS"]))
    found.append(_PROJECT_ROOT.parent / "shared" / "specs")
    return found


def require_specs() -> bool:
    """True where a spec test may not skip (CI)."""
    flags = (os.environ.get("CI", ""), os.environ.get("DESKTOP_SYNC_REQUIRE_SPECS", ""))
    return any(flag.lower() in {"1", "true", "yes"} for flag in flags)


def _unavailable(reason: str) -> None:
    if require_specs():
        pytest.fail(f"spec test cannot run here: {reason}")
    pytest.skip(reason)


def specs_dir() -> Path:
    """The specs folder; skips the calling test (fails it in CI) when there is none."""
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    where = " or ".join(str(c) for c in _candidates())
    _unavailable(f"the platforms' published specs are not here ({where}); see their README")
    raise AssertionError("unreachable")


def spec_path(relative: str) -> Path:
    """One spec file, e.g. ``spec_path("shopify/admin_2026-10.json.gz")``."""
    path = specs_dir() / relative
    if not path.is_file():
        _unavailable(f"spec file {relative} is missing from {path.parent}")
    return path
