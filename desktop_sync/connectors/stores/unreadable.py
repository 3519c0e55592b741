"""One rule for a store order the app cannot read, on every platform.

Such an order is never sent with made-up values (an epoch date, a zero total): a platform's
parser raises ``Unreadable`` for a value that makes no sense, and the connector yields
``unreadable_order(...)`` instead, with ``problem`` set to a sentence for the merchant. The
scan goes on to the orders after it; the engine fails just this order with the reason, where
the merchant sees it, and Retry reads it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop_sync.connectors.stores.base import PaymentState, StoreAddress, StoreOrder

__all__ = ["EPOCH", "Unreadable", "read_order", "strict_amount", "unreadable_order"]

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The date of an unreadable order whose own dates cannot be read: stable, so it is not taken
for changed at every scan, and never later than a real change (it cannot move a mark)."""

_DETAIL_LENGTH = 120


class Unreadable(ValueError):
    """A value in a store's order that makes no sense: ``field`` names it for the sentence."""

    def __init__(self, field: str, value: Any) -> None:
        shown = repr(value)
        if len(shown) > 40:
            shown = shown[:39] + "…"
        super().__init__(f"{field} is {shown}")
        self.field = field


def strict_amount(value: Any, field: str, *, absent: Decimal | None = None) -> Decimal:
    """A money amount or quantity as a finite ``Decimal``; ``Unreadable`` for anything else.
    ``absent`` is what a missing value (None) counts as; without it, missing is unreadable."""
    if value is None and absent is not None:
        return absent
    if value is None or isinstance(value, bool):
        raise Unreadable(field, value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Unreadable(field, value) from None
    if not number.is_finite():
        raise Unreadable(field, value)
    return number


def _moment(read_date: Callable[[Any], datetime | None], value: Any) -> datetime | None:
    try:
        return read_date(value)
    except ValueError:
        return None


def read_order(
    parse: Callable[[], StoreOrder],
    *,
    service: str,
    where: str,
    order_id: str,
    number: str,
    dates: tuple[Any, Any],
    read_date: Callable[[Any], datetime | None],
) -> StoreOrder:
    """``parse()``, or, when the platform's data makes no sense, the order as one that cannot
    be read (``unreadable_order``): the same data would fail the same way at every scan, so
    this one order is listed with its reason and the scan goes on."""
    try:
        return parse()
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return unreadable_order(
            service=service,
            where=where,
            order_id=order_id,
            number=number,
            error=error,
            dates=dates,
            read_date=read_date,
        )


def unreadable_order(
    *,
    service: str,
    where: str,
    order_id: str,
    number: str,
    error: Exception,
    dates: tuple[Any, Any] = (None, None),
    read_date: Callable[[Any], datetime | None] = lambda value: None,
) -> StoreOrder:
    """The order as one that cannot be read: its ids, its dates where they could be read, no
    lines and no amounts, and ``problem`` saying which order, what, and what to do.
    ``where`` is the place the merchant checks the order ("the BigCommerce control panel");
    ``dates`` are its raw created and modified values, read with ``read_date``."""
    log.warning("%s order %s could not be read: %s", service, number or order_id, error)
    created, updated = (_moment(read_date, value) for value in dates)
    if isinstance(error, ValueError):
        detail = str(error)
    elif isinstance(error, KeyError):
        detail = f"missing field {error}"
    else:
        detail = f"wrong field {error}"
    if len(detail) > _DETAIL_LENGTH:
        detail = detail[: _DETAIL_LENGTH - 1] + "…"
    created = created or EPOCH
    return StoreOrder(
        id=order_id,
        number=number or order_id,
        created_at=created,
        updated_at=updated or created,
        status="",
        payment_state=PaymentState.UNKNOWN,
        email="",
        shipping_address=StoreAddress(),
        billing_address=StoreAddress(),
        shipping_method="",
        lines=(),
        shipping_total=Decimal(0),
        tax_total=Decimal(0),
        discount_total=Decimal(0),
        order_total=Decimal(0),
        currency="",
        problem=(
            f"{service} order {number or order_id} has data the app cannot read ({detail}); "
            f"check the order in {where}, then press Retry."
        ),
    )
