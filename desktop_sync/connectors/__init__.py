"""Connectors: typed HTTP clients for Order Desk and for each store platform."""
