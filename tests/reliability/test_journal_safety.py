"""The journal survives what a PC does to files: WAL mode, an upgrade from every earlier schema,
a damaged file (detected, with a sentence), a deleted file (rebuilt from Order Desk without
duplicates) and a full disk (reported, never swallowed)."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_sync import cli
from desktop_sync.app.paths import journal_path
from desktop_sync.engine.events import Health, Progress, SyncEvent
from desktop_sync.state.journal import Journal, JournalError
from desktop_sync.state.schema import SCHEMA_VERSION
from tests.harness import minute_ago
from tests.reliability.rig import Rig

VERSIONS = Path(__file__).parent / "journal_versions"


def _fixture_versions() -> list[int]:
    return sorted(
        int(m.group(1)) for p in VERSIONS.glob("v*.sql") if (m := re.match(r"v(\d+)", p.stem))
    )


def _journal_at(version: int, path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript((VERSIONS / f"v{version}.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


def test_journal_is_in_wal_mode_so_the_window_reads_while_the_sync_writes(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.add_event(datetime.now(UTC), "info", "system", "Started.")
        reader = sqlite3.connect(path)
        try:
            assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            # A reader sees committed rows while the writer's connection stays open.
            assert reader.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1
        finally:
            reader.close()


def test_every_schema_version_has_a_fixture_to_migrate_from() -> None:
    # A new schema version must add tests/reliability/journal_versions/v<N>.sql, a journal as
    # that version's app left it, so its upgrade is tested like every earlier one.
    assert set(range(SCHEMA_VERSION + 1)) <= set(_fixture_versions())


@pytest.mark.parametrize("version", [v for v in _fixture_versions() if v <= SCHEMA_VERSION])
def test_journal_of_each_earlier_version_opens_migrated_with_its_rows(
    version: int, tmp_path: Path
) -> None:
    path = _journal_at(version, tmp_path / f"v{version}.sqlite3")
    with Journal(path) as journal:
        assert journal.previous_schema == version
        if version >= 1:  # the rows the fixture holds are all still there and readable
            sent = journal.get_order("218")
            assert sent is not None and (sent.state, sent.orderdesk_order_id) == ("sent", "7001")
            assert journal.orders_in_state("failed")[0].last_error.startswith("Order 219")
            shipment = journal.get_shipment("9001")
            assert shipment is not None and shipment.lines == (("1", 2),)
            assert journal.get_cursor("push") == datetime(2024, 3, 6, 12, tzinfo=UTC)
            assert journal.events_page(0, 10)[0].message == "Sent to Order Desk."
        # and the migrated journal takes new writes
        assert journal.record_order_seen("300", "300", datetime.now(UTC), datetime.now(UTC))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_journal_from_a_newer_app_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(JournalError, match=r"newer version of the app.*update the app"):
        Journal(path)


def _damaged_journal() -> Path:
    """The profile's journal with real rows, then cut in half (a crash mid-copy, a bad disk)."""
    path = journal_path()
    with Journal(path) as journal:
        for n in range(2000):
            journal.record_order_seen(str(n), str(n), datetime.now(UTC), datetime.now(UTC))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def test_damaged_journal_is_detected_with_a_sentence_saying_how_to_rebuild(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _damaged_journal()
    with pytest.raises(JournalError) as caught:
        Journal(path)
    sentence = str(caught.value)
    assert "could not be opened" in sentence
    assert "remove the file to rebuild it from Order Desk" in sentence
    # The CLI says the same sentence, not a traceback, and exits as for a setup problem.
    for command in (["status"], ["retry", "--failed"], ["backfill", "--since", "2024-01-01"]):
        assert cli.main(command) == cli.EXIT_CONFIG
        err = capsys.readouterr().err
        assert "rebuild it from Order Desk" in err and "Traceback" not in err


def test_journal_damaged_inside_is_reported_by_the_cycle_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Rig() as rig:
        rig.place_orders(3, seed=61)
        engine = rig.engine(path, start_at=minute_ago())
        engine.run_cycle()
        engine.close()
        with Journal(path) as journal:  # enough rows to span many pages
            for n in range(1500):
                journal.add_event(datetime.now(UTC), "info", "system", f"Filler line {n}.")
        # Every page but the schema's (more than the first page since the orders view's
        # tables and search index sit beside the journal's).
        with closing(sqlite3.connect(path)) as conn:
            (size,) = conn.execute("PRAGMA page_size").fetchone()
            schema = {
                n
                for (n,) in conn.execute(
                    "SELECT pageno FROM dbstat WHERE name = ?", ("sqlite_schema",)
                )
            }
        data = bytearray(path.read_bytes())
        for number in range(1, len(data) // size + 1):
            if number not in schema:
                data[(number - 1) * size : number * size] = b"\xff" * size
        path.write_bytes(bytes(data))
        engine = rig.engine(path, start_at=minute_ago())  # opens: the damage is further in
        try:
            result = engine.run_cycle()
        finally:
            engine.close()
    assert result.health is Health.FAILING
    assert "could not be read" in result.message
    assert "rebuild it from Order Desk" in result.message


def test_deleted_journal_is_rebuilt_from_order_desk_without_any_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    start = minute_ago()
    with Rig() as rig:
        rig.place_orders(8, seed=62)
        engine = rig.engine(path, start_at=start)
        engine.run_cycle()
        rig.ship_some(5)
        rig.settle(engine)
        engine.close()
        for companion in tmp_path.glob("j.sqlite3*"):
            companion.unlink()
        rig.place_orders(2, seed=63)

        engine = rig.engine(path, start_at=start)
        try:
            result = engine.run_cycle()
            rig.settle(engine)
        finally:
            engine.close()
        assert result.push is not None and result.pull is not None
        assert (result.push.adopted, result.push.sent) == (8, 2)
        assert (result.pull.adopted, result.pull.fulfillments_created) == (5, 0)
        tally = rig.tally()
        assert (tally.duplicates, tally.losses) == (0, 0), tally


def test_full_disk_is_reported_by_the_cycle_and_nothing_is_lost_once_space_is_free(
    tmp_path: Path,
) -> None:
    heard: list[SyncEvent] = []
    with Rig() as rig:
        rig.place_orders(3, seed=64)
        engine = rig.engine(
            tmp_path / "j.sqlite3",
            start_at=minute_ago(),
            sink=lambda e: None if isinstance(e, Progress) else heard.append(e),
        )
        try:
            assert engine.run_cycle().health is Health.OK
            rig.place_orders(20, seed=65)
            # The disk fills up: SQLite may not grow the journal by a single page more.
            conn = engine.journal._conn
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
            with pytest.raises(JournalError, match="Free some disk space; nothing was lost"):
                while True:
                    engine.journal.add_event(datetime.now(UTC), "info", "system", "Filler.")
            full = engine.run_cycle()
            assert full.health is Health.FAILING
            assert "could not be written" in full.message and "database or disk is full" in (
                full.message
            )
            assert "Free some disk space" in full.message
            assert heard[-1].message == full.message  # the driver heard it too
            # Space is freed: the next cycles send everything, once.
            conn.execute("PRAGMA max_page_count = 1073741823")
            rig.settle(engine)
        finally:
            engine.close()
        tally = rig.tally()
        assert (tally.duplicates, tally.losses) == (0, 0), tally


def test_two_connections_opening_a_new_journal_at_once_both_open_it(tmp_path: Path) -> None:
    """The window and its reading thread open the same journal at the same moment on a first
    start: each migration step is taken by one of them; the other sees it done ("table orders
    already exists" before, which the window said as a damaged journal)."""
    import threading

    for attempt in range(20):
        path = tmp_path / f"journal-{attempt}.sqlite3"
        errors: list[BaseException] = []
        ready = threading.Barrier(3)  # the three open at the same moment

        def open_it(
            path: Path = path,
            errors: list[BaseException] = errors,
            ready: threading.Barrier = ready,
        ) -> None:
            ready.wait()
            try:
                Journal(path).close()
            except BaseException as exc:  # the test names what went wrong
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        with Journal(path) as journal:
            assert journal.counts().sent == 0
