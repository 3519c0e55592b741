"""One error root: every error a merchant can read is a ``DesktopSyncError`` with a title and
its sentence (issue 11, item 8), in every layer."""

from __future__ import annotations

import pytest

from desktop_sync.app.autostart import StartAtLoginFailed
from desktop_sync.app.lock import ProfileBusy
from desktop_sync.app.profile import ProfileIncomplete
from desktop_sync.app.secrets import KeyringUnavailable
from desktop_sync.app.wiring import UnknownPlatform, platform_info
from desktop_sync.connectors.errors import Cancelled, ConnectorError, DuplicateOrder
from desktop_sync.engine.mapping import UnmappableOrder
from desktop_sync.errors import DesktopSyncError
from desktop_sync.state.journal import JournalError

MERCHANT_ERRORS = [
    ConnectorError,
    DuplicateOrder,
    Cancelled,
    JournalError,
    ProfileBusy,
    ProfileIncomplete,
    KeyringUnavailable,
    StartAtLoginFailed,
    UnmappableOrder,
    UnknownPlatform,
]


@pytest.mark.parametrize("kind", MERCHANT_ERRORS, ids=lambda kind: kind.__name__)
def test_every_merchant_error_has_the_one_root(kind: type[Exception]) -> None:
    assert issubclass(kind, DesktopSyncError)


def test_the_sentence_is_the_text_and_the_title_is_short() -> None:
    error = JournalError("The sync journal could not be written: disk full.")
    assert str(error) == error.message == "The sync journal could not be written: disk full."
    assert error.title == "Sync journal problem"
    assert DesktopSyncError("x", title="Heading").title == "Heading"


def test_an_unknown_platform_is_typed_and_says_which_ones_are_known() -> None:
    with pytest.raises(UnknownPlatform, match="use one of") as caught:
        platform_info("magento")
    assert isinstance(caught.value, DesktopSyncError)
