"""Each platform's refusals are one table (status or code -> kind + sentence) read by one
function; every sentence fills with what its platform passes and reads as a sentence."""

from __future__ import annotations

import pytest

from desktop_sync.connectors.errors import Ambiguous, AuthError, ConnectorError, Rejected, Transient
from desktop_sync.connectors.stores import bigcommerce, shopify_errors, woocommerce_http
from desktop_sync.connectors.stores.refusals import Refusal, Refusals, refuse

# What each platform passes when it raises (``_raise_for_status``, ``_check_status``, ...).
DETAILS = {
    "BigCommerce": {"scope": "Orders: modify", "reason": "Not found"},
    "Shopify": {
        "login_help": "Log in again.",
        "reason": "Access denied",
        "shop": "x",
        "denied": "D.",
    },
    "WooCommerce": {"reason": "Sorry", "said": "Sorry"},
}
TABLES = [
    bigcommerce._REFUSALS,
    shopify_errors.HTTP_REFUSALS,
    shopify_errors.GRAPHQL_REFUSALS,
    woocommerce_http.REFUSALS,
]


def entries(refusals: Refusals) -> list[tuple[int | str, Refusal]]:
    return [*refusals.table.items(), ("any other", refusals.other)]


@pytest.mark.parametrize("refusals", TABLES, ids=lambda r: r.service)
def test_every_entry_raises_its_kind_with_a_filled_sentence(refusals: Refusals) -> None:
    for key, refusal in entries(refusals):
        for write in (False, True):
            with pytest.raises(ConnectorError) as caught:
                refusals.refuse(key, DETAILS[refusals.service], write=write, status=418)
            expected = refusal.on_write if write and refusal.on_write else refusal
            assert type(caught.value) is expected.kind, key
            text = str(caught.value)
            assert "{" not in text and text.rstrip().endswith("."), (key, text)
            assert caught.value.service == refusals.service


def test_a_status_under_400_is_no_refusal_and_a_rejection_keeps_its_status() -> None:
    table = Refusals(
        "Store", {401: Refusal(AuthError, "Key refused.")}, Refusal(Rejected, "{status} no.")
    )
    refuse(table, 204)
    with pytest.raises(Rejected) as caught:
        refuse(table, 422)
    assert (caught.value.status_code, str(caught.value)) == (422, "422 no.")


def test_a_change_that_failed_inside_shopify_is_ambiguous_and_a_read_transient() -> None:
    internal = [{"message": "Oops", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    with pytest.raises(Ambiguous, match="while making the change"):
        shopify_errors.raise_errors(internal, write=True)
    with pytest.raises(Transient, match=r"internal error \(Oops\); the sync will try again"):
        shopify_errors.raise_errors(internal, write=False)
