"""What every studio screenshot script needs: a virtual screen, a Qt application, and a wait
that keeps the event loop running (background models, repaints) until something is ready."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def under_xvfb(width: int, height: int) -> int | None:
    """Re-run the calling script on a virtual screen when there is no display; None when there is one."""
    if os.environ.get("DISPLAY"):
        return None
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {width}x{height}x24", sys.executable, *sys.argv]
    return subprocess.call(command)


def studio_application():  # noqa: ANN201
    """The QApplication the studio runs in (its GL format set first, the repo importable)."""
    sys.path.insert(0, str(REPO))
    from PySide6.QtWidgets import QApplication

    from app.studio_main import _gl_format

    _gl_format()
    return QApplication(sys.argv[:1])


def wait(app, seconds: float, until: Callable[[], bool] | None = None) -> None:  # noqa: ANN001
    """Process events for ``seconds``, or until ``until()`` is true."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (until is not None and until()):
        app.processEvents()
        time.sleep(0.02)
