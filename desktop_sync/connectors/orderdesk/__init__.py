"""connectors/orderdesk."""
