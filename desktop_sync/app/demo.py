"""The demo's profile: the app pointed at the built-in sandbox (``desktop-sync --demo``).

The emulators live beside the app (``desktop_sync_sandbox``) and know nothing of it; this is
where the app starts them and turns their URLs and keys into a profile of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_sync.app.profile import Profile

if TYPE_CHECKING:
    from desktop_sync_sandbox.demo import DemoSandbox

__all__ = ["DEMO_INTERVAL_SECONDS", "DEMO_STORE_NAME", "demo_profile", "start_demo"]

DEMO_INTERVAL_SECONDS = 15
"""Push and pull every 15 s in the demo, so a new order or a shipment shows up while one looks."""

DEMO_STORE_NAME = "Sandbox store"
"""What the demo's store is called in the Orders tab and its filter (not its loopback address)."""


def start_demo(platform: str) -> tuple[DemoSandbox, Profile]:
    """The sandbox running (a store speaking ``platform``, sample orders placed), and the
    profile that syncs it."""
    from desktop_sync_sandbox.demo import DemoSandbox

    sandbox = DemoSandbox(platform=platform).start()
    return sandbox, demo_profile(sandbox)


def demo_profile(sandbox: DemoSandbox) -> Profile:
    """A profile on the sandbox's Order Desk and store, syncing orders from its start on."""
    return Profile(
        orderdesk_store_id=sandbox.orderdesk.store_id,
        orderdesk_api_key=sandbox.orderdesk.api_key,
        orderdesk_api_url=sandbox.orderdesk.api_url,
        orderdesk_folder_name="New",
        store_platform=sandbox.platform,
        store_name=DEMO_STORE_NAME,
        store_url=sandbox.store.api_url,
        store_key=sandbox.store_key,
        store_secret=sandbox.store_secret,
        push_interval_seconds=DEMO_INTERVAL_SECONDS,
        pull_interval_seconds=DEMO_INTERVAL_SECONDS,
        overlap_minutes=10,
        sync_since=sandbox.started_at,
    )
