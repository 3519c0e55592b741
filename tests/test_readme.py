"""The README's headless round trip works exactly as written, and its exit-code table is the
one the CLI uses (tests/test_cli.py asserts each code against a real cause)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_sync import cli

ROOT = Path(__file__).resolve().parents[1]


def _round_trip_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- round-trip:start -->\s*```sh\n(.*?)```", text, re.S)
    assert match, "README lost its round-trip block"
    return match.group(1)


def test_readme_round_trip_runs_as_written(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "desktop-sync").exists():
        pytest.fail("desktop-sync is not installed in this environment (pip install -e .)")
    # The block says .venv/bin/; run it against the interpreter running the tests.
    script = _round_trip_block().replace(".venv/bin/", f"{bin_dir}/")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Orders sent: 8" in result.stdout
    assert "shipped in Order Desk" in result.stdout
    assert "fulfillments created: 1." in result.stdout
    assert "Store fulfillments created: 1" in result.stdout


def test_readme_exit_code_table_is_the_clis() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d) \| `?([a-z_ ]+?)`? \|", text, re.M))
    assert rows == {
        str(cli.EXIT_OK): "ok",
        str(cli.EXIT_FAILURES): "failing",
        str(cli.EXIT_CONFIG): "cannot start",
        str(cli.EXIT_ORDERDESK_AUTH): "orderdesk_auth",
        str(cli.EXIT_STORE_AUTH): "store_auth",
        str(cli.EXIT_ORDERDESK_OFFLINE): "orderdesk_offline",
        str(cli.EXIT_STORE_OFFLINE): "store_offline",
        str(cli.EXIT_WAITING): "waiting",
        str(cli.EXIT_HELD): "held",
    }
    # Every health the engine reports has its row (paused is the window's own state, and so
    # is setup: the CLI says a setup it cannot start from as "cannot start").
    from desktop_sync.engine.events import Health

    assert {h.value for h in Health} - {"paused", "setup"} <= set(rows.values())
