"""desktop-sync: a desktop app that connects an online store to Order Desk."""

__version__ = "0.1.0"
APP_NAME = "desktop-sync"
APP_DISPLAY_NAME = "Desktop Sync for Order Desk"

__all__ = ["APP_DISPLAY_NAME", "APP_NAME", "__version__"]
