"""The Order Desk folder a store's new orders go to, checked against the folders Order Desk
lists (``GET /store``) before the first send of an engine, and again as soon as an order is
refused or filed in another folder: a folder deleted in Order Desk stops the store's sends
with a sentence (``FolderGone``), never sends them elsewhere while the window names it.

What Order Desk does with an order for a folder it no longer has is not documented: it may
refuse the order, or file it in its first folder. Either way the check after it finds the
folder gone; the check before the first send keeps an engine started after the deletion from
sending any order at all. A folder list that cannot be read is no sign of a deleted folder:
the push waits for the next sync (``Transient``). A folder chosen by name (an older version's
setting, or ``ORDERDESK_FOLDER``) is looked up the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from desktop_sync.connectors.errors import ORDERDESK, Transient
from desktop_sync.connectors.orderdesk.models import Folder, StoreInfo
from desktop_sync.engine.context import OrderDeskApi
from desktop_sync.engine.order_facts import folder_words
from desktop_sync.engine.whose_store import StoreHeld

__all__ = ["ChosenFolder", "FolderGone"]

# Order Desk's own rules may file a new order in another folder on arrival: once the list has
# shown the folder is still there, such orders do not make it read again for this long.
_TRUSTED_FOR = timedelta(minutes=10)


class FolderGone(StoreHeld):
    """Order Desk no longer lists the store's folder: nothing is sent for the store until the
    merchant chooses another (``str()`` says so in one sentence)."""


class ChosenFolder:
    """The chosen folder (an id, a name, or None: Order Desk's first folder)."""

    def __init__(
        self,
        orderdesk: OrderDeskApi,
        chosen: int | str | None,
        now: Callable[[], datetime],
        name: str = "",
        on_listed: Callable[[StoreInfo], None] | None = None,
    ) -> None:
        self.orderdesk = orderdesk
        self.now = now
        self.on_listed = on_listed
        """Hears Order Desk's folder list each time it is read (the app keeps it, to name
        folders and to say on the store's card when its folder is gone)."""
        self.chosen: int | str | None = chosen if chosen != "" else None
        self.name = name.strip() or (chosen if isinstance(chosen, str) else "")
        """How the merchant knows the folder (the settings' name for an id)."""
        self._listed: Folder | None = None
        self._still_there: datetime | None = None
        """When an order filed elsewhere last showed the folder still listed."""

    def folder_id(self) -> int | None:
        """The id to send an order with (None: Order Desk's first folder); Order Desk's list
        is read once first. Raises ``FolderGone``, or the connection's errors."""
        if self.chosen is None:
            return None
        if self._listed is None:
            self._look()
        return self._listed.id if self._listed is not None else None

    def words(self, folder_id: int) -> str:
        """How the journal keeps the folder an order was filed in: "Prepared (21655)"; its id
        alone when Order Desk filed it in another folder (named when shown)."""
        listed = self._listed
        return folder_words(listed.name if listed and listed.id == folder_id else None, folder_id)

    def filed_in(self, folder_id: int | None) -> None:
        """Order Desk filed an order in ``folder_id``: another folder than the chosen one
        means the chosen one may be gone, so the list is read again (``FolderGone``)."""
        if self._listed is None or not folder_id or folder_id == self._listed.id:
            return
        now = self.now()
        if self._still_there is not None and now - self._still_there < _TRUSTED_FOR:
            return
        self._look()
        self._still_there = now  # listed still: Order Desk's own rules filed it elsewhere

    def refused(self) -> None:
        """Order Desk refused an order: when it is for want of the folder, ``FolderGone``."""
        if self._listed is not None:
            self._look()

    def _look(self) -> None:
        self._listed = None
        info = self.orderdesk.store()
        if self.on_listed is not None:
            self.on_listed(info)
        if not info.folders:  # every Order Desk store has one: the reply was unreadable
            raise Transient(
                "Order Desk answered without its folder list, so no order is sent to a folder "
                "it may not have. The app will try again at the next sync.",
                service=ORDERDESK,
            )
        chosen = self.chosen
        found = info.folder_by_id(chosen) if isinstance(chosen, int) else None
        if isinstance(chosen, str):
            found = info.folder_named(chosen)
        if found is None:
            shown = f'"{self.name}"' if self.name else f"number {chosen}"
            raise FolderGone(
                f"Order Desk no longer has the folder {shown} this store's new orders go to, "
                "so none are sent; choose its folder in Settings > Stores."
            )
        self._listed = found
