"""No key leaks: not into any file under the profile home (settings, journal bytes, log export),
not to stdout or stderr, not into an error sentence, not into a DEBUG log; and no key is ever
sent over plain http:// except to this computer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_sync import cli
from desktop_sync.app.profile import Profile, save_profile
from desktop_sync.app.secrets import SecretStore
from desktop_sync.connectors.errors import ConnectorError
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.stores.base import FulfillmentLine, StoreConnector, Tracking
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.shopify import ShopifyConnector
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.shopify import ShopifyKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago, orderdesk_client
from tests.reliability.rig import Rig

ROTATED_KEY = "rotated-orderdesk-key-9d8c7b6a"


def _log_text(records: list[logging.LogRecord]) -> str:
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(repr(record.exc_info[1]))
    return "\n".join(parts)


def _assert_nowhere(secrets: list[str], **places: str | bytes) -> None:
    for secret in secrets:
        assert len(secret) >= 8
        for where, blob in places.items():
            needle: str | bytes = secret.encode() if isinstance(blob, bytes) else secret
            assert needle not in blob, f"a key was found in {where}"  # type: ignore[operator]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        for name in ("httpx", "httpcore", "desktop_sync"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        yield caplog
    for name in ("httpx", "httpcore", "desktop_sync"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_headless_sync_status_doctor_and_log_export_leave_no_key_anywhere(
    isolated_profile: Path,
    capsys: pytest.CaptureFixture[str],
    debug_logs: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    with Rig() as rig:
        orderdesk, store = rig.orderdesk, rig.store.emulator
        secrets = [orderdesk.api_key, store.access_token, ROTATED_KEY]
        # Set up as the wizard would: settings on disk, keys in the keyring.
        save_profile(
            Profile(
                orderdesk_store_id=orderdesk.store_id,
                orderdesk_api_key=orderdesk.api_key,
                orderdesk_api_url=orderdesk.api_url,
                store_platform="bigcommerce",
                store_url=store.api_url,
                store_key=store.access_token,
            ),
            SecretStore(),
        )
        rig.place_orders(4, seed=81)
        codes = [cli.main(["backfill", "--since", minute_ago().isoformat()])]
        codes.append(cli.main(["sync", "--once"]))
        rig.ship_some(2)
        codes.append(cli.main(["sync", "--once", "--json"]))
        codes += [cli.main(["status"]), cli.main(["status", "--json"]), cli.main(["doctor"])]
        assert codes == [0] * 6

        # Now make the error sentences happen: a refused key, an outage, a refused token.
        sentences: list[str] = []
        orderdesk.set_credentials(orderdesk.store_id, ROTATED_KEY)
        assert cli.main(["sync", "--once"]) == cli.EXIT_ORDERDESK_AUTH
        orderdesk.set_credentials(orderdesk.store_id, secrets[0])
        port = orderdesk.port
        orderdesk.stop()
        cli.main(["sync", "--once"])
        orderdesk.start(port=port)
        store.access_token = "another-token-that-is-wrong"
        assert cli.main(["sync", "--once"]) == cli.EXIT_STORE_AUTH
        store.access_token = secrets[1]
        for attempt in (
            lambda: orderdesk_client(orderdesk, api_key=ROTATED_KEY).test(),
            lambda: BigCommerceConnector(store.api_url, ROTATED_KEY).verify(),
        ):
            with pytest.raises(ConnectorError) as caught:
                attempt()
            sentences += [str(caught.value), repr(caught.value)]
        out, err = capsys.readouterr()
        assert "did not accept the Store ID and API Key" in err + out
        assert "could not connect to Order Desk" in err + out

        # The log export (the GUI's CSV export job, run here without a window).
        from desktop_sync.app.facade import DesktopSync
        from desktop_sync.gui.log_view import CsvExport

        export = isolated_profile / "exported-log.csv"
        with DesktopSync(driver="test", lock=False) as reader:
            CsvExport(reader, export, "", ()).run()
        assert export.read_text(encoding="utf-8").count("\n") > 10

    logs = _log_text(debug_logs.records)
    assert "'orderdesk-api-key': '***'" in logs  # the client's DEBUG line ran, redacted
    files = {str(p): p.read_bytes() for p in isolated_profile.rglob("*") if p.is_file()}
    assert any(name.endswith("journal.sqlite3") for name in files)
    assert any(name.endswith(".json") for name in files), "the settings file"
    _assert_nowhere(
        secrets,
        stdout=out,
        stderr=err,
        sentences="\n".join(sentences),
        logs=logs,
        **files,
    )


def _create_one_fulfillment(connector: StoreConnector) -> None:
    order = next(iter(connector.iter_orders(datetime.now(UTC) - timedelta(minutes=5))))
    line = order.lines[0]
    connector.create_fulfillment(
        order.id, [FulfillmentLine(line.id, line.quantity)], Tracking("1ZSECRETTEST01", "UPS")
    )
    connector.list_fulfillments(order.id)


def _exercise(good: StoreConnector, bad: StoreConnector) -> str:
    good.verify()
    _create_one_fulfillment(good)
    with pytest.raises(ConnectorError) as caught:
        bad.verify()
    return f"{caught.value} {caught.value!r}"


def test_store_connectors_log_no_secret_at_debug_level(
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    samples = generate_orders(2, seed=82)
    seen: dict[str, tuple[list[str], str]] = {}

    with Rig() as rig:
        rig.place_orders(2, seed=82)
        secret = rig.store.emulator.access_token
        sentence = _exercise(
            rig.connector(), BigCommerceConnector(rig.store.emulator.api_url, "x" * 20)
        )
        seen["bigcommerce"] = ([secret], sentence)

    woo = WooCommerceKit()
    woo.start()
    try:
        woo.add_orders(samples)
        em = woo.emulator
        in_query = WooCommerceConnector(
            em.api_url, em.consumer_key, em.consumer_secret, auth_in_query=True, min_interval=0
        )
        try:
            sentence = _exercise(woo.connector(), woo.bad_connector())
            in_query.verify()
            list(in_query.iter_orders(datetime.now(UTC) - timedelta(minutes=5)))
        finally:
            in_query.close()
        seen["woocommerce"] = ([em.consumer_key, em.consumer_secret], sentence)
    finally:
        woo.stop()

    shop = ShopifyKit()
    shop.start()
    try:
        shop.add_orders(samples)
        sentence = _exercise(shop.connector(), shop.bad_connector())
        # The access tokens the client-credentials grant handed out are secrets too.
        issued = list(shop.emulator.grant.issued)
        assert issued
        seen["shopify"] = ([shop.emulator.client_secret, *issued], sentence)
    finally:
        shop.stop()

    logs = _log_text(debug_logs.records)
    assert "HTTP Request" in logs  # httpx really logged at DEBUG/INFO
    for platform, (secrets, sentence) in seen.items():
        assert sentence.strip(), platform
        _assert_nowhere(secrets, logs=logs, sentence=sentence)


_REMOTES = ("http://shop.example.com", "http://10.0.0.5:8080", "http://127.0.0.1.example.com")
_LOCALS = ("http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080")


@pytest.mark.parametrize(
    ("build", "remotes", "secure"),
    [
        (
            lambda url: OrderDeskClient("1", "k" * 20, base_url=url + "/api/v2"),
            _REMOTES,
            "https://app.orderdesk.me",
        ),
        (
            lambda url: BigCommerceConnector(url + "/stores/abc123", "t" * 20),
            _REMOTES,
            "https://api.bigcommerce.com",
        ),
        (
            lambda url: WooCommerceConnector(url, "ck_" + "1" * 20, "cs_" + "2" * 20),
            _REMOTES,
            "https://shop.example.com",
        ),
    ],
    ids=["Order Desk", "BigCommerce", "WooCommerce"],
)
def test_every_connector_refuses_plain_http_except_to_this_computer(
    build: Callable[[str], Any], remotes: tuple[str, ...], secure: str
) -> None:
    for remote in remotes:
        with pytest.raises(ValueError, match="must start with https://"):
            build(remote)
    for local in _LOCALS:
        build(local).close()
    build(secure).close()


def test_shopify_sends_keys_only_over_https_or_to_this_computer() -> None:
    # Shopify takes only myshopify.com addresses, and reaches them over https whatever the
    # merchant typed; plain http is left for the local sandbox.
    connector = ShopifyConnector("http://my-store.myshopify.com", access_token="shpat_" + "3" * 20)
    assert connector.graphql.shop_url == "https://my-store.myshopify.com"
    connector.close()
    for remote in ("http://shop.example.com", "http://10.0.0.5:8080"):
        with pytest.raises(ValueError):
            ShopifyConnector(remote, access_token="shpat_" + "3" * 20)
    for local in _LOCALS:
        ShopifyConnector(local, access_token="shpat_" + "3" * 20).close()
