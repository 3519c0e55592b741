"""The ``desktop-sync`` command: the GUI by default, and headless subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from desktop_sync import APP_DISPLAY_NAME, __version__

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="desktop-sync", description=APP_DISPLAY_NAME)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    return 0
