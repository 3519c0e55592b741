"""The platform registry: each platform's facts in one entry, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_sync.app.platforms import (
    NAMES,
    PLATFORMS,
    UnknownPlatform,
    find_platform,
    get_platform,
    platform_display_name,
    send_rule_for,
    source_name_for,
)
from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import Settings
from desktop_sync.app.wiring import make_store_connector
from desktop_sync.engine.mapping import MAX_SOURCE_NAME_LENGTH, default_source_name

PACKAGE = Path(__file__).parents[2] / "desktop_sync"
URLS = {
    "bigcommerce": "abc123",
    "shopify": "demo.myshopify.com",
    "woocommerce": "https://shop.example.com",
}


def test_every_platform_has_one_entry_with_a_source_name_order_desk_accepts() -> None:
    assert sorted(p.name for p in PLATFORMS) == list(NAMES) == sorted(URLS)
    for platform in PLATFORMS:
        assert len(platform.source_name) <= MAX_SOURCE_NAME_LENGTH
        assert source_name_for(platform.name) == platform.source_name
        assert platform_display_name(platform.name) == platform.display_name
        assert find_platform(f" {platform.name.upper()} ") is platform


@pytest.mark.parametrize("name", sorted(URLS))
def test_the_registry_builds_each_platforms_connector(name: str) -> None:
    connector = make_store_connector(name, URLS[name], "key-0123456789", "secret-0123456789")
    try:
        assert (connector.platform, connector.display_name) == (
            name,
            get_platform(name).display_name,
        )
        # An engine handed no source name sends the registry's: it is made from the
        # connector's own name, the engine reading nothing of the registry.
        assert default_source_name(connector.display_name) == get_platform(name).source_name
    finally:
        connector.close()


def test_each_platforms_send_rule_is_its_entrys_and_the_connector_reads_every_status() -> None:
    for platform in PLATFORMS:
        assert send_rule_for(platform.name) is platform.send_rule
    woo = get_platform("woocommerce")
    assert woo.send_rule.sent == {"processing", "on-hold"}
    assert Settings().order_statuses == ()  # empty: the platform's rule
    connector = woo.connector(URLS["woocommerce"], "ck_x", "cs_y")
    try:
        # The engine must see an order cancelled after the push; the rule decides what goes.
        assert connector.statuses == ()  # type: ignore[attr-defined]
    finally:
        connector.close()


def test_a_woocommerce_choice_saved_under_its_older_name_is_kept(tmp_path: Path) -> None:
    from desktop_sync.app.settings import load_settings

    target = tmp_path / "settings.json"
    for platform, expected in (("woocommerce", ("processing",)), ("bigcommerce", ())):
        target.write_text(
            f'{{"store_platform": "{platform}", "woocommerce_statuses": ["processing"]}}',
            encoding="utf-8",
        )
        assert load_settings(target).order_statuses == expected
    assert Profile(woocommerce_statuses=["on-hold"]).order_statuses == ("on-hold",)


def test_the_secret_rule_decides_what_a_profile_needs() -> None:
    from desktop_sync.app.profile import ProfileIncomplete, load_profile

    for platform in PLATFORMS:
        env = {
            "ORDERDESK_STORE_ID": "1",
            "ORDERDESK_API_KEY": "od-key-123456",
            "STORE_PLATFORM": platform.name,
            "STORE_URL": URLS[platform.name],
            "STORE_KEY": "store-key-123456",
        }
        if platform.secret_required:
            with pytest.raises(ProfileIncomplete) as caught:
                load_profile(env)
            assert caught.value.missing == ("STORE_SECRET",)
        else:
            assert isinstance(load_profile(env), Profile)


def test_an_unknown_platform_is_named_in_a_sentence() -> None:
    with pytest.raises(UnknownPlatform, match=r"^'magento' is not a store platform this app"):
        get_platform("magento")


def test_each_platforms_source_name_is_written_in_the_registry_alone() -> None:
    for platform in PLATFORMS:
        holders = [
            str(path.relative_to(PACKAGE))
            for path in PACKAGE.rglob("*.py")
            if platform.source_name in path.read_text(encoding="utf-8")
        ]
        assert holders == ["app/platforms.py"], holders
