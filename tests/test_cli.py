"""The command line: version, sandbox, doctor, and one sync per profile at a time."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop_sync import __version__, cli
from desktop_sync.app.lock import ProfileLock
from desktop_sync_sandbox.demo import DemoSandbox
from desktop_sync_sandbox.server import Fault

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


# -- exit codes: 0 only when both sides were reached and nothing failed (issue 16, item 1) ----


class _Redirecting(http.server.BaseHTTPRequestHandler):
    """A server that sends every request elsewhere (a moved API, a captive portal)."""

    def _redirect(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = _redirect

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    finally:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sync_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = cli.main(["sync", "--once", "--json"])
    return code, json.loads(capsys.readouterr().out)


def _point_at(sandbox: DemoSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    assert cli.main(["backfill", "--since", "2000-01-01"]) == cli.EXIT_OK


@pytest.mark.parametrize(
    ("trouble", "health", "code"),
    [
        ("nothing wrong", "ok", cli.EXIT_OK),
        ("Order Desk answers 500", "orderdesk_offline", cli.EXIT_ORDERDESK_OFFLINE),
        ("Order Desk answers 500 to each new order", "ok", cli.EXIT_WAITING),
        ("Order Desk is not there", "orderdesk_offline", cli.EXIT_ORDERDESK_OFFLINE),
        ("Order Desk redirects", "orderdesk_offline", cli.EXIT_ORDERDESK_OFFLINE),
        ("the store is offline", "store_offline", cli.EXIT_STORE_OFFLINE),
        ("no server at all", "orderdesk_offline", cli.EXIT_ORDERDESK_OFFLINE),
        ("Order Desk refuses the key", "orderdesk_auth", cli.EXIT_ORDERDESK_AUTH),
        ("the store refuses its key", "store_auth", cli.EXIT_STORE_AUTH),
    ],
)
def test_sync_once_exits_with_the_code_of_its_health(
    trouble: str,
    health: str,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    redirecting_server: str,
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=2) as sandbox:
        _point_at(sandbox, monkeypatch)
        if trouble == "Order Desk answers 500":
            sandbox.orderdesk.faults.inject(Fault.SERVER_ERROR, 1000)
        elif trouble == "Order Desk answers 500 to each new order":
            sandbox.orderdesk.faults.inject(Fault.SERVER_ERROR, 1000, method="POST")
        elif trouble == "Order Desk is not there":
            monkeypatch.setenv("ORDERDESK_API_URL", f"http://127.0.0.1:{_free_port()}/api/v2")
        elif trouble == "Order Desk redirects":
            monkeypatch.setenv("ORDERDESK_API_URL", redirecting_server)
        elif trouble == "the store is offline":
            sandbox.store.stop()
        elif trouble == "no server at all":
            sandbox.store.stop()
            sandbox.orderdesk.stop()
        elif trouble == "Order Desk refuses the key":
            monkeypatch.setenv("ORDERDESK_API_KEY", "not-the-key-at-all")
        elif trouble == "the store refuses its key":
            monkeypatch.setenv("STORE_KEY", "not-the-token-at-all")
        exit_code, summary = _sync_json(capsys)
    assert (exit_code, summary["health"], summary["exit_code"]) == (code, health, code), summary
    if code == cli.EXIT_WAITING:
        assert (summary["pushed"], summary["waiting"]) == (0, 2)
    elif code != cli.EXIT_OK:
        assert summary["message"], "a non-zero exit always says why"
        assert "Traceback" not in summary["message"]


def test_a_full_journal_disk_is_not_a_success(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_sync.app.facade import DesktopSync
    from desktop_sync.state.journal import JournalError

    built = DesktopSync.engine

    def engine_on_a_full_disk(self: DesktopSync, *args: Any, **kwargs: Any) -> Any:
        engine = built(self, *args, **kwargs)
        conn = engine.journal._conn
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        with pytest.raises(JournalError):
            while True:
                engine.journal.add_event(datetime.now(UTC), "info", "system", "Filler.")
        return engine

    with DemoSandbox(new_order_every=None, initial_orders=2) as sandbox:
        _point_at(sandbox, monkeypatch)
        monkeypatch.setattr(DesktopSync, "engine", engine_on_a_full_disk)
        exit_code, summary = _sync_json(capsys)
    assert (exit_code, summary["health"]) == (cli.EXIT_FAILURES, "failing")
    assert "could not be written" in summary["message"]


def test_run_shows_the_health_of_its_cycles(tmp_path: Path) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=1) as sandbox:
        env = {**os.environ, **sandbox.env(), "DESKTOP_SYNC_HOME": str(tmp_path)}
        sandbox.orderdesk.faults.inject(Fault.SERVER_ERROR, 1000)
        ran = subprocess.run(
            [sys.executable, "-m", "desktop_sync", "run", "--interval", "0.1", "--cycles", "2"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert ran.returncode == cli.EXIT_OK  # it ran as asked; the health says what happened
    assert f"Health: orderdesk_offline (exit code {cli.EXIT_ORDERDESK_OFFLINE})" in ran.stderr


# -- an unusable profile folder: one sentence naming it, exit 2; doctor still runs -----------

_COMMANDS = (
    ["sync", "--once"],
    ["sync", "--once", "--json"],
    ["run", "--cycles", "1"],
    ["status"],
    ["retry", "--failed"],
    ["backfill", "--since", "2024-01-01"],
)


@pytest.mark.parametrize("command", _COMMANDS, ids=" ".join)
def test_a_profile_home_that_is_a_file_is_named_in_a_sentence(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "profile"
    home.write_text("not a folder")
    monkeypatch.setenv("DESKTOP_SYNC_HOME", str(home))
    assert cli.main(command) == cli.EXIT_CONFIG
    out, err = capsys.readouterr()
    assert err.strip() == (
        f"Desktop Sync cannot use {home} (DESKTOP_SYNC_HOME) as its settings folder because "
        "it is a file, not a folder. Move that file away, or point DESKTOP_SYNC_HOME at a folder."
    )
    assert out == ""
    assert home.read_text() == "not a folder"


def test_doctor_runs_and_reports_a_profile_home_that_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "profile"
    home.write_text("not a folder")
    monkeypatch.setenv("DESKTOP_SYNC_HOME", str(home))
    assert cli.main(["doctor"]) == cli.EXIT_OK
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["app"]["version"] == __version__
    assert len(bundle["folders"]) == 3 and all(str(home) in line for line in bundle["folders"])


def _unprivileged() -> list[str]:
    """Run a child as a plain user: an administrator writes anywhere, so a read-only folder
    is read-only only to an ordinary account."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a folder read-only")
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    # The plain user must be able to reach this checkout and its Python (a clone inside a
    # folder only root may enter is not): ask it once.
    probe = subprocess.run(
        [*command, sys.executable, "-B", "-c", "import desktop_sync"],
        capture_output=True,
        timeout=60,
        cwd="/",
    )
    if probe.returncode != 0:
        pytest.skip("a plain user cannot run this checkout's Python here (a folder root only)")
    return command


@pytest.fixture
def shared_home() -> Iterator[Path]:
    """A profile home a plain user owns, in a folder every user can reach."""
    base = Path(tempfile.mkdtemp(prefix="desktop-sync-ro-"))
    base.chmod(0o755)
    home = base / "home"
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, 65534, 65534)
    try:
        yield home
    finally:
        for folder in [home, *home.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base)


def _as_plain_user(
    home: Path, sandbox: DemoSandbox, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **sandbox.env(), "DESKTOP_SYNC_HOME": str(home)}
    return subprocess.run(
        [*_unprivileged(), sys.executable, "-B", "-m", "desktop_sync", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("folder", "what"), [("data", "data"), ("logs", "log"), ("config", "settings")]
)
def test_a_read_only_profile_folder_is_named_and_the_journal_is_never_blamed(
    folder: str, what: str, shared_home: Path
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=2) as sandbox:
        ok = _as_plain_user(shared_home, sandbox, "backfill", "--since", "2000-01-01")
        assert ok.returncode == cli.EXIT_OK, ok.stderr
        assert _as_plain_user(shared_home, sandbox, "sync", "--once").returncode == cli.EXIT_OK
        journal = (shared_home / "data" / "journal.sqlite3").read_bytes()
        (shared_home / folder).chmod(0o555)
        for command in (["sync", "--once"], ["status"], ["backfill", "--since", "2001-01-01"]):
            refused = _as_plain_user(shared_home, sandbox, *command)
            assert refused.returncode == cli.EXIT_CONFIG, refused.stdout + refused.stderr
            sentence = refused.stderr.strip()
            assert f"cannot write to its {what} folder {shared_home / folder}" in sentence
            assert sentence.endswith("then try again; nothing in it was changed.")
            assert "Traceback" not in sentence and "\n" not in sentence
            for blame in ("remove", "delete", "rebuild"):
                assert blame not in sentence.lower()
        doctor = _as_plain_user(shared_home, sandbox, "doctor")
        assert doctor.returncode == cli.EXIT_OK
        assert str(shared_home / folder) in json.loads(doctor.stdout)["folders"][0]
    assert (shared_home / "data" / "journal.sqlite3").read_bytes() == journal


# -- pasted keys (issue 16, item 3) -----------------------------------------------------------


@pytest.mark.parametrize("platform", ["bigcommerce", "woocommerce"])
def test_keys_pasted_with_a_zero_width_space_or_a_newline_still_sync(
    platform: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DemoSandbox(platform=platform, new_order_every=None, initial_orders=2) as sandbox:
        _point_at(sandbox, monkeypatch)
        env = sandbox.env()
        monkeypatch.setenv("ORDERDESK_API_KEY", env["ORDERDESK_API_KEY"] + "\n")
        monkeypatch.setenv("STORE_KEY", env["STORE_KEY"][:4] + "\u200b" + env["STORE_KEY"][4:])
        if env["STORE_SECRET"]:
            monkeypatch.setenv("STORE_SECRET", "\u200b" + env["STORE_SECRET"] + " ")
        exit_code, summary = _sync_json(capsys)
        assert (exit_code, summary["pushed"]) == (cli.EXIT_OK, 2)


@pytest.mark.parametrize("variable", ["ORDERDESK_API_KEY", "STORE_KEY"])
def test_a_key_with_a_character_no_key_has_is_refused_in_a_sentence(
    variable: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=1) as sandbox:
        _point_at(sandbox, monkeypatch)
        key = sandbox.env()[variable]
        monkeypatch.setenv(variable, key[:3] + "é" + key[3:])
        capsys.readouterr()
        assert cli.main(["sync", "--once"]) == cli.EXIT_CONFIG
        err = capsys.readouterr().err.strip()
        assert sandbox.orderdesk.orders() == []
    which = "Order Desk API key" if variable == "ORDERDESK_API_KEY" else "BigCommerce key"
    assert err.startswith(f"Cannot sync: The {which} holds a character no key has (character 4 ")
    assert "\n" not in err and "codec" not in err and key not in err


# -- the sandbox speaks the platform asked for (issue 17, item 2) -----------------------------


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_sandbox_platform_flag_starts_that_platforms_store_and_a_sync_runs_on_it(
    platform: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DESKTOP_SYNC_HOME": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop_sync", "sandbox", "--platform", platform, "--orders", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None
        described = json.loads(child.stdout.readline())
        assert described["store"]["platform"] == described["env"]["STORE_PLATFORM"] == platform
        synced_env = {**env, **described["env"]}

        def run(*command: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "desktop_sync", *command],
                env=synced_env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == cli.EXIT_OK, done.stdout + done.stderr
            return done.stdout

        run("backfill", "--since", "2000-01-01")
        assert json.loads(run("sync", "--once", "--json"))["pushed"] == 2
        # The merchant's two sandbox actions work on this platform too.
        assert "shipped in Order Desk" in run("sandbox", "ship")
        assert "placed in the sandbox store" in run("sandbox", "add-order")
        summary = json.loads(run("sync", "--once", "--json"))
        assert (summary["pushed"], summary["fulfillments_created"]) == (1, 1)
    finally:
        child.terminate()
        child.wait(timeout=10)


def test_demo_takes_the_platform_to_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_sync.gui.app as gui_app

    asked: dict[str, Any] = {}
    monkeypatch.setattr(gui_app, "run_gui", lambda **kwargs: asked.update(kwargs) or 0)
    assert cli.main(["--demo", "--platform", "woocommerce"]) == 0
    assert asked == {"demo": True, "minimized": False, "platform": "woocommerce"}
    session = gui_app.GuiSession(demo=True, platform="woocommerce")
    try:
        session.prepare_demo()
        assert isinstance(session.sandbox, DemoSandbox)
        assert session.sandbox.platform == "woocommerce"
        assert session.profile is not None and session.profile.store_platform == "woocommerce"
    finally:
        session.close()


@pytest.mark.parametrize(
    ("name", "what"),
    [("data/journal.sqlite3", "sync journal"), ("config/settings.json", "settings file")],
)
def test_a_read_only_journal_or_settings_file_is_named_not_blamed(
    name: str, what: str, shared_home: Path
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=1) as sandbox:
        assert (
            _as_plain_user(shared_home, sandbox, "backfill", "--since", "2000-01-01").returncode
            == 0
        )
        settings = shared_home / "config" / "settings.json"
        if not settings.exists():
            settings.write_text("{}")
            if os.geteuid() == 0:
                os.chown(settings, 65534, 65534)
        (shared_home / name).chmod(0o444)
        refused = _as_plain_user(shared_home, sandbox, "sync", "--once")
    assert refused.returncode == cli.EXIT_CONFIG, refused.stdout + refused.stderr
    assert refused.stderr.strip() == (
        f"Desktop Sync cannot write to its {what} {shared_home / name} (permission denied). "
        "Give your user account permission to write it, then try again; nothing in it was "
        "changed."
    )
