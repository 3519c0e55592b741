"""connectors/stores."""
