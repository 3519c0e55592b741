"""Two Desktop Syncs on one store and one Order Desk account (two PCs, two journals) syncing at
the same time send no order twice and fulfil no shipment twice; on one PC, the profile lock
turns a second sync away with a sentence."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync import cli
from desktop_sync.app.paths import data_dir
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.engine.events import Health
from desktop_sync.gui.app import GuiSession
from tests.harness import minute_ago
from tests.reliability.rig import ROOT, Rig, wait_until


def _child(rig: Rig, journal: Path, start: str, cycles: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.reliability.sync_child",
            str(journal),
            start,
            "--cycles",
            str(cycles),
            "--pause",
            "0",
        ],
        env=rig.child_env(),
        cwd=ROOT,
        stdout=log.open("wb"),
    )


def test_two_pcs_syncing_at_once_create_each_order_and_fulfillment_once(tmp_path: Path) -> None:
    with Rig() as rig:
        start = minute_ago()
        rig.place_orders(20, seed=31)
        journals = [tmp_path / "pc-a.sqlite3", tmp_path / "pc-b.sqlite3"]
        logs = [tmp_path / "pc-a.log", tmp_path / "pc-b.log"]
        children = [
            _child(rig, journal, start.isoformat(), 8, log)
            for journal, log in zip(journals, logs, strict=True)
        ]
        try:
            # While both run, the merchant ships what arrived and takes new orders, so both
            # PCs keep racing for the same new work.
            for wave in range(4):
                seen = len(rig.orderdesk.orders())
                wait_until(
                    lambda seen=seen: (
                        len(rig.orderdesk.orders()) > seen  # type: ignore[misc]
                        or any(c.poll() is not None for c in children)
                    ),
                    timeout=60,
                )
                rig.ship_some(4)
                rig.place_orders(3, seed=310 + wave)
            for child in children:
                child.wait(timeout=120)
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        assert [c.returncode for c in children] == [0, 0]
        cycles = [log.read_text().count("cycle ") for log in logs]

        # Each PC then finishes what is left on its own journal.
        for journal in journals:
            engine = rig.engine(journal, start_at=start)
            try:
                rig.settle(engine)
            finally:
                engine.close()
        tally = rig.tally()
        print(f"\ntwo instances: cycles={cycles} {tally.line()}")
        assert tally.shipments > 0
        assert not tally.duplicate_orders, tally.duplicate_orders
        assert not tally.lost_orders, tally.lost_orders
        assert not tally.duplicate_fulfillments, tally.duplicate_fulfillments
        assert not tally.lost_fulfillments, tally.lost_fulfillments


def test_a_second_sync_on_the_same_profile_is_refused_by_the_lock() -> None:
    with Rig() as rig:
        rig.place_orders(3, seed=32)
        env = rig.child_env()
        assert cli.main(["backfill", "--since", minute_ago().isoformat()]) == cli.EXIT_OK
        lock_file = data_dir() / "desktop-sync.lock"
        running = subprocess.Popen(
            [sys.executable, "-m", "desktop_sync", "run", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(
                lambda: lock_file.exists() and lock_file.read_text() == f"{running.pid} run",
                timeout=30,
            )
            second = subprocess.run(
                [sys.executable, "-m", "desktop_sync", "sync", "--once"],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode == cli.EXIT_CONFIG
            assert (
                "Cannot sync: Desktop Sync is already running for this store on this computer "
                f"(the command 'desktop-sync run', process {running.pid}). Wait for it to "
                "finish, or stop it (Ctrl-C), then try again."
            ) in second.stderr
            assert "Traceback" not in second.stderr
        finally:
            running.send_signal(signal.SIGTERM)
            running.wait(timeout=30)
        assert running.returncode == 0
        # Once the first one has stopped, the lock is free again.
        again = subprocess.run(
            [sys.executable, "-m", "desktop_sync", "sync", "--once"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.returncode == cli.EXIT_OK, again.stderr
        assert not rig.tally().lost_orders and not rig.tally().duplicate_orders


class _Interleaved:
    """PC B's store connector: right before B creates a fulfillment, PC A runs its own pull,
    so A's fulfillment lands between B's look and B's create (the race, made certain)."""

    def __init__(self, inner: StoreConnector, before_create: Callable[[], None]) -> None:
        self._inner = inner
        self._before_create: Callable[[], None] | None = before_create

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_fulfillment(self, *args: Any, **kwargs: Any) -> Any:
        hook, self._before_create = self._before_create, None
        if hook is not None:
            hook()
        return self._inner.create_fulfillment(*args, **kwargs)


def test_fulfillment_the_other_pc_made_between_look_and_create_is_adopted_not_failed(
    tmp_path: Path,
) -> None:
    with Rig() as rig:
        start = minute_ago()
        rig.place_orders(2, seed=33)
        pc_a = rig.engine(tmp_path / "a.sqlite3", start_at=start)
        pc_b = rig.engine(tmp_path / "b.sqlite3", start_at=start)
        try:
            pc_a.run_cycle()
            pc_b.run_cycle()  # adopts both orders
            assert rig.ship_some(1) == 1
            inner = pc_b.store
            interleaved = _Interleaved(inner, pc_a.pull_shipments)
            pc_b.store = pc_b.puller.store = pc_b.puller.fulfiller.store = interleaved  # type: ignore[assignment]
            result = pc_b.pull_shipments()
            pc_b.store = pc_b.puller.store = pc_b.puller.fulfiller.store = inner
            assert (result.adopted, result.fulfillments_created, result.failed) == (1, 0, ())
            assert pc_b.run_cycle().health is Health.OK
        finally:
            pc_a.close()
            pc_b.close()
        tally = rig.tally()
        assert (tally.duplicates, tally.losses) == (0, 0)


# -- the window and a command on one profile (issue 11, item 1) ------------------------------


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_sync", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.gui
def test_a_command_beside_the_open_window_is_refused_and_nothing_is_sent_twice(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An Order Desk that does not refuse duplicates: only the lock keeps the two apart.
    with Rig(reject_duplicates=False) as rig:
        rig.place_orders(60, seed=34)
        env = rig.child_env()
        for name in ("ORDERDESK_API_URL", "ORDERDESK_STORE_ID", "ORDERDESK_API_KEY"):
            monkeypatch.setenv(name, env[name])
        for name, value in rig.store.env().items():
            monkeypatch.setenv(name, value)
        assert cli.main(["backfill", "--since", minute_ago().isoformat()]) == cli.EXIT_OK
        session = GuiSession()
        try:
            assert session.claim() is None
            assert session.load() and session.open_journal()
            window = session.show()
            qtbot.addWidget(window)
            assert window.controller is not None
            with qtbot.waitSignal(window.controller.cycle_finished, timeout=60_000) as done:
                # While the window syncs, the same profile from the command line.
                second = _cli(env, "sync", "--once")
                again = _cli(env, "run", "--interval", "1", "--cycles", "1")
            assert done.args[0].push.sent == 60
            for refused in (second, again):
                assert refused.returncode == cli.EXIT_CONFIG, refused.stdout + refused.stderr
                assert refused.stderr.strip() == (
                    "Cannot sync: Desktop Sync is already running for this store on this "
                    f"computer (its window, process {os.getpid()}). Use that window (look for "
                    "its icon in the system tray), or quit it first."
                )
            assert (rig.tally().duplicate_orders, rig.tally().lost_orders) == ([], [])
        finally:
            session.close()
        # The window gone, the profile is free; the command finds nothing left to send.
        after = _cli(env, "sync", "--once", "--json")
        assert after.returncode == cli.EXIT_OK, after.stderr
        assert json.loads(after.stdout)["pushed"] == 0
        tally = rig.tally()
        assert (tally.orders, tally.duplicate_orders, tally.lost_orders) == (60, [], [])


@pytest.mark.gui
def test_the_window_opened_beside_a_running_command_is_refused_with_a_sentence() -> None:
    with Rig(reject_duplicates=False) as rig:
        rig.place_orders(5, seed=35)
        env = rig.child_env()
        assert cli.main(["backfill", "--since", minute_ago().isoformat()]) == cli.EXIT_OK
        lock_file = data_dir() / "desktop-sync.lock"
        running = subprocess.Popen(
            [sys.executable, "-m", "desktop_sync", "run", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(lambda: lock_file.exists() and lock_file.read_text() == f"{running.pid} run")
            session = GuiSession()
            assert session.claim() == (
                "Desktop Sync is already running for this store on this computer (the command "
                f"'desktop-sync run', process {running.pid}). Wait for it to finish, or stop it "
                "(Ctrl-C), then try again."
            )
            assert session.app is None and session.journal is None
            session.close()
        finally:
            running.send_signal(signal.SIGTERM)
            running.wait(timeout=30)
        assert running.returncode == cli.EXIT_OK
        session = GuiSession()
        try:
            assert session.claim() is None  # the command has stopped: the window may open
        finally:
            session.close()
        assert rig.tally().duplicate_orders == []


@pytest.mark.gui
@pytest.mark.parametrize("trouble", ["a command holds the profile", "the profile home is a file"])
def test_the_window_says_why_it_cannot_open_in_a_box_and_exits_2(
    trouble: str, qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop_sync.gui.app as gui_app
    from desktop_sync.app.facade import DesktopSync

    said: list[str] = []
    monkeypatch.setattr(
        gui_app.QMessageBox, "critical", lambda _parent, _title, text: said.append(text)
    )
    if trouble == "the profile home is a file":
        home = tmp_path / "a-file"
        home.write_text("")
        monkeypatch.setenv("DESKTOP_SYNC_HOME", str(home))
        assert gui_app.run_gui() == cli.EXIT_CONFIG
        assert said == [
            f"Desktop Sync cannot use {home} (DESKTOP_SYNC_HOME) as its settings folder because "
            "it is a file, not a folder. Move that file away, or point DESKTOP_SYNC_HOME at a "
            "folder."
        ]
        return
    with DesktopSync(driver="run"):
        assert gui_app.run_gui() == cli.EXIT_CONFIG
    assert said == [
        "Desktop Sync is already running for this store on this computer (the command "
        f"'desktop-sync run', process {os.getpid()}). Wait for it to finish, or stop it "
        "(Ctrl-C), then try again."
    ]
