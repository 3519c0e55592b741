"""The command line: version, sandbox, doctor, and one sync per profile at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from desktop_sync import __version__, cli
from desktop_sync.app.lock import ProfileLock
from desktop_sync.sandbox.demo import DemoSandbox

ROOT = Path(__file__).resolve().parents[1]


def test_version_answers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_sandbox_prints_one_json_line_whose_credentials_work(tmp_path: Path) -> None:
    env = {**os.environ, "DESKTOP_SYNC_HOME": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop_sync", "sandbox", "--orders", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # blocks until the sandbox is up
        described = json.loads(line)
        od = described["orderdesk"]
        good = httpx.get(
            od["url"] + "/test",
            headers={"ORDERDESK-STORE-ID": od["store_id"], "ORDERDESK-API-KEY": od["api_key"]},
        )
        assert good.status_code == 200
        assert good.json()["message"] == "Connection Successful"
        bad = httpx.get(
            od["url"] + "/test",
            headers={"ORDERDESK-STORE-ID": od["store_id"], "ORDERDESK-API-KEY": "wrong"},
        )
        assert bad.status_code == 401
        assert bad.json() == {
            "status": "error",
            "message": "Invalid store ID or API key",
            "execution_time": bad.json()["execution_time"],
        }
        assert set(described["env"]) >= {"ORDERDESK_API_URL", "STORE_PLATFORM", "STORE_KEY"}
    finally:
        child.terminate()
        child.wait(timeout=10)
    assert child.returncode == 0


def test_a_second_sync_on_the_same_profile_is_refused_with_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=1) as sandbox:
        for name, value in sandbox.env().items():
            monkeypatch.setenv(name, value)
        with ProfileLock():
            code = cli.main(["sync", "--once"])
        assert code == cli.EXIT_CONFIG
        assert "already running" in capsys.readouterr().err
        assert cli.main(["sync", "--once", "--json"]) == cli.EXIT_OK


def test_doctor_reports_everything_support_needs_and_no_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=2) as sandbox:
        env = sandbox.env()
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        cli.main(["backfill", "--since", "2000-01-01"])
        cli.main(["sync", "--once"])
        capsys.readouterr()
        assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    bundle = json.loads(out)
    assert bundle["journal"]["counts"]["sent"] == 2
    assert bundle["app"]["version"] == __version__
    assert "keyring" in bundle and "settings" in bundle
    assert bundle["profile"] == "complete (bigcommerce)"
    for secret in (env["ORDERDESK_API_KEY"], env["STORE_KEY"]):
        assert secret not in out


def test_sync_without_a_profile_says_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sync", "--once"]) == cli.EXIT_CONFIG
    err = capsys.readouterr().err
    assert "ORDERDESK_STORE_ID" in err or "Order Desk" in err


def test_run_syncs_on_a_schedule_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=3) as sandbox:
        env = {**os.environ, **sandbox.env(), "DESKTOP_SYNC_HOME": str(tmp_path)}
        subprocess.run(
            [sys.executable, "-m", "desktop_sync", "backfill", "--since", "2000-01-01"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        child = subprocess.Popen(
            [sys.executable, "-m", "desktop_sync", "run", "--interval", "0.2"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert child.stderr is not None
        seen = []
        for line in child.stderr:  # each line arrives as the engine logs it
            seen.append(line)
            if "Sent to Order Desk" in line:
                break
        child.send_signal(signal.SIGINT)
        _, rest = child.communicate(timeout=20)
        assert child.returncode == 0
        assert "Stopped." in rest
        assert "Traceback" not in "".join(seen) + rest
        # Stopped at an order boundary: what is left is simply sent by the next sync, once.
        subprocess.run(
            [sys.executable, "-m", "desktop_sync", "sync", "--once"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        assert sorted(o["source_id"] for o in sandbox.orderdesk.orders()) == ["100", "101", "102"]


@pytest.mark.parametrize("platform", ["bigcommerce", "shopify", "woocommerce"])
def test_headless_round_trip_works_for_each_store_platform(
    platform: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DemoSandbox(platform=platform, new_order_every=None, initial_orders=3) as sandbox:
        for name, value in sandbox.env().items():
            monkeypatch.setenv(name, value)
        assert os.environ["STORE_PLATFORM"] == platform
        assert cli.main(["backfill", "--since", "2000-01-01"]) == 0
        assert cli.main(["sync", "--once"]) == 0
        assert len(sandbox.orderdesk.orders()) == 3
        assert "shipped in Order Desk" in sandbox.ship_an_order()
        capsys.readouterr()
        assert cli.main(["sync", "--once", "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
    assert (summary["pushed"], summary["fulfillments_created"]) == (0, 1)
