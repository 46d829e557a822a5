"""Start the studio: ``space-studio`` with no arguments, or ``space-studio open FILE…``."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QSurfaceFormat
from PySide6.QtWidgets import QApplication


def _gl_format() -> None:
    fmt = QSurfaceFormat()
    fmt.setVersion(3, 3)
    fmt.setProfile(QSurfaceFormat.OpenGLContextProfile.CoreProfile)
    QSurfaceFormat.setDefaultFormat(fmt)


def run_studio(args: list[str]) -> int:
    """Open the window (files in ``args`` are opened: images, audio, projects) and run the event loop."""
    _gl_format()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("SPACE Studio")
    from app.action_guard import install_excepthook
    from app.main_window import StudioWindow

    data = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    window = StudioWindow(untitled_path=data / "untitled.space.json")
    window.auto_generate = True
    install_excepthook(lambda: app.activeWindow() or window)  # a slot's bug: a message box, not an exit
    window.show()
    window.offer_recovery()
    for path in args:
        window.open_any(path)
    return app.exec()
