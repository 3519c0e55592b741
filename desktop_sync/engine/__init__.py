"""The sync engine: push store orders to Order Desk, pull shipments back. No Qt here."""
