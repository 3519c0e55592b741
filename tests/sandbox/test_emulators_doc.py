"""docs/emulators.md names every switch of every emulator, so the page cannot fall behind.

The rule, read from the code: an emulator's switches are the keyword parameters of its
``__init__`` and the public attributes a freshly built instance has (the fault and behaviour
switches tests set while it runs, such as ``ignore_paging`` or ``redact_protected``). Each must
appear in a code span of that emulator's own section of the page; the base class's attributes
and every ``Fault`` value must appear in the page.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Emulator, Fault
from desktop_sync_sandbox.shopify import ShopifyEmulator
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator

PAGE = Path(__file__).resolve().parents[2] / "docs" / "emulators.md"
SECTIONS = {
    OrderDeskEmulator: "Order Desk",
    BigCommerceEmulator: "BigCommerce",
    ShopifyEmulator: "Shopify",
    WooCommerceEmulator: "WooCommerce",
}


def _public_attributes(emulator: Emulator) -> set[str]:
    return {name for name in vars(emulator) if not name.startswith("_")}


def switches(cls: type[Emulator]) -> set[str]:
    """The keyword parameters of ``cls.__init__`` and the public attributes of a new instance,
    less those every emulator has from the base class."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    keywords = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
    inherited = _public_attributes(Emulator())
    return (keywords | _public_attributes(cls())) - inherited


def section(heading: str) -> str:
    """The text under ``## heading`` up to the next second-level heading."""
    parts = re.split(r"^## ", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    found = [part for part in parts if part.split("\n", 1)[0].strip() == heading]
    assert found, f"docs/emulators.md has no '## {heading}' section"
    return found[0]


def code_of(text: str) -> list[str]:
    """The page's code: fenced blocks, then the inline code spans of the rest."""
    fence = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
    return fence.findall(text) + re.findall(r"`([^`]+)`", fence.sub("", text))


def named_in_code(name: str, text: str) -> bool:
    return any(re.search(rf"\b{re.escape(name)}\b", code) for code in code_of(text))


@pytest.mark.parametrize("cls", list(SECTIONS), ids=lambda cls: cls.__name__)
def test_every_switch_of_an_emulator_is_named_in_its_section(cls: type[Emulator]) -> None:
    text = section(SECTIONS[cls])
    missing = sorted(name for name in switches(cls) if not named_in_code(name, text))
    assert not missing, (
        f"docs/emulators.md, section '{SECTIONS[cls]}', does not name {cls.__name__}'s "
        f"{', '.join(missing)}: say what each does and which spec or source it models"
    )


def test_the_base_class_attributes_and_every_fault_are_named() -> None:
    text = PAGE.read_text(encoding="utf-8")
    wanted = _public_attributes(Emulator()) | {fault.value for fault in Fault} | {"delay"}
    missing = sorted(name for name in wanted if not named_in_code(name, text))
    assert not missing, f"docs/emulators.md does not name {', '.join(missing)}"


def test_the_rule_sees_the_switches_set_after_construction() -> None:
    # The switches tests flip on a running emulator are attributes, not keywords; the rule
    # must see them, or the page could drop them unnoticed.
    assert {"ignore_paging", "scopes"} <= switches(BigCommerceEmulator)
    assert {"redact_protected", "repeat_cursor", "schema"} <= switches(ShopifyEmulator)
    assert {"refused_methods", "ast", "custom_numbers"} <= switches(WooCommerceEmulator)
    assert {"firewall", "duplicate_message"} <= switches(OrderDeskEmulator)
