"""Local emulators of Order Desk and of the store platforms, for demo mode and tests."""
