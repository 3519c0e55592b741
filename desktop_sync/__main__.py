"""Allows ``python -m desktop_sync``."""

import sys

from desktop_sync.cli import main

sys.exit(main())
