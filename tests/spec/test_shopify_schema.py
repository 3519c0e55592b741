"""The Shopify connector held to Shopify's own published Admin schema (2025-07 and 2026-10):
every document it sends, with the variables it really sends, validates; the scopes it needs
are derived from the schema's ``requiredAccess`` for exactly the fields it selects; the pinned
version is inside Shopify's twelve-month support window."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from graphql import parse, validate
from graphql.execution.values import get_variable_values
from graphql.language import OperationDefinitionNode

from desktop_sync.app.wiring import platform_info
from desktop_sync.connectors.stores.base import FulfillmentLine, Tracking
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.shopify import (
    REQUIRED_SCOPES,
    SHOPIFY_API_VERSION,
    ShopifyConnector,
)
from desktop_sync_sandbox.shopify import ShopifyEmulator
from desktop_sync_sandbox.shopify_access import (
    AccessSchema,
    FieldRule,
    expand_granted,
    parse_required_access,
    satisfied,
)
from desktop_sync_sandbox.shopify_graphql import Field, parse_operation
from desktop_sync_sandbox.shopify_versions import end_of_support
from tests.contract.kit import FAST_BACKOFF
from tests.spec.shopify_schema import (
    VERSIONS,
    Recorder,
    Sent,
    access_schema,
    big_sample,
    documents,
    graphql_schema,
)

pytestmark = pytest.mark.spec

README = Path(__file__).resolve().parents[2] / "README.md"
UPS = Tracking("1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784")


@pytest.fixture(scope="module")
def traffic() -> Iterator[list[Sent]]:
    """Every request of a run that reaches each document: orders paged one at a time, an
    order of 60 lines (line items and fulfillment order lines past the first page), a
    fulfillment of 12 lines (its line items past the first page), 11 fulfillments on one
    order (past the first read of the plain list), a second tracking number, the scopes."""
    recorder = Recorder()
    schema = access_schema(SHOPIFY_API_VERSION)
    with ShopifyEmulator(time_scale=50.0, schema=schema) as shop:
        big = shop.add_order(big_sample(60))
        shop.add_sample_orders(2)
        connector = ShopifyConnector(
            shop.api_url,
            client_id=shop.client_id,
            client_secret=shop.client_secret,
            page_size=1,
            http=HttpSettings(backoff=FAST_BACKOFF, transport=recorder),
        )
        with connector:
            connector.backfill_notice(datetime.now(UTC) - timedelta(days=90))
            connector.verify()
            assert connector.identify().own_id == "gid://shopify/Shop/548380009"
            assert len(list(connector.iter_orders(datetime.now(UTC) - timedelta(hours=1)))) == 3
            order = connector.get_order(big)
            lines = [FulfillmentLine(line.id, line.quantity) for line in order.lines]
            first = connector.create_fulfillment(big, lines[:12], UPS)
            for n, line in enumerate(lines[12:22]):
                connector.create_fulfillment(big, [line], Tracking(f"9400{n:018d}", "USPS"))
            assert len(connector.list_fulfillments(big)) == 11
            connector.add_tracking(big, first, Tracking("1Z999AA10123456791", "UPS"))
    yield recorder.sent


@pytest.mark.parametrize("version", VERSIONS)
def test_every_document_the_connector_sends_is_valid_with_its_variables(
    traffic: list[Sent], version: str
) -> None:
    schema = graphql_schema(version)
    problems = []
    for sent in {(s.query, repr(sorted(s.variables.items()))): s for s in traffic}.values():
        document = parse(sent.query)
        errors = [e.message for e in validate(schema, document)]
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        coerced = get_variable_values(schema, operation.variable_definitions or (), sent.variables)
        if isinstance(coerced, list):
            errors += [e.message for e in coerced]
        if errors:
            name = operation.name.value if operation.name else "?"
            problems.append(f"{name} {sent.variables}: {errors}")
    assert problems == []


def test_the_run_reaches_every_document_the_connector_defines(traffic: list[Sent]) -> None:
    sent = {s.query for s in traffic}
    assert [name for name, text in documents() if text not in sent] == []


@pytest.mark.parametrize("version", VERSIONS)
def test_every_defined_document_validates(version: str) -> None:
    schema = graphql_schema(version)
    invalid = {
        name: [e.message for e in validate(schema, parse(text))] for name, text in documents()
    }
    assert {name: errors for name, errors in invalid.items() if errors} == {}


def selected_rules(schema: AccessSchema, text: str) -> list[tuple[str, FieldRule]]:
    """``Type.field`` and its access rule for every field ``text`` selects."""
    operation = parse_operation(text, {})
    root = schema.mutation_type if operation.kind == "mutation" else schema.query_type
    found: list[tuple[str, FieldRule]] = []

    def walk(type_name: str, fields: tuple[Field, ...]) -> None:
        for selected in fields:
            rule = schema.field(type_name, selected.name)
            assert rule is not None, f"{type_name}.{selected.name} is not in the schema"
            found.append((f"{type_name}.{selected.name}", rule))
            walk(rule.type_name, selected.selections)

    walk(root, operation.fields)
    return found


def needed(version: str) -> dict[str, FieldRule]:
    schema = access_schema(version)
    return {path: rule for _, text in documents() for path, rule in selected_rules(schema, text)}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_required_scopes_are_exactly_what_the_selected_fields_need(version: str) -> None:
    rules = needed(version)
    granted = expand_granted(REQUIRED_SCOPES)
    unmet = {
        path: rule.required_access
        for path, rule in rules.items()
        if not satisfied(rule.requirement, granted)
    }
    assert unmet == {}
    # ... and none of them could go: each is the only way to read some field.
    for scope in REQUIRED_SCOPES:
        fewer = expand_granted(s for s in REQUIRED_SCOPES if s != scope)
        lost = [p for p, rule in rules.items() if not satisfied(rule.requirement, fewer)]
        assert lost, f"{scope} is not needed by any field the connector selects"


@pytest.mark.parametrize("version", VERSIONS)
def test_read_products_and_read_locations_are_needed_for_variants_and_locations(
    version: str,
) -> None:
    rules = needed(version)
    without = expand_granted(s for s in REQUIRED_SCOPES if s not in ("read_products",))
    assert not satisfied(rules["LineItem.variant"].requirement, without)
    assert not satisfied(
        rules["FulfillmentOrderAssignedLocation.location"].requirement,
        expand_granted(s for s in REQUIRED_SCOPES if s != "read_locations"),
    )


def test_required_access_prose_reads_as_alternatives() -> None:
    assert parse_required_access(
        "`read_locations` access scope, `read_inventory` access scope or `read_markets_home` "
        "access scope."
    ) == (
        frozenset({"read_locations"}),
        frozenset({"read_inventory"}),
        frozenset({"read_markets_home"}),
    )
    assert parse_required_access(
        "`read_returns` access scope and (`read_orders` access scope or "
        "`read_marketplace_orders` access scope)."
    ) == (
        frozenset({"read_marketplace_orders", "read_returns"}),
        frozenset({"read_orders", "read_returns"}),
    )
    assert parse_required_access(
        "`read_customers` access scope. Also: Requires `read_customer_payment_methods` scope."
    ) == (frozenset({"read_customer_payment_methods", "read_customers"}),)
    assert parse_required_access(
        "`write_merchant_managed_fulfillment_orders` access scope. Also: The user must have "
        "fulfill_and_ship_orders permission."
    ) == (frozenset({"write_merchant_managed_fulfillment_orders"}),)


def _readme_shopify_scopes() -> list[str]:
    text = README.read_text(encoding="utf-8")
    paragraph = text[text.index("- **Shopify**") :].split("\n- **", 1)[0]
    listed = paragraph[paragraph.index("access scopes:") :].split(".", 1)[0]
    return re.findall(r"`((?:read|write)_[a-z_]+)`", listed)


def test_the_readme_and_the_wizard_name_exactly_the_required_scopes() -> None:
    assert sorted(_readme_shopify_scopes()) == sorted(REQUIRED_SCOPES)
    hints = " ".join((platform_info("shopify").key_hint, platform_info("shopify").secret_hint))
    assert sorted(re.findall(r"\b(?:read|write)_[a-z_]+", hints)) == sorted(REQUIRED_SCOPES)


def test_the_pinned_version_is_inside_shopifys_support_window_today() -> None:
    today = date.today()
    assert end_of_support(SHOPIFY_API_VERSION) > today, (
        f"Shopify stopped supporting {SHOPIFY_API_VERSION} on "
        f"{end_of_support(SHOPIFY_API_VERSION)}; pin a newer version (and add its schema)"
    )
    assert f"admin_{SHOPIFY_API_VERSION}" in " ".join(f"admin_{v}" for v in VERSIONS)
