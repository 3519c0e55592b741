"""The root of every error a merchant can meet: a short ``title`` and one ``message`` sentence.

Every layer raises a subclass of ``DesktopSyncError`` for trouble a merchant should read about
(the connectors' typed errors, a stopped sync, ...); the edge (window, tray, command line, log)
shows ``str(error)``, which is the sentence: what happened and what to do next. A bare
``ValueError`` never carries such a sentence. Secrets never appear in either part.
"""

from __future__ import annotations

__all__ = ["DesktopSyncError"]


class DesktopSyncError(Exception):
    """An error with words for a merchant: ``title`` (a few words, for a heading or a
    notification) and ``message`` (the sentence), in the spirit of Maestral's
    ``MaestralApiError(title, message)``."""

    title = "Desktop Sync"
    """The class's default heading; an instance may carry its own."""

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message
