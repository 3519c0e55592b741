"""The frozen app's entry point: the same ``desktop-sync`` command as the installed package."""

import sys

from desktop_sync.cli import main

if __name__ == "__main__":
    sys.exit(main())
