"""The platform registry: each platform's facts in one entry, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import Settings
from desktop_sync.app.wiring import make_store_connector
from desktop_sync.engine.mapping import (
    MAX_SOURCE_NAME_LENGTH,
    platform_display_name,
    source_name_for,
)
from desktop_sync.platforms import NAMES, PLATFORMS, UnknownPlatform, find_platform, get_platform

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
    finally:
        connector.close()


def test_the_default_statuses_are_the_settings_default_and_reach_the_connector() -> None:
    woo = get_platform("woocommerce")
    assert Settings().woocommerce_statuses == woo.default_statuses == ("processing", "on-hold")
    connector = woo.connector(URLS["woocommerce"], "ck_x", "cs_y")
    try:
        assert connector.statuses == woo.default_statuses  # type: ignore[attr-defined]
    finally:
        connector.close()


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
        assert holders == ["platforms.py"], holders
