"""Fixtures of the multi-store tests: one Order Desk emulator (``orderdesk``) and store kits of
each platform (``woo``, and ``bigcommerce``: the engine tests' ``store``), each on 127.0.0.1 on
a free port, stopped after the test."""

from __future__ import annotations

from tests.engine import conftest as engine_fixtures

orderdesk = engine_fixtures.orderdesk
woo = engine_fixtures.woo
bigcommerce = engine_fixtures.store
