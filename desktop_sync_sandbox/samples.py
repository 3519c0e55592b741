"""Platform-neutral sample orders for the store emulators: multi-line, variants, unicode
names, several countries. Seeded, so tests and the demo see the same shop every time.

Each store emulator turns a ``SampleOrder`` into its own platform's JSON shape.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

__all__ = ["SampleCustomer", "SampleLine", "SampleOrder", "generate_orders"]


@dataclass(frozen=True)
class SampleCustomer:
    first_name: str
    last_name: str
    company: str
    email: str
    phone: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    country_code: str
    country_name: str


@dataclass(frozen=True)
class SampleLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    options: tuple[tuple[str, str], ...]
    weight: Decimal


@dataclass(frozen=True)
class SampleOrder:
    customer: SampleCustomer
    lines: tuple[SampleLine, ...]
    shipping_method: str
    shipping_total: Decimal
    tax_total: Decimal
    discount_total: Decimal
    payment: str
    """One of: paid, authorized, pending, refunded, partially_refunded, voided."""
    created_at: datetime
    customer_note: str = ""

    @property
    def subtotal(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_total + self.tax_total - self.discount_total


_CUSTOMERS = (
    SampleCustomer(
        "Ana",
        "Silva",
        "",
        "ana.silva@example.com",
        "+1 512 555 0100",
        "123 Main St",
        "Apt 4",
        "Austin",
        "TX",
        "78701",
        "US",
        "United States",
    ),
    SampleCustomer(
        "Zoë",
        "Müller",
        "Müller & Söhne GmbH",
        "zoe.mueller@example.de",
        "+49 30 1234567",
        "Straße des 17. Juni 135",
        "",
        "Berlin",
        "BE",
        "10623",
        "DE",
        "Germany",
    ),
    SampleCustomer(
        "José",
        "Núñez",
        "",
        "jose.nunez@example.es",
        "+34 91 555 0101",
        "Calle de Alcalá 42",
        "2º izq.",
        "Madrid",
        "M",
        "28014",
        "ES",
        "Spain",
    ),
    SampleCustomer(
        "さくら",
        "山田",
        "",
        "sakura.yamada@example.jp",
        "+81 3-1234-5678",
        "千代田区丸の内1-1-1",
        "",
        "東京都",
        "13",
        "100-0005",
        "JP",
        "Japan",
    ),
    SampleCustomer(
        "Chloé",
        "Dubois",
        "Atelier Dubois",
        "chloe@example.fr",
        "+33 1 42 68 53 00",
        "12 Rue de Rivoli",
        "",
        "Paris",
        "IDF",
        "75004",
        "FR",
        "France",
    ),
    SampleCustomer(
        "Liam",
        "O'Brien",
        "",
        "liam.obrien@example.ie",
        "+353 1 555 0199",
        "7 Grafton Street",
        "",
        "Dublin",
        "D",
        "D02 XY45",
        "IE",
        "Ireland",
    ),
    SampleCustomer(
        "Priya",
        "Raghunathan",
        "",
        "priya.r@example.in",
        "+91 80 5555 0123",
        "14 MG Road",
        "Indiranagar",
        "Bengaluru",
        "KA",
        "560038",
        "IN",
        "India",
    ),
    SampleCustomer(
        "Noah",
        "Thompson",
        "Thompson Outdoor Co.",
        "noah@example.ca",
        "+1 604 555 0175",
        "1055 W Georgia St",
        "Suite 300",
        "Vancouver",
        "BC",
        "V6E 3P3",
        "CA",
        "Canada",
    ),
    SampleCustomer(
        "Åsa",
        "Lindqvist",
        "",
        "asa.lindqvist@example.se",
        "+46 8 555 012 34",
        "Drottninggatan 53",
        "",
        "Stockholm",
        "AB",
        "111 21",
        "SE",
        "Sweden",
    ),
    SampleCustomer(
        "Mia",
        "Kowalski",
        "",
        "mia.kowalski@example.com.au",
        "+61 2 5550 1234",
        "1 Macquarie St",
        "Level 2",
        "Sydney",
        "NSW",
        "2000",
        "AU",
        "Australia",
    ),
)

# (base SKU, name, unit price, weight, option axes)
_PRODUCTS: tuple[tuple[str, str, str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "TEE",
        "Logo Tee",
        "20.00",
        "0.40",
        (("Color", ("Black", "White", "Heather Grey")), ("Size", ("S", "M", "L", "XL"))),
    ),
    ("HOOD", "Zip Hoodie", "54.00", "0.90", (("Color", ("Navy", "Forest")), ("Size", ("M", "L")))),
    ("MUG", "Café Mug 350 ml", "14.50", "0.50", (("Glaze", ("Matte", "Gloss")),)),
    ("CAP", "Trucker Cap", "24.00", "0.20", (("Color", ("Black", "Sand")),)),
    ("TOTE", "Canvas Tote", "18.00", "0.30", ()),
    ("POSTER", "Poster — Mountains at Dawn", "12.00", "0.25", (("Size", ("A3", "A2")),)),
    ("SOCK", "Wool Socks (2 pairs)", "16.00", "0.15", (("Size", ("36–40", "41–45")),)),
    ("BOTTLE", "Steel Bottle 750 ml", "29.90", "0.45", (("Color", ("Silver", "Matte Black")),)),
)

_SHIPPING = (
    ("Flat Rate", "5.00"),
    ("UPS Ground", "9.50"),
    ("USPS Priority Mail", "8.70"),
    ("DHL Express International", "24.00"),
    ("Free Shipping", "0.00"),
)

_PAYMENTS = ("paid",) * 7 + ("authorized", "pending", "partially_refunded")


def _line(rng: random.Random) -> SampleLine:
    base, name, price, weight, axes = rng.choice(_PRODUCTS)
    options = tuple((axis, rng.choice(values)) for axis, values in axes)
    sku = "-".join([base, *(v.upper().replace(" ", "")[:4] for _, v in options)])
    return SampleLine(
        sku=sku,
        name=name,
        quantity=rng.choice((1, 1, 1, 2, 3)),
        unit_price=Decimal(price),
        options=options,
        weight=Decimal(weight),
    )


def generate_orders(
    count: int, *, seed: int = 42, start: datetime | None = None, spacing: timedelta | None = None
) -> list[SampleOrder]:
    """``count`` sample orders, created ``spacing`` apart from ``start`` (UTC)."""
    rng = random.Random(seed)
    start = start or datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    spacing = spacing or timedelta(minutes=7)
    orders: list[SampleOrder] = []
    for index in range(count):
        lines: list[SampleLine] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            line = _line(rng)
            if all(existing.sku != line.sku for existing in lines):
                lines.append(line)
        method, shipping = rng.choice(_SHIPPING)
        subtotal = sum((ln.unit_price * ln.quantity for ln in lines), Decimal(0))
        discount = Decimal("5.00") if subtotal > 60 and rng.random() < 0.3 else Decimal(0)
        tax = (subtotal * Decimal("0.08")).quantize(Decimal("0.01"))
        orders.append(
            SampleOrder(
                customer=rng.choice(_CUSTOMERS),
                lines=tuple(lines),
                shipping_method=method,
                shipping_total=Decimal(shipping),
                tax_total=tax,
                discount_total=discount,
                payment=rng.choice(_PAYMENTS),
                created_at=start + spacing * index,
                customer_note="Please gift wrap 🎁" if rng.random() < 0.1 else "",
            )
        )
    return orders
