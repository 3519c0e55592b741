"""The GraphQL Admin API documents the Shopify connector sends, sized to stay under Shopify's
1,000-point cap per query (objects cost 1, connections 2 + ``first`` x node cost).
"""

from __future__ import annotations

__all__ = [
    "FULFILLMENTS",
    "FULFILLMENT_CREATE",
    "FULFILLMENT_LINE_ITEMS",
    "FULFILLMENT_ORDERS",
    "FULFILLMENT_ORDER_LINE_ITEMS",
    "IDENTIFY",
    "LINE_ITEMS_PER_ORDER",
    "ORDER",
    "ORDERS",
    "ORDER_LINE_ITEMS",
    "SCOPES",
    "TRACKING_UPDATE",
    "VERIFY",
]

LINE_ITEMS_PER_ORDER = 20

# The newest order tells whether Shopify lets the app read customers' protected fields.
VERIFY = """
query VerifyShop {
  shop { id name myshopifyDomain currencyCode ianaTimezone }
  currentAppInstallation { accessScopes { handle } }
  orders(first: 1, sortKey: CREATED_AT, reverse: true) {
    nodes { email shippingAddress { firstName lastName address1 zip city countryCodeV2 } }
  }
}
"""

IDENTIFY = """
query Shop {
  shop { id name myshopifyDomain currencyCode ianaTimezone }
}
"""

SCOPES = """
query GrantedScopes {
  currentAppInstallation { accessScopes { handle } }
}
"""

_ADDRESS = (
    "{ firstName lastName company address1 address2 city province provinceCode zip "
    "countryCodeV2 country phone }"
)
_MONEY = "{ shopMoney { amount } }"
# Every discount is allocated to a line or a shipping line (line, order and shipping
# discounts alike), and each carries its tax lines: what a tax-inclusive shop needs to state
# its prices before tax.
_LINE_ITEM = (
    "id sku title quantity currentQuantity requiresShipping "
    f"originalUnitPriceSet {_MONEY} variant {{ selectedOptions {{ name value }} }} "
    f"discountAllocations {{ allocatedAmountSet {_MONEY} }} taxLines {{ priceSet {_MONEY} }}"
)
# Weight would cost two more objects per line (variant > inventoryItem > measurement); it is
# left out so a page of orders stays affordable.
_ORDER = f"""
id name email note createdAt updatedAt cancelledAt
displayFinancialStatus displayFulfillmentStatus currencyCode
shippingAddress {_ADDRESS}
billingAddress {_ADDRESS}
taxesIncluded
shippingLine {{ title }}
shippingLines(first: 5) {{
  nodes {{
    originalPriceSet {_MONEY}
    discountAllocations {{ allocatedAmountSet {_MONEY} }}
    taxLines {{ priceSet {_MONEY} }}
  }}
}}
totalTaxSet {_MONEY}
originalTotalDutiesSet {_MONEY}
originalTotalAdditionalFeesSet {_MONEY}
totalPriceSet {_MONEY}
lineItems(first: {LINE_ITEMS_PER_ORDER}) {{
  pageInfo {{ hasNextPage endCursor }}
  nodes {{ {_LINE_ITEM} }}
}}
"""

ORDERS = f"""
query OrdersSince($first: Int!, $after: String, $q: String!) {{
  orders(first: $first, after: $after, query: $q, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {_ORDER} }}
  }}
}}
"""

ORDER = f"""
query Order($id: ID!) {{
  order(id: $id) {{ {_ORDER} }}
}}
"""

ORDER_LINE_ITEMS = f"""
query OrderLineItems($id: ID!, $after: String) {{
  order(id: $id) {{
    lineItems(first: 75, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {_LINE_ITEM} }}
    }}
  }}
}}
"""

_FO_LINE = "id remainingQuantity lineItem { id sku }"

FULFILLMENT_ORDERS = f"""
query FulfillmentOrders($id: ID!, $after: String) {{
  order(id: $id) {{
    id name
    fulfillmentOrders(first: 5, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        id status
        supportedActions {{ action }}
        assignedLocation {{ name location {{ id }} }}
        lineItems(first: 50) {{
          pageInfo {{ hasNextPage endCursor }}
          nodes {{ {_FO_LINE} }}
        }}
      }}
    }}
  }}
}}
"""

FULFILLMENT_ORDER_LINE_ITEMS = f"""
query FulfillmentOrderLineItems($id: ID!, $after: String) {{
  fulfillmentOrder(id: $id) {{
    lineItems(first: 200, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {_FO_LINE} }}
    }}
  }}
}}
"""

_FULFILLMENT = """
id status
trackingInfo(first: 10) { company number url }
fulfillmentLineItems(first: 10) {
  pageInfo { hasNextPage endCursor }
  nodes { quantity lineItem { id } }
}
"""

# ``Order.fulfillments`` is a plain list (no cursor): ``fulfillmentsCount`` (cancelled ones
# included, as in the list) says whether ``first`` covered them all.
FULFILLMENTS = f"""
query Fulfillments($id: ID!, $first: Int!) {{
  order(id: $id) {{
    name
    fulfillmentsCount {{ count }}
    fulfillments(first: $first) {{ {_FULFILLMENT} }}
  }}
}}
"""

FULFILLMENT_LINE_ITEMS = """
query FulfillmentLineItems($id: ID!, $after: String) {
  fulfillment(id: $id) {
    fulfillmentLineItems(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { quantity lineItem { id } }
    }
  }
}
"""

FULFILLMENT_CREATE = f"""
mutation Ship($fulfillment: FulfillmentInput!) {{
  fulfillmentCreate(fulfillment: $fulfillment) {{
    fulfillment {{ {_FULFILLMENT} }}
    userErrors {{ field message }}
  }}
}}
"""

TRACKING_UPDATE = f"""
mutation AddTracking(
  $fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean
) {{
  fulfillmentTrackingInfoUpdate(
    fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput,
    notifyCustomer: $notifyCustomer
  ) {{
    fulfillment {{ {_FULFILLMENT} }}
    userErrors {{ field message }}
  }}
}}
"""
