"""The SQLite journal: orders, shipments, cursors and the sync log. No Qt, no HTTP."""
