"""Both APIs misbehave at seeded random (5xx, timeouts after storing, dropped connections, HTML
error pages, invalid JSON, 429 bursts) while orders and shipments flow: every order still lands
once, every shipment becomes one fulfillment, and the log says what happened in words."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from desktop_sync.engine.events import Health, SyncEvent
from desktop_sync_sandbox.server import Fault
from tests.harness import minute_ago
from tests.reliability.rig import Rig

RATES = {
    Fault.SERVER_ERROR: 0.10,
    Fault.TIMEOUT_AFTER_STORE: 0.05,
    Fault.DROP_AFTER: 0.02,
    Fault.DROP_BEFORE: 0.02,
    Fault.BAD_GATEWAY_HTML: 0.02,
    Fault.INVALID_JSON: 0.02,
    Fault.RATE_LIMIT: 0.02,
}
# Words a merchant could not use: a Python traceback or the markup of a proxy's error page.
FORBIDDEN = ("Traceback", "<html", "<center", "</", "Exception:", "httpx.")


def run_soak(
    tmp_path: Path, *, orders: int, shipments: int, seed: int, timeout: float, max_cycles: int
) -> None:
    with Rig() as rig:
        start = minute_ago()
        rig.place_orders(orders, seed=seed)
        for offset, emulator in enumerate((rig.orderdesk, rig.store.emulator)):
            # A timeout fault answers well after the client has given up.
            emulator.faults.delay = timeout * 2.5
            emulator.faults.set_rates(RATES, seed=seed + offset)
        events: list[SyncEvent] = []
        healths: Counter[Health] = Counter()
        messages: set[str] = set()
        engine = rig.engine(
            tmp_path / "journal.sqlite3",
            start_at=start,
            timeout=timeout,
            store_timeout=timeout,
            sleep_scale=0.02,
            sink=lambda e: events.append(e) if isinstance(e, SyncEvent) else None,
        )
        try:
            for cycle in range(1, max_cycles + 1):
                if cycle % 4 == 0:  # a burst of 429s, as when another app empties the quota
                    rig.orderdesk.faults.inject(Fault.RATE_LIMIT, 6)
                    rig.store.emulator.faults.inject(Fault.RATE_LIMIT, 6)
                result = engine.run_cycle()
                healths[result.health] += 1
                if result.message:
                    messages.add(result.message)
                wanted = shipments - len(rig.tracking)
                if wanted > 0:
                    rig.ship_some(min(wanted, max(3, shipments // 5)))
                counts = engine.journal.counts()
                done = not counts.pending and not counts.shipments_pending
                if done and len(rig.tracking) == shipments and rig.all_seen(engine):
                    break
                rig.clock.skip()  # every back-off is now due
            else:
                pytest.fail(f"work left after {max_cycles} cycles: {engine.journal.counts()}")
            injected = Counter(rig.orderdesk.faults.injected) + Counter(
                rig.store.emulator.faults.injected
            )
            for emulator in (rig.orderdesk, rig.store.emulator):
                emulator.faults.clear()
            last = engine.run_cycle()
            journal_messages = [e.message for e in engine.journal.events_page(0, 1_000_000)]
        finally:
            engine.close()
        tally = rig.tally()
        print(
            f"\nsoak: cycles={cycle} faults_injected={sum(injected.values())} "
            f"({', '.join(f'{f.value}={n}' for f, n in sorted(injected.items(), key=str))}) "
            f"requests={rig.requests_seen()} healths={dict(healths)} {tally.line()}"
        )
        assert last.health is Health.OK and last.push and last.pull
        assert (last.push.sent, last.pull.fulfillments_created) == (0, 0)
        assert not tally.duplicate_orders, tally.duplicate_orders
        assert not tally.lost_orders, tally.lost_orders
        assert not tally.duplicate_fulfillments, tally.duplicate_fulfillments
        assert not tally.lost_fulfillments, tally.lost_fulfillments
        assert sum(injected.values()) >= orders // 2

        # The log tells the story in sentences a merchant can act on.
        text = "\n".join(journal_messages)
        assert "Will retry." in text
        assert "Desktop Sync will check Order Desk before sending it again." in text
        assert "Not sent again: found in Order Desk after an interrupted send." in text
        assert any("The app keeps retrying; nothing is lost." in m for m in messages)
        for message in [*journal_messages, *messages]:
            assert not any(word in message for word in FORBIDDEN), message
            assert message.strip() and message[0].isalnum(), message


def test_faults_on_both_sides_end_with_each_order_and_shipment_exactly_once(
    tmp_path: Path,
) -> None:
    run_soak(tmp_path, orders=80, shipments=30, seed=21, timeout=0.1, max_cycles=80)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_long_fault_soak_500_orders_200_shipments(tmp_path: Path) -> None:
    run_soak(tmp_path, orders=500, shipments=200, seed=22, timeout=1.2, max_cycles=400)
