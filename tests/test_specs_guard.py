"""The guard that keeps spec tests from passing CI by skipping."""

from __future__ import annotations

import pytest

from tests import specs


def test_missing_specs_skip_outside_ci(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DESKTOP_SYNC_REQUIRE_SPECS", raising=False)
    monkeypatch.setattr(specs, "_candidates", lambda: [tmp_path / "nowhere"])
    with pytest.raises(pytest.skip.Exception, match="published specs are not here"):
        specs.specs_dir()


def test_missing_specs_fail_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(specs, "_candidates", lambda: [tmp_path / "nowhere"])
    with pytest.raises(pytest.fail.Exception, match="cannot run here"):
        specs.specs_dir()


@pytest.mark.spec
def test_the_specs_folder_holds_every_platform() -> None:
    folder = specs.specs_dir()
    for platform in ("shopify", "bigcommerce", "woocommerce", "orderdesk"):
        assert (folder / platform).is_dir(), platform
