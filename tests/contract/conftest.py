"""Runs the store contract suite once per platform kit found in ``tests/contract/kits/``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from tests.contract import kits
from tests.contract.kit import StoreKit


def _kit_modules() -> dict[str, ModuleType]:
    """Every kit module with a ``make_kit()``, by platform name."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(kits.__path__):
        module = importlib.import_module(f"{kits.__name__}.{info.name}")
        make_kit: Callable[[], StoreKit] | None = getattr(module, "make_kit", None)
        if callable(make_kit):
            # Building a kit only constructs its emulator (no socket), so reading the
            # platform name here is cheap.
            found[make_kit().platform] = module
    return found


KIT_MODULES = _kit_modules()


@pytest.fixture(params=sorted(KIT_MODULES), ids=str)
def kit(request: pytest.FixtureRequest) -> Iterator[StoreKit]:
    """A started kit with an empty store, stopped after the test."""
    built: StoreKit = KIT_MODULES[request.param].make_kit()
    built.start()
    try:
        yield built
    finally:
        built.stop()
