"""Order Desk or the store out of reach for a while, or a key revoked: the cycle says so in
words (offline and retrying, or reconnect), and once things are back nothing is lost or doubled."""

from __future__ import annotations

from pathlib import Path

from desktop_sync.engine.events import Health
from tests.harness import minute_ago
from tests.reliability.rig import Rig


def _assert_once_each(rig: Rig) -> None:
    tally = rig.tally()
    assert not tally.duplicate_orders and not tally.lost_orders, tally
    assert not tally.duplicate_fulfillments and not tally.lost_fulfillments, tally


def test_order_desk_down_for_a_while_reads_offline_and_retrying_then_catches_up(
    tmp_path: Path,
) -> None:
    with Rig() as rig:
        rig.place_orders(5, seed=51)
        engine = rig.engine(tmp_path / "j.sqlite3", start_at=minute_ago())
        try:
            assert engine.run_cycle().health is Health.OK
            rig.ship_some(2)
            port = rig.orderdesk.port
            rig.orderdesk.stop()
            rig.place_orders(4, seed=52)
            for _ in range(3):  # a few cycles while it is away
                down = engine.run_cycle()
                assert down.health is Health.ORDERDESK_OFFLINE
                assert "retrying" in down.message and "nothing is lost" in down.message
                assert "Order Desk" in down.message
                rig.clock.skip()
            rig.orderdesk.start(port=port)
            rig.settle(engine)
            assert engine.run_cycle().health is Health.OK
        finally:
            engine.close()
        _assert_once_each(rig)
        assert rig.tally().shipments == 2


def test_store_down_for_a_while_reads_offline_and_retrying_then_catches_up(
    tmp_path: Path,
) -> None:
    with Rig() as rig:
        rig.place_orders(4, seed=53)
        engine = rig.engine(tmp_path / "j.sqlite3", start_at=minute_ago())
        try:
            assert engine.run_cycle().health is Health.OK
            rig.ship_some(3)  # tracking waits in Order Desk while the store is away
            store = rig.store.emulator
            port = store.port
            store.stop()
            down = engine.run_cycle()
            assert down.health is Health.STORE_OFFLINE
            assert "BigCommerce" in down.message and "retrying" in down.message
            assert down.pull is not None and down.pull.waiting == 3
            rig.clock.skip()
            store.start(port=port)
            rig.place_orders(3, seed=54)
            rig.settle(engine)
        finally:
            engine.close()
        _assert_once_each(rig)
        assert rig.tally().shipments == 3


def test_revoked_order_desk_key_stops_with_reconnect_then_resumes_on_the_new_key(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "j.sqlite3"
    start = minute_ago()
    with Rig() as rig:
        rig.place_orders(4, seed=55)
        engine = rig.engine(journal, start_at=start)
        try:
            assert engine.run_cycle().health is Health.OK
            rig.ship_some(2)
            rig.place_orders(3, seed=56)
            rig.orderdesk.set_credentials(rig.orderdesk.store_id, "rotated-key-after-revoke")
            refused = engine.run_cycle()
            assert refused.health is Health.ORDERDESK_AUTH
            assert "reconnect" in refused.message
            assert refused.pull is None  # the cycle stopped there
            again = engine.run_cycle()  # and stays stopped, sending nothing
            assert again.health is Health.ORDERDESK_AUTH
        finally:
            engine.close()
        assert len(rig.orderdesk.orders()) == 4
        # The merchant reconnects with the new key: a new engine on the same journal.
        engine = rig.engine(journal, start_at=start)
        try:
            rig.settle(engine)
            assert engine.run_cycle().health is Health.OK
        finally:
            engine.close()
        _assert_once_each(rig)
        assert rig.tally().shipments == 2


def test_revoked_store_token_reads_reconnect_and_sends_nothing(tmp_path: Path) -> None:
    with Rig() as rig:
        rig.place_orders(2, seed=57)
        engine = rig.engine(tmp_path / "j.sqlite3", start_at=minute_ago())
        try:
            assert engine.run_cycle().health is Health.OK
            rig.store.emulator.access_token = "a-new-token-after-revoke"
            rig.place_orders(2, seed=58)
            refused = engine.run_cycle()
        finally:
            engine.close()
        assert refused.health is Health.STORE_AUTH
        assert "reconnect" in refused.message and "BigCommerce" in refused.message
        assert len(rig.orderdesk.orders()) == 2
