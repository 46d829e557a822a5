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
    """Open the window (files in ``args`` are opened: images, audio, projects) and run the event loop.

    ``--export OUT --quit-when-done`` among ``args`` exports once the models are done and
    closes (app/studio_script.py); the exit code then says whether the export worked.
    """
    from app.studio_script import StudioScript, parse_studio_args

    options = parse_studio_args(args)
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
    if not options.scripted:  # a scripted run must not stop at the recovery question
        window.offer_recovery()
    for path in options.files:
        window.open_any(path)
    script = StudioScript(window, options) if options.scripted else None
    if script is not None:
        script.start()
    code = app.exec()
    return script.exit_code if script is not None else code
