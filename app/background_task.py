"""Run one blocking call off the UI thread behind a busy dialog with Cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from core.errors import SpaceStudioError


class BackgroundTask(QThread):
    """Calls ``fn()``; ``result`` or ``error`` (a user-facing message) once finished."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.result: Any = None
        self.error: str | None = None
        self.cancelled = False

    def run(self) -> None:
        try:
            self.result = self.fn()
        except SpaceStudioError as e:
            self.error = str(e)


def run_in_background(parent: QWidget, title: str, fn: Callable[[], Any], done: Callable[[Any], None],
                      on_error: Callable[[str], None] | None = None) -> BackgroundTask:
    """Start ``fn`` in a thread; ``done(result)`` runs on the UI thread unless cancelled or failed.

    A SpaceStudioError goes to ``on_error`` (default: a message box)."""
    task = BackgroundTask(fn)
    busy = QProgressDialog(title, "Cancel", 0, 0, parent)
    busy.setWindowTitle(title)
    busy.setMinimumDuration(300)
    busy.canceled.connect(lambda: setattr(task, "cancelled", True))

    def finished() -> None:
        busy.reset()
        if task.cancelled:
            return
        if task.error and on_error is not None:
            on_error(task.error)
        elif task.error:
            QMessageBox.warning(parent, title, task.error)
        else:
            done(task.result)

    task.finished.connect(finished)
    task.start()
    parent._tasks = [t for t in getattr(parent, "_tasks", []) if t.isRunning()] + [task]  # keep alive
    return task
