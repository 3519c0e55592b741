"""The facade over a profile of several stores: one engine per store, and sync, status, retry
and backfill on every store or on one, each result with its per-store breakdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.profile import StoreNotFound
from desktop_sync.engine.events import Health, Progress
from desktop_sync.state.journal import Cursor
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import placed_earlier, save_stores


def test_one_sync_runs_every_store_and_says_what_each_did(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    saved = save_stores(
        orderdesk,
        [("Main shop", bigcommerce, ""), ("Wholesale", woo, "Prepared")],
        since=minute_ago(),
    )
    bigcommerce.add_orders(generate_orders(2, seed=41))
    woo.add_orders(generate_orders(3, seed=42))

    with DesktopSync(driver="sync") as app:
        cycle = app.sync_once()
        assert [(c.store, c.result.push.sent) for c in cycle.stores] == [  # type: ignore[union-attr]
            ("Main shop", 2),
            ("Wholesale", 3),
        ]
        assert cycle.result.health is Health.OK
        assert cycle.result.push is not None and cycle.result.push.sent == 5

        only = app.sync_once(store="wholesale")
        assert [c.store for c in only.stores] == ["Wholesale"]

        status = app.status()
        assert status.counts.sent == 5
        assert [(s.store, s.platform, s.folder, s.counts.sent) for s in status.stores] == [
            ("Main shop", "bigcommerce", "New", 2),
            ("Wholesale", "woocommerce", "Prepared", 3),
        ]
        assert app.status(store="Main shop").counts.sent == 2
        assert app.counts().sent == 5

    folders = {v: k for k, v in orderdesk.folder_ids().items()}
    by_source = {o["source_name"]: folders[int(o["folder_id"])] for o in orderdesk.orders()}
    assert by_source == {
        saved[0].order_desk_source_name: "New",
        saved[1].order_desk_source_name: "Prepared",
    }


def test_retry_and_backfill_act_on_every_store_or_on_one(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    first, second = save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=since
    )
    with DesktopSync(driver="backfill") as app:
        for store in (first, second):
            journal = app.journal.for_store(store.id)
            journal.record_order_seen("7", "100", since, since)
            journal.mark_failed("7", "No customer name.")
        assert app.retry(store="Wholesale") == 1
        assert app.retry() == 1  # the other store's, still failed
        assert app.retry("100") == 0

        one = app.backfill("2025-06-01", store="Main shop")
        assert (one.moved, [s.store for s in one.stores]) == (True, ["Main shop"])
        assert app.journal.for_store(first.id).get_cursor(Cursor.PUSH) == datetime(
            2025, 6, 1, tzinfo=UTC
        )
        assert app.journal.for_store(second.id).get_cursor(Cursor.PUSH) is None
        both = app.backfill("2025-09-01")
        assert [(s.store, s.moved) for s in both.stores] == [
            ("Main shop", False),  # already reaches further back
            ("Wholesale", True),
        ]
        with pytest.raises(StoreNotFound):
            app.retry(store="Outlet")


def test_the_windows_engine_runs_every_store_with_the_windows_profile_for_its_own(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    bigcommerce.add_orders(generate_orders(1, seed=43))
    woo.add_orders(generate_orders(2, seed=44))
    with DesktopSync(driver="window") as app:
        window_profile = app.load_profile()  # the first store, as the window loads it
        engine = app.engine_factory(window_profile)
        try:
            result = engine.run_cycle()
            assert result.push is not None and result.push.sent == 3
            assert engine.retry() == 0
        finally:
            engine.close()
        assert app.profile == window_profile


def test_progress_counts_are_the_whole_profiles_while_each_store_syncs(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    bigcommerce.add_orders(generate_orders(2, seed=45))
    woo.add_orders(generate_orders(2, seed=46))
    seen: list[Progress] = []
    with DesktopSync(driver="window") as app:
        app.sync_once(sink=lambda item: seen.append(item) if isinstance(item, Progress) else None)
    sent = [p.counts.sent for p in seen if p.counts is not None]
    # The second store's steps count on from the first store's two orders, never back to 0.
    assert sent == sorted(sent) and sent[-1] == 4
    assert max(p.counts.pending for p in seen if p.counts is not None) >= 2


def test_a_store_added_after_the_first_was_removed_never_takes_its_history(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    (first,) = save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    bigcommerce.add_orders(generate_orders(2, seed=47))
    with DesktopSync(driver="store add") as app:
        assert app.sync_once().result.push.sent == 2  # type: ignore[union-attr]
        app.remove_store("Main shop")
        env = woo.env()
        added = app.add_store(
            "woocommerce", env["STORE_URL"], env["STORE_KEY"], env["STORE_SECRET"], name="New"
        )
        assert added.id != first.id  # the removed store's rows stay its own
        woo.add_orders(generate_orders(2, seed=48))
        cycle = app.sync_once()
    assert cycle.result.push is not None and cycle.result.push.sent == 2


def test_a_profile_of_one_store_whose_keys_are_for_this_session_only_logs_no_store_left_out(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window's profile is the only store (the demo's, or keys kept for this session):
    no other store is left out, so the log must not say one is (nor ask for a keyring)."""
    import keyring
    import keyring.backends.fail

    from desktop_sync.app.profile import load_profiles

    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    (profile,) = load_profiles()
    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.fail.Keyring)
    with DesktopSync(driver="window") as app:
        engine = app.engine_factory(profile)
        try:
            assert [name for name, _ in engine.engines.engines] == ["Main shop"]
        finally:
            engine.engines.close()
    assert "is synced" not in caplog.text


def test_the_backfill_preview_counts_what_send_them_sends_in_every_store(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    """The window's "Also send orders placed since" shows a count before Send them: with two
    stores it is each store's, and together exactly what the backfill then sends."""
    hour = timedelta(hours=1)
    placed_earlier(bigcommerce, bigcommerce.add_orders(generate_orders(2, seed=95)), hour)
    older = woo.add_orders(generate_orders(3, seed=96))
    save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    since = minute_ago() - 2 * hour
    with DesktopSync(driver="window") as app:
        app.sync_once()  # the Wholesale orders (placed now) go out; Main shop's are older
        preview = app.preview_backfill(since)
        app.backfill(since)
        sent = app.sync_once()
    assert len(older) == 3 and len(orderdesk.orders()) == 5
    assert [(s.store, s.result.push.sent) for s in sent.stores] == [  # type: ignore[union-attr]
        ("Main shop", 2),
        ("Wholesale", 0),
    ]
    assert (preview.to_send, preview.already) == (2, 3), preview.sentence()
    assert preview.stores == (("Main shop", 2), ("Wholesale", 0))
    assert preview.sentence().startswith(
        "2 orders placed since " + f"{since.astimezone():%Y-%m-%d} would be sent "
        "(Main shop 2, Wholesale 0; 3 already in Order Desk or waiting)."
    ), preview.sentence()
