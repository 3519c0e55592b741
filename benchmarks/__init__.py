"""Benchmarks: how close a sync runs to Order Desk's rate limit, and what an idle engine costs."""
