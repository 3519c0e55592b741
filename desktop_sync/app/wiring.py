"""Wiring of one profile: the store platforms on offer, the verify calls the wizard makes, and
``build_engine`` that turns a ``Profile`` into a running ``SyncEngine``."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_sync.app.credentials import clean_orderdesk_key, clean_store_key, clean_text
from desktop_sync.app.folders import remember_folders
from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.platforms import (
    PLATFORMS,
    Platform,
    UnknownPlatform,
    get_platform,
    send_rule_for,
    source_name_for,
)
from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import load_settings
from desktop_sync.app.store_hold import held_for_another, release_hold, remembering_holds
from desktop_sync.app.store_identity import remember_identity
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.orderdesk.models import StoreInfo
from desktop_sync.connectors.stores.base import StoreConnector, StoreIdentity
from desktop_sync.engine.context import utc_now
from desktop_sync.engine.events import CycleResult, EventSink
from desktop_sync.engine.identity import ThisComputer
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.engine.whose_store import SavedIdentity
from desktop_sync.state.journal import Journal

__all__ = [
    "PLATFORMS",
    "PlatformInfo",
    "UnknownPlatform",
    "build_engine",
    "make_orderdesk_client",
    "make_store_connector",
    "platform_info",
    "verify_orderdesk",
    "verify_store",
]


PlatformInfo = Platform
"""What the wizard shows for one platform (the registry's entry, under its older name)."""


log = logging.getLogger(__name__)


def platform_info(name: str) -> Platform:
    return get_platform(name)


def make_store_connector(
    platform: str, url: str, key: str, secret: str = "", **options: Any
) -> StoreConnector:
    """The connector of ``platform``, built by its registry entry."""
    return get_platform(platform).connector(url, key, secret, **options)


def make_orderdesk_client(store_id: str, api_key: str, api_url: str) -> OrderDeskClient:
    return OrderDeskClient(store_id, api_key, base_url=api_url)


def verify_orderdesk(store_id: str, api_key: str, api_url: str) -> StoreInfo:
    """Order Desk's ``/test``, then its folder list; raises the client's typed errors (and
    ``UnusableKey`` for a pasted key no server could accept)."""
    key = clean_orderdesk_key(api_key)
    with make_orderdesk_client(clean_text(store_id), key, clean_text(api_url)) as client:
        client.test()
        return client.store()


def verify_store(platform: str, url: str, key: str, secret: str = "") -> StoreIdentity:
    """The store's own check of its credentials, cleaned as they enter."""
    connector = make_store_connector(
        platform,
        clean_text(url),
        clean_store_key(platform, key),
        clean_store_key(platform, secret, secret=True),
    )
    try:
        return connector.verify()
    finally:
        connector.close()


def _keep_folders(info: StoreInfo, *, settings_file: Path) -> None:
    """Keep the folder list the engine read; a settings file that cannot be written only
    leaves the names as they were (the engine goes on)."""
    try:
        remember_folders(info, settings_file)
    except OSError as exc:
        log.warning("Order Desk's folder names could not be kept: %s", exc)


def build_engine(
    profile: Profile,
    *,
    sink: EventSink | None = None,
    stop: threading.Event | None = None,
    journal_file: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
    on_cycle: Callable[[CycleResult], None] | None = None,
    settings_file: Path | None = None,
    this_computer: ThisComputer | None = None,
) -> SyncEngine:
    """A ready engine for ``profile``; call on the thread that will run it. The store's
    identity, first learned by the engine, is saved in ``settings_file`` (default: the
    profile's), and so is a hold for another computer, which the engine starts with (see
    ``app.store_hold``); ``this_computer`` names the installation in every order sent."""
    settings_file = settings_file or settings_path()
    # The hold as the file has it now: a profile read earlier (the window's) may predate it.
    saved = load_settings(settings_file, warn=lambda _: None).stores
    kept = next((s for s in saved if s.id == profile.store_id), profile.store)
    held = held_for_another(kept, this_computer.chosen if this_computer else 0)
    if kept.held and not held:  # the merchant chose this computer since
        release_hold(profile.store_id, settings_file=settings_file)
    journal = Journal(journal_file or journal_path(), store=profile.store_id)
    orderdesk = make_orderdesk_client(
        profile.orderdesk_store_id, profile.orderdesk_api_key, profile.orderdesk_api_url
    )
    try:
        store = make_store_connector(
            profile.store_platform,
            profile.store_url,
            profile.store_key,
            profile.store_secret,
        )
    except BaseException:
        orderdesk.close()
        journal.close()
        raise
    engine = SyncEngine(
        orderdesk=orderdesk,
        store=store,
        journal=journal,
        folder=profile.folder,
        folder_name=profile.orderdesk_folder_name,
        on_folders=functools.partial(_keep_folders, settings_file=settings_file or settings_path()),
        overlap=timedelta(minutes=profile.overlap_minutes),
        start_at=profile.sync_since,
        sink=sink,
        stop=stop,
        clock=clock,
        on_close=orderdesk.close,
        send_rule=send_rule_for(profile.store_platform, profile.order_statuses or None),
        source_name=profile.source_name or source_name_for(profile.store_platform),
        cancel_folder=profile.cancel_folder,
        on_cycle=remembering_holds(profile.store_id, settings_file, on_cycle),
        identity=SavedIdentity(profile.store.identity, profile.store.seen_as),
        on_identity=functools.partial(
            remember_identity, profile.store_id, settings_file=settings_file
        ),
        this_computer=this_computer,
    )
    engine.ctx.held = held
    return engine
