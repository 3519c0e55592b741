"""The merchant's profile on this computer: paths, settings, keyring secrets, and their wiring."""
