"""Keys as they enter the app (pasted in the wizard, set in the environment, read from the
keyring), cleaned in this one place: a key never holds a space, a line break or an invisible
character, so those are copy-and-paste accidents and are removed; any other character a key
cannot hold is named (by position, never by value) in a sentence."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field

from desktop_sync.app.platforms import find_platform
from desktop_sync.connectors.errors import ORDERDESK, AuthError

__all__ = [
    "Credentials",
    "UnusableKey",
    "clean_credentials",
    "clean_key",
    "clean_orderdesk_key",
    "clean_store_key",
    "clean_text",
    "without_invisible",
]

log = logging.getLogger(__name__)


class UnusableKey(AuthError):
    """A key holds a character no key can hold; the sentence says which key and what to do."""


def _invisible(char: str) -> bool:
    # Cf: zero-width space and joiners, word joiner, byte-order mark, soft hyphen, direction marks.
    return char.isspace() or unicodedata.category(char) == "Cf"


def without_invisible(value: str) -> str:
    """``value`` without a space, a line break or an invisible character anywhere: a key as it
    is used (the wizard's key field shows it so)."""
    return "".join(c for c in value if not _invisible(c))


def clean_text(value: str) -> str:
    """A non-secret field (a store ID, an address): invisible characters removed anywhere,
    whitespace only at the ends (a name may hold a space)."""
    return "".join(c for c in value if c.isspace() or not _invisible(c)).strip()


def clean_key(value: str, *, what: str, where: str, service: str) -> str:
    """``value`` without whitespace or invisible characters; ``UnusableKey`` when what is left
    still holds a character outside printable ASCII (every platform's keys are plain ASCII).

    ``what`` names the key ("the Order Desk API key"), ``where`` says where to copy it from.
    """
    cleaned = without_invisible(value)
    if len(cleaned) != len(value) and value.strip():
        removed = len(value) - len(cleaned)
        log.info(
            "Removed %d space%s or invisible character%s from %s as it was entered.",
            removed,
            "s" if removed != 1 else "",
            "s" if removed != 1 else "",
            what,
        )
    for position, char in enumerate(cleaned, start=1):
        if not 0x21 <= ord(char) <= 0x7E:
            raise UnusableKey(
                f"{what[0].upper()}{what[1:]} holds a character no key has (character "
                f"{position} of {len(cleaned)} is not a plain letter, digit or sign, e.g. a "
                f"typographic quote or an accented letter). Copy the key again from {where} "
                "and paste it unchanged.",
                service=service,
            )
    return cleaned


@dataclass(frozen=True)
class Credentials:
    """The secrets of one profile (kept in the keyring or the environment, never in settings)."""

    orderdesk_api_key: str = field(default="", repr=False)
    store_key: str = field(default="", repr=False)
    store_secret: str = field(default="", repr=False)


def clean_orderdesk_key(value: str) -> str:
    return clean_key(
        value,
        what="the Order Desk API key",
        where="Order Desk (Store Settings > API)",
        service=ORDERDESK,
    )


def clean_store_key(platform: str, value: str, *, secret: bool = False) -> str:
    """The store's key (or, with ``secret``, its secret) for ``platform``, cleaned."""
    known = find_platform(platform)
    store = known.display_name if known else "store"
    return clean_key(
        value,
        what=f"the {store} {'secret' if secret else 'key'}",
        where=f"your {store} admin",
        service=store,
    )


def clean_credentials(platform: str, credentials: Credentials) -> Credentials:
    return Credentials(
        orderdesk_api_key=clean_orderdesk_key(credentials.orderdesk_api_key),
        store_key=clean_store_key(platform, credentials.store_key),
        store_secret=clean_store_key(platform, credentials.store_secret, secret=True),
    )
