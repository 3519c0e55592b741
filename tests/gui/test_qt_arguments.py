"""Our own command line is ours: Qt must not read it (``--platform`` is also Qt's option)."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
sys.argv = ["desktop-sync", "--demo", "--platform", "shopify"]
from desktop_sync.gui.app import application
print(application().platformName())
"""


def test_the_demo_platform_flag_never_reaches_qt() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offscreen"
